"""Business rules for activities: sign-ups with a race-free seat counter and waiting list, cancellations
with promotion, newcomers who sign up on the way, planning by organisers, reminders and the personal
calendar feed. Each public function is one transaction (``commit=False`` leaves it to the caller).

Seats: a seat is granted only by ``UPDATE activity SET seats_taken = seats_taken + 1 WHERE id = :id AND
seats_taken < capacity`` changing one row; otherwise the person is waitlisted. Every sign-up and
cancellation first takes a lock on the activity (PostgreSQL: SELECT ... FOR UPDATE on its row; SQLite:
a no-op UPDATE as the first statement, which takes the database write lock at once, like BEGIN
IMMEDIATE), so the waiting-list position (max + 1) and the promotion on cancel are serialised per
activity too. SQLite's "database is locked" after the busy timeout is retried a few times.
"""
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import date as date_cls
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import and_, bindparam, case, func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import aliased, joinedload

from ..auth.models import KIND_LABELS, KIND_PROFESSIONAL, KIND_RESIDENT, TOKEN_CONFIRM, TOKEN_RESET, User, UserRole
from ..auth.services import consume_token, issue_token, normalise_email, user_by_email
from ..core import audit
from ..core.pagination import Page, PreparedPage, paginate
from ..core.permissions import BEGELEIDER, DEELNEMER, ORGANISATOR
from ..core.timeutil import local_to_utc, nl_datetime, utcnow
from ..extensions import db
from ..notifications.services import queue_mail
from ..organisations.services import non_partner_named
from . import mail
from .ics import FeedItem
from .models import (ACTIVITY_KINDS, KIND_SESSION, KIND_WALK, REG_CANCELLED, REG_CONFIRMED, REG_WAITLISTED,
                     STATUS_CANCELLED, STATUS_PLANNED, WALK_MINIMUM, Activity,
                     ActivityGuide, ActivitySeries, NewcomerSignup, Registration, RegistrationEvent)

log = logging.getLogger("wijkmakers.activities")

EV_REGISTERED = "geregistreerd"
EV_WAITLISTED = "wachtlijst"
EV_PROMOTED = "doorgeschoven"
EV_CANCELLED = "geannuleerd"
EV_PRESENT = "aanwezig"
EV_ABSENT = "afwezig"
EVENT_LABELS = {EV_REGISTERED: "Aangemeld (plaats)", EV_WAITLISTED: "Op de wachtlijst",
                EV_PROMOTED: "Doorgeschoven van de wachtlijst", EV_CANCELLED: "Afgemeld",
                EV_PRESENT: "Aanwezig", EV_ABSENT: "Afwezig"}

# A walk still under its minimum this long before it starts is flagged to the organisers.
DECISION_WINDOW = timedelta(days=3)
# Activities are planned as a date with a start and an end time (the forms allow nothing longer), so one
# that has not ended began less than a day ago. Lists of what is still to come add this bound on starts_at,
# which lets the database walk the starts_at index instead of filtering every activity ever held.
LONGEST_ACTIVITY = timedelta(days=1)


def not_ended(now, started_after=None):
    """Not ended at ``now``; ``started_after`` (now - LONGEST_ACTIVITY) must be given when ``now`` is a bind
    parameter."""
    return and_(Activity.ends_at >= now,
                Activity.starts_at > (now - LONGEST_ACTIVITY if started_after is None else started_after))


REMINDER_AHEAD = timedelta(days=2)
CONFIRM_VALID = timedelta(days=2)
DEFAULT_DEADLINE_HOURS = 12
_LOCK_RETRIES = 4


class SignupError(ValueError):
    """A rule of the activities feature was broken; the message is Dutch and shown to the user."""


class NotFound(LookupError):
    pass


_table = Activity.__table__


# --------------------------------------------------------------------------------------------------
# Locking and counters
# --------------------------------------------------------------------------------------------------

def _lock_activity(activity_id: int) -> None:
    """Serialise changes to one activity's sign-ups for the rest of the transaction.

    PostgreSQL: a row lock with SELECT ... FOR UPDATE. SQLite: a no-op UPDATE, which takes the database
    write lock at once (waiting up to the busy timeout) instead of upgrading a read transaction later.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(_table.c.id).where(_table.c.id == activity_id).with_for_update())
    else:
        db.session.execute(update(_table).where(_table.c.id == activity_id)
                           .values(seats_taken=_table.c.seats_taken))


def _take_seat(activity_id: int) -> bool:
    result = db.session.execute(
        update(_table).where(_table.c.id == activity_id, _table.c.seats_taken < _table.c.capacity)
        .values(seats_taken=_table.c.seats_taken + 1))
    return result.rowcount == 1


def _free_seat(activity_id: int) -> None:
    db.session.execute(update(_table).where(_table.c.id == activity_id, _table.c.seats_taken > 0)
                       .values(seats_taken=_table.c.seats_taken - 1))


def _locked_out(exc: OperationalError) -> bool:
    return "locked" in str(exc.orig).lower() or "busy" in str(exc.orig).lower()


def _retrying(commit: bool, work):
    """Run ``work()`` (a whole transaction of our own); retry when SQLite stays locked past its timeout."""
    if not commit:
        return work()
    for attempt in range(_LOCK_RETRIES):
        try:
            return work()
        except OperationalError as exc:
            db.session.rollback()
            if not _locked_out(exc) or attempt == _LOCK_RETRIES - 1:
                raise
            log.warning("database locked, retrying (attempt %s)", attempt + 1)
            time.sleep(0.05 * (attempt + 1) + secrets.randbelow(50) / 1000)
    raise AssertionError("unreachable")  # pragma: no cover


def seats_left(activity: Activity) -> int:
    row = db.session.execute(select(_table.c.capacity, _table.c.seats_taken)
                             .where(_table.c.id == activity.id)).one_or_none()
    if row is None:
        return 0
    return max(0, row.capacity - row.seats_taken)


def waitlist_rank(registration: Registration | None) -> int | None:
    """Position shown to people: rank among the active waitlisted (stored positions are never renumbered)."""
    if registration is None or registration.status != REG_WAITLISTED or registration.waitlist_position is None:
        return None
    return db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.activity_id == registration.activity_id, Registration.status == REG_WAITLISTED,
        Registration.active.is_(True), Registration.waitlist_position <= registration.waitlist_position))


def waitlist_ranks(registrations) -> dict[int, int]:
    """Rank among active waitlisted for many registrations, in one query."""
    waiting = [r for r in registrations if r.status == REG_WAITLISTED and r.active]
    if not waiting:
        return {}
    activity_ids = {r.activity_id for r in waiting}
    rows = db.session.execute(select(Registration.id, Registration.activity_id).where(
        Registration.activity_id.in_(activity_ids), Registration.status == REG_WAITLISTED,
        Registration.active.is_(True)).order_by(Registration.activity_id, Registration.waitlist_position,
                                                 Registration.id)).all()
    ranks, counter = {}, {}
    for reg_id, activity_id in rows:
        counter[activity_id] = counter.get(activity_id, 0) + 1
        ranks[reg_id] = counter[activity_id]
    return ranks


def _event(activity_id: int, user_id: int, event: str, by=None, note: str | None = None) -> None:
    db.session.add(RegistrationEvent(activity_id=activity_id, user_id=user_id, event=event,
                                     by_id=by.id if by is not None else None, note=note))


def is_guide(activity: Activity, user) -> bool:
    return user is not None and getattr(user, "id", None) is not None and any(
        g.user_id == user.id for g in activity.guides)


def is_organiser(user) -> bool:
    return (user is not None and getattr(user, "is_authenticated", True) and hasattr(user, "has_role")
            and user.has_role(ORGANISATOR))


def active_registration(activity_id: int, user_id: int) -> Registration | None:
    return db.session.scalar(select(Registration).where(
        Registration.activity_id == activity_id, Registration.user_id == user_id, Registration.active.is_(True)))


def deadline_of(activity: Activity) -> datetime:
    return activity.signup_deadline or activity.starts_at


def signup_open(activity: Activity, now: datetime | None = None) -> bool:
    return not activity.is_cancelled and (now or utcnow()) <= deadline_of(activity)


# --------------------------------------------------------------------------------------------------
# Sign-up and cancellation (the public contract other features rely on)
# --------------------------------------------------------------------------------------------------

def register(activity: Activity, user: User, by: User | None = None, commit: bool = True,
             notify: bool = True) -> Registration:
    """Sign ``user`` up: a seat when one is free, otherwise the waiting list. Raises SignupError.

    ``by`` is who does it (None or the person: self-service). Organisers acting via ``by`` may pass the
    deadline. The registration records the person's organisation at this moment.
    """
    def work():
        try:
            registration = _register(activity, user, by, notify)
            if commit:
                db.session.commit()
            return registration
        except SignupError:
            if commit:
                db.session.rollback()
            raise
        except IntegrityError as exc:  # only without our lock (e.g. a caller's odd transaction)
            if commit:
                db.session.rollback()
            raise SignupError(f"{user.name} is al aangemeld voor deze activiteit.") from exc

    return _retrying(commit, work)


def _register(activity: Activity, user: User, by, notify: bool) -> Registration:
    _lock_activity(activity.id)
    db.session.refresh(activity)
    if activity.is_cancelled:
        raise SignupError("Deze activiteit gaat niet door; aanmelden kan niet meer.")
    if utcnow() > deadline_of(activity) and not is_organiser(by):
        raise SignupError("De aanmeldtermijn voor deze activiteit is verstreken.")
    if not user.is_active:
        raise SignupError("Dit account is niet actief; aanmelden kan niet.")
    if is_guide(activity, user):
        raise SignupError(f"{user.name} begeleidt deze activiteit en hoeft zich niet aan te melden.")
    if active_registration(activity.id, user.id) is not None:
        raise SignupError(f"{user.name} is al aangemeld voor deze activiteit.")
    registration = Registration(activity_id=activity.id, user_id=user.id, organisation_id=user.organisation_id,
                                registered_by_id=by.id if by is not None else None, active=True)
    if _take_seat(activity.id):
        registration.status = REG_CONFIRMED
        event = EV_REGISTERED
    else:
        last = db.session.scalar(select(func.max(Registration.waitlist_position))
                                 .where(Registration.activity_id == activity.id))
        registration.status = REG_WAITLISTED
        registration.waitlist_position = (last or 0) + 1
        event = EV_WAITLISTED
    db.session.add(registration)
    _event(activity.id, user.id, event, by)
    db.session.flush()
    db.session.expire(activity, ["seats_taken"])
    if notify:
        if registration.status == REG_CONFIRMED:
            mail.send_activity_mail(user, activity, "mail_registered.txt", f"Aangemeld: {activity.title}")
        else:
            mail.send_activity_mail(user, activity, "mail_waitlisted.txt", f"Wachtlijst: {activity.title}",
                                    rank=waitlist_rank(registration))
    return registration


def cancel_registration(registration: Registration, by: User | None = None, commit: bool = True,
                        notify: bool = True) -> Registration | None:
    """Cancel a registration; a freed seat goes to the first person waiting, who is returned (and mailed).

    Self-service (``by`` None or not an organiser): a confirmed seat can be given back until the
    deadline, a place on the waiting list until the start. Organisers may always.
    """
    def work():
        try:
            promoted = _cancel(registration, by, notify)
            if commit:
                db.session.commit()
            return promoted
        except SignupError:
            if commit:
                db.session.rollback()
            raise

    return _retrying(commit, work)


def _cancel(registration: Registration, by, notify: bool) -> Registration | None:
    _lock_activity(registration.activity_id)
    db.session.refresh(registration)
    activity = db.session.get(Activity, registration.activity_id)
    db.session.refresh(activity)
    if not registration.active:
        raise SignupError("Deze aanmelding is al geannuleerd.")
    now = utcnow()
    was_confirmed = registration.status == REG_CONFIRMED
    if not is_organiser(by) and not activity.is_cancelled:
        if now >= activity.starts_at:
            raise SignupError("De activiteit is al begonnen; afmelden kan niet meer. "
                              "Laat het de organisatie weten als je er niet bent.")
        if was_confirmed and now > deadline_of(activity):
            raise SignupError("De afmeldtermijn is verstreken. Kun je toch niet komen? "
                              "Laat het de organisatie weten, dan kan iemand anders je plek krijgen.")
    registration.status = REG_CANCELLED
    registration.active = None
    _event(activity.id, registration.user_id, EV_CANCELLED, by)
    promoted = None
    if was_confirmed:
        _free_seat(activity.id)
        db.session.flush()
        moved = _promote_waiting(activity, by, notify)
        promoted = moved[0] if moved else None
    db.session.flush()
    db.session.expire(activity, ["seats_taken"])
    return promoted


def _promote_waiting(activity: Activity, by, notify: bool) -> list[Registration]:
    """Give free seats to the waiting list in order (the caller holds the activity lock)."""
    promoted = []
    if activity.is_cancelled or activity.starts_at <= utcnow():
        return promoted
    while True:
        candidate = db.session.scalar(
            select(Registration).where(Registration.activity_id == activity.id,
                                       Registration.status == REG_WAITLISTED, Registration.active.is_(True))
            .order_by(Registration.waitlist_position, Registration.id).limit(1))
        if candidate is None or not _take_seat(activity.id):
            break
        candidate.status = REG_CONFIRMED
        _event(activity.id, candidate.user_id, EV_PROMOTED, by)
        db.session.flush()
        promoted.append(candidate)
        if notify:
            mail.send_activity_mail(candidate.user, activity, "mail_promoted.txt",
                                    f"Er is een plek vrij: {activity.title}")
    return promoted


# --------------------------------------------------------------------------------------------------
# Newcomers: sign up on the way, confirm the e-mail address
# --------------------------------------------------------------------------------------------------

def is_public_activity(activity: Activity) -> bool:
    return activity.cohort_id is None and activity.kind != KIND_SESSION


def start_newcomer_signup(activity: Activity, name: str, email: str, kind: str,
                          organisation_name: str | None = None) -> None:
    """Remember the sign-up and mail a confirmation link. The seat (or waiting-list place) is taken
    when the address is confirmed, so nobody can fill a walk with made-up addresses.

    The answer is the same whether or not an account with this address exists (no account probing):
    an existing account is never changed here; its owner just gets the link too.
    """
    if not is_public_activity(activity):
        raise NotFound()
    if not signup_open(activity):
        raise SignupError("Aanmelden voor deze activiteit is niet meer mogelijk.")
    email = normalise_email(email)
    name = (name or "").strip()
    if not email or not name:
        raise SignupError("Vul je naam en e-mailadres in.")
    if kind not in KIND_LABELS:
        raise SignupError("Kies of je bewoner of professional bent.")
    user = user_by_email(email)
    if user is None:
        user = User(email=email, name=name, kind=kind, password_hash=None)
        user.roles = [UserRole(role=DEELNEMER)]
        db.session.add(user)
        try:
            db.session.flush()
        except IntegrityError:  # the same address, at the same moment, from another request
            db.session.rollback()
            user = user_by_email(email)
            if user is None:
                raise
    if not user.is_active:
        db.session.rollback()
        return  # a deactivated account gets nothing, and the visitor sees the usual answer
    pending = db.session.scalar(select(NewcomerSignup).where(
        NewcomerSignup.user_id == user.id, NewcomerSignup.activity_id == activity.id,
        NewcomerSignup.completed_at.is_(None)))
    if pending is None:
        pending = NewcomerSignup(user_id=user.id, activity_id=activity.id)
        db.session.add(pending)
    pending.organisation_name = (organisation_name or "").strip()[:160] or None
    token = issue_token(user, TOKEN_CONFIRM, CONFIRM_VALID)
    body = mail.render("mail_confirm.txt", name=name, activity=activity, place=mail.place(activity),
                       link=mail.link("activities.confirm_email", token=token),
                       days=CONFIRM_VALID.days)
    queue_mail(email, f"Bevestig je aanmelding: {activity.title}", body)
    db.session.commit()


@dataclass
class NewcomerOutcome:
    activity: Activity
    registration: Registration | None
    message: str | None
    rank: int | None = None


def confirm_newcomer(token: str) -> tuple[User, list[NewcomerOutcome], str | None]:
    """Use a confirmation link: the address is confirmed and every pending sign-up of this person becomes
    a registration (seat or waiting list). Returns the person, the outcomes and, for someone without a
    password yet, a link to choose one."""
    user = consume_token(token, TOKEN_CONFIRM)
    if user is None:
        db.session.rollback()
        raise SignupError("Deze link is verlopen of al gebruikt. Meld je opnieuw aan via de agenda; "
                          "je krijgt dan een nieuwe link.")
    now = utcnow()
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now
    pendings = db.session.scalars(select(NewcomerSignup).options(joinedload(NewcomerSignup.activity))
                                  .where(NewcomerSignup.user_id == user.id, NewcomerSignup.completed_at.is_(None))
                                  .order_by(NewcomerSignup.id)).all()
    outcomes = []
    for pending in pendings:
        if user.organisation_id is None and pending.organisation_name:
            organisation = non_partner_named(pending.organisation_name)
            if organisation is not None:
                user.organisation_id = organisation.id
                db.session.flush()
        try:
            registration = _register(pending.activity, user, None, notify=True)
        except SignupError as exc:
            pending.outcome = str(exc)[:300]
            outcomes.append(NewcomerOutcome(pending.activity, None, str(exc)))
        else:
            pending.registration_id = registration.id
            outcomes.append(NewcomerOutcome(pending.activity, registration, None, waitlist_rank(registration)))
        pending.completed_at = now
    password_link = None
    if not user.password_hash:
        password_link = mail.link("auth.reset_password", token=issue_token(user, TOKEN_RESET, CONFIRM_VALID))
    audit.record(user.id, "newcomer.confirmed", "user", user.id, signups=len(outcomes))
    db.session.commit()
    return user, outcomes, password_link


# --------------------------------------------------------------------------------------------------
# Agenda and personal lists
# --------------------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------------------
# Planning (organisers)
# --------------------------------------------------------------------------------------------------

def minimum_of(activity: Activity) -> int | None:
    return activity.min_participants or (WALK_MINIMUM if activity.kind == KIND_WALK else None)


def needs_decision(activity: Activity, confirmed: int, now: datetime | None = None) -> bool:
    """A walk still under its minimum a few days before it starts, without a go decision yet."""
    now = now or utcnow()
    minimum = minimum_of(activity)
    return (activity.kind == KIND_WALK and not activity.is_cancelled and activity.go_decision_at is None
            and minimum is not None and confirmed < minimum and now < activity.starts_at <= now + DECISION_WINDOW)


def _counts():
    confirmed = func.count(case((and_(Registration.status == REG_CONFIRMED, Registration.active.is_(True)),
                                 Registration.id)))
    waiting = func.count(case((and_(Registration.status == REG_WAITLISTED, Registration.active.is_(True)),
                               Registration.id)))
    return confirmed.label("confirmed"), waiting.label("waiting")


def manage_page(past: bool = False, kind: str | None = None, page: int | None = None, per_page: int = 25,
                now: datetime | None = None) -> Page:
    """One page of upcoming (or past, newest first) activities, course sessions too (read-only), as overview
    rows with confirmed and waiting counts. The counts are made for that page only."""
    now = now or utcnow()
    by_kind = bool(kind and kind in ACTIVITY_KINDS)
    params = {"now": now, "started_after": now - LONGEST_ACTIVITY} | ({"kind": kind} if by_kind else {})
    result = paginate(_manage_statement(past, by_kind), per_page=per_page, page=page, params=params)
    ids = [activity.id for activity in result.items]
    counts, kinds = registration_counts(ids), guide_kinds(ids)
    result.items = overview_rows([(activity, *counts.get(activity.id, (0, 0))) for activity in result.items], now,
                                 kinds)
    return result


@cache
def _manage_statement(past: bool, by_kind: bool) -> PreparedPage:
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
        for activity_id, kind in db.session.execute(_guide_kinds_statement(), {"ids": activity_ids}):
            kinds.setdefault(activity_id, []).append(kind)
    return kinds


@cache
def _guide_kinds_statement():
    return (select(ActivityGuide.activity_id, User.kind).join(User, User.id == ActivityGuide.user_id)
            .where(ActivityGuide.activity_id.in_(bindparam("ids", expanding=True))))


def registration_counts(activity_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Confirmed and waiting registrations per activity, for these activities: one GROUP BY."""
    if not activity_ids:
        return {}
    rows = db.session.execute(_registration_counts_statement(), {"ids": activity_ids})
    return {activity_id: (n_confirmed, n_waiting) for activity_id, n_confirmed, n_waiting in rows}


@cache
def _registration_counts_statement():
    # built once: most lists and the organiser's home page ask for these counts on every request
    confirmed, waiting = _counts()
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
    walks = list(db.session.scalars(_walks_to_decide_statement(), {"now": now, "until": now + DECISION_WINDOW}))
    counts = registration_counts([walk.id for walk in walks])
    confirmed = {walk.id: counts.get(walk.id, (0, 0))[0] for walk in walks}
    return [(walk, confirmed[walk.id]) for walk in walks if needs_decision(walk, confirmed[walk.id], now)]


@cache
def _walks_to_decide_statement():
    return (select(Activity).where(Activity.kind == KIND_WALK, Activity.status == STATUS_PLANNED,
                                   Activity.go_decision_at.is_(None), Activity.starts_at > bindparam("now"),
                                   Activity.starts_at <= bindparam("until")).order_by(Activity.starts_at))


def guide_candidates() -> list[User]:
    return list(db.session.scalars(select(User).join(UserRole).where(
        UserRole.role == BEGELEIDER, User.active.is_(True), User.anonymised_at.is_(None)).order_by(User.name)))


def duo_warnings(activity: Activity, known_kinds: list[str] | None = None) -> list[str]:
    """A walk is led by a duo: normally one resident and one professional. Warnings, not refusals.
    ``known_kinds``: the guides' kinds when already known (guide_kinds), else read from activity.guides."""
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
                raise SignupError("Kies als begeleider iemand met de rol begeleider.")
            if activity.id is not None and active_registration(activity.id, gid) is not None:
                raise SignupError(f"{user.name} is aangemeld als deelnemer. Meld deze persoon eerst af "
                                  "voordat je haar of hem als begeleider kiest.")
    activity.guides = [g for g in activity.guides if g.user_id in wanted]
    have = {g.user_id for g in activity.guides}
    for gid in wanted:
        if gid not in have:
            activity.guides.append(ActivityGuide(user_id=gid))


def save_activity(activity: Activity | None, data: dict, guide_ids, by: User) -> Activity:
    """Create (activity None) or update an activity from cleaned form data; one transaction.

    More seats go to the waiting list at once; a change of time or place is mailed to everyone signed
    up, with the updated .ics (same UID, higher SEQUENCE).
    """
    creating = activity is None
    try:
        if creating:
            if data.get("kind") == KIND_SESSION:
                raise SignupError("Bijeenkomsten van een leergang plan je bij de leergang zelf.")
            activity = Activity(created_by_id=by.id, status=STATUS_PLANNED, seats_taken=0)
            db.session.add(activity)
            moved = False
        else:
            _lock_activity(activity.id)
            db.session.refresh(activity)
            if not is_public_activity(activity):
                raise SignupError("Bijeenkomsten van een leergang plan je bij de leergang zelf.")
            if activity.is_cancelled:
                raise SignupError("Deze activiteit is geannuleerd en kan niet meer worden gewijzigd.")
            if data["capacity"] < activity.seats_taken:
                raise SignupError(f"Er zijn al {activity.seats_taken} plaatsen bezet; de capaciteit kan niet "
                                  f"lager dan {activity.seats_taken}. Meld eerst mensen af.")
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
        promoted = [] if creating else _promote_waiting(activity, by, notify=True)
        if moved:
            regs = db.session.scalars(select(Registration).options(joinedload(Registration.user)).where(
                Registration.activity_id == activity.id, Registration.active.is_(True))).all()
            for registration in regs:
                mail.send_activity_mail(registration.user, activity, "mail_changed.txt",
                                        f"Gewijzigd: {activity.title}")
        audit.record(by.id, "activity.created" if creating else "activity.updated", "activity", activity.id,
                     promoted=len(promoted), moved=bool(moved))
        db.session.commit()
    except SignupError:
        db.session.rollback()
        raise
    return activity


def decide_go(activity: Activity, by: User) -> None:
    """The organiser decides that a walk under its minimum goes ahead; the flag disappears."""
    if activity.is_cancelled:
        raise SignupError("Deze activiteit is al geannuleerd.")
    activity.go_decision_at = utcnow()
    audit.record(by.id, "activity.go_decision", "activity", activity.id)
    db.session.commit()


def next_planned_walk(after: Activity) -> Activity | None:
    return db.session.scalar(select(Activity).where(
        Activity.kind == KIND_WALK, Activity.status == STATUS_PLANNED, Activity.id != after.id,
        Activity.starts_at > max(after.starts_at, utcnow())).order_by(Activity.starts_at).limit(1))


def cancel_activity(activity: Activity, reason: str, by: User) -> int:
    """Cancel an activity and mail everyone signed up (and the guides) a cancelling .ics, pointing to the
    next walk; returns the number of people mailed."""
    reason = (reason or "").strip()
    if not reason:
        raise SignupError("Vul de reden in; deelnemers krijgen die te lezen.")
    _lock_activity(activity.id)
    db.session.refresh(activity)
    if activity.is_cancelled:
        db.session.rollback()
        raise SignupError("Deze activiteit is al geannuleerd.")
    if not is_public_activity(activity):
        db.session.rollback()
        raise SignupError("Bijeenkomsten van een leergang annuleer je bij de leergang zelf.")
    if activity.ends_at < utcnow():
        db.session.rollback()
        raise SignupError("Deze activiteit is al voorbij en kan niet meer worden geannuleerd.")
    activity.status = STATUS_CANCELLED
    activity.cancel_reason = reason[:500]
    activity.cancelled_at = utcnow()
    activity.ics_sequence = (activity.ics_sequence or 0) + 1
    registrations = db.session.scalars(select(Registration).options(joinedload(Registration.user)).where(
        Registration.activity_id == activity.id, Registration.active.is_(True))).all()
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
    db.session.commit()
    return mailed


def create_series(themes: list[str], first_date: date_cls, months: int, start_time, end_time,
                  neighbourhoods: list[str], meeting_point: str | None, capacity: int, by: User,
                  guide_ids=()) -> list[Activity]:
    """One walk per month from ``first_date`` (same day of the month, at most the 28th), themes and
    neighbourhoods taken in turn; one transaction. Each walk is then editable on its own."""
    if months < 1 or not themes:
        raise SignupError("Geef minstens één thema en één maand.")
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
    try:
        for activity in created:
            _set_guides(activity, guide_ids)
    except SignupError:
        db.session.rollback()
        raise
    audit.record(by.id, "activity.series_created", "activity_series", series.id, count=len(created))
    db.session.commit()
    return created


def registrations_for(activity: Activity) -> list[Registration]:
    """Active registrations: confirmed first, then the waiting list in order."""
    return list(db.session.scalars(
        select(Registration).options(joinedload(Registration.user))
        .where(Registration.activity_id == activity.id, Registration.active.is_(True))
        .order_by(case((Registration.status == REG_CONFIRMED, 0), else_=1), Registration.waitlist_position,
                  Registration.id)))


def registration_history(activity: Activity, limit: int = 300) -> list[tuple[RegistrationEvent, str, str | None]]:
    """Every status change of this activity's sign-ups and attendance, newest first, with who did it."""
    person, actor = aliased(User), aliased(User)
    return db.session.execute(
        select(RegistrationEvent, person.name, actor.name)
        .join(person, person.id == RegistrationEvent.user_id)
        .outerjoin(actor, actor.id == RegistrationEvent.by_id)
        .where(RegistrationEvent.activity_id == activity.id)
        .order_by(RegistrationEvent.at.desc(), RegistrationEvent.id.desc()).limit(limit)).all()


def pending_newcomers(activity: Activity) -> list[tuple[NewcomerSignup, str]]:
    """Sign-ups from the agenda still waiting for the e-mail confirmation."""
    return db.session.execute(
        select(NewcomerSignup, User.name).join(User, User.id == NewcomerSignup.user_id)
        .where(NewcomerSignup.activity_id == activity.id, NewcomerSignup.completed_at.is_(None))
        .order_by(NewcomerSignup.created_at)).all()


def stated_organisations(activity: Activity) -> dict[int, str]:
    """user id -> the organisation name a newcomer typed (shown to organisers next to the registration)."""
    rows = db.session.execute(select(NewcomerSignup.user_id, NewcomerSignup.organisation_name).where(
        NewcomerSignup.activity_id == activity.id, NewcomerSignup.organisation_name.is_not(None)))
    return {user_id: name for user_id, name in rows}


def find_or_create_person(name: str, email: str | None, phone: str | None, kind: str = KIND_RESIDENT) -> User:
    """The user with this e-mail, or a minimal record (no password; the e-mail may be empty)."""
    email = normalise_email(email)
    if email:
        user = user_by_email(email)
        if user is not None:
            return user
    if kind not in KIND_LABELS:
        kind = KIND_RESIDENT
    user = User(name=(name or "").strip()[:120], email=email, phone=(phone or "").strip()[:40] or None, kind=kind,
                password_hash=None)
    db.session.add(user)
    db.session.flush()
    return user


def add_person(activity: Activity, name: str, email: str | None, phone: str | None, by: User,
               kind: str = KIND_RESIDENT) -> Registration:
    """An organiser signs someone up: by e-mail address, or a resident by phone without one."""
    email = normalise_email(email)
    name = (name or "").strip()
    if not email:
        if not name or not (phone or "").strip():
            raise SignupError("Vul een e-mailadres in, of een naam met telefoonnummer.")
    elif not name and user_by_email(email) is None:
        raise SignupError("Er is nog niemand met dit e-mailadres; vul ook een naam in.")
    try:
        person = find_or_create_person(name or email, email, phone, kind)
        registration = register(activity, person, by=by, commit=False)
    except SignupError:
        db.session.rollback()
        raise
    audit.record(by.id, "registration.added", "registration", registration.id, user_id=person.id)
    db.session.commit()
    return registration


# --------------------------------------------------------------------------------------------------
# Reminders
# --------------------------------------------------------------------------------------------------

def send_reminders(now: datetime | None = None, ahead: timedelta = REMINDER_AHEAD) -> int:
    """Queue a reminder for every confirmed sign-up of an activity starting within ``ahead``.

    Idempotent: each registration is claimed with a guarded UPDATE (reminded_at IS NULL), so running
    twice, or two runs at once, never reminds anyone twice. Returns the number of mails queued.
    """
    now = now or utcnow()
    candidates = db.session.execute(
        select(Registration.id).join(Activity, Activity.id == Registration.activity_id)
        .join(User, User.id == Registration.user_id)
        .where(Registration.active.is_(True), Registration.status == REG_CONFIRMED,
               Registration.reminded_at.is_(None), Activity.status == STATUS_PLANNED,
               Activity.starts_at > now, Activity.starts_at <= now + ahead, User.email.is_not(None))
        .order_by(Activity.starts_at, Registration.id)).scalars().all()
    sent = 0
    for registration_id in candidates:
        claimed = db.session.execute(
            update(Registration).where(Registration.id == registration_id, Registration.reminded_at.is_(None),
                                       Registration.active.is_(True), Registration.status == REG_CONFIRMED)
            .values(reminded_at=now).execution_options(synchronize_session=False)).rowcount
        if claimed != 1:
            continue
        registration = db.session.get(Registration, registration_id)
        activity = registration.activity
        if mail.send_activity_mail(registration.user, activity, "mail_reminder.txt",
                                   f"Herinnering: {activity.title}, {nl_datetime(activity.starts_at, 'EEEE d MMMM')}"):
            sent += 1
        if sent % 200 == 0:
            db.session.commit()  # keep transactions (and the SQLite write lock) short on big runs
    db.session.commit()
    return sent


# --------------------------------------------------------------------------------------------------
# Personal calendar feed
# --------------------------------------------------------------------------------------------------

FEED_HISTORY = timedelta(days=60)


def new_calendar_token(user: User) -> str:
    """A fresh unguessable feed address; the previous one stops working at once."""
    user.calendar_token = secrets.token_urlsafe(32)
    audit.record(user.id, "calendar_feed.created", "user", user.id)
    db.session.commit()
    return user.calendar_token


def revoke_calendar_token(user: User) -> None:
    user.calendar_token = None
    audit.record(user.id, "calendar_feed.revoked", "user", user.id)
    db.session.commit()


def user_for_calendar_token(token: str) -> User | None:
    if not token or len(token) > 64:
        return None
    user = db.session.scalar(select(User).where(User.calendar_token == token))
    return user if user is not None and user.is_active else None


def feed_items(user: User, now: datetime | None = None) -> list[FeedItem]:
    """What this person takes part in or guides, from two months back: two queries."""
    since = (now or utcnow()) - FEED_HISTORY
    regs = db.session.execute(
        select(Activity, Registration.status).join(Registration, Registration.activity_id == Activity.id)
        .where(Registration.user_id == user.id, Registration.active.is_(True), Activity.starts_at >= since)
        .order_by(Activity.starts_at)).all()
    guided = db.session.scalars(
        select(Activity).join(ActivityGuide, ActivityGuide.activity_id == Activity.id)
        .where(ActivityGuide.user_id == user.id, Activity.starts_at >= since).order_by(Activity.starts_at)).all()
    items, seen = [], set()
    for activity in guided:
        seen.add(activity.id)
        items.append(FeedItem(activity, mail.detail_link(activity), role_note="Je begeleidt deze activiteit."))
    for activity, status in regs:
        if activity.id not in seen:
            seen.add(activity.id)
            items.append(FeedItem(activity, mail.detail_link(activity), tentative=status == REG_WAITLISTED))
    items.sort(key=lambda item: item.activity.starts_at)
    return items


# --------------------------------------------------------------------------------------------------
# Small helpers for views
# --------------------------------------------------------------------------------------------------

def upcoming_for_guide(user: User, now: datetime | None = None) -> list[Activity]:
    return list(db.session.scalars(
        select(Activity).join(ActivityGuide, ActivityGuide.activity_id == Activity.id)
        .where(ActivityGuide.user_id == user.id, Activity.ends_at >= (now or utcnow()) - timedelta(days=7))
        .order_by(Activity.starts_at).limit(20)))
