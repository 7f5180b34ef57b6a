"""A partner contact enrols colleagues one by one; new people get a single-use invitation."""
import re
from datetime import timedelta

import time_machine
from sqlalchemy import func, select

from wijkmakers.activities.models import Registration
from wijkmakers.auth.models import AuthToken, User
from wijkmakers.core.audit import AuditEvent
from wijkmakers.core.timeutil import utcnow
from wijkmakers.extensions import db
from wijkmakers.learning.models import Enrolment
from wijkmakers.notifications.models import OutboxMessage

from ..conftest import login


def enrol(client, target, email, name="", job_title=""):
    return client.post("/mijn-organisatie/aanmelden",
                       data={"email": email, "name": name, "job_title": job_title, "target": target})


def invitation_link(email):
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == email)
                             .order_by(OutboxMessage.id.desc()))
    assert mail is not None and mail.subject == "Je bent uitgenodigd voor Wijkmakers"
    return re.search(r"http://localhost(/uitnodiging/[A-Za-z0-9_-]+)", mail.body).group(1)


def test_form_lists_open_cohorts_and_activities(client, world):
    login(client, world.contact_a)
    html = client.get("/mijn-organisatie/aanmelden").get_data(as_text=True)
    assert world.cohort.label in html and world.activity.title in html
    assert "<h1>Collega aanmelden</h1>" in html


def test_new_colleague_gets_account_enrolment_and_invitation(client, world):
    login(client, world.contact_a)
    response = enrol(client, world.cohort_code, "Nieuwe.Collega@Noorderhuis.nl", "Nieuwe Collega", "huismeester")
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "nieuwe.collega@noorderhuis.nl"))
    assert user.organisation_id == world.org_a.id and user.password_hash is None and user.job_title == "huismeester"
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == user.id))
    assert enrolment.cohort_id == world.cohort.id and enrolment.organisation_id == world.org_a.id
    assert enrolment.enrolled_by_id == world.contact_a.id
    token = db.session.scalar(select(AuthToken).where(AuthToken.user_id == user.id))
    assert token.purpose == "invite"
    assert timedelta(days=6, hours=23) < token.expires_at - utcnow() <= timedelta(days=7)
    link = invitation_link(user.email)
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == user.email))
    assert world.contact_a.name in mail.body and world.cohort.label in mail.body and "7 dagen" in mail.body
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "staff_enrolled")).object_id == user.id
    # The link works once ...
    fresh = client.application.test_client()
    assert fresh.get(link).status_code == 200
    done = fresh.post(link, data={"password": "mijn-nieuwe-wachtwoord", "confirm": "mijn-nieuwe-wachtwoord"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash
    # ... and never again.
    again = client.application.test_client()
    assert again.get(link).status_code == 410
    assert again.post(link, data={"password": "ander-wachtwoord-1", "confirm": "ander-wachtwoord-1"}).status_code == 410


def test_invitation_expires_after_seven_days(client, world):
    login(client, world.contact_a)
    enrol(client, world.cohort_code, "laat@noorderhuis.nl", "Laat")
    link = invitation_link("laat@noorderhuis.nl")
    fresh = client.application.test_client()
    with time_machine.travel(utcnow() + timedelta(days=6, hours=23), tick=False):
        assert fresh.get(link).status_code == 200
    with time_machine.travel(utcnow() + timedelta(days=7, minutes=1), tick=False):
        assert fresh.get(link).status_code == 410
        response = fresh.post(link, data={"password": "mijn-nieuwe-wachtwoord", "confirm": "mijn-nieuwe-wachtwoord"})
        assert response.status_code == 410
    assert db.session.scalar(select(User.password_hash).where(User.email == "laat@noorderhuis.nl")) is None


def test_existing_colleague_is_found_by_email_and_registered(client, world, make):
    colleague = make.user(email="bekend@noorderhuis.nl", organisation_id=world.org_a.id)
    login(client, world.contact_a)
    response = enrol(client, world.activity_code, " BEKEND@noorderhuis.nl ")
    assert response.status_code == 302
    registration = db.session.scalar(select(Registration).where(Registration.user_id == colleague.id))
    assert registration.activity_id == world.activity.id and registration.organisation_id == world.org_a.id
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.subject == "Je bent uitgenodigd voor Wijkmakers")) == 0
    again = enrol(client, world.activity_code, "bekend@noorderhuis.nl")
    assert again.status_code == 422 and "al aangemeld" in again.get_data(as_text=True)


def test_account_of_another_organisation_is_refused_without_details(client, world, make):
    outsider = make.user(email="geheim@welzijn.nl", name="Geheime Naam", organisation_id=world.org_b.id)
    login(client, world.contact_a)
    response = enrol(client, world.cohort_code, "geheim@welzijn.nl", "Wat Dan Ook")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "niet onder jouw organisatie" in html
    assert "Geheime Naam" not in html and world.org_b.name not in html
    assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 0
    db.session.expire_all()
    assert db.session.get(User, outsider.id).organisation_id == world.org_b.id


def test_inactive_account_is_refused_the_same_way(client, world, make):
    make.user(email="weg@noorderhuis.nl", organisation_id=world.org_a.id, active=False)
    login(client, world.contact_a)
    response = enrol(client, world.cohort_code, "weg@noorderhuis.nl")
    assert "niet onder jouw organisatie" in response.get_data(as_text=True)


def test_account_without_organisation_is_linked_and_told(client, world, make):
    loose = make.user(email="los@example.org", name="Losse Bewoner")
    login(client, world.contact_a)
    assert enrol(client, world.cohort_code, "los@example.org").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, loose.id).organisation_id == world.org_a.id
    subjects = set(db.session.scalars(select(OutboxMessage.subject)
                                      .where(OutboxMessage.recipient == "los@example.org")))
    assert "Je bent gekoppeld aan je organisatie bij Wijkmakers" in subjects


def test_invited_but_never_activated_colleague_gets_a_new_invitation(client, world, make):
    make.user(email="stil@noorderhuis.nl", organisation_id=world.org_a.id, password=False)
    login(client, world.contact_a)
    assert enrol(client, world.cohort_code, "stil@noorderhuis.nl").status_code == 302
    invitation_link("stil@noorderhuis.nl")


def test_form_errors_are_dutch(client, world):
    login(client, world.contact_a)
    for data, message in (
        ({"email": "", "target": world.cohort_code}, "Vul het e-mailadres van je collega in."),
        ({"email": "geen-adres", "target": world.cohort_code}, "geen geldig e-mailadres"),
        ({"email": "nieuw@noorderhuis.nl", "target": world.cohort_code}, "vul ook de naam in"),
        ({"email": "nieuw@noorderhuis.nl", "name": "N", "target": "L99999"},
         "Kies een leergang of activiteit uit de lijst"),
        ({"email": "nieuw@noorderhuis.nl", "name": "N", "target": ""}, "Kies een leergang of activiteit."),
    ):
        response = client.post("/mijn-organisatie/aanmelden", data=data)
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert message in html and "Not a valid" not in html
    assert db.session.scalar(select(func.count()).select_from(User)) == 2


def test_full_activity_is_refused(client, world, make):
    full = make.activity(capacity=1, seats_taken=1)
    login(client, world.contact_a)
    response = enrol(client, f"A{full.id}", "vol@noorderhuis.nl", "Vol")
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(User).where(User.email == "vol@noorderhuis.nl")) == 0


def test_contact_without_organisation_sees_an_explanation(client, make):
    loose_contact = make.user(roles=("partnercontact",))
    login(client, loose_contact)
    for path in ("/mijn-organisatie", "/mijn-organisatie/aanmelden", "/mijn-organisatie/import"):
        response = client.get(path)
        assert response.status_code == 200
        assert "nog niet aan een organisatie gekoppeld" in response.get_data(as_text=True)
    assert client.get("/mijn-organisatie/export.csv").status_code == 404
    assert client.post("/mijn-organisatie/aanmelden", data={"email": "a@b.nl", "target": "L1"}).status_code == 200
