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


# --------------------------------------------------------------------------------------------------
# Agenda
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
    from ..core.timeutil import local_to_utc
    from .models import ACTIVITY_KINDS, KIND_SESSION
    stmt = select(Activity).where(Activity.status == STATUS_PLANNED, Activity.cohort_id.is_(None),
                                  Activity.kind != KIND_SESSION, Activity.ends_at >= utcnow())
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


def registrations_of_user(user_id: int) -> list[Registration]:
    from sqlalchemy.orm import joinedload
    return list(db.session.scalars(
        select(Registration).options(joinedload(Registration.activity))
        .where(Registration.user_id == user_id).join(Activity, Activity.id == Registration.activity_id)
        .order_by(Activity.starts_at.desc())))


def waitlist_ranks(registrations) -> dict[int, int]:
    """Rank among active waitlisted for many registrations in one query."""
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


# --------------------------------------------------------------------------------------------------
# Planning (organisers)
# --------------------------------------------------------------------------------------------------

def manage_overview(now: datetime | None = None) -> list[dict]:
    """Upcoming activities with confirmed and waitlist counts in one GROUP BY query."""
    now = now or utcnow()
    confirmed = func.count(case((and_(Registration.status == REG_CONFIRMED, Registration.active.is_(True)),
                                 Registration.id)))
    waiting = func.count(case((and_(Registration.status == REG_WAITLISTED, Registration.active.is_(True)),
                               Registration.id)))
    rows = db.session.execute(
        select(Activity, confirmed.label("confirmed"), waiting.label("waiting"))
        .outerjoin(Registration, Registration.activity_id == Activity.id)
        .where(Activity.ends_at >= now, Activity.cohort_id.is_(None))
        .group_by(Activity.id).order_by(Activity.starts_at, Activity.id)).all()
    result = []
    for activity, n_confirmed, n_waiting in rows:
        minimum = activity.min_participants or (WALK_MINIMUM if activity.kind == KIND_WALK else None)
        under = (activity.kind == KIND_WALK and not activity.is_cancelled and minimum is not None
                 and n_confirmed < minimum and activity.starts_at - now <= timedelta(days=3))
        result.append({"activity": activity, "confirmed": n_confirmed, "waiting": n_waiting,
                       "minimum": minimum, "under_minimum": under})
    return result


def guide_candidates() -> list[User]:
    from ..auth.models import UserRole
    return list(db.session.scalars(select(User).join(UserRole).where(
        UserRole.role == "begeleider", User.active.is_(True), User.anonymised_at.is_(None)).order_by(User.name)))


def _set_guides(activity: Activity, guide_ids) -> None:
    wanted = []
    for gid in guide_ids:
        if gid and gid not in wanted:
            wanted.append(gid)
    activity.guides = [g for g in activity.guides if g.user_id in wanted]
    have = {g.user_id for g in activity.guides}
    for gid in wanted:
        if gid not in have:
            activity.guides.append(ActivityGuide(user_id=gid))


def save_activity(activity: Activity | None, data: dict, guide_ids, by) -> Activity:
    """Create (activity None) or update an activity from cleaned form data; one transaction."""
    creating = activity is None
    if creating:
        activity = Activity(created_by_id=by.id, status=STATUS_PLANNED, seats_taken=0)
        db.session.add(activity)
    if not creating and data["capacity"] < activity.seats_taken:
        raise SignupError(f"Er zijn al {activity.seats_taken} plaatsen bezet; de capaciteit kan niet lager.")
    if not creating and (activity.starts_at != data["starts_at"] or activity.ends_at != data["ends_at"]
                         or activity.meeting_point != data.get("meeting_point")
                         or activity.location != data.get("location")):
        activity.ics_sequence = (activity.ics_sequence or 0) + 1
    for key, value in data.items():
        setattr(activity, key, value)
    if activity.kind == KIND_WALK and activity.min_participants is None:
        activity.min_participants = WALK_MINIMUM
    _set_guides(activity, guide_ids)
    db.session.flush()
    audit.record(by.id, "activity.created" if creating else "activity.updated", "activity", activity.id)
    db.session.commit()
    return activity


def next_planned_walk(after: Activity) -> Activity | None:
    return db.session.scalar(select(Activity).where(
        Activity.kind == KIND_WALK, Activity.status == STATUS_PLANNED, Activity.id != after.id,
        Activity.starts_at > max(after.starts_at, utcnow())).order_by(Activity.starts_at).limit(1))


def cancel_activity(activity: Activity, reason: str, by) -> int:
    """Cancel an activity, mail every active registrant a cancelling .ics; returns the number mailed."""
    if activity.is_cancelled:
        raise SignupError("Deze activiteit is al geannuleerd.")
    _lock_activity(activity.id)
    activity.status = STATUS_CANCELLED
    activity.cancel_reason = reason
    activity.cancelled_at = utcnow()
    activity.ics_sequence = (activity.ics_sequence or 0) + 1
    registrations = db.session.scalars(select(Registration).where(
        Registration.activity_id == activity.id, Registration.active.is_(True))).all()
    alternative = next_planned_walk(activity) if activity.kind == KIND_WALK else None
    intro = f"Helaas gaat deze activiteit niet door. Reden: {reason}"
    if alternative is not None:
        intro += (f"\n\nDe volgende wijkwandeling is {alternative.title} op "
                  f"{nl_datetime(alternative.starts_at)}. Je bent van harte welkom; meld je aan via de agenda.")
    mailed = 0
    for registration in registrations:
        if registration.user.email:
            _mail(registration.user, activity, f"Geannuleerd: {activity.title}", intro, method="CANCEL")
            mailed += 1
    audit.record(by.id, "activity.cancelled", "activity", activity.id, reason=reason, notified=mailed)
    db.session.commit()
    return mailed


def create_series(themes: list[str], first_date, months: int, start_time, end_time, neighbourhoods: list[str],
                  meeting_point: str | None, capacity: int, by) -> list[Activity]:
    """One walk per month from ``first_date``, themes and neighbourhoods taken in turn; one transaction."""
    from datetime import date as date_cls
    from ..core.timeutil import local_to_utc
    from .models import ActivitySeries
    series = ActivitySeries(kind=KIND_WALK, title=f"Wijkwandelingen vanaf {first_date:%m-%Y}", created_by_id=by.id)
    db.session.add(series)
    created = []
    for i in range(months):
        month_index = first_date.month - 1 + i
        year, month = first_date.year + month_index // 12, month_index % 12 + 1
        day = min(first_date.day, 28)
        when = date_cls(year, month, day)
        theme = themes[i % len(themes)] if themes else None
        hood = neighbourhoods[i % len(neighbourhoods)] if neighbourhoods else None
        starts = local_to_utc(datetime.combine(when, start_time))
        activity = Activity(kind=KIND_WALK, title=f"Wijkwandeling {hood or ''}: {theme or ''}".replace(" :", ":")
                            .strip(": "), theme=theme, neighbourhood=hood, meeting_point=meeting_point,
                            starts_at=starts, ends_at=local_to_utc(datetime.combine(when, end_time)),
                            signup_deadline=starts - timedelta(hours=12), capacity=capacity,
                            min_participants=WALK_MINIMUM, series=series, created_by_id=by.id,
                            status=STATUS_PLANNED, seats_taken=0, description="")
        db.session.add(activity)
        created.append(activity)
    db.session.flush()
    audit.record(by.id, "activity.series_created", "activity_series", series.id, count=len(created))
    db.session.commit()
    return created


def registrations_for(activity: Activity) -> list[Registration]:
    from sqlalchemy.orm import joinedload
    return list(db.session.scalars(
        select(Registration).options(joinedload(Registration.user))
        .where(Registration.activity_id == activity.id, Registration.active.is_(True))
        .order_by(case((Registration.status == REG_CONFIRMED, 0), else_=1), Registration.waitlist_position,
                  Registration.id)))


def find_or_create_person(name: str, email: str | None, phone: str | None, kind: str = KIND_RESIDENT) -> User:
    """The user with this e-mail, or a minimal record (no password; e-mail may be empty)."""
    email = (email or "").strip().lower() or None
    if email:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None:
            return user
    user = User(name=name.strip(), email=email, phone=(phone or "").strip() or None, kind=kind,
                password_hash=None)
    db.session.add(user)
    db.session.flush()
    return user


def add_person(activity: Activity, name: str, email: str | None, phone: str | None, by) -> Registration:
    email = (email or "").strip().lower() or None
    if not email:
        if not name.strip() or not (phone or "").strip():
            raise SignupError("Vul een e-mailadres in, of een naam met telefoonnummer.")
    elif not name.strip():
        existing = db.session.scalar(select(User).where(User.email == email))
        if existing is None:
            raise SignupError("Er is nog niemand met dit e-mailadres; vul ook een naam in.")
    person = find_or_create_person(name or email, email, phone)
    registration = register(activity, person, by=by, commit=False)
    audit.record(by.id, "registration.added", "registration", registration.id, user_id=person.id)
    db.session.commit()
    return registration


# --------------------------------------------------------------------------------------------------
# Attendance
# --------------------------------------------------------------------------------------------------

def can_take_attendance(activity: Activity, user) -> bool:
    return _is_organiser(user) or is_guide(activity, user)


def attendance_of(activity: Activity) -> dict[int, Attendance]:
    return {a.user_id: a for a in db.session.scalars(select(Attendance).where(Attendance.activity_id == activity.id))}


def mark_attendance(activity: Activity, person: User, present: bool, by, walk_in: bool = False) -> Attendance:
    attendance = db.session.scalar(select(Attendance).where(Attendance.activity_id == activity.id,
                                                            Attendance.user_id == person.id))
    if attendance is None:
        attendance = Attendance(activity_id=activity.id, user_id=person.id, walk_in=walk_in)
        db.session.add(attendance)
    attendance.present = present
    attendance.checked_in_at = utcnow() if present else None
    attendance.recorded_by_id = by.id
    attendance.organisation_id = person.organisation_id
    attendance.participant_kind = person.kind
    _event(activity.id, person.id, EV_PRESENT if present else EV_ABSENT, by, note="inloop" if walk_in else None)
    db.session.flush()
    audit.record(by.id, "attendance.present" if present else "attendance.absent", "attendance", attendance.id,
                 activity_id=activity.id, user_id=person.id, walk_in=walk_in)
    db.session.commit()
    return attendance


def confirmed_person(activity: Activity, user_id: int) -> User | None:
    reg = db.session.scalar(select(Registration).where(
        Registration.activity_id == activity.id, Registration.user_id == user_id,
        Registration.status == REG_CONFIRMED, Registration.active.is_(True)))
    return reg.user if reg else None


def walk_in(activity: Activity, name: str, email: str | None, kind: str, by) -> Attendance:
    if not name.strip():
        raise SignupError("Vul een naam in.")
    person = find_or_create_person(name, email, None, kind)
    return mark_attendance(activity, person, True, by, walk_in=True)
