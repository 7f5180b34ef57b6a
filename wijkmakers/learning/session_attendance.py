"""Attendance at a cohort's sessions: the organiser's list per session (everyone not ticked is absent),
kept from the session's own day on, and re-checking completion after every change."""
from datetime import datetime, time, timedelta

from sqlalchemy import and_, func, or_, select

from ..activities.models import STATUS_CANCELLED, Activity, Attendance, RegistrationEvent
from ..auth.models import User
from ..core.audit import record
from ..core.errors import DomainError
from ..core.timeutil import local_to_utc, local_today, utcnow
from ..core.transaction import transactional
from ..extensions import db
from .completion import announces_completions, evaluate_cohort
from .enrolment import SEATED
from .models import Cohort, Enrolment


def attendance_list(session: Activity) -> list[tuple[User, bool | None]]:
    """The cohort's participants (and anyone with an attendance record) with present True/False/None."""
    records = dict(db.session.execute(select(Attendance.user_id, Attendance.present)
                                      .where(Attendance.activity_id == session.id)).all())
    people = db.session.scalars(
        select(User).outerjoin(Enrolment, and_(Enrolment.user_id == User.id, Enrolment.cohort_id == session.cohort_id))
        .where(or_(Enrolment.status.in_(SEATED), User.id.in_(list(records) or [-1])))
        .order_by(User.name, User.id)).unique().all()
    return [(person, records.get(person.id)) for person in people]


def session_presence(cohort_id: int) -> dict[int, int]:
    """Number present per session of the cohort (one GROUP BY)."""
    return dict(db.session.execute(
        select(Attendance.activity_id, func.count()).join(Activity, Activity.id == Attendance.activity_id)
        .where(Activity.cohort_id == cohort_id, Attendance.present.is_(True))
        .group_by(Attendance.activity_id)).all())


def sessions_attended(user_id: int, session_ids: list[int]) -> dict[int, bool]:
    """Per session (of the given ones) whether this person was recorded present (True) or absent (False)."""
    if not session_ids:
        return {}
    return dict(db.session.execute(
        select(Attendance.activity_id, Attendance.present)
        .where(Attendance.user_id == user_id, Attendance.activity_id.in_(session_ids))).all())


def attendance_open(session: Activity) -> bool:
    """Attendance can be kept from the (local) day of the session on, for sessions not cancelled."""
    tomorrow = local_to_utc(datetime.combine(local_today() + timedelta(days=1), time.min))
    return session.status != STATUS_CANCELLED and session.starts_at < tomorrow


@announces_completions
@transactional
def record_session_attendance(session: Activity, present_ids: set[int], by: User) -> list[int]:
    """Save the attendance list of a session; everyone on the list not ticked is absent.

    Returns the ids of enrolments that the new attendance completed."""
    if session.status == STATUS_CANCELLED:
        raise DomainError("Deze bijeenkomst is geannuleerd; er valt geen presentie bij te houden.")
    if not attendance_open(session):
        raise DomainError("De presentie kun je bijhouden vanaf de dag van de bijeenkomst.")
    people = attendance_list(session)
    allowed = {person.id for person, _ in people}
    unknown = present_ids - allowed
    if unknown:
        raise DomainError("Er staat iemand in de lijst die niet bij deze groep hoort. Laad de pagina opnieuw.")
    existing = {a.user_id: a for a in
                db.session.scalars(select(Attendance).where(Attendance.activity_id == session.id))}
    now = utcnow()
    for person, _ in people:
        present = person.id in present_ids
        row = existing.get(person.id)
        if row is not None and row.present == present:
            continue
        if row is None:
            row = Attendance(activity_id=session.id, user_id=person.id,
                             organisation_id=person.organisation_id, participant_kind=person.kind)
            db.session.add(row)
        row.present = present
        row.checked_in_at = now if present else None
        row.recorded_by_id = by.id
        db.session.add(RegistrationEvent(activity_id=session.id, user_id=person.id,
                                         event="aanwezig" if present else "afwezig", by_id=by.id))
    record(by.id, "session_attendance", "activity", session.id, present=len(present_ids))
    return evaluate_cohort(db.session.get(Cohort, session.cohort_id))
