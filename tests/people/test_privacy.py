import json
from datetime import datetime

import pytest
from sqlalchemy import select

from wijkmakers.activities.models import Attendance, Feedback
from wijkmakers.auth.models import User
from wijkmakers.auth.signals import person_erased
from wijkmakers.certificates.models import Certificate
from wijkmakers.core.audit import AuditEvent
from wijkmakers.core.errors import DomainError
from wijkmakers.extensions import db
from wijkmakers.learning.models import Module, ModuleProgress
from wijkmakers.notifications.models import OutboxMessage
from wijkmakers.people import privacy

from ..conftest import login


def _person_with_history(make):
    org = make.organisation()
    person = make.user(name="Sanne Privé", email="sanne@example.org", organisation_id=org.id, kind="bewoner",
                       neighbourhood="Selwerd", phone="050-1234567")
    walk = make.activity(starts_at=datetime(2023, 5, 10, 12, 0))
    module = Module(slug="m", title="Module M", theme="t")
    db.session.add_all([
        module,
        Attendance(activity=walk, user=person, present=True, organisation_id=org.id, participant_kind="bewoner"),
        Feedback(activity_id=walk.id, user_id=person.id, mark=8, comment="Mooie route langs het Selwerderdiep"),
        Certificate(user=person, kind="certificaat", title="Leergang", holder_name=person.name, code="AAAAA-BBBBB"),
        OutboxMessage(recipient="sanne@example.org", subject="Herinnering", body="..."),
    ])
    db.session.flush()
    db.session.add(ModuleProgress(user_id=person.id, module_id=module.id, reflection="Mijn buurvrouw Ans ...",
                                  action_plan="Gesprek met de corporatie"))
    db.session.commit()
    return person, walk


def test_participant_downloads_all_their_data(client, make):
    person, _ = _person_with_history(make)
    login(client, person)
    response = client.get("/mijn-gegevens/download.json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["e-mailadres"] == "sanne@example.org"
    assert data["modules"][0]["reflectie"].startswith("Mijn buurvrouw")
    assert data["evaluaties"][0]["cijfer"] == 8
    assert data["aanwezigheid"][0]["aanwezig"] is True
    page = client.get("/mijn-gegevens/overzicht").get_data(as_text=True)
    assert "Gesprek met de corporatie" in page and "AAAAA-BBBBB" in page


def test_own_data_pages_need_login(client):
    for path in ("/mijn-gegevens", "/mijn-gegevens/overzicht", "/mijn-gegevens/download.json"):
        assert client.get(path).status_code == 302


def test_erasure_request_needs_confirmation(client, make):
    person, _ = _person_with_history(make)
    login(client, person)
    response = client.post("/mijn-gegevens/verwijderen", data={})
    assert response.status_code == 422 and "Vink aan" in response.get_data(as_text=True)
    assert db.session.get(User, person.id).erasure_requested_at is None
    client.post("/mijn-gegevens/verwijderen", data={"confirm": "y"})
    db.session.expire_all()
    assert db.session.get(User, person.id).erasure_requested_at is not None


def test_coordinator_erases_and_past_figures_stay(client, make):
    person, walk = _person_with_history(make)
    received = []
    person_erased.connect(lambda sender, user_id: received.append(user_id), weak=False)
    login(client, person)
    client.post("/mijn-gegevens/verwijderen", data={"confirm": "y"})
    coordinator = make.user(roles=("coordinator",))
    login(client, coordinator)
    listing = client.get("/beheer/privacyverzoeken").get_data(as_text=True)
    assert "Sanne Privé" in listing
    assert client.post(f"/beheer/privacyverzoeken/{person.id}/wissen").status_code == 302
    db.session.expire_all()
    erased = db.session.get(User, person.id)
    assert erased.name == privacy.ERASED_NAME and erased.email is None and erased.phone is None
    assert erased.anonymised_at is not None and not erased.is_active and erased.role_keys == set()
    # statistics inputs unchanged: the attendance row, kind, organisation and neighbourhood stay
    attendance = db.session.scalar(select(Attendance).where(Attendance.activity_id == walk.id))
    assert attendance.user_id == person.id and attendance.present and attendance.participant_kind == "bewoner"
    assert erased.neighbourhood == "Selwerd" and erased.organisation_id is not None
    # what they wrote is gone
    progress = db.session.scalar(select(ModuleProgress))
    assert progress.reflection == "" and progress.action_plan == ""
    feedback = db.session.scalar(select(Feedback))
    assert feedback.mark == 8 and feedback.comment == "" and feedback.user_id is None
    certificate = db.session.scalar(select(Certificate))
    # erasure is not revocation: the certificate stays valid, without the name
    assert certificate.revoked_at is None and certificate.active and certificate.holder_name == privacy.ERASED_NAME
    certificate.code = "ABCDE-FGHJK-LMNPQ-RSTUV"  # the fixture's short code is no real one
    db.session.commit()
    verified = client.get(f"/certificaat/{certificate.code}").get_data(as_text=True)
    assert "echt en geldig" in verified and "op diens eigen verzoek" in verified and "Sanne" not in verified
    assert "ingetrokken" not in verified.lower()
    assert db.session.scalar(select(OutboxMessage)) is None
    assert person.id in received
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "person_erased")).actor_id == coordinator.id


def test_erased_person_cannot_log_in(client, make):
    person, _ = _person_with_history(make)
    person.erasure_requested_at = datetime(2026, 1, 1)
    db.session.commit()
    privacy.erase_person(person, make.user(roles=("coordinator",)))
    login(client, person)
    assert client.get("/mijn-gegevens").status_code == 302


def test_only_coordinators_handle_erasure(client, make):
    person, _ = _person_with_history(make)
    person.erasure_requested_at = datetime(2026, 1, 1)
    db.session.commit()
    for role in ("deelnemer", "organisator", "partnercontact", "beheerder", "begeleider"):
        login(client, make.user(roles=(role,)))
        assert client.get("/beheer/privacyverzoeken").status_code == 403
        assert client.post(f"/beheer/privacyverzoeken/{person.id}/wissen").status_code == 403
    db.session.expire_all()
    assert db.session.get(User, person.id).anonymised_at is None


def test_erasing_someone_without_a_request_is_404(client, make):
    person, _ = _person_with_history(make)
    login(client, make.user(roles=("coordinator",)))
    assert client.post(f"/beheer/privacyverzoeken/{person.id}/wissen").status_code == 404


def test_profile_validates_phone_and_saves(client, make):
    person = make.user()
    login(client, person)
    bad = client.post("/mijn-gegevens", data={"name": "X", "kind": "bewoner", "phone": "bel me"})
    assert bad.status_code == 422 and "telefoonnummer" in bad.get_data(as_text=True)
    client.post("/mijn-gegevens", data={"name": "Nieuwe Naam", "kind": "bewoner", "neighbourhood": "Beijum"})
    db.session.expire_all()
    assert db.session.get(User, person.id).neighbourhood == "Beijum"


def test_audit_log_for_coordinator_and_beheerder_only(client, make):
    login(client, make.user(roles=("deelnemer",)))
    assert client.get("/beheer/auditlog").status_code == 403
    login(client, make.user(roles=("beheerder",)))
    assert client.get("/beheer/auditlog").status_code == 200


def test_privacy_statement_is_public(client):
    response = client.get("/privacy")
    assert response.status_code == 200 and "Privacyverklaring" in response.get_data(as_text=True)


def test_invalid_details_are_shown_again_with_422_and_not_saved(client, make):
    person = make.user(name="Oude Naam")
    login(client, person)
    response = client.post("/mijn-gegevens", data={"name": "Nieuwe Naam", "kind": "bewoner",
                                                   "job_title": "x" * 121})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="job_title-fout"' in html
    db.session.expire_all()
    assert db.session.get(User, person.id).name == "Oude Naam"  # nothing saved


def test_a_failing_erasure_leaves_everything_as_it_was(make):
    """erase_person is one transaction with what its subscribers do: one failing rolls all of it back."""
    person, _ = _person_with_history(make)
    coordinator = make.user(roles=("coordinator",))

    def fail(sender, user_id):
        raise RuntimeError("a subscriber failed")

    person_erased.connect(fail)
    try:
        with pytest.raises(RuntimeError):
            privacy.erase_person(person, coordinator)
    finally:
        person_erased.disconnect(fail)
    db.session.expire_all()
    kept = db.session.get(User, person.id)
    assert kept.name == "Sanne Privé" and kept.anonymised_at is None and kept.email == "sanne@example.org"
    assert db.session.scalar(select(ModuleProgress)).reflection.startswith("Mijn buurvrouw")
    assert db.session.scalar(select(OutboxMessage)) is not None


def test_nobody_erases_themselves(make):
    coordinator = make.user(roles=("coordinator",))
    coordinator.erasure_requested_at = datetime(2026, 1, 1)
    db.session.commit()
    with pytest.raises(DomainError, match="niet zelf wissen"):
        privacy.erase_person(coordinator, coordinator)
