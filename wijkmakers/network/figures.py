"""The network in numbers for organisers, coordinators and the municipality's monitoring: SQL aggregates
only, so the page costs the same whatever the size of the network."""
from sqlalchemy import and_, func, select, true

from ..auth.models import KIND_LABELS, User
from ..extensions import db
from ..learning.models import ModuleProgress
from .directory import year_bounds
from .models import (INITIATIVE_STATUSES, KIND_HELP, REQUEST_ANSWERED, REQUEST_DECLINED, REQUEST_OPEN,
                     REQUEST_REFUSED, REQUEST_STATUSES, ContactRequest, Initiative, InitiativeFollower,
                     NetworkProfile)
from .profiles import listed


def network_figures(year: int | None = None) -> dict:
    """The network in numbers, all SQL aggregates. ``year`` limits requests, initiatives and action plans
    to those created in that calendar year (Europe/Amsterdam); profiles are always the current state.

    Shape::

        {"year": int | None,
         "profiles": {"opted_in": int, "withdrawn": int, "by_kind": {"bewoner": int, "professional": int}},
         "contact_requests": {"total": int, "answered": int, "declined": int, "open": int, "refused": int,
                              "answered_pct": float | None, "help_offers": int},
         "initiatives": {"total": int, "by_status": {"idee": int, "bezig": int, "klaar": int, "gestopt": int},
                         "by_theme": {theme | "": int}, "by_neighbourhood": {wijk | "": int},
                         "followers": int},
         "action_plans": {"total": int, "followups_sent": int, "with_outcome": int,
                          "with_outcome_pct": float | None, "published": int}}
    """
    def in_year(column):
        if year is None:
            return true()
        start, end = year_bounds(year)
        return and_(column >= start, column < end)

    kinds = dict(db.session.execute(
        select(User.kind, func.count()).select_from(NetworkProfile).join(User, User.id == NetworkProfile.user_id)
        .where(listed()).group_by(User.kind)).all())
    withdrawn = db.session.scalar(select(func.count()).select_from(NetworkProfile)
                                  .where(NetworkProfile.opted_in.is_(False))) or 0

    request_rows = db.session.execute(
        select(ContactRequest.kind, ContactRequest.status, func.count())
        .where(in_year(ContactRequest.created_at)).group_by(ContactRequest.kind, ContactRequest.status)).all()
    by_status = dict.fromkeys(REQUEST_STATUSES, 0)
    help_offers = 0
    for kind, status, count in request_rows:
        by_status[status] = by_status.get(status, 0) + count
        if kind == KIND_HELP:
            help_offers += count
    total_requests = sum(by_status.values())
    delivered = total_requests - by_status[REQUEST_REFUSED]

    def grouped(column):
        rows = db.session.execute(select(column, func.count()).where(in_year(Initiative.created_at))
                                  .group_by(column).order_by(func.count().desc(), column)).all()
        return {(key or ""): count for key, count in rows}

    initiative_status = dict.fromkeys(INITIATIVE_STATUSES, 0)
    initiative_status.update(grouped(Initiative.status))
    followers = db.session.scalar(
        select(func.count()).select_from(InitiativeFollower)
        .join(Initiative, Initiative.id == InitiativeFollower.initiative_id)
        .where(in_year(Initiative.created_at))) or 0

    plans = db.session.execute(
        select(func.count(),
               func.count(ModuleProgress.followup_sent_at),
               func.count(Initiative.id))
        .select_from(ModuleProgress)
        .outerjoin(Initiative, Initiative.progress_id == ModuleProgress.id)
        .where(ModuleProgress.action_plan != "", in_year(ModuleProgress.action_plan_at))).one()
    with_outcome = db.session.scalar(
        select(func.count()).select_from(ModuleProgress)
        .where(ModuleProgress.action_plan != "", ModuleProgress.action_outcome != "",
               in_year(ModuleProgress.action_plan_at))) or 0

    def pct(part, whole):
        return round(100 * part / whole, 1) if whole else None

    return {
        "year": year,
        "profiles": {"opted_in": sum(kinds.values()), "withdrawn": withdrawn,
                     "by_kind": {key: kinds.get(key, 0) for key in KIND_LABELS}},
        "contact_requests": {"total": total_requests, "answered": by_status[REQUEST_ANSWERED],
                             "declined": by_status[REQUEST_DECLINED], "open": by_status[REQUEST_OPEN],
                             "refused": by_status[REQUEST_REFUSED],
                             "answered_pct": pct(by_status[REQUEST_ANSWERED], delivered),
                             "help_offers": help_offers},
        "initiatives": {"total": sum(initiative_status.values()), "by_status": initiative_status,
                        "by_theme": grouped(Initiative.theme), "by_neighbourhood": grouped(Initiative.neighbourhood),
                        "followers": followers},
        "action_plans": {"total": plans[0], "followups_sent": plans[1], "with_outcome": with_outcome,
                         "with_outcome_pct": pct(with_outcome, plans[0]), "published": plans[2]},
    }
