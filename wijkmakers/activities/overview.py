"""The organisers' planning overview: one page of activities with their confirmed and waiting counts,
the duo warnings, and the walks still under their minimum that wait for a go or no-go decision.

Counts are made for the rows shown only (one GROUP BY), the guides' kinds in one two-column query:
a page costs the same few queries whatever its size. The statements are prepared (core/statements.py):
/activiteiten and the organiser's home page ask for them on every visit.
"""
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, case, func, select

from ..auth.models import User
from ..core.pagination import Page, PreparedPage, paginate
from ..core.statements import prepared
from ..core.timeutil import utcnow
from ..extensions import db
from .agenda import LONGEST_ACTIVITY, not_ended
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
    by_kind = bool(kind and kind in ACTIVITY_KINDS)
    params = {"now": now, "started_after": now - LONGEST_ACTIVITY} | ({"kind": kind} if by_kind else {})
    result = paginate(_manage_page(past, by_kind), per_page=per_page, page=page, params=params)
    ids = [activity.id for activity in result.items]
    counts, kinds = registration_counts(ids), guide_kinds(ids)
    result.items = overview_rows([(activity, *counts.get(activity.id, (0, 0))) for activity in result.items], now,
                                 kinds)
    return result


@prepared
def _manage_page(past: bool, by_kind: bool) -> PreparedPage:
    stmt = select(Activity)
    if by_kind:
        stmt = stmt.where(Activity.kind == bindparam("kind"))
    if past:
        return PreparedPage(stmt.where(Activity.ends_at < bindparam("now"))
                            .order_by(Activity.starts_at.desc(), Activity.id.desc()))
    return PreparedPage(stmt.where(not_ended(bindparam("now"), bindparam("started_after")))
                        .order_by(Activity.starts_at, Activity.id))


def guide_kinds(activity_ids: list[int]) -> dict[int, list[str]]:
    """The kind (resident or professional) of each guide, per activity: all the duo warnings need, in one
    query of two columns instead of the guides' whole records."""
    kinds: dict[int, list[str]] = {}
    if activity_ids:
        for activity_id, kind in db.session.execute(_guide_kinds(), {"ids": activity_ids}):
            kinds.setdefault(activity_id, []).append(kind)
    return kinds


@prepared
def _guide_kinds():
    return (select(ActivityGuide.activity_id, User.kind).join(User, User.id == ActivityGuide.user_id)
            .where(ActivityGuide.activity_id.in_(bindparam("ids", expanding=True))))


def registration_counts(activity_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Confirmed and waiting registrations per activity, for these activities: one GROUP BY."""
    if not activity_ids:
        return {}
    rows = db.session.execute(_registration_counts(), {"ids": activity_ids})
    return {activity_id: (n_confirmed, n_waiting) for activity_id, n_confirmed, n_waiting in rows}


@prepared  # most lists and the organiser's home page ask for these counts on every request
def _registration_counts():
    active = Registration.active.is_(True)
    confirmed = func.count(case((and_(Registration.status == REG_CONFIRMED, active), Registration.id)))
    waiting = func.count(case((and_(Registration.status == REG_WAITLISTED, active), Registration.id)))
    return (select(Registration.activity_id, confirmed, waiting)
            .where(Registration.activity_id.in_(bindparam("ids", expanding=True))).group_by(Registration.activity_id))


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
    walks = list(db.session.scalars(_walks_to_decide(), {"now": now, "until": now + DECISION_WINDOW}))
    counts = registration_counts([walk.id for walk in walks])
    confirmed = {walk.id: counts.get(walk.id, (0, 0))[0] for walk in walks}
    return [(walk, confirmed[walk.id]) for walk in walks if needs_decision(walk, confirmed[walk.id], now)]


@prepared
def _walks_to_decide():
    return (select(Activity).where(Activity.kind == KIND_WALK, Activity.status == STATUS_PLANNED,
                                   Activity.go_decision_at.is_(None), Activity.starts_at > bindparam("now"),
                                   Activity.starts_at <= bindparam("until")).order_by(Activity.starts_at))
