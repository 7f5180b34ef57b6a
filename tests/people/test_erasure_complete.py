"""Erasure proven by the schema.

Every column that refers to a person (a foreign key to ``user``) or can hold personal text (String, Text,
JSON, binary) is listed here: ERASED (the feature's ``person_erased`` subscriber, or people.privacy, removes
or blanks it for the erased person) or KEPT, with the reason it may stay. A new column in neither list
fails the first test, so a new feature cannot forget erasure. The second test erases, through the
coordinator's page, a person who left traces in every feature and then reads every text column of every
table: their name and address are nowhere.
"""
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import select

from wijkmakers.activities.models import Attendance, Feedback, NewcomerSignup, Registration, RegistrationEvent
from wijkmakers.api.services import create_token
from wijkmakers.auth.models import User
from wijkmakers.auth.signals import ERASED_NAME
from wijkmakers.certificates.models import Certificate, CertificateBatch, CertificateBatchFile
from wijkmakers.core.audit import record
from wijkmakers.core.timeutil import utcnow
from wijkmakers.extensions import db
from wijkmakers.learning.models import Enrolment, Phase, Placement, WorkFile
from wijkmakers.network.initiatives import add_update, create_initiative, follow
from wijkmakers.network.messages import answer_request, block_sender, report_abuse, send_contact_request
from wijkmakers.notifications.models import OutboxMessage
from wijkmakers.partners.models import PartnerInvitation, StaffImport

from ..conftest import login
from ..network.conftest import make_cohort, make_plan, opt_in

_DELETED = "the row is deleted with the person"
_BLANKED = "blanked for the erased person"
_IDS = "an id for the statistics of past years; the name goes with the anonymised user row"
_STAFF_ID = "id of the staff member who acted (audit trail); the name goes with their user row if erased"
_OFFER = "the offer and course content, written by staff; not about a participant"
_CODE = "a fixed code or status, never free text"

ERASED = {
    # auth (people.privacy anonymises the row itself)
    "user.email": "set to NULL", "user.name": f"replaced by '{ERASED_NAME}'", "user.password_hash": "set to NULL",
    "user.job_title": "set to NULL", "user.phone": "set to NULL (walk-ins' phone numbers too)",
    "user.calendar_token": "set to NULL", "user.checkin_code": "set to NULL",
    "user_role.user_id": _DELETED, "user_role.role": _DELETED,
    "auth_token.user_id": _DELETED, "auth_token.purpose": _DELETED, "auth_token.token_hash": _DELETED,
    # notifications (people.privacy calls notifications.services.forget_mail_of)
    "outbox_message.recipient": "mail to the person, or naming them, is deleted",
    "outbox_message.subject": "mail naming the person is deleted", "outbox_message.body": "as subject",
    "outbox_message.reply_to": "mail with their address is deleted", "outbox_message.last_error": _DELETED,
    "outbox_attachment.filename": "deleted with its message", "outbox_attachment.content": "deleted with its message",
    # api
    "api_token.user_id": _DELETED, "api_token.name": _DELETED, "api_token.prefix": _DELETED,
    "api_token.token_hash": _DELETED,
    # learning
    "module_progress.reflection": _BLANKED, "module_progress.action_plan": _BLANKED,
    "module_progress.action_outcome": _BLANKED, "module_progress.response": "the mentor's reply to it, blanked",
    "placement.description": "blanked for the erased trainee's placements",
    # activities
    "feedback.user_id": "set to NULL (the mark stays for the average)", "feedback.comment": _BLANKED,
    "registration_event.note": _BLANKED, "newcomer_signup.organisation_name": _BLANKED,
    "newcomer_signup.outcome": _BLANKED,
    # certificates
    "certificate.holder_name": f"replaced by '{ERASED_NAME}'; the certificate stays valid",
    "certificate_batch_file.filename": "rendered copies of the person's certificates are deleted",
    "certificate_batch_file.content": "as filename",
    # partners
    "staff_import.rows": "the person's rows are removed; every list expires after STAFF_IMPORT_RETENTION_DAYS",
    "staff_import.created_by_id": "lists the person uploaded are deleted",
    "work_file.filename": "files the person handed in are deleted", "work_file.content": "as filename",
    "work_file.content_type": "as filename",
    "partner_invitation.email": "invitations to the person's account or address are deleted",
    "partner_invitation.user_id": "as email", "partner_invitation.token_hash": "as email",
    # network (network.erasure.erase_network_data)
    "network_profile.user_id": _DELETED, "network_profile.display_name": _DELETED,
    "network_profile.neighbourhood": _DELETED, "network_profile.tags": _DELETED,
    "network_profile.working_on": _DELETED, "network_profile.introduction": _DELETED,
    "network_profile_theme.theme": "deleted with the profile",
    "network_block.blocker_id": _DELETED, "network_block.blocked_id": _DELETED,
    "network_block.blocked_name": _DELETED,
    "network_contact_request.sender_id": "set to NULL", "network_contact_request.recipient_id": "set to NULL",
    "network_contact_request.sender_name": _BLANKED, "network_contact_request.message": _BLANKED,
    "network_contact_request.reply": _BLANKED,
    "network_abuse_report.reporter_id": "set to NULL", "network_abuse_report.reported_id": "set to NULL",
    "network_abuse_report.reason": _BLANKED, "network_abuse_report.handled_note": _BLANKED,
    "network_initiative.author_id": "set to NULL", "network_initiative.title": "replaced by '(verwijderd)'",
    "network_initiative.summary": _BLANKED, "network_initiative_update.body": "blanked on their initiatives",
    "network_initiative_follower.user_id": _DELETED,
}

KEPT = {
    "user.kind": "resident or professional: a statistics dimension",
    "user.neighbourhood": "a statistics dimension (neighbourhood figures)",
    "audit_event.actor_id": "the audit log keeps only ids of who did what",
    "audit_event.action": _CODE, "audit_event.object_type": _CODE,
    "audit_event.details": "ids, counts and codes only (never names or addresses)",
    "outbox_message.claimed_by": "the sending process's id",
    "enrolment.user_id": _IDS, "enrolment.enrolled_by_id": _STAFF_ID, "enrolment.mentor_id": _STAFF_ID,
    "enrolment.status": _CODE,
    "module_progress.user_id": _IDS, "module_progress.response_by_id": _STAFF_ID, "module_progress.status": _CODE,
    "placement.mentor_id": _STAFF_ID,
    "registration.user_id": _IDS, "registration.registered_by_id": _STAFF_ID, "registration.status": _CODE,
    "registration_event.user_id": _IDS, "registration_event.by_id": _STAFF_ID, "registration_event.event": _CODE,
    "attendance.user_id": _IDS, "attendance.recorded_by_id": _STAFF_ID, "attendance.participant_kind": _CODE,
    "activity_guide.user_id": "who guided which walk: ids for the walk figures",
    "newcomer_signup.user_id": _IDS,
    "certificate.user_id": "the certificate stays valid, linked to the anonymous record",
    "certificate.kind": _CODE, "certificate.title": "what was certified (a programme or activity title)",
    "certificate.period": "the period certified (dates)", "certificate.code": "the verification code, not personal",
    "certificate.issued_by_id": _STAFF_ID, "certificate.revoked_by_id": _STAFF_ID,
    "certificate.revoked_reason": "an organiser's reason for a revocation, shown only to the holder",
    "certificate_batch.requested_by_id": _STAFF_ID, "certificate_batch.status": _CODE,
    "certificate_batch.error": "a technical error message",
    "staff_import.token": "the upload's random key", "staff_import.filename": "the file's name, not a person's",
    "staff_import.default_target": _CODE, "staff_import.status": _CODE,
    "partner_invitation.invited_by_id": _STAFF_ID, "partner_invitation.target_code": _CODE,
    "network_contact_request.kind": _CODE, "network_contact_request.status": _CODE,
    "network_abuse_report.handled_by_id": _STAFF_ID,
    "network_initiative.neighbourhood": "statistics of initiatives per neighbourhood",
    "network_initiative.theme": "statistics of initiatives per theme", "network_initiative.status": _CODE,
    "network_initiative_update.kind": _CODE, "network_initiative_update.status": _CODE,
    "activity.created_by_id": _STAFF_ID, "activity_series.created_by_id": _STAFF_ID,
    "activity.speakers": "public names of invited speakers on the agenda, not accounts",
    "organisation.name": "organisations, not people", "organisation.type": _CODE,
    "organisation.website": "organisations, not people",
    "organisation.notes": "a coordinator's notes about a partnership",
    **{f"activity.{c}": _OFFER for c in ("kind", "title", "theme", "description", "location", "meeting_point",
                                          "neighbourhood", "practical_notes", "status", "cancel_reason")},
    **{f"activity_series.{c}": _OFFER for c in ("kind", "title")},
    **{f"module.{c}": _OFFER for c in ("slug", "title", "theme", "body_markdown", "body_html", "source_file",
                                        "content_hash", "learning_goals")},
    **{f"programme.{c}": _OFFER for c in ("slug", "name", "description", "kind", "audience")},
    **{f"module_version.{c}": _OFFER for c in ("origin", "title", "theme", "body_markdown", "learning_goals")},
    "module_version.saved_by_id": _STAFF_ID,
    **{f"worksheet.{c}": _OFFER for c in ("title", "filename", "content_type", "content")},
    "worksheet.uploaded_by_id": _STAFF_ID,
    **{f"phase.{c}": _OFFER for c in ("title", "description")},
    "cohort.name": _OFFER,
    "outbox_attachment.content_type": _CODE,
}

PERSONAL_TEXT_TYPES = (sa.String, sa.Text, sa.JSON, sa.LargeBinary)


def personal_columns() -> set[str]:
    """Every column that refers to a person or can hold personal text, as "table.column"."""
    found = set()
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            refers_to_person = any(fk.column.table.name == "user" for fk in column.foreign_keys)
            if refers_to_person or isinstance(column.type, PERSONAL_TEXT_TYPES):
                found.add(f"{table.name}.{column.name}")
    return found


def test_every_personal_column_is_erased_or_kept_with_a_reason(app):
    columns = personal_columns()
    assert not set(ERASED) & set(KEPT), "a column cannot be both erased and kept"
    unlisted = sorted(columns - set(ERASED) - set(KEPT))
    assert not unlisted, ("these columns can hold personal data: erase them in the feature's subscribers.py "
                          f"and list them in ERASED, or list them in KEPT with a reason: {unlisted}")
    stale = sorted((set(ERASED) | set(KEPT)) - columns)
    assert not stale, f"listed columns that no longer exist: {stale}"
    assert all(reason.strip() for reason in {**ERASED, **KEPT}.values())


NAME = "Femke Zuidhorn-Wierda"
SURNAME = "Zuidhorn-Wierda"
EMAIL = "femke.zuidhorn@example.org"


def _person_everywhere(make):
    """A person who left something in every feature: network, learning, activities, certificates, partners,
    the API, the outbox and the audit log."""
    org = make.organisation(name="Woonstichting De Kade")
    femke = make.user(name=NAME, email=EMAIL, phone="06-12345678", job_title="Wijkconsulent",
                      organisation_id=org.id, neighbourhood="Selwerd", roles=("deelnemer",))
    bas = make.user(name="Bas Bakker", email="bas@example.org")
    contact = make.user(name="Petra Partner", email="petra@example.org", organisation_id=org.id,
                        roles=("partnercontact",))
    mentor = make.user(name="Mila Mentor", email="mila@example.org", roles=("organisator",))
    coordinator = make.user(name="Cor Coördinator", roles=("coordinator",))
    # network: profile, an initiative from an action plan, follows, messages both ways, a block, a report
    opt_in(femke, introduction=f"Ik ben {NAME}, mail me op {EMAIL}.", working_on="Warmte in Selwerd")
    opt_in(bas)
    plan = make_plan(femke, text=f"Plan van {NAME}: een warmteavond.")
    db.session.add(WorkFile(progress_id=plan.id, filename=f"verslag-{SURNAME}.pdf", content_type="application/pdf",
                            size=20, content=f"%PDF-1.4 {NAME}".encode()))
    initiative = create_initiative(femke, title=f"Energiecafé van {NAME}", neighbourhood="Selwerd",
                                   theme="energietransitie", summary=f"Bel {NAME} op 06-12345678.",
                                   progress_id=plan.id)
    add_update(femke, initiative.id, f"Groet, {NAME}")
    follow(bas, initiative.id)
    to_bas = send_contact_request(femke, bas.id, f"Hallo Bas, groet van {NAME} ({EMAIL}).")
    answer_request(bas, to_bas.id, f"Dag {NAME}, graag!")
    to_femke = send_contact_request(bas, femke.id, f"Hoi {NAME}, zullen we bellen?")
    block_sender(femke, to_femke.id)
    report_abuse(femke, to_femke.id, f"{NAME} wil dit niet.")
    # learning: a completed enrolment with a placement and a mentor's reply
    cohort = make_cohort()
    enrolment = Enrolment(user_id=femke.id, cohort_id=cohort.id, status="afgerond", mentor_id=mentor.id)
    phase = Phase(programme_id=cohort.programme_id, number=1, title="Fase 1")
    db.session.add_all([enrolment, phase])
    db.session.flush()
    db.session.add(Placement(enrolment_id=enrolment.id, phase_id=phase.id, mentor_id=mentor.id,
                             description=f"{NAME} loopt stage bij De Kade."))
    plan.reflection = f"Ik, {NAME}, leerde veel."
    plan.response = f"Mooi werk, {NAME}!"
    plan.response_by_id = mentor.id
    # activities: registration with history, attendance, feedback, a completed newcomer sign-up
    walk = make.activity(title="Wandeling door Selwerd", starts_at=datetime(2026, 10, 10, 12, 0))
    registration = Registration(activity_id=walk.id, user_id=femke.id, status="bevestigd")
    db.session.add(registration)
    db.session.flush()
    db.session.add_all([
        RegistrationEvent(activity_id=walk.id, user_id=femke.id, event="geregistreerd", note=f"belde: {NAME}"),
        Attendance(activity_id=walk.id, user_id=femke.id, present=True, participant_kind="professional"),
        Feedback(activity_id=walk.id, user_id=femke.id, mark=9, comment=f"Top! {NAME}"),
        NewcomerSignup(user_id=femke.id, activity_id=walk.id, organisation_name=f"Bureau {SURNAME}",
                       completed_at=datetime(2026, 10, 1), registration_id=registration.id, outcome="Aangemeld"),
    ])
    # certificates: one valid certificate, rendered into a cohort ZIP batch
    certificate = Certificate(user_id=femke.id, kind="certificaat", enrolment_id=enrolment.id,
                              title="Leergang Wijkontwikkeling", holder_name=NAME, period="2022-2023",
                              code="ABCDE-FGHJK-LMNPQ-RSTUV")
    batch = CertificateBatch(cohort_id=cohort.id, requested_by_id=mentor.id)
    db.session.add_all([certificate, batch])
    db.session.flush()
    db.session.add(CertificateBatchFile(batch_id=batch.id, certificate_id=certificate.id,
                                        filename=f"certificaat-{SURNAME}.pdf", content=NAME.encode()))
    # partners: two import lists with her row (one uploaded by her colleague, one by herself)
    db.session.add_all([
        StaffImport(token="t1", organisation_id=org.id, created_by_id=contact.id, filename="medewerkers.csv",
                    rows=[{"line": 2, "email": EMAIL, "name": NAME, "job_title": "Wijkconsulent"},
                          {"line": 3, "email": "ander@example.org", "name": "Anne Ander", "job_title": ""}]),
        StaffImport(token="t2", organisation_id=org.id, created_by_id=femke.id, filename="lijst.csv",
                    rows=[{"line": 2, "email": "ander@example.org", "name": "Anne Ander"}]),
        # an invitation to her address sent before she had an account (so without her user id)
        PartnerInvitation(organisation_id=org.id, email=EMAIL, invited_by_id=contact.id, token_hash="f" * 64,
                          expires_at=utcnow() + timedelta(days=7)),
    ])
    db.session.commit()
    # the API, the outbox, the audit log
    create_token(femke, f"Token van {NAME}", validity_days=30)
    db.session.add_all([
        OutboxMessage(recipient="petra@example.org", subject=f"{NAME} is aangemeld",
                      body=f"{NAME} ({EMAIL}) doet mee."),
        OutboxMessage(recipient="bas@example.org", subject="Herinnering", body="Tot morgen bij de wandeling."),
    ])
    record(contact.id, "staff_enrolled", "user", femke.id, organisation_id=org.id)
    db.session.commit()
    return femke, coordinator, certificate


def _text_of(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def test_erased_person_leaves_no_name_or_address_in_any_row(client, make):
    femke, coordinator, certificate = _person_everywhere(make)
    found_before = _rows_naming_the_person()
    assert len(found_before) > 20, found_before  # the scan sees the traces before erasure

    login(client, femke)
    assert client.post("/mijn-gegevens/verwijderen", data={"confirm": "y"}).status_code == 302
    login(client, coordinator)
    assert client.post(f"/beheer/privacyverzoeken/{femke.id}/wissen").status_code == 302
    db.session.expire_all()

    assert _rows_naming_the_person() == []
    # the figures' inputs and the other people's data stay
    erased = db.session.get(User, femke.id)
    assert erased.anonymised_at is not None and erased.neighbourhood == "Selwerd"
    assert db.session.scalar(select(Attendance.user_id)) == femke.id
    assert db.session.scalar(select(Feedback.mark)) == 9
    kept_import = db.session.scalar(select(StaffImport).where(StaffImport.token == "t1"))
    assert [row["name"] for row in kept_import.rows] == ["Anne Ander"]
    assert db.session.scalar(select(StaffImport).where(StaffImport.token == "t2")) is None
    assert db.session.scalar(select(OutboxMessage.subject).where(OutboxMessage.recipient == "bas@example.org",
                                                                 OutboxMessage.subject == "Herinnering"))
    # the certificate stays valid and verifies as genuine
    certificate = db.session.get(Certificate, certificate.id)
    assert certificate.revoked_at is None and certificate.active
    page = client.get(f"/certificaat/{certificate.code}").get_data(as_text=True)
    assert "echt en geldig" in page and "op diens eigen verzoek" in page and SURNAME not in page


def _rows_naming_the_person() -> list[str]:
    """Every (table.column, row) whose text holds the name, the surname or the address."""
    needles = [NAME.lower(), SURNAME.lower(), EMAIL.lower()]
    found = []
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, PERSONAL_TEXT_TYPES)]
            if not columns:
                continue
            for row in connection.execute(select(*columns)):
                for column, value in zip(columns, row, strict=True):
                    text = _text_of(value).lower()
                    if any(needle in text for needle in needles):
                        found.append(f"{table.name}.{column.name}: {text[:80]}")
    return found

