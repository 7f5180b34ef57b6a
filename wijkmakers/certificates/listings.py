"""What people see of certificates: a participant's own documents and the proofs they may still ask for;
the organiser's search, cohorts and one-day activities with their counts. Read-only."""
from dataclasses import dataclass

from sqlalchemy import bindparam, case, func, or_, select
from sqlalchemy.orm import joinedload, lazyload

from ..activities.models import ONE_DAY_KINDS, STATUS_CANCELLED, Activity, Attendance
from ..auth.models import User
from ..core.errors import NotFound
from ..core.statements import prepared
from ..core.timeutil import utcnow
from ..extensions import db
from ..learning.models import ENROLMENT_COMPLETED, Cohort, Enrolment
from .models import Certificate
from .verification import normalise_code


# -- participants ----------------------------------------------------------------------------------
def certificates_of(user: User) -> list[Certificate]:
    return db.session.scalars(_certificates_of(), {"user_id": user.id}).all()


def proof_candidates(user: User) -> list[Activity]:
    """One-day activities this person attended that have no proof yet (valid or revoked)."""
    return db.session.scalars(_proof_candidates(), {"user_id": user.id}).all()


# Every visit to /certificaten asks these two: prepared.
@prepared
def _certificates_of():
    return (select(Certificate).where(Certificate.user_id == bindparam("user_id"))
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc()))


@prepared
def _proof_candidates():
    user_id = bindparam("user_id")
    has_certificate = (select(Certificate.id).where(Certificate.activity_id == Activity.id,
                                                    Certificate.user_id == user_id).exists())
    return (select(Activity).join(Attendance, Attendance.activity_id == Activity.id)
            .where(Attendance.user_id == user_id, Attendance.present.is_(True), Activity.kind.in_(ONE_DAY_KINDS),
                   Activity.status != STATUS_CANCELLED, ~has_certificate)
            .order_by(Activity.starts_at.desc()))


def owned_certificate(certificate_id: int, user: User, organiser: bool) -> Certificate:
    """A certificate the user may download: their own valid one, or any for an organiser. Else NotFound."""
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or not (organiser or (certificate.user_id == user.id and certificate.is_valid)):
        raise NotFound("Dit certificaat bestaat niet.")
    return certificate


# -- organisers ------------------------------------------------------------------------------------
def get_certificate(certificate_id: int) -> Certificate:
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None:
        raise NotFound("Dit certificaat bestaat niet.")
    return certificate


def get_cohort(cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        raise NotFound("Deze groep bestaat niet.")
    return cohort


def search_statement(query: str | None):
    """Certificates, newest first, optionally filtered by holder name or (part of the) code."""
    stmt = select(Certificate).order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    text = (query or "").strip()
    if text:
        like = f"%{text.lower()}%"
        code = normalise_code(text)
        clauses = [func.lower(Certificate.holder_name).like(like)]
        if code:
            clauses.append(Certificate.code.like(f"%{code}%"))
        stmt = stmt.where(or_(*clauses))
    return stmt


@dataclass
class CohortRow:
    cohort: Cohort
    completed: int
    valid: int


def cohort_overview() -> list[CohortRow]:
    completed = func.count(func.distinct(case((Enrolment.status == ENROLMENT_COMPLETED, Enrolment.id))))
    valid = func.count(func.distinct(Certificate.id))
    rows = db.session.execute(
        select(Cohort, completed, valid)
        .outerjoin(Enrolment, Enrolment.cohort_id == Cohort.id)
        .outerjoin(Certificate, (Certificate.enrolment_id == Enrolment.id) & Certificate.active.is_(True))
        .group_by(Cohort.id).order_by(Cohort.starts_on.desc(), Cohort.id.desc())
    ).all()
    return [CohortRow(cohort, n_completed, n_valid) for cohort, n_completed, n_valid in rows]


def cohort_members(cohort_id: int) -> tuple[Cohort, list[tuple[Enrolment, Certificate | None]]]:
    cohort = get_cohort(cohort_id)
    rows = db.session.execute(
        select(Enrolment, Certificate).options(joinedload(Enrolment.user))
        .outerjoin(Certificate, (Certificate.enrolment_id == Enrolment.id) & Certificate.active.is_(True))
        .join(User, User.id == Enrolment.user_id)
        .where(Enrolment.cohort_id == cohort_id).order_by(User.name, Enrolment.id)
    ).all()
    return cohort, [(enrolment, certificate) for enrolment, certificate in rows]


def recent_activities(limit: int = 15) -> list[tuple[Activity, int, int]]:
    """Past one-day activities with the number present and the number of valid proofs."""
    present = func.count(func.distinct(case((Attendance.present.is_(True), Attendance.id))))
    proofs = func.count(func.distinct(Certificate.id))
    return db.session.execute(
        select(Activity, present, proofs).options(lazyload(Activity.guides))
        .outerjoin(Attendance, Attendance.activity_id == Activity.id)
        .outerjoin(Certificate, (Certificate.activity_id == Activity.id) & Certificate.active.is_(True))
        .where(Activity.kind.in_(ONE_DAY_KINDS), Activity.starts_at < utcnow(), Activity.status != STATUS_CANCELLED)
        .group_by(Activity.id).order_by(Activity.starts_at.desc()).limit(limit)
    ).all()


def activity_attendees(activity_id: int) -> tuple[Activity, list[tuple[User, Certificate | None]]]:
    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.kind not in ONE_DAY_KINDS:
        raise NotFound("Deze activiteit bestaat niet.")
    rows = db.session.execute(
        select(User, Certificate).join(Attendance, Attendance.user_id == User.id)
        .outerjoin(Certificate, (Certificate.activity_id == activity.id) & (Certificate.user_id == User.id)
                   & Certificate.active.is_(True))
        .where(Attendance.activity_id == activity.id, Attendance.present.is_(True)).order_by(User.name)
    ).all()
    return activity, [(user, certificate) for user, certificate in rows]
