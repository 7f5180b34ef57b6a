from sqlalchemy import select

from wijkmakers.auth.models import User
from wijkmakers.core.audit import AuditEvent
from wijkmakers.core.timeutil import utcnow
from wijkmakers.extensions import db

from ..conftest import login


def test_beheerder_lists_and_searches_users(client, make, login_as):
    login_as("beheerder")
    make.user(name="Zoekbare Zwaan", email="zwaan@example.org")
    page = client.get("/beheer/gebruikers?q=zwaan")
    assert page.status_code == 200 and "Zoekbare Zwaan" in page.get_data(as_text=True)


def test_the_user_search_matches_name_or_address_literally_and_leaves_out_erased_people(client, make, login_as):
    login_as("beheerder")
    make.user(name="Anna de Vries", email="anna@example.org")
    make.user(name="Bob 100% Bakker", email="bob_b@example.org")
    make.user(name="Erika Gewist", email="gewist@example.org", anonymised_at=utcnow())

    def found(q):
        body = client.get("/beheer/gebruikers", query_string={"q": q}).get_data(as_text=True)
        return {name for name in ("Anna de Vries", "Bob 100% Bakker", "Erika Gewist") if name in body}

    assert found("ANNA") == {"Anna de Vries"}
    assert found("bob_b@") == {"Bob 100% Bakker"}
    assert found("%") == {"Bob 100% Bakker"} and found("_") == {"Bob 100% Bakker"}  # not wildcards
    assert found("gewist") == set()
    assert found("x" * 500) == set()  # an overlong query is cut, not an error


def test_beheerder_changes_roles_and_it_is_audited(client, make, login_as):
    admin = login_as("beheerder")
    target = make.user(roles=("deelnemer",))
    response = client.post(f"/beheer/gebruikers/{target.id}", data={"roles": ["deelnemer", "organisator"]})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, target.id).role_keys == {"deelnemer", "organisator"}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "roles_changed"))
    assert event.actor_id == admin.id and event.object_id == target.id


def test_beheerder_cannot_remove_own_admin_role(client, login_as):
    admin = login_as("beheerder")
    response = client.post(f"/beheer/gebruikers/{admin.id}", data={"roles": ["deelnemer"]})
    assert response.status_code == 422
    assert "eigen beheerdersrol" in response.get_data(as_text=True)
    db.session.expire_all()
    assert "beheerder" in db.session.get(User, admin.id).role_keys


def test_other_roles_cannot_manage_users(client, make):
    target = make.user()
    for role in ("deelnemer", "organisator", "coordinator", "partnercontact", "begeleider"):
        user = make.user(roles=(role,))
        login(client, user)
        assert client.get("/beheer/gebruikers").status_code == 403
        assert client.post(f"/beheer/gebruikers/{target.id}", data={"roles": ["beheerder"]}).status_code == 403
    db.session.expire_all()
    assert db.session.get(User, target.id).role_keys == {"deelnemer"}


def test_unknown_user_gives_dutch_404(client, login_as):
    login_as("beheerder")
    response = client.get("/beheer/gebruikers/999999")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.get_data(as_text=True)
