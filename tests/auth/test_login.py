from sqlalchemy import select

from wijkmakers.auth.models import AuthToken, User
from wijkmakers.extensions import db
from wijkmakers.notifications.models import OutboxMessage

from ..factories import PASSWORD


def post_login(client, email, password, **extra):
    return client.post("/inloggen", data={"email": email, "password": password, **extra},
                       environ_base=extra.pop("environ_base", None) or {"REMOTE_ADDR": "10.0.0.1"})


def test_login_page_is_dutch_and_public(client):
    page = client.get("/inloggen")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'lang="nl"' in html and "Wachtwoord" in html and 'for="email"' in html


def test_login_succeeds_with_right_password_case_insensitive_email(client, make):
    user = make.user(email="sanne@example.org")
    response = post_login(client, "Sanne@Example.org ", PASSWORD)
    assert response.status_code == 302
    assert client.get("/").get_data(as_text=True).count(user.name) >= 1
    assert db.session.get(User, user.id).last_login_at is not None


def test_login_fails_with_wrong_password_and_unknown_account(client, make):
    make.user(email="sanne@example.org")
    for email, password in (("sanne@example.org", "wrong-password"), ("nobody@example.org", PASSWORD)):
        response = post_login(client, email, password)
        assert response.status_code == 422
        assert "horen niet bij elkaar" in response.get_data(as_text=True)
    assert client.get("/beheer/gebruikers").status_code == 302  # still anonymous


def test_inactive_account_cannot_log_in(client, make):
    make.user(email="oud@example.org", active=False)
    assert post_login(client, "oud@example.org", PASSWORD).status_code == 422


def test_open_redirect_is_refused(client, make):
    make.user(email="a@example.org")
    response = client.post("/inloggen?next=//evil.example/x", data={"email": "a@example.org", "password": PASSWORD})
    assert response.headers["Location"] == "/"


# Log-in limits (growing delay per account+address, caps per account and per address): test_throttle.py


def test_logout_needs_post_and_ends_session(client, make):
    make.user(email="a@example.org")
    post_login(client, "a@example.org", PASSWORD)
    assert client.get("/uitloggen").status_code == 405
    assert client.post("/uitloggen").status_code == 302
    assert client.get("/beheer/gebruikers").status_code == 302


def _reset_link() -> str:
    message = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert message is not None, "no reset mail in the outbox"
    line = next(line for line in message.body.splitlines() if "/wachtwoord-herstellen/" in line)
    return line.strip().replace("http://localhost", "")


def test_password_reset_by_mail_single_use(client, make, app):
    user = make.user(email="reset@example.org")
    response = client.post("/wachtwoord-vergeten", data={"email": "reset@example.org"})
    assert response.status_code == 302
    link = _reset_link()
    assert db.session.scalar(select(AuthToken.token_hash)) not in link  # only the hash is stored
    new = "een-nieuw-wachtwoord-42"
    assert client.get(link).status_code == 200
    assert client.post(link, data={"password": new, "confirm": new}).status_code == 302
    client.post("/uitloggen")
    assert client.post("/inloggen", data={"email": user.email, "password": new}).status_code == 302
    client.post("/uitloggen")
    # the same link a second time is refused
    again = client.post(link, data={"password": "nog-een-ander-wachtwoord", "confirm": "nog-een-ander-wachtwoord"})
    assert again.status_code == 410


def test_password_reset_token_expires(client, make, app, time_machine):
    make.user(email="laat@example.org")
    time_machine.move_to("2026-11-23 10:00:00+00:00", tick=False)
    client.post("/wachtwoord-vergeten", data={"email": "laat@example.org"})
    link = _reset_link()
    time_machine.move_to("2026-11-23 12:01:00+00:00", tick=False)  # two hours and a minute later
    assert client.get(link).status_code == 410
    assert "verlopen" in client.get(link).get_data(as_text=True)


def test_password_reset_for_unknown_address_reveals_nothing(client):
    response = client.post("/wachtwoord-vergeten", data={"email": "onbekend@example.org"}, follow_redirects=True)
    assert "Als dit e-mailadres bij ons bekend is" in response.get_data(as_text=True)
    assert db.session.scalar(select(OutboxMessage)) is None


def test_reset_rejects_short_and_mismatched_passwords(client, make):
    make.user(email="kort@example.org")
    client.post("/wachtwoord-vergeten", data={"email": "kort@example.org"})
    link = _reset_link()
    r = client.post(link, data={"password": "kort", "confirm": "kort"})
    assert "minstens 10 tekens" in r.get_data(as_text=True)
    r = client.post(link, data={"password": "lang-genoeg-wachtwoord", "confirm": "iets-anders-helemaal"})
    assert "niet gelijk" in r.get_data(as_text=True)


def test_session_cookie_flags(client, make):
    make.user(email="koek@example.org")
    response = post_login(client, "koek@example.org", PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
