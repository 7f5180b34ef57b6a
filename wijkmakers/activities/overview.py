"""The organisers' planning overview: one page of activities with their confirmed and waiting counts,
the duo warnings, and the walks still under their minimum that wait for a go or no-go decision.

Counts are made for the rows shown only (one GROUP BY), the guides' kinds in one two-column query:
a page costs the same few queries whatever its size.
"""
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, select

from ..auth.models import User
from ..core.pagination import Page, paginate
from ..core.timeutil import utcnow
from ..extensions import db
from .agenda import not_ended
from .models import (ACTIVITY_KINDS, KIND_WALK, REG_CONFIRMED, REG_WAITLISTED, STATUS_PLANNED, WALK_MINIMUM,
                     Activity, ActivityGuide, Registration)
from .planning import duo_warnings
from .signups import is_public_activity

# A walk still under its minimum this long before it starts is flagged to the organisers.
DECISION_WINDOW = timedelta(days=3)


def minimum_of(activity: Activity) -> int | None:
    return activity.min_participants or (WALK_MINIMUM if activity.kind == KIND_WALK else None)


def needs_decision(activity: Activity, confirmed: int, now: datetime | None = None) -> bool:
    """A walk still under its minimum a few days before it starts, without a go decision yet."""
    now = now or utcnow()
    minimum = minimum_of(activity)
    return (activity.kind == KIND_WALK and not activity.is_cancelled and activity.go_decision_at is None
            and minimum is not None and confirmed < minimum and now < activity.starts_at <= now + DECISION_WINDOW)


def manage_page(past: bool = False, kind: str | None = None, page: int | None = None, per_page: int = 25,
                now: datetime | None = None) -> Page:
    """One page of upcoming (or past, newest first) activities, course sessions too (read-only), as overview
    rows with confirmed and waiting counts. The counts are made for that page only."""
    now = now or utcnow()
    stmt = select(Activity)
    if kind and kind in ACTIVITY_KINDS:
        stmt = stmt.where(Activity.kind == kind)
    if past:
        stmt = stmt.where(Activity.ends_at < now).order_by(Activity.starts_at.desc(), Activity.id.desc())
    else:
        stmt = stmt.where(not_ended(now)).order_by(Activity.starts_at, Activity.id)
    result = paginate(stmt, per_page=per_page, page=page)
    ids = [activity.id for activity in result.items]
    counts, kinds = registration_counts(ids), guide_kinds(ids)
    result.items = overview_rows([(activity, *counts.get(activity.id, (0, 0))) for activity in result.items], now,
                                 kinds)
    return result


def guide_kinds(activity_ids: list[int]) -> dict[int, list[str]]:
    """The kind (resident or professional) of each guide, per activity: all the duo warnings need, in one
    query of two columns instead of the guides' whole records."""
    kinds: dict[int, list[str]] = {}
    if activity_ids:
        rows = db.session.execute(select(ActivityGuide.activity_id, User.kind)
                                  .join(User, User.id == ActivityGuide.user_id)
                                  .where(ActivityGuide.activity_id.in_(activity_ids)))
        for activity_id, kind in rows:
            kinds.setdefault(activity_id, []).append(kind)
    return kinds


def registration_counts(activity_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Confirmed and waiting registrations per activity, for these activities: one GROUP BY."""
    if not activity_ids:
        return {}
    active = Registration.active.is_(True)
    confirmed = func.count(case((and_(Registration.status == REG_CONFIRMED, active), Registration.id)))
    waiting = func.count(case((and_(Registration.status == REG_WAITLISTED, active), Registration.id)))
    rows = db.session.execute(select(Registration.activity_id, confirmed, waiting)
                              .where(Registration.activity_id.in_(activity_ids)).group_by(Registration.activity_id))
    return {activity_id: (n_confirmed, n_waiting) for activity_id, n_confirmed, n_waiting in rows}


def overview_rows(rows, now: datetime | None = None, kinds: dict[int, list[str]] | None = None) -> list[dict]:
    """Rows of the planning list; ``kinds`` (guide_kinds) spares loading each activity's guides."""
    now = now or utcnow()
    return [{"activity": activity, "confirmed": n_confirmed, "waiting": n_waiting, "minimum": minimum_of(activity),
             "under_minimum": needs_decision(activity, n_confirmed, now),
             "session": not is_public_activity(activity),
             "warnings": duo_warnings(activity, None if kinds is None else kinds.get(activity.id, []))}
            for activity, n_confirmed, n_waiting in rows]


def walks_needing_decision(now: datetime | None = None) -> list[tuple[Activity, int]]:
    """Walks in the next few days still under their minimum and without a go decision (two queries: the
    walks by date, then their counts; a GROUP BY over the join would walk every walk ever held)."""
    now = now or utcnow()
    walks = list(db.session.scalars(
        select(Activity).where(Activity.kind == KIND_WALK, Activity.status == STATUS_PLANNED,
                               Activity.go_decision_at.is_(None), Activity.starts_at > now,
                               Activity.starts_at <= now + DECISION_WINDOW).order_by(Activity.starts_at)))
    counts = registration_counts([walk.id for walk in walks])
    confirmed = {walk.id: counts.get(walk.id, (0, 0))[0] for walk in walks}
    return [(walk, confirmed[walk.id]) for walk in walks if needs_decision(walk, confirmed[walk.id], now)]
