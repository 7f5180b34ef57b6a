"""The certificate rules, tested on the services directly."""
import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from wijkmakers.activities.models import KIND_LECTURE, KIND_SESSION, STATUS_CANCELLED
from wijkmakers.core.errors import DomainError, NotFound
from wijkmakers.certificates import documents, issuing, listings, revocation, verification
from wijkmakers.certificates.models import CERT_PARTICIPATION, CERT_PROGRAMME, Certificate
from wijkmakers.core.audit import AuditEvent
from wijkmakers.extensions import db
from wijkmakers.learning.models import ENROLMENT_ACTIVE, ENROLMENT_WITHDRAWN
from wijkmakers.learning.signals import enrolment_completed
from wijkmakers.notifications.models import OutboxMessage


def _count(*where):
    return db.session.scalar(select(func.count()).select_from(Certificate).where(*where))


# -- codes -----------------------------------------------------------------------------------------
def test_codes_are_long_random_and_grouped(app):
    codes = {verification.new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert re.fullmatch(r"[A-HJ-NP-Z2-9]{5}(-[A-HJ-NP-Z2-9]{5}){3}", code)
    # 20 symbols of a 32-letter alphabet: 100 bits.
    assert len(verification.CODE_ALPHABET) == 32 and verification.CODE_LENGTH == 20


@pytest.mark.parametrize("typed", ["abcde-fghjk-lmnpq-rstuv", "ABCDEFGHJKLMNPQRSTUV", " abcde fghjk lmnpq rstuv "])
def test_typed_codes_are_normalised(typed):
    assert verification.normalise_code(typed) == "ABCDE-FGHJK-LMNPQ-RSTUV"


@pytest.mark.parametrize("junk", ["", "   ", "<script>", "a" * 41, "ÄBCDE-FGHJK-LMNPQ-RSTUV", None])
def test_junk_is_not_a_code(junk):
    assert verification.normalise_code(junk) is None


# -- programme certificates ------------------------------------------------------------------------
def test_completion_signal_issues_certificate_once(app, data):
    enrolment = data.enrolment()
    enrolment_completed.send(None, enrolment_id=enrolment.id)
    enrolment_completed.send(None, enrolment_id=enrolment.id)  # sent twice: still one certificate
    certificates = db.session.scalars(select(Certificate).where(Certificate.enrolment_id == enrolment.id)).all()
    assert len(certificates) == 1
    certificate = certificates[0]
    assert certificate.kind == CERT_PROGRAMME and certificate.is_valid
    assert certificate.title == "Leergang Wijkontwikkeling" and certificate.period == "2023-2024"
    assert certificate.holder_name == enrolment.user.name and certificate.issued_by_id is None
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == enrolment.user.email)).all()
    assert len(mail) == 1 and certificate.code in mail[0].body
    assert "/certificaten" in mail[0].body
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate_issued"))
    assert event.object_id == certificate.id and event.details["automatic"] is True


def test_signal_for_unfinished_or_unknown_enrolment_issues_nothing(app, data):
    active = data.enrolment(status=ENROLMENT_ACTIVE)
    enrolment_completed.send(None, enrolment_id=active.id)
    enrolment_completed.send(None, enrolment_id=999999)
    enrolment_completed.send(None)
    assert _count() == 0


def test_automatic_issue_never_overrides_a_revocation(app, data, make):
    enrolment = data.enrolment()
    certificate, _ = issuing.issue_programme_certificate(enrolment.id)
    revocation.revoke(certificate.id, "Naam verkeerd gespeld", make.user(roles=("organisator",)))
    enrolment_completed.send(None, enrolment_id=enrolment.id)
    assert _count(Certificate.enrolment_id == enrolment.id) == 1
    assert _count(Certificate.enrolment_id == enrolment.id, Certificate.active.is_(True)) == 0


def test_organiser_reissues_after_revocation_and_issues_by_hand(app, data, make):
    organiser = make.user(roles=("organisator",))
    enrolment = data.enrolment()
    first, created = issuing.issue_programme_certificate(enrolment.id, issued_by=organiser)
    assert created and first.issued_by_id == organiser.id
    again, created = issuing.issue_programme_certificate(enrolment.id, issued_by=organiser)
    assert not created and again.id == first.id
    revocation.revoke(first.id, "Naam verkeerd gespeld", organiser)
    second, created = issuing.issue_programme_certificate(enrolment.id, issued_by=organiser)
    assert created and second.id != first.id and second.code != first.code
    assert _count(Certificate.enrolment_id == enrolment.id, Certificate.active.is_(True)) == 1


def test_by_hand_also_for_active_but_never_for_withdrawn(app, data, make):
    organiser = make.user(roles=("organisator",))
    active = data.enrolment(status=ENROLMENT_ACTIVE)
    _, created = issuing.issue_programme_certificate(active.id, issued_by=organiser)
    assert created
    withdrawn = data.enrolment(status=ENROLMENT_WITHDRAWN)
    with pytest.raises(DomainError, match="niet afgerond"):
        issuing.issue_programme_certificate(withdrawn.id, issued_by=organiser)
    with pytest.raises(NotFound):
        issuing.issue_programme_certificate(999999, issued_by=organiser)


def test_database_allows_one_valid_certificate_per_enrolment(app, data):
    """Even if two issuers raced past the check (they cannot: the enrolment row is locked first), the
    partial unique index keeps one valid certificate."""
    enrolment = data.enrolment()
    first, _ = issuing.issue_programme_certificate(enrolment.id)
    duplicate = Certificate(user_id=enrolment.user_id, kind=CERT_PROGRAMME, enrolment_id=enrolment.id,
                            title="x", holder_name="x", code=verification.new_code())
    db.session.add(duplicate)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    again, created = issuing.issue_programme_certificate(enrolment.id)
    assert not created and again.id == first.id
    assert _count(Certificate.enrolment_id == enrolment.id) == 1


def test_issuing_locks_the_enrolment_before_looking(app, data, monkeypatch):
    """The lock comes before the search for an existing certificate, so a second issuer waits and then
    finds the first one."""
    from wijkmakers.learning.models import Enrolment

    calls = []
    real_lock = issuing.lock_row
    monkeypatch.setattr(issuing, "lock_row", lambda model, row_id: (calls.append((model, row_id)),
                                                                    real_lock(model, row_id)))
    enrolment = data.enrolment()
    issuing.issue_programme_certificate(enrolment.id)
    assert calls == [(Enrolment, enrolment.id)]


def test_a_failing_issue_in_a_joined_transaction_rolls_back_with_its_caller(app, data, make):
    """issue_for_completed joins a caller's transaction: when the caller fails, nothing is issued."""
    from wijkmakers.core.transaction import transactional

    organiser = make.user(roles=("organisator",))
    cohort = data.cohort()
    data.enrolment(cohort)
    data.enrolment(cohort)

    @transactional
    def issue_then_fail():
        assert issuing.issue_for_completed(cohort.id, organiser) == 2
        raise DomainError("Toch niet.")

    with pytest.raises(DomainError):
        issue_then_fail()
    assert _count() == 0
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_issue_for_completed_fills_the_gaps(app, data, make):
    organiser = make.user(roles=("organisator",))
    cohort = data.cohort()
    done = [data.enrolment(cohort) for _ in range(3)]
    data.enrolment(cohort, status=ENROLMENT_ACTIVE)
    issuing.issue_programme_certificate(done[0].id)
    assert issuing.issue_for_completed(cohort.id, organiser) == 2
    assert issuing.issue_for_completed(cohort.id, organiser) == 0
    assert _count(Certificate.active.is_(True)) == 3


# -- proofs of participation -----------------------------------------------------------------------
def test_proof_only_for_present_people(app, data, make):
    person = make.user()
    walk = data.attended(person, present=True)
    certificate, created = issuing.issue_participation_proof(person.id, walk.id)
    assert created and certificate.kind == CERT_PARTICIPATION and certificate.activity_id == walk.id
    again, created = issuing.issue_participation_proof(person.id, walk.id)
    assert not created and again.id == certificate.id

    absent = make.user()
    missed = data.attended(absent, present=False)
    with pytest.raises(DomainError, match="niet als aanwezig"):
        issuing.issue_participation_proof(absent.id, missed.id)
    with pytest.raises(DomainError, match="niet als aanwezig"):
        issuing.issue_participation_proof(absent.id, walk.id)  # never registered at all


def test_no_proof_for_course_sessions_or_cancelled_activities(app, data, make):
    person = make.user()
    session = data.attended(person, kind=KIND_SESSION)
    with pytest.raises(DomainError, match="leergang"):
        issuing.issue_participation_proof(person.id, session.id)
    cancelled = data.attended(person, kind=KIND_LECTURE, status=STATUS_CANCELLED)
    with pytest.raises(DomainError, match="geannuleerd"):
        issuing.issue_participation_proof(person.id, cancelled.id)
    with pytest.raises(NotFound):
        issuing.issue_participation_proof(person.id, 999999)
    assert _count() == 0


def test_revoked_proof_is_not_reissued_on_request(app, data, make):
    person = make.user()
    walk = data.attended(person)
    certificate, _ = issuing.issue_participation_proof(person.id, walk.id)
    revocation.revoke(certificate.id, "Dubbel uitgereikt", make.user(roles=("organisator",)))
    with pytest.raises(DomainError, match="ingetrokken"):
        issuing.issue_participation_proof(person.id, walk.id)
    assert listings.proof_candidates(person) == []


def test_proof_candidates_lists_attended_one_day_activities_without_proof(app, data, make):
    person = make.user()
    walk = data.attended(person, title="Wandeling Selwerd")
    lecture = data.attended(person, kind=KIND_LECTURE, title="Lezing zelfregie")
    data.attended(person, kind=KIND_SESSION)
    data.attended(person, present=False)
    data.attended(make.user())
    assert {a.id for a in listings.proof_candidates(person)} == {walk.id, lecture.id}
    issuing.issue_participation_proof(person.id, walk.id)
    assert [a.id for a in listings.proof_candidates(person)] == [lecture.id]


# -- revocation ------------------------------------------------------------------------------------
def test_revoke_needs_a_reason_and_happens_once(app, data, make):
    organiser = make.user(roles=("organisator",))
    certificate, _ = issuing.issue_programme_certificate(data.enrolment().id)
    with pytest.raises(DomainError, match="reden"):
        revocation.revoke(certificate.id, "   ", organiser)
    revoked = revocation.revoke(certificate.id, "  Leergang   niet afgerond  ", organiser)
    assert revoked.revoked_reason == "Leergang niet afgerond" and revoked.revoked_by_id == organiser.id
    assert not revoked.is_valid and revoked.active is None
    with pytest.raises(DomainError, match="al ingetrokken"):
        revocation.revoke(certificate.id, "Nogmaals intrekken", organiser)
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.subject.like("%ingetrokken%"))).all()
    assert len(mail) == 1 and "Leergang niet afgerond" in mail[0].body
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate_revoked")) is not None


def test_find_by_code_is_case_insensitive(app, data):
    certificate, _ = issuing.issue_programme_certificate(data.enrolment().id)
    assert verification.find_by_code(certificate.code.lower()).id == certificate.id
    assert verification.find_by_code(certificate.code.replace("-", "")).id == certificate.id
    assert verification.find_by_code("ABCDE-FGHJK-LMNPQ-RSTUV") is None


def test_overview_counts_in_sql(app, data, count_queries):
    cohorts = [data.cohort(name=f"20{n}-20{n + 1}") for n in range(20, 25)]
    for cohort in cohorts:
        for _ in range(2):
            issuing.issue_programme_certificate(data.enrolment(cohort).id)
        data.enrolment(cohort)
    db.session.expire_all()
    with count_queries() as counter:
        rows = listings.cohort_overview()
    assert counter.count == 1
    assert all(row.completed == 3 and row.valid == 2 for row in rows)


def test_erasure_deletes_rendered_copies(app, data, make, monkeypatch):
    from wijkmakers.auth.signals import person_erased
    from wijkmakers.certificates.models import CertificateBatchFile

    monkeypatch.setattr(documents, "BATCH_SECONDS_PER_STEP", 60.0)
    cohort = data.cohort()
    user = make.user(name="Te Verwijderen")
    issuing.issue_programme_certificate(data.enrolment(cohort, user=user).id)
    issuing.issue_programme_certificate(data.enrolment(cohort).id)
    batch = documents.start_batch(cohort.id, make.user(roles=("organisator",)))
    documents.advance_batch(batch.id)
    person_erased.send(None, user_id=user.id)
    db.session.commit()
    rows = db.session.scalars(select(CertificateBatchFile).where(CertificateBatchFile.batch_id == batch.id)).all()
    assert len(rows) == 1 and "te-verwijderen" not in rows[0].filename


def test_a_failing_issue_after_completion_leaves_the_completion_committed(app, data, monkeypatch, caplog):
    """The subscriber's issue is a transaction of its own: when it fails half-way (after its flush), its
    own work is rolled back, the failure is logged, and the completion stays as committed."""
    from wijkmakers.learning.models import ENROLMENT_COMPLETED, Enrolment

    enrolment = data.enrolment()
    enrolment_id = enrolment.id

    def broken_mail(*args, **kwargs):
        raise RuntimeError("mail template missing")

    monkeypatch.setattr(issuing, "_announce", broken_mail)
    enrolment_completed.send(None, enrolment_id=enrolment_id)
    assert "issuing the certificate of enrolment" in caplog.text
    db.session.expire_all()
    assert db.session.get(Enrolment, enrolment_id).status == ENROLMENT_COMPLETED
    assert _count() == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "certificate_issued")) == 0
