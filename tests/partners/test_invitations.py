"""Consent before linking: a partner contact invites anyone outside the organisation; the person is linked
(and enrolled) only when they accept. The contact's answer is the same whatever the address is."""
import hashlib
import re
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from wijkmakers.activities.models import Registration
from wijkmakers.auth.models import User
from wijkmakers.core.audit import AuditEvent
from wijkmakers.core.timeutil import utcnow
from wijkmakers.extensions import db
from wijkmakers.learning.models import Enrolment
from wijkmakers.partners import invitations
from wijkmakers.partners.models import PartnerInvitation

from ..conftest import login, logout, outbox
from .helpers import csv_bytes
from .test_import import preview_of, upload

SUBJECT = invitations.SUBJECT
PASSWORD = {"name": "Nieuwe Collega", "password": "een-goed-wachtwoord", "confirm": "een-goed-wachtwoord"}


def enrol(client, target, email, job_title=""):
    return client.post("/mijn-organisatie/aanmelden", data={"email": email, "job_title": job_title, "target": target})


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def link_for(email):
    mails = outbox(email, SUBJECT)
    assert mails, f"no invitation mail to {email}"
    return re.search(r"http://localhost(/organisatie-uitnodiging/[A-Za-z0-9_-]+)", mails[-1].body).group(1)


def flashes(client):
    with client.session_transaction() as session:
        return [text for _, text in session.get("_flashes", [])]


@pytest.fixture
def people(world, make):
    """The three kinds of addresses outside organisation A (plus an inactive one of A)."""
    loose = make.user(email="los@example.org", name="Losse Bewoner")
    other = make.user(email="geheim@welzijn.nl", name="Geheime Naam", organisation_id=world.org_b.id)
    inactive = make.user(email="weg@noorderhuis.nl", name="Vertrokken", organisation_id=world.org_a.id, active=False)
    return {"loose": loose, "other": other, "inactive": inactive, "unknown": "onbekend@noorderhuis.nl"}


# -- The contact's side: one answer for every address outside the organisation ----------------------------

def test_every_address_outside_the_organisation_gets_the_same_answer(client, world, people):
    login(client, world.contact_a)
    answers = []
    for email in ("los@example.org", "onbekend@noorderhuis.nl", "geheim@welzijn.nl", "weg@noorderhuis.nl"):
        response = enrol(client, world.cohort_code, email)
        messages = flashes(client)
        page = client.get(response.headers["Location"])
        html = page.get_data(as_text=True)
        # What differs from address to address is only the address itself.
        answers.append((response.status_code, response.headers["Location"],
                        [m.replace(email, "ADRES") for m in messages], page.status_code))
        assert email in html
        assert "Geheime Naam" not in html and "Losse Bewoner" not in html and world.org_b.name not in html
    assert len(set(map(repr, answers))) == 1, answers
    status, location, messages, page_status = answers[0]
    assert status == 302 and location.endswith("/mijn-organisatie/uitnodigingen") and page_status == 200
    assert messages[0].startswith("Uitnodiging verstuurd naar ADRES.")
    # No link, no enrolment, no account: nothing happens until the person accepts.
    db.session.expire_all()
    assert db.session.get(User, people["loose"].id).organisation_id is None
    assert db.session.get(User, people["other"].id).organisation_id == world.org_b.id
    assert count(User, User.email == "onbekend@noorderhuis.nl") == 0
    assert count(Enrolment) == 0 and count(Registration) == 0
    assert count(PartnerInvitation, PartnerInvitation.organisation_id == world.org_a.id) == 4
    # Mail only to the account without an organisation and to the unknown address.
    assert {m.recipient for m in outbox()} == {"los@example.org", "onbekend@noorderhuis.nl"}
    assert not outbox("geheim@welzijn.nl") and not outbox("weg@noorderhuis.nl")


def test_the_invitation_row_keeps_a_hash_and_the_mail_the_token(client, world, people):
    login(client, world.contact_a)
    enrol(client, world.cohort_code, "los@example.org")
    row = db.session.scalar(select(PartnerInvitation))
    token = link_for("los@example.org").rsplit("/", 1)[1]
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in row.token_hash
    assert row.expires_at - row.created_at == timedelta(days=7)
    assert row.invited_by_id == world.contact_a.id and row.target_code == world.cohort_code
    mail = outbox("los@example.org")[-1]
    assert world.contact_a.name in mail.body and world.org_a.name in mail.body and world.cohort.label in mail.body
    # The audit log holds ids, never the address or the token.
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("partner_invitation%"))).all()
    assert [e.action for e in events] == ["partner_invitation_sent"]
    assert "los@example.org" not in repr(events[0].details) and token not in repr(events[0].details)


def test_colleague_of_the_organisation_is_still_enrolled_at_once(client, world, make):
    colleague = make.user(email="bekend@noorderhuis.nl", organisation_id=world.org_a.id)
    login(client, world.contact_a)
    response = enrol(client, world.cohort_code, "bekend@noorderhuis.nl")
    assert response.status_code == 302 and response.headers["Location"].endswith("/mijn-organisatie")
    assert count(Enrolment, Enrolment.user_id == colleague.id) == 1 and count(PartnerInvitation) == 0


def test_contact_lists_and_withdraws_own_invitations_only(client, world, people):
    login(client, world.contact_b)
    enrol(client, world.cohort_code, "voor-b@example.org")
    b_invitation = db.session.scalar(select(PartnerInvitation))
    logout(client)
    login(client, world.contact_a)
    enrol(client, world.activity_code, "los@example.org")
    html = client.get("/mijn-organisatie/uitnodigingen").get_data(as_text=True)
    assert "los@example.org" in html and world.activity.title in html and "voor-b@example.org" not in html
    own = db.session.scalar(select(PartnerInvitation).where(PartnerInvitation.organisation_id == world.org_a.id))
    # Someone else's invitation: 404, and it stays.
    assert client.post(f"/mijn-organisatie/uitnodigingen/{b_invitation.id}/intrekken").status_code == 404
    assert client.post("/mijn-organisatie/uitnodigingen/999999/intrekken").status_code == 404
    link = link_for("los@example.org")
    response = client.post(f"/mijn-organisatie/uitnodigingen/{own.id}/intrekken")
    assert response.status_code == 302
    assert count(PartnerInvitation) == 1 and db.session.get(PartnerInvitation, b_invitation.id) is not None
    listed = client.get("/mijn-organisatie/uitnodigingen").get_data(as_text=True)
    assert "is ingetrokken" in listed and '<th scope="row">los@example.org</th>' not in listed
    assert client.application.test_client().get(link).status_code == 410
    assert count(AuditEvent, AuditEvent.action == "partner_invitation_withdrawn") == 1


def test_only_partner_contacts_see_the_list(client, world, login_as):
    login_as("deelnemer")
    assert client.get("/mijn-organisatie/uitnodigingen").status_code == 403
    assert client.post("/mijn-organisatie/uitnodigingen/1/intrekken").status_code == 403


def test_inviting_again_replaces_the_open_invitation(client, world, people):
    login(client, world.contact_a)
    enrol(client, world.cohort_code, "los@example.org")
    first = link_for("los@example.org")
    enrol(client, world.activity_code, "los@example.org")
    assert count(PartnerInvitation) == 1 and link_for("los@example.org") != first
    assert client.application.test_client().get(first).status_code == 410


# -- The invited person's side -------------------------------------------------------------------------

def test_existing_account_accepts_when_logged_in_and_is_enrolled(client, world, people):
    login(client, world.contact_a)
    enrol(client, world.cohort_code, "los@example.org")
    link = link_for("los@example.org")
    logout(client)
    page = client.get(link)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Log in" in html and world.org_a.name in html
    # Not logged in: accepting does nothing.
    assert client.post(link, data={"antwoord": "accepteren"}).status_code == 422
    db.session.expire_all()
    assert db.session.get(User, people["loose"].id).organisation_id is None
    login(client, people["loose"])
    assert client.get(link).status_code == 200
    response = client.post(link, data={"antwoord": "accepteren"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, people["loose"].id).organisation_id == world.org_a.id
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == people["loose"].id))
    assert enrolment.cohort_id == world.cohort.id and enrolment.organisation_id == world.org_a.id
    assert count(PartnerInvitation) == 0
    assert count(AuditEvent, AuditEvent.action == "partner_invitation_accepted") == 1
    # Used: the link is gone.
    assert client.get(link).status_code == 410
    assert client.post(link, data={"antwoord": "accepteren"}).status_code == 410


def test_new_address_gets_an_account_only_on_acceptance(client, world):
    login(client, world.contact_a)
    enrol(client, world.activity_code, "nieuw@noorderhuis.nl")
    link = link_for("nieuw@noorderhuis.nl")
    logout(client)
    assert count(User, User.email == "nieuw@noorderhuis.nl") == 0
    page = client.get(link)
    assert page.status_code == 200 and 'name="password"' in page.get_data(as_text=True)
    bad = client.post(link, data={**PASSWORD, "confirm": "iets-anders-12", "antwoord": "accepteren"})
    assert bad.status_code == 422 and "niet gelijk" in bad.get_data(as_text=True)
    assert count(User, User.email == "nieuw@noorderhuis.nl") == 0
    response = client.post(link, data={**PASSWORD, "antwoord": "accepteren"})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "nieuw@noorderhuis.nl"))
    assert user.name == "Nieuwe Collega" and user.organisation_id == world.org_a.id and user.password_hash
    registration = db.session.scalar(select(Registration).where(Registration.user_id == user.id))
    assert registration.activity_id == world.activity.id and registration.organisation_id == world.org_a.id
    assert client.get("/mijn-organisatie").status_code == 403  # logged in as the new participant
    logout(client)
    assert client.get(link).status_code == 410


def test_declining_needs_only_the_link_and_links_nothing(client, world, people):
    login(client, world.contact_a)
    enrol(client, world.cohort_code, "los@example.org")
    link = link_for("los@example.org")
    logout(client)
    response = client.post(link, data={"antwoord": "weigeren"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, people["loose"].id).organisation_id is None
    assert count(PartnerInvitation) == 0 and count(Enrolment) == 0
    assert count(AuditEvent, AuditEvent.action == "partner_invitation_declined") == 1
    assert client.get(link).status_code == 410


def test_someone_else_logged_in_gets_403(client, world, people, make):
    login(client, world.contact_a)
    enrol(client, world.cohort_code, "los@example.org")
    enrol(client, world.cohort_code, "nieuw@noorderhuis.nl")
    stranger = make.user(email="vreemd@example.org")
    login(client, stranger)
    for link in (link_for("los@example.org"), link_for("nieuw@noorderhuis.nl")):
        assert client.get(link).status_code == 403
        assert client.post(link, data={"antwoord": "accepteren", **PASSWORD}).status_code == 403
        assert client.post(link, data={"antwoord": "weigeren"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(User, stranger.id).organisation_id is None
    assert db.session.get(User, people["loose"].id).organisation_id is None
    assert count(PartnerInvitation) == 2


def test_unknown_expired_and_used_tokens_get_410_in_dutch(client, world, people):
    unknown = client.get("/organisatie-uitnodiging/bestaat-niet")
    assert unknown.status_code == 410 and "Deze uitnodiging werkt niet meer" in unknown.get_data(as_text=True)
    assert client.post("/organisatie-uitnodiging/" + "x" * 500, data={"antwoord": "weigeren"}).status_code == 410
    login(client, world.contact_a)
    enrol(client, world.cohort_code, "los@example.org")
    link = link_for("los@example.org")
    logout(client)
    with time_machine.travel(utcnow() + timedelta(days=6, hours=23), tick=False):
        assert client.get(link).status_code == 200
    with time_machine.travel(utcnow() + timedelta(days=7, minutes=1), tick=False):
        assert client.get(link).status_code == 410
        login(client, people["loose"])
        assert client.post(link, data={"antwoord": "accepteren"}).status_code == 410
        logout(client)
        assert client.post(link, data={"antwoord": "weigeren"}).status_code == 410
        # A new invitation purges expired ones.
        login(client, world.contact_a)
        enrol(client, world.cohort_code, "ander@noorderhuis.nl")
        assert count(PartnerInvitation) == 1
    db.session.expire_all()
    assert db.session.get(User, people["loose"].id).organisation_id is None


def test_a_full_target_still_links_after_acceptance(client, world, people, make):
    small = make.activity(capacity=1, title="Kleine wandeling", starts_at=world.activity.starts_at)
    login(client, world.contact_a)
    enrol(client, f"A{small.id}", "los@example.org")
    link = link_for("los@example.org")
    db.session.get(type(small), small.id).seats_taken = 1
    db.session.commit()
    login(client, people["loose"])
    assert client.post(link, data={"antwoord": "accepteren"}).status_code == 302
    assert any("lukte niet meer" in m for m in flashes(client))
    db.session.expire_all()
    assert db.session.get(User, people["loose"].id).organisation_id == world.org_a.id
    assert count(Registration, Registration.user_id == people["loose"].id) == 0


def test_erasure_removes_the_persons_invitations(client, world, people, make):
    from wijkmakers.people.privacy import erase_person

    login(client, world.contact_a)
    enrol(client, world.cohort_code, "los@example.org")
    enrol(client, world.cohort_code, "onbekend@noorderhuis.nl")
    coordinator = make.user(roles=("coordinator",))
    erase_person(db.session.get(User, people["loose"].id), by=db.session.get(User, coordinator.id))
    assert [i.email for i in db.session.scalars(select(PartnerInvitation))] == ["onbekend@noorderhuis.nl"]


# -- The staff import applies the same rule ----------------------------------------------------------------

def test_import_invites_everyone_outside_and_enrols_colleagues(client, world, people, make):
    colleague = make.user(email="collega@noorderhuis.nl", name="Echte Collega", organisation_id=world.org_a.id)
    login(client, world.contact_a)
    rows = [("collega@noorderhuis.nl", "", "", ""), ("los@example.org", "X", "", ""),
            ("onbekend@noorderhuis.nl", "Y", "", ""), ("geheim@welzijn.nl", "Z", "", ""),
            ("weg@noorderhuis.nl", "W", "", "")]
    location, page = preview_of(client, upload(client, csv_bytes(rows), target=world.cohort_code))
    html = page.get_data(as_text=True)
    assert "Alle 5 rijen zijn in orde" in html and "4 adressen krijgen een uitnodiging" in html
    assert html.count("krijgt een uitnodiging (pas na akkoord") == 4
    assert "Geheime Naam" not in html and "Losse Bewoner" not in html and "Vertrokken" not in html
    assert client.post(location).status_code == 302
    db.session.expire_all()
    assert count(Enrolment) == 1 and count(Enrolment, Enrolment.user_id == colleague.id) == 1
    assert db.session.get(User, people["loose"].id).organisation_id is None
    assert db.session.get(User, people["other"].id).organisation_id == world.org_b.id
    assert count(User, User.email == "onbekend@noorderhuis.nl") == 0
    assert {i.email for i in db.session.scalars(select(PartnerInvitation))} == {
        "los@example.org", "onbekend@noorderhuis.nl", "geheim@welzijn.nl", "weg@noorderhuis.nl"}
    assert {m.recipient for m in outbox(subject_prefix=SUBJECT)} == {"los@example.org", "onbekend@noorderhuis.nl"}
    # The invitation from the import works like any other.
    link = link_for("onbekend@noorderhuis.nl")
    logout(client)
    assert client.post(link, data={**PASSWORD, "antwoord": "accepteren"}).status_code == 302
    user = db.session.scalar(select(User).where(User.email == "onbekend@noorderhuis.nl"))
    assert count(Enrolment, Enrolment.user_id == user.id, Enrolment.organisation_id == world.org_a.id) == 1


def test_import_gives_one_invitation_per_address(world, make):
    from .test_import import problems_for

    rows = [("los@example.org", "", "", world.cohort_code), ("LOS@example.org", "", "", world.activity_code)]
    _, problems = problems_for(world, rows)
    assert problems[2] == [] and "Staat al in rij 2" in problems[3][0]

