"""Sessions that end: a per-person session version in every session and remember-me cookie, raised on
log-out, new password, reset, role change, block and erasure, so every copy of a cookie stops working on
every app server (issue 16, item 5)."""
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from wijkmakers import create_app
from wijkmakers.auth import services
from wijkmakers.auth.models import TOKEN_RESET, AuthToken, User
from wijkmakers.core.audit import AuditEvent
from wijkmakers.extensions import db
from wijkmakers.people import privacy

from ..conftest import _test_config, login, logout, outbox
from ..factories import PASSWORD

ADMIN_PAGE = "/beheer/gebruikers"


def post_login(client, email, password=PASSWORD, **extra):
    return client.post("/inloggen", data={"email": email, "password": password, **extra},
                       environ_base={"REMOTE_ADDR": "10.0.9.1"})


@pytest.fixture
def second_server(app, database_url):
    """A second app instance on the same database, as a second server behind a load balancer would be."""
    other = create_app(_test_config(database_url))
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def cookie(client, name):
    found = client.get_cookie(name)
    return found.value if found is not None else None


def signed_in(client) -> bool:
    return client.get(ADMIN_PAGE).status_code == 200


def reload(user) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def test_get_id_carries_the_session_version(make):
    user = make.user()
    assert user.get_id() == f"{user.id}:1"
    user.end_sessions()
    assert user.get_id() == f"{user.id}:2"


def test_copied_session_cookie_is_refused_after_log_out_on_a_second_server(client, make, second_server):
    make.user(email="beheer@example.org", roles=("beheerder",))
    assert post_login(client, "beheer@example.org").status_code == 302
    copied = cookie(client, "session")
    assert copied and signed_in(client)

    thief = second_server.test_client()
    thief.set_cookie("session", copied)
    assert thief.get(ADMIN_PAGE).status_code == 200  # before log-out the copy works on either server

    assert client.post("/uitloggen").status_code == 302
    assert not signed_in(client)
    refused = thief.get(ADMIN_PAGE)
    assert refused.status_code == 302 and "/inloggen" in refused.headers["Location"]


def test_copied_remember_me_cookie_is_refused_after_log_out_on_a_second_server(client, make, second_server):
    make.user(email="beheer@example.org", roles=("beheerder",))
    assert post_login(client, "beheer@example.org", remember="y").status_code == 302
    remembered = cookie(client, "remember_token")
    assert remembered

    before = second_server.test_client()
    before.set_cookie("remember_token", remembered)  # no session: the remember-me cookie alone logs in
    assert before.get(ADMIN_PAGE).status_code == 200

    client.post("/uitloggen")
    thief = second_server.test_client()
    thief.set_cookie("remember_token", remembered)
    assert thief.get(ADMIN_PAGE).status_code == 302


def test_remember_me_lasts_at_most_thirty_days(client, make, app):
    assert app.config["REMEMBER_COOKIE_DURATION"] <= timedelta(days=30)
    make.user(email="a@example.org")
    response = post_login(client, "a@example.org", remember="y")
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token="))
    expires = re.search(r"Expires=([^;]+)", header).group(1)
    from email.utils import parsedate_to_datetime

    from wijkmakers.core.timeutil import utcnow
    lasts = parsedate_to_datetime(expires).replace(tzinfo=None) - utcnow()
    assert timedelta(days=29) < lasts <= timedelta(days=30, minutes=1)
    assert "HttpOnly" in header


def test_a_session_from_before_the_version_is_refused(client, make):
    user = make.user(roles=("beheerder",))
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)  # the old format, a plain id: nobody
    assert not signed_in(client)
    for value in (f"{user.id}:0", f"{user.id}:2", f"{user.id}:", f":{user.id}", "x:1", f"{user.id}:1:1",
                  "9" * 40 + ":1"):
        with client.session_transaction() as session:
            session["_user_id"] = value
        assert not signed_in(client), value
    login(client, user)
    assert signed_in(client)


def test_log_out_ends_every_session_of_the_person(app, make):
    user = make.user(roles=("beheerder",))
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, user)
    login(phone, user)
    assert signed_in(phone)
    laptop.post("/uitloggen")
    logout(laptop)  # drop Flask-Login's cached user of this test's shared app context
    assert not signed_in(phone)
    assert reload(user).session_version == 2


def test_role_change_ends_the_sessions_of_that_person(client, app, make):
    person = make.user(roles=("beheerder", "deelnemer"))
    other = app.test_client()
    login(other, person)
    admin = make.user(roles=("beheerder",))
    login(client, admin)
    client.post(f"/beheer/gebruikers/{person.id}", data={"roles": ["deelnemer"]})
    assert reload(person).session_version == 2
    logout(client)
    assert other.get("/mijn-gegevens").status_code == 302


def test_role_change_without_change_keeps_sessions(client, make):
    person = make.user(roles=("deelnemer",))
    admin = make.user(roles=("beheerder",))
    login(client, admin)
    client.post(f"/beheer/gebruikers/{person.id}", data={"roles": ["deelnemer"]})
    assert reload(person).session_version == 1


def test_beheerder_changing_own_roles_stays_logged_in(client, make):
    admin = make.user(roles=("beheerder",))
    login(client, admin)
    response = client.post(f"/beheer/gebruikers/{admin.id}", data={"roles": ["beheerder", "organisator"]})
    assert response.status_code == 302
    assert reload(admin).session_version == 2
    assert signed_in(client)


def test_erasure_ends_sessions(client, app, make):
    person = make.user(roles=("beheerder",))
    theirs = app.test_client()
    login(theirs, person)
    coordinator = make.user(roles=("coordinator",))
    privacy.erase_person(reload(person), by=coordinator)
    assert reload(person).session_version == 2
    assert not signed_in(theirs)


def test_new_reset_link_invalidates_the_older_one(client, make):
    user = make.user(email="r@example.org")
    services.request_password_reset("r@example.org")
    first = re.search(r"/wachtwoord-herstellen/(\S+)", outbox("r@example.org")[-1].body).group(1)
    services.request_password_reset("r@example.org")
    second = re.search(r"/wachtwoord-herstellen/(\S+)", outbox("r@example.org")[-1].body).group(1)
    assert first != second
    assert client.get(f"/wachtwoord-herstellen/{first}").status_code == 410
    assert client.get(f"/wachtwoord-herstellen/{second}").status_code == 200
    assert db.session.scalar(select(AuthToken).where(AuthToken.user_id == user.id,
                                                     AuthToken.purpose == TOKEN_RESET)) is not None


def test_completed_reset_ends_other_sessions_and_logs_in_here(client, app, make):
    user = make.user(email="r@example.org", roles=("beheerder",))
    elsewhere = app.test_client()
    login(elsewhere, user)
    assert signed_in(elsewhere)
    services.request_password_reset("r@example.org")
    token = re.search(r"/wachtwoord-herstellen/(\S+)", outbox("r@example.org")[-1].body).group(1)
    response = client.post(f"/wachtwoord-herstellen/{token}",
                           data={"password": "een-nieuw-wachtwoord", "confirm": "een-nieuw-wachtwoord"})
    assert response.status_code == 302
    assert reload(user).session_version == 2
    assert signed_in(client)
    logout(client)
    assert not signed_in(elsewhere)
    assert client.get(f"/wachtwoord-herstellen/{token}").status_code == 410


def test_log_ins_failures_log_outs_and_resets_are_audited_without_secrets(client, make):
    user = make.user(email="audit@example.org", roles=("beheerder",))
    post_login(client, "audit@example.org", "verkeerd-wachtwoord")
    post_login(client, "niemand@example.org", "iets-anders-geheims")
    post_login(client, "audit@example.org")
    client.post("/uitloggen")
    client.post("/wachtwoord-vergeten", data={"email": "audit@example.org"})
    token = re.search(r"/wachtwoord-herstellen/(\S+)", outbox("audit@example.org")[-1].body).group(1)
    client.post(f"/wachtwoord-herstellen/{token}",
                data={"password": "een-nieuw-wachtwoord", "confirm": "een-nieuw-wachtwoord"})

    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    actions = [(e.action, e.actor_id, e.object_id) for e in events]
    assert actions == [
        ("login_failed", None, user.id),
        ("login_failed", None, None),  # no account: no id, and never the typed address
        ("login", user.id, user.id),
        ("logout", user.id, user.id),
        ("password_reset_requested", user.id, user.id),
        ("password_reset_completed", user.id, user.id),
    ]
    dumped = json.dumps([e.details for e in events])
    for secret in ("audit@example.org", "niemand@example.org", "verkeerd-wachtwoord", "iets-anders-geheims",
                   PASSWORD, "een-nieuw-wachtwoord", token):
        assert secret not in dumped
