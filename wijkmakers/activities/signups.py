"""Sign-ups: the seat counter, the waiting list, cancellations with promotion, and organisers adding
someone. This is the contract other features use (partners enrol staff through ``register``).

Seats: a seat is granted only by ``UPDATE activity SET seats_taken = seats_taken + 1 WHERE id = :id AND
seats_taken < capacity`` changing one row; otherwise the person is waitlisted. Every sign-up and
cancellation first locks the activity's row (core.locking.lock_row), so the waiting-list position
(max + 1) and the promotion on cancel are serialised per activity too. Each public function that
changes data is ``@transactional``: on its own it is one transaction, inside a caller's it joins it.
"""
from datetime import datetime

from sqlalchemy import case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload

from ..auth.models import KIND_LABELS, KIND_RESIDENT, User
from ..auth.services import create_user, normalise_email, user_by_email
from ..core import audit
from ..core.errors import DomainError
from ..core.locking import lock_row
from ..core.permissions import ORGANISATOR
from ..core.timeutil import utcnow
from ..core.transaction import transactional
from ..extensions import db
from . import mail
from .models import (KIND_SESSION, REG_CANCELLED, REG_CONFIRMED, REG_WAITLISTED, Activity, Registration,
                     RegistrationEvent)

EV_REGISTERED = "geregistreerd"
EV_WAITLISTED = "wachtlijst"
EV_PROMOTED = "doorgeschoven"
EV_CANCELLED = "geannuleerd"
EV_PRESENT = "aanwezig"
EV_ABSENT = "afwezig"
EVENT_LABELS = {EV_REGISTERED: "Aangemeld (plaats)", EV_WAITLISTED: "Op de wachtlijst",
                EV_PROMOTED: "Doorgeschoven van de wachtlijst", EV_CANCELLED: "Afgemeld",
                EV_PRESENT: "Aanwezig", EV_ABSENT: "Afwezig"}


class SignupError(DomainError):
    """A sign-up or cancellation rule was broken (Dutch message). Kept as its own kind because the
    partners feature turns exactly these into a row's problem when it enrols staff."""


_table = Activity.__table__


# --------------------------------------------------------------------------------------------------
# Who and what
# --------------------------------------------------------------------------------------------------

def is_public_activity(activity: Activity) -> bool:
    """On the public agenda: everything but the sessions of a course group."""
    return activity.cohort_id is None and activity.kind != KIND_SESSION


def is_guide(activity: Activity, user) -> bool:
    return user is not None and getattr(user, "id", None) is not None and any(
        g.user_id == user.id for g in activity.guides)


def is_organiser(user) -> bool:
    return (user is not None and getattr(user, "is_authenticated", True) and hasattr(user, "has_role")
            and user.has_role(ORGANISATOR))


def deadline_of(activity: Activity) -> datetime:
    return activity.signup_deadline or activity.starts_at


def signup_open(activity: Activity, now: datetime | None = None) -> bool:
    return not activity.is_cancelled and (now or utcnow()) <= deadline_of(activity)


def active_registration(activity_id: int, user_id: int) -> Registration | None:
    return db.session.scalar(select(Registration).where(
        Registration.activity_id == activity_id, Registration.user_id == user_id, Registration.active.is_(True)))


def record_event(activity_id: int, user_id: int, event: str, by=None, note: str | None = None) -> None:
    """One line of the participation history (sign-ups and attendance), in the caller's transaction."""
    db.session.add(RegistrationEvent(activity_id=activity_id, user_id=user_id, event=event,
                                     by_id=by.id if by is not None else None, note=note))


# --------------------------------------------------------------------------------------------------
# The seat counter and the waiting list
# --------------------------------------------------------------------------------------------------

def _take_seat(activity_id: int) -> bool:
    result = db.session.execute(
        update(_table).where(_table.c.id == activity_id, _table.c.seats_taken < _table.c.capacity)
        .values(seats_taken=_table.c.seats_taken + 1))
    return result.rowcount == 1


def _free_seat(activity_id: int) -> None:
    db.session.execute(update(_table).where(_table.c.id == activity_id, _table.c.seats_taken > 0)
                       .values(seats_taken=_table.c.seats_taken - 1))


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


def promote_waiting(activity: Activity, by, notify: bool = True) -> list[Registration]:
    """Give free seats to the waiting list in order. The caller holds the activity's row lock."""
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
        record_event(activity.id, candidate.user_id, EV_PROMOTED, by)
        db.session.flush()
        promoted.append(candidate)
        if notify:
            mail.send_activity_mail(candidate.user, activity, "mail_promoted.txt",
                                    f"Er is een plek vrij: {activity.title}")
    return promoted


# --------------------------------------------------------------------------------------------------
# Sign-up and cancellation
# --------------------------------------------------------------------------------------------------

@transactional
def register(activity: Activity, user: User, by: User | None = None, notify: bool = True) -> Registration:
    """Sign ``user`` up: a seat when one is free, otherwise the waiting list. Raises SignupError.

    ``by`` is who does it (None or the person: self-service). Organisers acting via ``by`` may pass the
    deadline. The registration records the person's organisation at this moment.
    """
    lock_row(Activity, activity.id)
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
    record_event(activity.id, user.id, event, by)
    try:
        db.session.flush()
    except IntegrityError as exc:  # only without our lock (e.g. a caller's odd transaction)
        raise SignupError(f"{user.name} is al aangemeld voor deze activiteit.") from exc
    db.session.expire(activity, ["seats_taken"])
    if notify:
        if registration.status == REG_CONFIRMED:
            mail.send_activity_mail(user, activity, "mail_registered.txt", f"Aangemeld: {activity.title}")
        else:
            mail.send_activity_mail(user, activity, "mail_waitlisted.txt", f"Wachtlijst: {activity.title}",
                                    rank=waitlist_rank(registration))
    return registration


@transactional
def cancel_registration(registration: Registration, by: User | None = None,
                        notify: bool = True) -> Registration | None:
    """Cancel a registration; a freed seat goes to the first person waiting, who is returned (and mailed).

    Self-service (``by`` None or not an organiser): a confirmed seat can be given back until the
    deadline, a place on the waiting list until the start. Organisers may always.
    """
    lock_row(Activity, registration.activity_id)
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
    record_event(activity.id, registration.user_id, EV_CANCELLED, by)
    promoted = None
    if was_confirmed:
        _free_seat(activity.id)
        db.session.flush()
        moved = promote_waiting(activity, by, notify)
        promoted = moved[0] if moved else None
    db.session.flush()
    db.session.expire(activity, ["seats_taken"])
    return promoted


# --------------------------------------------------------------------------------------------------
# Organisers sign someone up
# --------------------------------------------------------------------------------------------------

def find_or_create_person(name: str, email: str | None, phone: str | None, kind: str = KIND_RESIDENT) -> User:
    """The user with this e-mail, or a minimal record (no password; the e-mail may be empty), in the
    caller's transaction."""
    email = normalise_email(email)
    if email:
        user = user_by_email(email)
        if user is not None:
            return user
    if kind not in KIND_LABELS:
        kind = KIND_RESIDENT
    user = create_user(email, (name or "").strip()[:120], phone=(phone or "").strip()[:40] or None, kind=kind)
    db.session.flush()
    return user


@transactional
def add_person(activity: Activity, name: str, email: str | None, phone: str | None, by: User,
               kind: str = KIND_RESIDENT) -> Registration:
    """An organiser signs someone up: by e-mail address, or a resident by phone without one."""
    email = normalise_email(email)
    name = (name or "").strip()
    if not email:
        if not name or not (phone or "").strip():
            raise SignupError("Vul een e-mailadres in, of een naam met telefoonnummer.", field="email")
    elif not name and user_by_email(email) is None:
        raise SignupError("Er is nog niemand met dit e-mailadres; vul ook een naam in.", field="name")
    person = find_or_create_person(name or email, email, phone, kind)
    registration = register(activity, person, by=by)
    audit.record(by.id, "registration.added", "registration", registration.id, user_id=person.id)
    return registration


# --------------------------------------------------------------------------------------------------
# One activity's sign-ups, for organisers and guides
# --------------------------------------------------------------------------------------------------

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
