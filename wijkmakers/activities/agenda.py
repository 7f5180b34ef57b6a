"""What is on: the public agenda with its filters, and each person's own lists (sign-ups, guided).

Activities are planned as a date with a start and an end time (the forms allow nothing longer), so one
that has not ended began less than a day ago. Lists of what is still to come add this bound on
starts_at, which lets the database walk the starts_at index instead of filtering every activity ever held.
"""
from datetime import datetime, timedelta

from sqlalchemy import and_, select
from sqlalchemy.orm import joinedload

from ..auth.models import User
from ..core.timeutil import local_to_utc, utcnow
from ..extensions import db
from .models import ACTIVITY_KINDS, KIND_SESSION, STATUS_PLANNED, Activity, ActivityGuide, Registration

LONGEST_ACTIVITY = timedelta(days=1)


def not_ended(now, started_after=None):
    """Not ended at ``now``; ``started_after`` (now - LONGEST_ACTIVITY) must be given when ``now`` is a bind
    parameter."""
    return and_(Activity.ends_at >= now,
                Activity.starts_at > (now - LONGEST_ACTIVITY if started_after is None else started_after))


def parse_month(value: str | None) -> tuple[int, int] | None:
    """'2026-05' -> (2026, 5); anything else -> None (ignored)."""
    if not value:
        return None
    try:
        year, month = value.split("-")
        year, month = int(year), int(month)
    except ValueError:
        return None
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return year, month


def agenda_query(kind: str | None = None, neighbourhood: str | None = None, month: tuple[int, int] | None = None):
    """Upcoming planned activities open to everyone (course sessions excluded), soonest first."""
    stmt = select(Activity).where(Activity.status == STATUS_PLANNED, Activity.cohort_id.is_(None),
                                  Activity.kind != KIND_SESSION, not_ended(utcnow()))
    if kind and kind in ACTIVITY_KINDS:
        stmt = stmt.where(Activity.kind == kind)
    if neighbourhood:
        stmt = stmt.where(Activity.neighbourhood == neighbourhood)
    if month:
        year, mon = month
        start = local_to_utc(datetime(year, mon, 1))
        end = local_to_utc(datetime(year + (mon == 12), mon % 12 + 1, 1))
        stmt = stmt.where(Activity.starts_at >= start, Activity.starts_at < end)
    return stmt.order_by(Activity.starts_at, Activity.id)


def registrations_of_user(user_id: int, active_only: bool = False) -> list[Registration]:
    stmt = (select(Registration).options(joinedload(Registration.activity))
            .where(Registration.user_id == user_id).join(Activity, Activity.id == Registration.activity_id)
            .order_by(Activity.starts_at.desc(), Registration.id.desc()))
    if active_only:
        stmt = stmt.where(Registration.active.is_(True))
    return list(db.session.scalars(stmt))


def upcoming_for_guide(user: User, now: datetime | None = None) -> list[Activity]:
    return list(db.session.scalars(
        select(Activity).join(ActivityGuide, ActivityGuide.activity_id == Activity.id)
        .where(ActivityGuide.user_id == user.id, Activity.ends_at >= (now or utcnow()) - timedelta(days=7))
        .order_by(Activity.starts_at).limit(20)))
