"""Issuing certificates (a completed programme) and proofs of participation (a one-day activity attended).

Rules in one place:
- Never two valid documents for one enrolment, or for one person and activity: the parent row is locked
  (core.locking) before looking for an existing one, so two issuers at once cannot both create one; the
  database's partial unique index is the last guard.
- Automatic issue (after the completion signal, ``issued_by`` None) needs a completed enrolment and never
  overrides a revocation; an organiser may issue to an active participant and after a revocation.
- Proofs of participation only for people marked present; course sessions never give one.
- Every function that issues is @transactional; the mail to the holder leaves only with the commit.
"""
from sqlalchemy import and_, select
from sqlalchemy.orm import joinedload

from ..activities.models import ONE_DAY_KINDS, STATUS_CANCELLED, Activity, Attendance
from ..auth.models import User
from ..core.audit import record
from ..core.errors import DomainError, NotFound
from ..core.locking import lock_row
from ..core.timeutil import nl_date
from ..core.transaction import transactional
from ..extensions import db
from ..learning.models import ENROLMENT_ACTIVE, ENROLMENT_COMPLETED, ENROLMENT_LABELS, Cohort, Enrolment
from ..notifications.compose import absolute_url, send
from .models import CERT_PARTICIPATION, CERT_PROGRAMME, Certificate
from .verification import new_code, verification_url


def _period(cohort: Cohort) -> str:
    start, end = cohort.starts_on.year, cohort.ends_on.year
    return str(start) if start == end else f"{start}-{end}"


def _add(certificate: Certificate) -> Certificate:
    db.session.add(certificate)
    db.session.flush()
    return certificate


def _announce(certificate: Certificate, user: User) -> None:
    send(user, f"Je {certificate.kind_label.lower()}: {certificate.title}", "certificates/mail_issued.txt",
         certificate=certificate, mine_url=absolute_url("certificates.mine"),
         verify_url=verification_url(certificate))


@transactional
def issue_programme_certificate(enrolment_id: int, issued_by: User | None = None) -> tuple[Certificate, bool]:
    """The certificate of a programme. Returns (certificate, created); never two valid ones per enrolment.

    Automatic issue (issued_by None, after the completion signal) needs a completed enrolment and never
    overrides a revocation. An organiser may also issue to an active participant (completion recorded
    elsewhere) and after a revocation (a corrected certificate).
    """
    lock_row(Enrolment, enrolment_id)
    enrolment = db.session.scalar(select(Enrolment).options(joinedload(Enrolment.user))
                                  .where(Enrolment.id == enrolment_id))
    if enrolment is None:
        raise NotFound("Deze inschrijving bestaat niet.")
    allowed = (ENROLMENT_COMPLETED,) if issued_by is None else (ENROLMENT_COMPLETED, ENROLMENT_ACTIVE)
    if enrolment.status not in allowed:
        label = ENROLMENT_LABELS.get(enrolment.status, enrolment.status).lower()
        raise DomainError(f"{enrolment.user.name} heeft de leergang niet afgerond (status: {label}); "
                          "daarom kan er geen certificaat worden uitgereikt.")
    certificates = db.session.scalars(select(Certificate).where(Certificate.enrolment_id == enrolment.id)).all()
    for existing in certificates:
        if existing.is_valid:
            return existing, False
    if certificates and issued_by is None:
        raise DomainError("Het certificaat van deze inschrijving is ingetrokken; alleen een organisator "
                          "kan een nieuw certificaat uitreiken.")
    cohort = enrolment.cohort
    certificate = _add(Certificate(user_id=enrolment.user_id, kind=CERT_PROGRAMME, enrolment_id=enrolment.id,
                                   title=cohort.programme.name, holder_name=enrolment.user.name,
                                   period=_period(cohort), code=new_code(),
                                   issued_by_id=issued_by.id if issued_by else None))
    record(issued_by.id if issued_by else None, "certificate_issued", "certificate", certificate.id,
           code=certificate.code, enrolment_id=enrolment.id, automatic=issued_by is None)
    _announce(certificate, enrolment.user)
    return certificate, True


@transactional
def issue_participation_proof(user_id: int, activity_id: int, issued_by: User | None = None
                              ) -> tuple[Certificate, bool]:
    """A proof of participation for a one-day activity the person attended (attendance marked present).

    ``issued_by`` None: the participant asks for it themself. Course sessions never give one: a course
    ends in its certificate.
    """
    lock_row(User, user_id)  # one person's proofs are issued one at a time
    activity = db.session.get(Activity, activity_id)
    if activity is None:
        raise NotFound("Deze activiteit bestaat niet.")
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("Deze persoon bestaat niet.")
    if activity.kind not in ONE_DAY_KINDS:
        raise DomainError("Voor een bijeenkomst van een leergang is er geen los bewijs van deelname: "
                          "je krijgt een certificaat als je de hele leergang afrondt.")
    if activity.status == STATUS_CANCELLED:
        raise DomainError("Deze activiteit is geannuleerd; er is geen bewijs van deelname.")
    present = db.session.scalar(select(Attendance.id).where(Attendance.activity_id == activity.id,
                                                            Attendance.user_id == user.id,
                                                            Attendance.present.is_(True)))
    if present is None:
        who = "Je bent" if issued_by is None else f"{user.name} is"
        raise DomainError(f"{who} bij deze activiteit niet als aanwezig geregistreerd. Een bewijs van "
                          "deelname is er alleen voor wie aanwezig was; klopt de presentielijst niet, "
                          "neem dan contact op met de organisatie.")
    certificates = db.session.scalars(select(Certificate).where(and_(Certificate.activity_id == activity.id,
                                                                     Certificate.user_id == user.id))).all()
    for existing in certificates:
        if existing.is_valid:
            return existing, False
    if certificates and issued_by is None:
        raise DomainError("Je bewijs van deelname voor deze activiteit is ingetrokken. Neem contact op "
                          "met de organisatie als je denkt dat dit niet klopt.")
    certificate = _add(Certificate(user_id=user.id, kind=CERT_PARTICIPATION, activity_id=activity.id,
                                   title=activity.title, holder_name=user.name,
                                   period=nl_date(activity.starts_at), code=new_code(),
                                   issued_by_id=issued_by.id if issued_by else None))
    record(issued_by.id if issued_by else user.id, "certificate_issued", "certificate", certificate.id,
           code=certificate.code, activity_id=activity.id, requested_by_participant=issued_by is None)
    if issued_by is not None:
        _announce(certificate, user)
    return certificate, True


def issue_for_completed(cohort_id: int, issued_by: User | None) -> int:
    """Issue the missing certificates of every completed enrolment in a cohort; returns how many.

    Deliberately not one transaction: each certificate is issued (and committed, with its mail) on its
    own, as the completion signal would have done, so the certificates issued before a failing one stay
    issued. Called inside a caller's transaction, every issue joins that one instead.
    """
    if db.session.get(Cohort, cohort_id) is None:
        raise NotFound("Deze groep bestaat niet.")
    has_any = select(Certificate.id).where(Certificate.enrolment_id == Enrolment.id).exists()
    ids = db.session.scalars(select(Enrolment.id).where(Enrolment.cohort_id == cohort_id,
                                                        Enrolment.status == ENROLMENT_COMPLETED, ~has_any)).all()
    created = 0
    for enrolment_id in ids:
        _, new = issue_programme_certificate(enrolment_id, issued_by=issued_by)
        created += new
    return created
