"""Beheerders block and unblock accounts: no log-in, sessions end, no mail except the notice."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from wijkmakers.auth import blocking, services
from wijkmakers.auth.models import TOKEN_INVITE, AuthToken, User
from wijkmakers.core.audit import AuditEvent
from wijkmakers.core.errors import DomainError
from wijkmakers.core.transaction import run
from wijkmakers.extensions import db
from wijkmakers.notifications.compose import send
from wijkmakers.notifications.services import queue_mail

from ..conftest import login, logout, outbox
from ..factories import PASSWORD


def reload(user) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def post_login(client, email, password=PASSWORD):
    return client.post("/inloggen", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": "10.0.8.1"})


def test_beheerder_blocks_and_unblocks_on_the_user_page(client, app, make):
    person = make.user(email="geblokkeerd@example.org", name="Bram Blok")
    theirs = app.test_client()
    login(theirs, person)
    assert theirs.get("/mijn-gegevens").status_code == 200
    admin = make.user(roles=("beheerder",))
    login(client, admin)

    page = client.get(f"/beheer/gebruikers/{person.id}").get_data(as_text=True)
    assert "Account blokkeren" in page and f'action="/beheer/gebruikers/{person.id}/blokkeren"' in page
    response = client.post(f"/beheer/gebruikers/{person.id}/blokkeren")
    assert response.status_code == 302
    assert reload(person).blocked_at is not None and reload(person).session_version == 2
    page = client.get(f"/beheer/gebruikers/{person.id}").get_data(as_text=True)
    assert "Geblokkeerd" in page and "Account weer openen" in page
    assert "Geblokkeerd" in client.get("/beheer/gebruikers").get_data(as_text=True)

    notice = outbox("geblokkeerd@example.org")
    assert [m.subject for m in notice] == ["Je account bij Wijkmakers is geblokkeerd"]
    logout(client)
    assert theirs.get("/mijn-gegevens").status_code == 302  # their session ended

    login(client, admin)
    assert client.post(f"/beheer/gebruikers/{person.id}/deblokkeren").status_code == 302
    assert reload(person).blocked_at is None
    assert outbox("geblokkeerd@example.org")[-1].subject == "Je account bij Wijkmakers is weer open"
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == person.id,
                                                                 AuditEvent.actor_id == admin.id)).all()
    assert actions == ["account_blocked", "account_unblocked"]
    logout(client)
    assert post_login(client, "geblokkeerd@example.org").status_code == 302


def test_blocked_person_cannot_log_in_and_is_told_only_with_the_right_password(client, make):
    person = make.user(email="blok@example.org")
    run(blocking.block_user, person, make.user(roles=("beheerder",)))
    right = post_login(client, "blok@example.org")
    assert right.status_code == 422
    assert "Je account is geblokkeerd" in right.get_data(as_text=True)
    wrong = post_login(client, "blok@example.org", "niet-het-wachtwoord")
    assert wrong.status_code == 422
    assert "geblokkeerd" not in wrong.get_data(as_text=True)  # no hint for someone without the password
    assert "horen niet bij elkaar" in wrong.get_data(as_text=True)
    assert client.get("/mijn-gegevens").status_code == 302
    reasons = db.session.scalars(select(AuditEvent.details).where(AuditEvent.action == "login_failed")).all()
    assert [r["reason"] for r in reasons] == ["blocked", "wrong_password"]


def test_blocked_person_gets_no_mail_except_the_notice(app, make):
    person = make.user(email="stil@example.org")
    queue_mail("stil@example.org", "Eerder bericht", "nog niet verstuurd")
    db.session.commit()
    run(blocking.block_user, person, make.user(roles=("beheerder",)))
    assert [m.subject for m in outbox("stil@example.org")] == ["Je account bij Wijkmakers is geblokkeerd"]

    def try_mail():
        assert send(reload(person), "Herinnering", "auth/mail_unblocked.txt") is False
        assert queue_mail("STIL@example.org", "Direct bericht", "tekst") is None
        assert queue_mail("stil@example.org", "Toch", "tekst", always=True) is not None
        services.request_password_reset("stil@example.org")  # no reset link for a blocked account

    run(try_mail)
    assert [m.subject for m in outbox("stil@example.org")] == ["Je account bij Wijkmakers is geblokkeerd", "Toch"]
    assert queue_mail("ander@example.org", "Gewoon", "tekst") is not None  # others are not affected


def test_blocking_makes_outstanding_links_stop_working(client, make):
    person = make.user(email="link@example.org", password=False)
    token = run(services.issue_token, person, TOKEN_INVITE, timedelta(days=3))
    assert client.get(f"/uitnodiging/{token}").status_code == 200
    run(blocking.block_user, reload(person), make.user(roles=("beheerder",)))
    assert client.get(f"/uitnodiging/{token}").status_code == 410
    assert db.session.scalar(select(AuthToken).where(AuthToken.user_id == person.id)) is None


def test_rules_of_blocking(make):
    admin = make.user(roles=("beheerder",))
    with pytest.raises(DomainError, match="eigen account"):
        run(blocking.block_user, admin, admin)
    person = make.user()
    run(blocking.block_user, person, admin)
    with pytest.raises(DomainError, match="al geblokkeerd"):
        run(blocking.block_user, reload(person), admin)
    run(blocking.unblock_user, reload(person), admin)
    with pytest.raises(DomainError, match="niet geblokkeerd"):
        run(blocking.unblock_user, reload(person), admin)


@pytest.mark.parametrize("roles", [("deelnemer",), ("coordinator",), ("organisator",)])
def test_only_beheerders_block(client, make, roles):
    person = make.user()
    login(client, make.user(roles=roles))
    assert client.post(f"/beheer/gebruikers/{person.id}/blokkeren").status_code == 403
    assert client.post(f"/beheer/gebruikers/{person.id}/deblokkeren").status_code == 403
    assert reload(person).blocked_at is None


def test_blocking_an_erased_or_unknown_account_is_not_found(client, make):
    login(client, make.user(roles=("beheerder",)))
    erased = make.user(anonymised_at=datetime(2026, 1, 1))
    assert client.post(f"/beheer/gebruikers/{erased.id}/blokkeren").status_code == 404
    assert client.post("/beheer/gebruikers/999999/blokkeren").status_code == 404
