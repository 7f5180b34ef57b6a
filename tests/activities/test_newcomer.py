"""Newcomers sign up from the public agenda: an account on the way, confirmed by e-mail."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from wijkmakers.activities import signups
from wijkmakers.activities.models import REG_CONFIRMED, REG_WAITLISTED, NewcomerSignup, Registration
from wijkmakers.auth.models import AuthToken, User
from wijkmakers.core.timeutil import utcnow
from wijkmakers.extensions import db
from wijkmakers.organisations.models import Organisation

from ..conftest import outbox
from .conftest import add_guide

FORM = {"name": "Nina Nieuw", "email": "Nina@Example.org", "kind": "professional", "organisation": "Buurtclub Noord"}


def _link(recipient="nina@example.org"):
    [message] = outbox(recipient, "Bevestig je aanmelding")
    return re.search(r"http://localhost(/aanmelding-bevestigen/\S+)", message.body).group(1)


def test_full_walk_newcomer_lands_on_the_waiting_list(client, make):
    walk = make.activity(capacity=2, title="Volle wandeling")
    for _ in range(2):
        signups.register(walk, make.user())
    page = client.get(f"/agenda/{walk.id}/aanmelden-zonder-account").get_data(as_text=True)
    assert "Deze activiteit is vol" in page and "privacyverklaring" in page
    response = client.post(f"/agenda/{walk.id}/aanmelden-zonder-account", data=FORM)
    assert response.status_code == 200 and "Bekijk je e-mail" in response.get_data(as_text=True)
    nina = db.session.scalar(select(User).where(User.email == "nina@example.org"))
    assert nina.name == "Nina Nieuw" and nina.kind == "professional" and nina.password_hash is None
    assert nina.email_confirmed_at is None and nina.role_keys == {"deelnemer"}
    assert signups.active_registration(walk.id, nina.id) is None  # no place before the address is confirmed
    link = _link()
    confirm_page = client.get(link)
    assert confirm_page.status_code == 200 and "Bevestig mijn aanmelding" in confirm_page.get_data(as_text=True)
    assert signups.active_registration(walk.id, nina.id) is None  # opening the link (a mail scanner) is not enough
    body = client.post(link).get_data(as_text=True)
    assert "je staat op de wachtlijst, plaats 1" in body and "Kies een wachtwoord" in body
    db.session.expire_all()
    registration = signups.active_registration(walk.id, nina.id)
    assert registration.status == REG_WAITLISTED and registration.registered_by_id is None
    nina = db.session.get(User, nina.id)
    assert nina.email_confirmed_at is not None
    organisation = db.session.get(Organisation, nina.organisation_id)
    assert organisation.name == "Buurtclub Noord" and organisation.partner_since is None
    assert registration.organisation_id == organisation.id
    assert outbox("nina@example.org", "Wachtlijst")[0].attachments[0].filename.endswith(".ics")
    # logged in on the way: her own list shows the place
    assert "Wachtlijst (plaats 1)" in client.get("/mijn-aanmeldingen").get_data(as_text=True)
    # the link works once
    client.post("/uitloggen")
    again = client.post(link)
    assert again.status_code == 410 and "verlopen of al gebruikt" in again.get_data(as_text=True)


def test_free_seat_after_confirmation(client, make):
    walk = make.activity()
    client.post(f"/agenda/{walk.id}/aanmelden-zonder-account", data=dict(FORM, organisation=""))
    body = client.post(_link()).get_data(as_text=True)
    assert "je plek is bevestigd" in body
    nina = db.session.scalar(select(User).where(User.email == "nina@example.org"))
    assert signups.active_registration(walk.id, nina.id).status == REG_CONFIRMED
    assert nina.organisation_id is None


def test_an_existing_account_is_not_changed_and_the_answer_is_the_same(client, make):
    org = make.organisation()
    member = make.user(email="lid@example.org", name="Echte Naam", organisation_id=org.id)
    walk = make.activity()
    response = client.post(f"/agenda/{walk.id}/aanmelden-zonder-account",
                           data=dict(FORM, email="LID@example.org", name="Iemand Anders", organisation="Elders"))
    assert "Bekijk je e-mail" in response.get_data(as_text=True)
    db.session.refresh(member)
    assert member.name == "Echte Naam" and member.organisation_id == org.id
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
    client.post(_link("lid@example.org"))
    db.session.refresh(member)
    assert member.organisation_id == org.id
    assert signups.active_registration(walk.id, member.id).status == REG_CONFIRMED


def test_a_partner_organisation_is_not_linked_from_a_typed_name(client, make):
    partner = make.organisation(name="Woonstichting Noorderhuis")
    walk = make.activity()
    client.post(f"/agenda/{walk.id}/aanmelden-zonder-account",
                data=dict(FORM, organisation="woonstichting noorderhuis"))
    client.post(_link())
    nina = db.session.scalar(select(User).where(User.email == "nina@example.org"))
    assert nina.organisation_id is None
    assert db.session.scalar(select(NewcomerSignup.organisation_name)) == "woonstichting noorderhuis"
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 1 and partner.id


def test_two_sign_ups_one_confirmation_and_problems_are_explained(client, make):
    walk, lecture = make.activity(title="Wandeling"), make.activity(kind="lezing", title="Lezing")
    client.post(f"/agenda/{walk.id}/aanmelden-zonder-account", data=FORM)
    client.post(f"/agenda/{lecture.id}/aanmelden-zonder-account", data=FORM)
    links = [re.search(r"http://localhost(/\S+)", m.body).group(1) for m in outbox("nina@example.org")]
    lecture.status = "geannuleerd"
    db.session.commit()
    body = client.post(links[0]).get_data(as_text=True)
    assert "je plek is bevestigd" in body and "gaat niet door" in body
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1
    client.post("/uitloggen")
    assert client.post(links[1]).status_code == 200  # still a valid link, but nothing is left to confirm
    assert client.post(links[1]).status_code == 410  # and single-use
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1
    assert db.session.scalar(select(func.count()).select_from(NewcomerSignup).where(
        NewcomerSignup.completed_at.is_(None))) == 0


def test_form_errors_are_dutch_and_nothing_is_stored(client, make):
    walk = make.activity()
    for bad in ({"name": ""}, {"email": "geen-adres"}, {"kind": "robot"}, {"organisation": "x" * 200}):
        response = client.post(f"/agenda/{walk.id}/aanmelden-zonder-account", data=dict(FORM, **bad))
        assert response.status_code == 422 and "Controleer het formulier" in response.get_data(as_text=True), bad
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    assert outbox() == []


def test_honeypot_field_does_nothing_quietly(client, make):
    walk = make.activity()
    response = client.post(f"/agenda/{walk.id}/aanmelden-zonder-account", data=dict(FORM, website="spam"))
    assert "Bekijk je e-mail" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(User)) == 0 and outbox() == []


def test_closed_cancelled_unknown_and_course_sessions(client, make):
    closed = make.activity(signup_deadline=utcnow() - timedelta(hours=1))
    body = client.post(f"/agenda/{closed.id}/aanmelden-zonder-account", data=FORM).get_data(as_text=True)
    assert "niet meer mogelijk" in body
    cancelled = make.activity(status="geannuleerd")
    assert "niet meer mogelijk" in client.get(f"/agenda/{cancelled.id}/aanmelden-zonder-account").get_data(
        as_text=True)
    session = make.activity(kind="leergangbijeenkomst")
    assert client.get(f"/agenda/{session.id}/aanmelden-zonder-account").status_code == 404
    assert client.get("/agenda/999999/aanmelden-zonder-account").status_code == 404
    assert outbox() == []


def test_confirmation_refuses_a_guide_with_a_message(client, make):
    walk = make.activity()
    guide = add_guide(make, walk, email="gids@example.org")
    client.post(f"/agenda/{walk.id}/aanmelden-zonder-account", data=dict(FORM, email=guide.email))
    body = client.post(_link("gids@example.org")).get_data(as_text=True)
    assert "begeleidt deze activiteit" in body


def test_bad_expired_and_used_tokens(client, make):
    assert client.get("/aanmelding-bevestigen/onzin").status_code == 200  # only a button
    assert client.post("/aanmelding-bevestigen/onzin").status_code == 410
    walk = make.activity()
    client.post(f"/agenda/{walk.id}/aanmelden-zonder-account", data=FORM)
    db.session.execute(AuthToken.__table__.update().values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    assert client.post(_link()).status_code == 410


def test_logged_in_people_go_to_the_normal_sign_up(client, make, login_as):
    walk = make.activity()
    login_as("deelnemer")
    response = client.get(f"/agenda/{walk.id}/aanmelden-zonder-account")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/agenda/{walk.id}")


class TestRateLimit:
    @pytest.fixture
    def app_config(self):
        return {"NEWCOMER_SIGNUP_LIMIT": "3 per hour", "RATELIMIT_ENABLED": True}

    def test_too_many_sign_ups_from_one_address(self, client, make):
        walk = make.activity()
        statuses = [client.post(f"/agenda/{walk.id}/aanmelden-zonder-account",
                                data=dict(FORM, email=f"n{i}@example.org")).status_code for i in range(4)]
        assert statuses == [200, 200, 200, 429]
        assert len(outbox(subject_prefix="Bevestig")) == 3
        assert client.get(f"/agenda/{walk.id}/aanmelden-zonder-account").status_code == 200  # reading is free


class TestRateLimitPerAddress:
    @pytest.fixture
    def app_config(self):
        return {"NEWCOMER_MAILS_PER_ADDRESS": "2 per day", "RATELIMIT_ENABLED": True}

    def test_one_mailbox_cannot_be_flooded(self, client, make):
        walk = make.activity()
        statuses = [client.post(f"/agenda/{walk.id}/aanmelden-zonder-account",
                                data=dict(FORM, email=email)).status_code
                    for email in ("nina@example.org", "NINA@example.org ", "nina@example.org", "ander@example.org")]
        assert statuses == [200, 200, 429, 200]
        assert len(outbox("nina@example.org")) == 2
