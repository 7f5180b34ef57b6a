"""Planning by organisers: create and edit activities, plan a series of monthly walks, choose the guides
(a walk is led by a duo), decide that a walk under its minimum goes ahead, or cancel an activity.

Each change is one ``@transactional`` function; a rule that belongs to a form field is raised with that
field's name (core.errors.DomainError(field=...)), so the form shows it in the right place.
"""
from datetime import date as date_cls
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..auth.models import KIND_PROFESSIONAL, KIND_RESIDENT, User, UserRole
from ..core import audit
from ..core.errors import DomainError
from ..core.locking import lock_row
from ..core.permissions import BEGELEIDER
from ..core.timeutil import local_to_utc, utcnow
from ..core.transaction import transactional
from ..extensions import db
from . import mail
from .models import (KIND_SESSION, KIND_WALK, STATUS_CANCELLED, STATUS_PLANNED, WALK_MINIMUM, Activity,
                     ActivityGuide, ActivitySeries, Registration)
from .signups import active_registration, is_guide, is_public_activity, promote_waiting

DEFAULT_DEADLINE_HOURS = 12
SESSIONS_ELSEWHERE = "Bijeenkomsten van een leergang plan je bij de leergang zelf."


# --------------------------------------------------------------------------------------------------
# Guides
# --------------------------------------------------------------------------------------------------

def guide_candidates() -> list[User]:
    return list(db.session.scalars(select(User).join(UserRole).where(
        UserRole.role == BEGELEIDER, User.active.is_(True), User.anonymised_at.is_(None)).order_by(User.name)))


def duo_warnings(activity: Activity, known_kinds: list[str] | None = None) -> list[str]:
    """A walk is led by a duo: normally one resident and one professional. Warnings, not refusals.
    ``known_kinds``: the guides' kinds when already known (overview.guide_kinds), else read from
    activity.guides."""
    if activity.kind != KIND_WALK or activity.is_cancelled:
        return []
    if known_kinds is None:
        known_kinds = [g.user.kind for g in activity.guides if g.user is not None]
    if len(known_kinds) < 2:
        return ["Deze wandeling heeft nog geen duo van twee begeleiders."]
    if len(known_kinds) > 2:
        return ["Deze wandeling heeft meer dan twee begeleiders; normaal is het een duo."]
    kinds = set(known_kinds)
    if kinds != {KIND_RESIDENT, KIND_PROFESSIONAL}:
        both = "bewoners" if kinds == {KIND_RESIDENT} else "professionals"
        return [f"Beide begeleiders zijn {both}; normaal is het één bewoner en één professional."]
    return []


def _set_guides(activity: Activity, guide_ids) -> None:
    wanted = []
    for gid in guide_ids:
        if gid and gid not in wanted:
            wanted.append(gid)
    if wanted:
        guides = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(wanted)))}
        for gid in wanted:
            user = guides.get(gid)
            if user is None or not user.has_role(BEGELEIDER) or not user.is_active:
                raise DomainError("Kies als begeleider iemand met de rol begeleider.", field="guide1")
            if activity.id is not None and active_registration(activity.id, gid) is not None:
                raise DomainError(f"{user.name} is aangemeld als deelnemer. Meld deze persoon eerst af "
                                  "voordat je haar of hem als begeleider kiest.", field="guide1")
    activity.guides = [g for g in activity.guides if g.user_id in wanted]
    have = {g.user_id for g in activity.guides}
    for gid in wanted:
        if gid not in have:
            activity.guides.append(ActivityGuide(user_id=gid))


# --------------------------------------------------------------------------------------------------
# Create, edit, decide, cancel
# --------------------------------------------------------------------------------------------------

def _active_registrations(activity: Activity) -> list[Registration]:
    return list(db.session.scalars(select(Registration).options(joinedload(Registration.user)).where(
        Registration.activity_id == activity.id, Registration.active.is_(True))))


@transactional
def save_activity(activity: Activity | None, data: dict, guide_ids, by: User) -> Activity:
    """Create (activity None) or update an activity from cleaned form data.

    More seats go to the waiting list at once; a change of time or place is mailed to everyone signed
    up, with the updated .ics (same UID, higher SEQUENCE).
    """
    creating = activity is None
    moved = False
    if creating:
        if data.get("kind") == KIND_SESSION:
            raise DomainError(SESSIONS_ELSEWHERE, field="kind")
        activity = Activity(created_by_id=by.id, status=STATUS_PLANNED, seats_taken=0)
        db.session.add(activity)
    else:
        lock_row(Activity, activity.id)
        db.session.refresh(activity)
        if not is_public_activity(activity):
            raise DomainError(SESSIONS_ELSEWHERE)
        if activity.is_cancelled:
            raise DomainError("Deze activiteit is geannuleerd en kan niet meer worden gewijzigd.")
        if data["capacity"] < activity.seats_taken:
            raise DomainError(f"Er zijn al {activity.seats_taken} plaatsen bezet; de capaciteit kan niet "
                              f"lager dan {activity.seats_taken}. Meld eerst mensen af.", field="capacity")
        moved = (activity.starts_at != data["starts_at"] or activity.ends_at != data["ends_at"]
                 or activity.meeting_point != data.get("meeting_point")
                 or activity.location != data.get("location"))
        if moved:
            activity.ics_sequence = (activity.ics_sequence or 0) + 1
    for key, value in data.items():
        setattr(activity, key, value)
    if activity.kind == KIND_WALK and activity.min_participants is None:
        activity.min_participants = WALK_MINIMUM
    db.session.flush()
    _set_guides(activity, guide_ids)
    db.session.flush()
    promoted = [] if creating else promote_waiting(activity, by, notify=True)
    if moved:
        for registration in _active_registrations(activity):
            mail.send_activity_mail(registration.user, activity, "mail_changed.txt", f"Gewijzigd: {activity.title}")
    audit.record(by.id, "activity.created" if creating else "activity.updated", "activity", activity.id,
                 promoted=len(promoted), moved=bool(moved))
    return activity


@transactional
def decide_go(activity: Activity, by: User) -> None:
    """The organiser decides that a walk under its minimum goes ahead; the flag disappears."""
    if activity.is_cancelled:
        raise DomainError("Deze activiteit is al geannuleerd.")
    activity.go_decision_at = utcnow()
    audit.record(by.id, "activity.go_decision", "activity", activity.id)


def next_planned_walk(after: Activity) -> Activity | None:
    return db.session.scalar(select(Activity).where(
        Activity.kind == KIND_WALK, Activity.status == STATUS_PLANNED, Activity.id != after.id,
        Activity.starts_at > max(after.starts_at, utcnow())).order_by(Activity.starts_at).limit(1))


@transactional
def cancel_activity(activity: Activity, reason: str, by: User) -> int:
    """Cancel an activity and mail everyone signed up (and the guides) a cancelling .ics, pointing to the
    next walk; returns the number of people mailed."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Vul de reden in; deelnemers krijgen die te lezen.", field="reason")
    lock_row(Activity, activity.id)
    db.session.refresh(activity)
    if activity.is_cancelled:
        raise DomainError("Deze activiteit is al geannuleerd.")
    if not is_public_activity(activity):
        raise DomainError("Bijeenkomsten van een leergang annuleer je bij de leergang zelf.")
    if activity.ends_at < utcnow():
        raise DomainError("Deze activiteit is al voorbij en kan niet meer worden geannuleerd.")
    activity.status = STATUS_CANCELLED
    activity.cancel_reason = reason[:500]
    activity.cancelled_at = utcnow()
    activity.ics_sequence = (activity.ics_sequence or 0) + 1
    registrations = _active_registrations(activity)
    alternative = next_planned_walk(activity) if activity.kind == KIND_WALK else None
    alternative_url = mail.detail_link(alternative) if alternative is not None else None
    people = [r.user for r in registrations] + [g.user for g in activity.guides]
    mailed = 0
    for person in people:
        if mail.send_activity_mail(person, activity, "mail_cancelled.txt", f"Gaat niet door: {activity.title}",
                                   method="CANCEL", reason=reason, alternative=alternative,
                                   alternative_url=alternative_url, guide=is_guide(activity, person)):
            mailed += 1
    audit.record(by.id, "activity.cancelled", "activity", activity.id, reason=reason[:200], notified=mailed)
    return mailed


@transactional
def create_series(themes: list[str], first_date: date_cls, months: int, start_time, end_time,
                  neighbourhoods: list[str], meeting_point: str | None, capacity: int, by: User,
                  guide_ids=()) -> list[Activity]:
    """One walk per month from ``first_date`` (same day of the month, at most the 28th), themes and
    neighbourhoods taken in turn; all or none. Each walk is then editable on its own."""
    if months < 1 or not themes:
        raise DomainError("Geef minstens één thema en één maand.", field="themes" if not themes else "months")
    series = ActivitySeries(kind=KIND_WALK, title=f"Wijkwandelingen vanaf {first_date:%m-%Y}", created_by_id=by.id)
    db.session.add(series)
    created = []
    for i in range(months):
        month_index = first_date.month - 1 + i
        year, month = first_date.year + month_index // 12, month_index % 12 + 1
        when = date_cls(year, month, min(first_date.day, 28))
        theme = themes[i % len(themes)]
        hood = neighbourhoods[i % len(neighbourhoods)] if neighbourhoods else None
        starts = local_to_utc(datetime.combine(when, start_time))
        title = f"Wijkwandeling {hood}: {theme}" if hood else f"Wijkwandeling: {theme}"
        activity = Activity(kind=KIND_WALK, title=title[:160], theme=theme[:120], neighbourhood=hood,
                            meeting_point=meeting_point, starts_at=starts,
                            ends_at=local_to_utc(datetime.combine(when, end_time)),
                            signup_deadline=starts - timedelta(hours=DEFAULT_DEADLINE_HOURS), capacity=capacity,
                            min_participants=WALK_MINIMUM, series=series, created_by_id=by.id,
                            status=STATUS_PLANNED, seats_taken=0, description="", practical_notes="")
        db.session.add(activity)
        created.append(activity)
    db.session.flush()
    for activity in created:
        _set_guides(activity, guide_ids)
    audit.record(by.id, "activity.series_created", "activity_series", series.id, count=len(created))
    return created
