"""A partner contact enrols colleagues of the organisation one by one. Everyone else gets an invitation to
join: tests/partners/test_invitations.py."""
import re

from sqlalchemy import func, select

from wijkmakers.activities.models import Registration
from wijkmakers.auth.models import User
from wijkmakers.extensions import db
from wijkmakers.notifications.models import OutboxMessage

from ..conftest import login


def enrol(client, target, email, job_title=""):
    return client.post("/mijn-organisatie/aanmelden", data={"email": email, "job_title": job_title, "target": target})


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


def test_invited_but_never_activated_colleague_gets_a_new_invitation(client, world, make):
    make.user(email="stil@noorderhuis.nl", organisation_id=world.org_a.id, password=False)
    login(client, world.contact_a)
    assert enrol(client, world.cohort_code, "stil@noorderhuis.nl").status_code == 302
    link = invitation_link("stil@noorderhuis.nl")
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "stil@noorderhuis.nl"))
    assert world.contact_a.name in mail.body and world.cohort.label in mail.body and "7 dagen" in mail.body
    fresh = client.application.test_client()
    assert fresh.get(link).status_code == 200
    done = fresh.post(link, data={"password": "mijn-nieuwe-wachtwoord", "confirm": "mijn-nieuwe-wachtwoord"})
    assert done.status_code == 302
    assert client.application.test_client().get(link).status_code == 410


def test_form_errors_are_dutch(client, world):
    login(client, world.contact_a)
    for data, message in (
        ({"email": "", "target": world.cohort_code}, "Vul het e-mailadres van je collega in."),
        ({"email": "geen-adres", "target": world.cohort_code}, "geen geldig e-mailadres"),
        ({"email": "nieuw@noorderhuis.nl", "target": "L99999"}, "Kies een leergang of activiteit uit de lijst"),
        ({"email": "nieuw@noorderhuis.nl", "target": ""}, "Kies een leergang of activiteit."),
    ):
        response = client.post("/mijn-organisatie/aanmelden", data=data)
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert message in html and "Not a valid" not in html
    assert db.session.scalar(select(func.count()).select_from(User)) == 2


def test_full_activity_is_refused(client, world, make):
    full = make.activity(capacity=1, seats_taken=1)
    colleague = make.user(email="vol@noorderhuis.nl", organisation_id=world.org_a.id)
    login(client, world.contact_a)
    response = enrol(client, f"A{full.id}", "vol@noorderhuis.nl")
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Registration)
                             .where(Registration.user_id == colleague.id)) == 0


def test_contact_without_organisation_sees_an_explanation(client, make):
    loose_contact = make.user(roles=("partnercontact",))
    login(client, loose_contact)
    for path in ("/mijn-organisatie", "/mijn-organisatie/aanmelden", "/mijn-organisatie/import"):
        response = client.get(path)
        assert response.status_code == 200
        assert "nog niet aan een organisatie gekoppeld" in response.get_data(as_text=True)
    assert client.get("/mijn-organisatie/export.csv").status_code == 404
    assert client.post("/mijn-organisatie/aanmelden", data={"email": "a@b.nl", "target": "L1"}).status_code == 200
