"""Business rules for activities: sign-ups with a race-free seat counter and waitlist, cancellations
with promotion, planning by organisers and attendance. Each public function is one transaction."""
from datetime import datetime, timedelta

from flask import current_app, has_request_context, url_for
from sqlalchemy import and_, case, func, select, update

from ..auth.models import KIND_RESIDENT, User
from ..core import audit
from ..core.timeutil import nl_datetime, utcnow
from ..extensions import db
from ..notifications.services import Attachment, queue_mail
from .ics import activity_ics
from .models import (KIND_WALK, REG_CANCELLED, REG_CONFIRMED, REG_WAITLISTED, STATUS_CANCELLED,
                     STATUS_PLANNED, WALK_MINIMUM, Activity, ActivityGuide, Attendance, Registration,
                     RegistrationEvent)

EV_REGISTERED = "geregistreerd"
EV_WAITLISTED = "wachtlijst"
EV_PROMOTED = "doorgeschoven"
EV_CANCELLED = "geannuleerd"
EV_PRESENT = "aanwezig"
EV_ABSENT = "afwezig"


class SignupError(ValueError):
    """A sign-up or cancellation that breaks a rule; the message is Dutch and shown to the user."""


class NotFound(LookupError):
    pass


_table = Activity.__table__


# --------------------------------------------------------------------------------------------------
# Locking and counters
# --------------------------------------------------------------------------------------------------

def _lock_activity(activity_id: int) -> None:
    """Serialise sign-ups for one activity: the first statement of the transaction takes the lock.

    PostgreSQL: a row lock with SELECT ... FOR UPDATE. SQLite: a no-op UPDATE, which takes the database
    write lock at once (waiting up to the busy timeout) instead of upgrading a read transaction later.
    """
    if db.engine.dialect.name == "postgresql":
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


def seats_left(activity: Activity) -> int:
    row = db.session.execute(select(_table.c.capacity, _table.c.seats_taken)
                             .where(_table.c.id == activity.id)).one_or_none()
    if row is None:
        return 0
    return max(0, row.capacity - row.seats_taken)


def waitlist_rank(registration: Registration) -> int | None:
    """Position shown to people: rank among the active waitlisted (stored positions are never renumbered)."""
    if registration.status != REG_WAITLISTED or registration.waitlist_position is None:
        return None
    return db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.activity_id == registration.activity_id, Registration.status == REG_WAITLISTED,
        Registration.active.is_(True), Registration.waitlist_position <= registration.waitlist_position))


def _event(registration_or_activity_id, user_id, event, by=None, note=None):
    db.session.add(RegistrationEvent(activity_id=registration_or_activity_id, user_id=user_id, event=event,
                                     by_id=by.id if by is not None else None, note=note))


def is_guide(activity: Activity, user) -> bool:
    return user is not None and any(g.user_id == user.id for g in activity.guides)


def _is_organiser(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", True) and user.has_role("organisator")


def active_registration(activity_id: int, user_id: int) -> Registration | None:
    return db.session.scalar(select(Registration).where(
        Registration.activity_id == activity_id, Registration.user_id == user_id, Registration.active.is_(True)))


# --------------------------------------------------------------------------------------------------
# Mail
# --------------------------------------------------------------------------------------------------

def _detail_url(activity: Activity) -> str | None:
    if has_request_context() and "activities.detail" in current_app.view_functions:
        return url_for("activities.detail", activity_id=activity.id, _external=True)
    base = current_app.config.get("BASE_URL")
    return f"{base.rstrip('/')}/agenda/{activity.id}" if base else None


def _place(activity: Activity) -> str:
    place = activity.meeting_point or activity.location or "volgt nog"
    return f"{place} ({activity.neighbourhood})" if activity.neighbourhood else place


def _mail(user, activity: Activity, subject: str, intro: str, method: str = "REQUEST") -> None:
    if not user.email:
        return
    url = _detail_url(activity)
    body = (f"Beste {user.name},\n\n{intro}\n\n"
            f"{activity.kind_label}: {activity.title}\n"
            f"Wanneer: {nl_datetime(activity.starts_at)}\n"
            f"Waar: {_place(activity)}\n"
            + (f"Meer informatie: {url}\n" if url else "")
            + "\nMet vriendelijke groet,\nWijkmakers Groningen\n")
    ics = activity_ics(activity, method=method, url=url)
    queue_mail(user.email, subject, body,
               attachments=[Attachment(f"activiteit-{activity.id}.ics", f"text/calendar; method={method}", ics)])


# --------------------------------------------------------------------------------------------------
# Sign-up and cancellation
# --------------------------------------------------------------------------------------------------

def register(activity: Activity, user, by=None, commit: bool = True, notify: bool = True) -> Registration:
    """Sign ``user`` up: a seat when one is free, otherwise the waitlist. Raises SignupError."""
    try:
        _lock_activity(activity.id)
        db.session.refresh(activity)
        if activity.is_cancelled:
            raise SignupError("Deze activiteit gaat niet door; aanmelden kan niet meer.")
        deadline = activity.signup_deadline or activity.starts_at
        if utcnow() > deadline and not _is_organiser(by):
            raise SignupError("De aanmeldtermijn voor deze activiteit is verstreken.")
        if is_guide(activity, user):
            raise SignupError(f"{user.name} begeleidt deze activiteit en hoeft zich niet aan te melden.")
        if active_registration(activity.id, user.id) is not None:
            raise SignupError(f"{user.name} is al aangemeld voor deze activiteit.")
        registration = Registration(activity_id=activity.id, user_id=user.id,
                                    organisation_id=user.organisation_id,
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
                _mail(user, activity, f"Aangemeld: {activity.title}",
                      "Je bent aangemeld. Je plek is bevestigd; zet de afspraak in je agenda met de bijlage.")
            else:
                _mail(user, activity, f"Wachtlijst: {activity.title}",
                      f"De activiteit is vol. Je staat op de wachtlijst (plaats "
                      f"{waitlist_rank(registration)}). Komt er een plek vrij, dan schuif je automatisch "
                      "door en krijg je bericht.")
        if commit:
            db.session.commit()
        return registration
    except Exception:
        if commit:
            db.session.rollback()
        raise


def cancel_registration(registration: Registration, by=None, commit: bool = True,
                        notify: bool = True) -> Registration | None:
    """Cancel a registration; a freed seat goes to the first on the waitlist, who is returned."""
    try:
        _lock_activity(registration.activity_id)
        db.session.refresh(registration)
        if not registration.active:
            raise SignupError("Deze aanmelding is al geannuleerd.")
        was_confirmed = registration.status == REG_CONFIRMED
        registration.status = REG_CANCELLED
        registration.active = None
        _event(registration.activity_id, registration.user_id, EV_CANCELLED, by)
        promoted = None
        if was_confirmed:
            _free_seat(registration.activity_id)
            activity = db.session.get(Activity, registration.activity_id)
            db.session.flush()
            candidate = db.session.scalar(
                select(Registration).where(Registration.activity_id == registration.activity_id,
                                           Registration.status == REG_WAITLISTED,
                                           Registration.active.is_(True))
                .order_by(Registration.waitlist_position, Registration.id).limit(1))
            if candidate is not None and not activity.is_cancelled and _take_seat(activity.id):
                candidate.status = REG_CONFIRMED
                _event(activity.id, candidate.user_id, EV_PROMOTED, by)
                promoted = candidate
                if notify:
                    _mail(candidate.user, activity, f"Er is een plek vrij: {activity.title}",
                          "Goed nieuws: er is een plek vrijgekomen en je bent doorgeschoven van de wachtlijst. "
                          "Je plek is bevestigd.")
            db.session.expire(activity, ["seats_taken"])
        db.session.flush()
        if commit:
            db.session.commit()
        return promoted
    except Exception:
        if commit:
            db.session.rollback()
        raise
