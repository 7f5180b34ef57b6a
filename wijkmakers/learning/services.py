"""The academy's rules for programmes, cohorts, enrolments, progress and completion.

Every public function that changes something is one transaction: it commits (unless called with
``commit=False``, so a bulk import can enrol many people at once), or raises an error with a Dutch
message that the view shows. Functions that only read never commit.

Completion rule (per programme, editable by organisers): every module of the programme studied (when
``require_all_modules``) and present at at least ``min_attendance_pct`` percent of the cohort's sessions.
Cancelled sessions are left out altogether. A session that has not been held yet is never counted as an
absence: the attendance figure shown along the way ("so far") only looks at sessions already held, and
completion needs the number of sessions attended to reach the percentage of all scheduled sessions.
"""
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache

from flask import current_app
from sqlalchemy import and_, bindparam, case, exists, func, or_, select, update
from sqlalchemy.orm import contains_eager, joinedload, lazyload

from ..activities.models import (KIND_SESSION, STATUS_CANCELLED, STATUS_PLANNED, Activity, Attendance,
                                 RegistrationEvent)
from ..auth.models import User
from ..core.audit import record
from ..core.pagination import Page, PreparedPage, paginate
from ..core.timeutil import local_to_utc, local_today, nl_datetime, utcnow
from ..extensions import db
from ..notifications.services import queue_mail
from ..organisations.models import Organisation
from . import signals
from .models import (ENROLMENT_ACTIVE, ENROLMENT_COMPLETED, ENROLMENT_REJECTED, ENROLMENT_REQUESTED,
                     ENROLMENT_WITHDRAWN, PROGRESS_IN_PROGRESS, PROGRESS_STUDIED, Cohort, Enrolment, Module,
                     ModuleProgress, Phase, Placement, Programme, ProgrammeModule)

log = logging.getLogger("wijkmakers.learning")

SEATED = (ENROLMENT_ACTIVE, ENROLMENT_COMPLETED)
MAX_TEXT = 10000
MAX_CAPACITY = 500
MAX_SESSIONS = 60
BEHIND_MODULES = 2  # at risk when this many modules with a session behind them are not studied yet


class LearningError(ValueError):
    """A rule of the learning feature was broken; the message is Dutch and shown to the user."""


class EnrolmentError(LearningError):
    """Enrolling, requesting, approving or withdrawing is not possible; Dutch message."""


class NotFound(LearningError):
    """The object does not exist, or is not the caller's: the view answers 404."""


# -- small helpers -----------------------------------------------------------------------------------
def _finish(commit: bool) -> None:
    if commit:
        db.session.commit()
    else:
        db.session.flush()


def _refuse(exc: LearningError, commit: bool):
    """Raise ``exc``; in a transaction of our own, roll back first (it may hold the cohort lock)."""
    if commit:
        db.session.rollback()
    raise exc


def _link(endpoint: str, **values) -> str:
    """An absolute link for a mail, also outside a request (commands, signal handlers)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config.get("BASE_URL", "").rstrip("/") + path


def _clean(text: str | None, label: str, limit: int = MAX_TEXT) -> str:
    value = (text or "").replace("\r\n", "\n").strip()
    if len(value) > limit:
        raise LearningError(f"{label} mag hoogstens {limit} tekens hebben; je tekst heeft er {len(value)}.")
    return value


def _lock_cohort(cohort_id: int) -> None:
    """Serialise seat-taking for one cohort: a no-op UPDATE takes the row lock (PostgreSQL) or the write
    lock (SQLite) before seats are counted, so two enrolments at once cannot both take the last seat."""
    db.session.execute(update(Cohort).where(Cohort.id == cohort_id).values(capacity=Cohort.capacity)
                       .execution_options(synchronize_session=False))


def cohort_has_ended(cohort: Cohort) -> bool:
    return cohort.ends_on < local_today()


# -- seats and open cohorts ------------------------------------------------------------------------
def seats_left(cohort: Cohort) -> int:
    taken = db.session.scalar(select(func.count()).select_from(Enrolment)
                              .where(Enrolment.cohort_id == cohort.id, Enrolment.status.in_(SEATED)))
    return max(0, cohort.capacity - (taken or 0))


def open_cohorts() -> list[Cohort]:
    """Cohorts that have not ended yet, the first to start first."""
    return list(db.session.scalars(select(Cohort).where(Cohort.ends_on >= local_today())
                                   .order_by(Cohort.starts_on, Cohort.id)).unique())


def requestable_cohorts(user: User, limit: int = 10) -> list[tuple[Cohort, int]]:
    """The first `limit` open cohorts (soonest start first) that accept requests and that ``user`` is not (or
    no longer) in, with seats left. The academy runs a few at a time; the limit keeps the page short."""
    cohorts_stmt, taken_stmt = _requestable_statements()
    cohorts = list(db.session.scalars(cohorts_stmt, {"user_id": user.id, "today": local_today(),
                                                     "limit": limit}).unique())
    taken = dict(db.session.execute(taken_stmt, {"ids": [cohort.id for cohort in cohorts]}).all()) if cohorts else {}
    return [(cohort, max(0, cohort.capacity - taken.get(cohort.id, 0))) for cohort in cohorts]


# -- enrolment -------------------------------------------------------------------------------------
def _mail(user: User, subject: str, template: str, **context) -> None:
    """Queue a mail in the current transaction. The text is rendered straight from the Jinja environment
    (no request context processors), so this also works in commands and signal handlers."""
    if user.email and user.anonymised_at is None:
        body = current_app.jinja_env.get_template(template).render(user=user, **context)
        queue_mail(user.email, subject, body)


def enrol(cohort: Cohort, user: User, by: User | None = None, *, commit: bool = True,
          notify: bool = True) -> Enrolment:
    """Enrol ``user`` in ``cohort`` (status active). A withdrawn or rejected enrolment is reactivated.

    Raises EnrolmentError when the person is already in the cohort or has a pending request, when the
    cohort has ended, or when it is full (active and completed enrolments against its capacity).
    """
    _lock_cohort(cohort.id)
    existing = db.session.scalar(select(Enrolment).where(Enrolment.cohort_id == cohort.id,
                                                         Enrolment.user_id == user.id))
    if existing is not None and existing.status in SEATED:
        _refuse(EnrolmentError(f"{user.name} is al ingeschreven voor {cohort.label}."), commit)
    if existing is not None and existing.status == ENROLMENT_REQUESTED:
        _refuse(EnrolmentError(f"{user.name} heeft zich al aangemeld voor {cohort.label}; "
                               "keur die aanvraag goed in plaats van opnieuw in te schrijven."), commit)
    if not user.is_active:
        _refuse(EnrolmentError(f"Het account van {user.name} is niet actief; inschrijven kan niet."), commit)
    if cohort_has_ended(cohort):
        _refuse(EnrolmentError(f"{cohort.label} is al afgelopen; inschrijven kan niet meer."), commit)
    if seats_left(cohort) <= 0:
        _refuse(EnrolmentError(f"{cohort.label} is vol ({cohort.capacity} plaatsen)."), commit)
    if existing is None:
        existing = Enrolment(cohort_id=cohort.id, user_id=user.id)
        db.session.add(existing)
    existing.status = ENROLMENT_ACTIVE
    existing.organisation_id = user.organisation_id
    existing.enrolled_by_id = by.id if by is not None else None
    existing.withdrawn_at = None
    existing.completed_at = None
    db.session.flush()
    record(by.id if by else None, "enrolled", "enrolment", existing.id, cohort_id=cohort.id, user_id=user.id)
    if notify:
        _mail(user, f"Je bent ingeschreven: {cohort.label}", "learning/mail_enrolled.txt", cohort=cohort,
              by=by, link=_link("learning.my_programme", enrolment_id=existing.id))
    _finish(commit)
    return existing


def request_enrolment(cohort: Cohort, user: User, *, commit: bool = True) -> Enrolment:
    """A person asks to join a cohort; an organiser approves or rejects the request."""
    _lock_cohort(cohort.id)
    existing = db.session.scalar(select(Enrolment).where(Enrolment.cohort_id == cohort.id,
                                                         Enrolment.user_id == user.id))
    if existing is not None and existing.status in SEATED:
        _refuse(EnrolmentError(f"Je bent al ingeschreven voor {cohort.label}."), commit)
    if existing is not None and existing.status == ENROLMENT_REQUESTED:
        _refuse(EnrolmentError(f"Je hebt je al aangemeld voor {cohort.label}; de organisatie bekijkt je "
                               "aanvraag."), commit)
    if cohort_has_ended(cohort) or not cohort.open_for_requests:
        _refuse(EnrolmentError(f"Aanmelden voor {cohort.label} is niet (meer) mogelijk."), commit)
    if seats_left(cohort) <= 0:
        _refuse(EnrolmentError(f"{cohort.label} is vol. Vraag de organisatie naar een volgende groep."), commit)
    if existing is None:
        existing = Enrolment(cohort_id=cohort.id, user_id=user.id)
        db.session.add(existing)
    existing.status = ENROLMENT_REQUESTED
    existing.organisation_id = user.organisation_id
    existing.enrolled_by_id = None
    existing.withdrawn_at = None
    existing.created_at = utcnow()
    db.session.flush()
    record(user.id, "enrolment_requested", "enrolment", existing.id, cohort_id=cohort.id)
    _finish(commit)
    return existing


def approve_request(enrolment: Enrolment, by: User, *, commit: bool = True) -> Enrolment:
    _lock_cohort(enrolment.cohort_id)
    db.session.refresh(enrolment)
    if enrolment.status != ENROLMENT_REQUESTED:
        _refuse(EnrolmentError("Deze aanvraag is al behandeld."), commit)
    cohort = enrolment.cohort
    if seats_left(cohort) <= 0:
        _refuse(EnrolmentError(f"{cohort.label} is vol ({cohort.capacity} plaatsen); verhoog eerst de "
                               "capaciteit of wijs de aanvraag af."), commit)
    user = db.session.get(User, enrolment.user_id)
    enrolment.status = ENROLMENT_ACTIVE
    enrolment.enrolled_by_id = by.id
    enrolment.organisation_id = user.organisation_id
    record(by.id, "enrolment_approved", "enrolment", enrolment.id, cohort_id=cohort.id)
    _mail(user, f"Je aanmelding is goedgekeurd: {cohort.label}", "learning/mail_approved.txt", cohort=cohort,
          link=_link("learning.my_programme", enrolment_id=enrolment.id))
    _finish(commit)
    return enrolment


def reject_request(enrolment: Enrolment, by: User, *, reason: str = "", commit: bool = True) -> Enrolment:
    db.session.refresh(enrolment)
    if enrolment.status != ENROLMENT_REQUESTED:
        _refuse(EnrolmentError("Deze aanvraag is al behandeld."), commit)
    reason = _clean(reason, "De toelichting", 500)
    user = db.session.get(User, enrolment.user_id)
    enrolment.status = ENROLMENT_REJECTED
    record(by.id, "enrolment_rejected", "enrolment", enrolment.id, cohort_id=enrolment.cohort_id)
    _mail(user, f"Je aanmelding voor {enrolment.cohort.label}", "learning/mail_rejected.txt",
          cohort=enrolment.cohort, reason=reason)
    _finish(commit)
    return enrolment


def withdraw(enrolment: Enrolment, by: User, *, commit: bool = True) -> Enrolment:
    """Stop an active enrolment (or take back a request). Progress and attendance stay as they are."""
    db.session.refresh(enrolment)
    if enrolment.status == ENROLMENT_COMPLETED:
        _refuse(EnrolmentError("Deze leergang is al afgerond; stoppen kan niet meer."), commit)
    if enrolment.status not in (ENROLMENT_ACTIVE, ENROLMENT_REQUESTED):
        _refuse(EnrolmentError("Deze inschrijving is niet actief."), commit)
    enrolment.status = ENROLMENT_WITHDRAWN
    enrolment.withdrawn_at = utcnow()
    record(by.id if by else None, "enrolment_withdrawn", "enrolment", enrolment.id,
           cohort_id=enrolment.cohort_id, user_id=enrolment.user_id)
    _finish(commit)
    return enrolment


def set_mentor(enrolment: Enrolment, mentor: User | None, by: User) -> Enrolment:
    if mentor is not None and mentor.id == enrolment.user_id:
        raise LearningError("Iemand kan niet zijn of haar eigen mentor zijn.")
    enrolment.mentor_id = mentor.id if mentor else None
    record(by.id, "mentor_set", "enrolment", enrolment.id, mentor_id=enrolment.mentor_id)
    db.session.commit()
    return enrolment


def find_user_by_email(email: str | None) -> User | None:
    email = (email or "").strip().lower()
    if not email:
        return None
    return db.session.scalar(select(User).where(User.email == email, User.anonymised_at.is_(None)))


# -- programmes and cohorts -----------------------------------------------------------------------
def programmes() -> list[Programme]:
    return list(db.session.scalars(_programmes_statement()))


@cache
def _programmes_statement():
    return select(Programme).order_by(Programme.id)


def programme_modules(programme_id: int) -> list[ProgrammeModule]:
    """The programme's current (not archived) modules in order, with their module and phase."""
    return list(db.session.scalars(
        select(ProgrammeModule).join(ProgrammeModule.module)
        .options(contains_eager(ProgrammeModule.module), joinedload(ProgrammeModule.phase))
        .where(ProgrammeModule.programme_id == programme_id, Module.archived_at.is_(None))
        .order_by(ProgrammeModule.position, ProgrammeModule.id)).unique())


def update_rules(programme: Programme, *, require_all_modules: bool, min_attendance_pct: int, by: User) -> None:
    if not 0 <= min_attendance_pct <= 100:
        raise LearningError("Het aanwezigheidspercentage moet tussen 0 en 100 liggen.")
    programme.require_all_modules = bool(require_all_modules)
    programme.min_attendance_pct = int(min_attendance_pct)
    record(by.id, "programme_rules_changed", "programme", programme.id, require_all_modules=bool(require_all_modules),
           min_attendance_pct=int(min_attendance_pct))
    db.session.commit()


@dataclass
class SessionPlan:
    first_day: date
    start: time
    minutes: int
    interval_days: int
    location: str


def _check_cohort_fields(programme_id: int, name: str, starts_on: date, ends_on: date, capacity: int,
                         cohort_id: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise LearningError("Geef de groep een naam, bijvoorbeeld 2027-2028.")
    if len(name) > 60:
        raise LearningError("De naam van de groep mag hoogstens 60 tekens hebben.")
    if ends_on < starts_on:
        raise LearningError("De einddatum ligt vóór de begindatum.")
    if not 1 <= capacity <= MAX_CAPACITY:
        raise LearningError(f"De capaciteit moet tussen 1 en {MAX_CAPACITY} liggen.")
    clash = select(Cohort.id).where(Cohort.programme_id == programme_id, func.lower(Cohort.name) == name.lower())
    if cohort_id is not None:
        clash = clash.where(Cohort.id != cohort_id)
    if db.session.scalar(clash) is not None:
        raise LearningError(f"Er is al een groep met de naam {name} voor deze leergang.")
    return name


def create_cohort(programme: Programme, *, name: str, starts_on: date, ends_on: date, capacity: int,
                  open_for_requests: bool, by: User, plan: SessionPlan | None = None) -> Cohort:
    """A new cohort, optionally with one session per module of the programme (one transaction)."""
    name = _check_cohort_fields(programme.id, name, starts_on, ends_on, capacity)
    cohort = Cohort(programme_id=programme.id, name=name, starts_on=starts_on, ends_on=ends_on,
                    capacity=capacity, open_for_requests=open_for_requests)
    db.session.add(cohort)
    try:
        db.session.flush()
        db.session.refresh(cohort)
        if plan is not None:
            _plan_sessions(cohort, plan, by)
    except LearningError:
        db.session.rollback()
        raise
    record(by.id, "cohort_created", "cohort", cohort.id, programme_id=programme.id, name=name)
    db.session.commit()
    return cohort


def update_cohort(cohort: Cohort, *, name: str, starts_on: date, ends_on: date, capacity: int,
                  open_for_requests: bool, by: User) -> Cohort:
    name = _check_cohort_fields(cohort.programme_id, name, starts_on, ends_on, capacity, cohort.id)
    seated = cohort.capacity - seats_left(cohort)
    if capacity < seated:
        raise LearningError(f"Er zijn al {seated} deelnemers ingeschreven; de capaciteit kan niet lager zijn.")
    first, last = db.session.execute(
        select(func.min(Activity.starts_at), func.max(Activity.starts_at))
        .where(Activity.cohort_id == cohort.id, Activity.status != STATUS_CANCELLED)).one()
    if first is not None and (local_to_utc(datetime.combine(starts_on, time.min)) > first
                              or local_to_utc(datetime.combine(ends_on + timedelta(days=1), time.min)) <= last):
        raise LearningError("Er staan bijeenkomsten buiten deze periode. Verplaats of annuleer die eerst.")
    cohort.name, cohort.starts_on, cohort.ends_on = name, starts_on, ends_on
    cohort.capacity, cohort.open_for_requests = capacity, open_for_requests
    record(by.id, "cohort_changed", "cohort", cohort.id)
    db.session.commit()
    return cohort


def _session_times(cohort: Cohort, day: date, start: time, end: time) -> tuple[datetime, datetime]:
    if end <= start:
        raise LearningError("De eindtijd moet na de begintijd liggen.")
    if not cohort.starts_on <= day <= cohort.ends_on:
        raise LearningError(f"De bijeenkomst moet binnen de looptijd van de groep vallen "
                            f"({cohort.starts_on:%d-%m-%Y} tot en met {cohort.ends_on:%d-%m-%Y}).")
    return local_to_utc(datetime.combine(day, start)), local_to_utc(datetime.combine(day, end))


def _module_of_programme(cohort: Cohort, module_id: int | None) -> Module | None:
    if module_id is None:
        return None
    link = db.session.scalar(select(ProgrammeModule).where(ProgrammeModule.programme_id == cohort.programme_id,
                                                           ProgrammeModule.module_id == module_id))
    if link is None:
        raise LearningError("Deze module hoort niet bij deze leergang.")
    return link.module


def _new_session(cohort: Cohort, module: Module | None, title: str | None, starts_at: datetime,
                 ends_at: datetime, location: str, by: User) -> Activity:
    title = " ".join((title or "").split()) or (
        f"{cohort.programme.name}: {module.title}" if module else f"{cohort.programme.name}: bijeenkomst")
    if len(title) > 160:
        raise LearningError("De titel mag hoogstens 160 tekens hebben.")
    location = " ".join((location or "").split())
    if not location:
        raise LearningError("Vul een plaats in, bijvoorbeeld 'Wijkcentrum De Dialoog, Paddepoel'.")
    if len(location) > 200:
        raise LearningError("De plaats mag hoogstens 200 tekens hebben.")
    session = Activity(kind=KIND_SESSION, title=title, theme=module.theme if module else None,
                       starts_at=starts_at, ends_at=ends_at, location=location, capacity=max(cohort.capacity, 1),
                       cohort_id=cohort.id, module_id=module.id if module else None, status=STATUS_PLANNED,
                       created_by_id=by.id)
    db.session.add(session)
    return session


def _plan_sessions(cohort: Cohort, plan: SessionPlan, by: User) -> list[Activity]:
    links = programme_modules(cohort.programme_id)
    if not links:
        raise LearningError("Deze leergang heeft nog geen modules; plan de bijeenkomsten los in.")
    if plan.interval_days < 1:
        raise LearningError("De tijd tussen twee bijeenkomsten moet minstens één dag zijn.")
    if not 15 <= plan.minutes <= 12 * 60:
        raise LearningError("Een bijeenkomst duurt tussen een kwartier en twaalf uur.")
    sessions = []
    for index, link in enumerate(links):
        day = plan.first_day + timedelta(days=index * plan.interval_days)
        end = (datetime.combine(day, plan.start) + timedelta(minutes=plan.minutes))
        if end.date() != day:
            raise LearningError("Een bijeenkomst moet op dezelfde dag eindigen.")
        if not cohort.starts_on <= day <= cohort.ends_on:
            raise LearningError(f"Met dit schema valt de bijeenkomst over '{link.module.title}' op "
                                f"{day:%d-%m-%Y}, buiten de looptijd van de groep. Kies een eerdere eerste datum, "
                                "minder tijd tussen de bijeenkomsten of een latere einddatum.")
        sessions.append(_new_session(cohort, link.module, None, local_to_utc(datetime.combine(day, plan.start)),
                                     local_to_utc(end), plan.location, by))
    db.session.flush()
    return sessions


def add_session(cohort: Cohort, *, module_id: int | None, title: str | None, day: date, start: time, end: time,
                location: str, by: User) -> Activity:
    """A course session (bijeenkomst) of the cohort, linked to one of the programme's modules."""
    if db.session.scalar(select(func.count()).select_from(Activity).where(Activity.cohort_id == cohort.id)) \
            >= MAX_SESSIONS:
        raise LearningError(f"Een groep kan hoogstens {MAX_SESSIONS} bijeenkomsten hebben.")
    module = _module_of_programme(cohort, module_id)
    starts_at, ends_at = _session_times(cohort, day, start, end)
    session = _new_session(cohort, module, title, starts_at, ends_at, location, by)
    db.session.flush()
    record(by.id, "session_created", "activity", session.id, cohort_id=cohort.id)
    db.session.commit()
    return session


def update_session(session: Activity, *, module_id: int | None, title: str | None, day: date, start: time,
                   end: time, location: str, by: User) -> Activity:
    if session.status == STATUS_CANCELLED:
        raise LearningError("Deze bijeenkomst is geannuleerd en kan niet meer worden gewijzigd.")
    cohort = db.session.get(Cohort, session.cohort_id)
    module = _module_of_programme(cohort, module_id)
    starts_at, ends_at = _session_times(cohort, day, start, end)
    title = " ".join((title or "").split()) or (
        f"{cohort.programme.name}: {module.title}" if module else session.title)
    location = " ".join((location or "").split())
    if not location or len(location) > 200 or len(title) > 160:
        raise LearningError("Vul een plaats in (hoogstens 200 tekens) en een titel van hoogstens 160 tekens.")
    moved = starts_at != session.starts_at or ends_at != session.ends_at or location != session.location
    session.module_id = module.id if module else None
    session.theme = module.theme if module else session.theme
    session.title, session.starts_at, session.ends_at, session.location = title, starts_at, ends_at, location
    if moved:
        session.ics_sequence = (session.ics_sequence or 0) + 1
    record(by.id, "session_changed", "activity", session.id, cohort_id=cohort.id)
    db.session.commit()
    return session


def cancel_session(session: Activity, *, reason: str, by: User) -> list[int]:
    """Cancel a session and tell the participants; it then counts for nobody. Returns completed ids."""
    if session.status == STATUS_CANCELLED:
        raise LearningError("Deze bijeenkomst is al geannuleerd.")
    reason = " ".join((reason or "").split())
    if len(reason) < 5:
        raise LearningError("Geef een reden (minstens vijf tekens); de deelnemers krijgen die te zien.")
    if len(reason) > 500:
        raise LearningError("Houd de reden korter dan 500 tekens.")
    session.status = STATUS_CANCELLED
    session.cancel_reason = reason
    session.cancelled_at = utcnow()
    session.ics_sequence = (session.ics_sequence or 0) + 1
    cohort = db.session.get(Cohort, session.cohort_id)
    participants = db.session.scalars(select(User).join(Enrolment, Enrolment.user_id == User.id)
                                      .where(Enrolment.cohort_id == cohort.id, Enrolment.status == ENROLMENT_ACTIVE))
    if session.starts_at > utcnow():
        for user in participants:
            _mail(user, f"Geannuleerd: {session.title}", "learning/mail_session_cancelled.txt", session=session,
                  cohort=cohort, when=nl_datetime(session.starts_at), reason=reason)
    record(by.id, "session_cancelled", "activity", session.id, cohort_id=cohort.id, reason=reason)
    db.session.commit()
    # A cancelled session no longer counts: someone may now meet the attendance rule.
    return evaluate_cohort(cohort)


# -- attendance of course sessions ---------------------------------------------------------------------
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


def attendance_open(session: Activity) -> bool:
    """Attendance can be kept from the (local) day of the session on, for sessions not cancelled."""
    tomorrow = local_to_utc(datetime.combine(local_today() + timedelta(days=1), time.min))
    return session.status != STATUS_CANCELLED and session.starts_at < tomorrow


def record_session_attendance(session: Activity, present_ids: set[int], by: User) -> list[int]:
    """Save the attendance list of a session; everyone on the list not ticked is absent.

    Returns the ids of enrolments that the new attendance completed."""
    if session.status == STATUS_CANCELLED:
        raise LearningError("Deze bijeenkomst is geannuleerd; er valt geen presentie bij te houden.")
    if not attendance_open(session):
        raise LearningError("De presentie kun je bijhouden vanaf de dag van de bijeenkomst.")
    people = attendance_list(session)
    allowed = {person.id for person, _ in people}
    unknown = present_ids - allowed
    if unknown:
        raise LearningError("Er staat iemand in de lijst die niet bij deze groep hoort. Laad de pagina opnieuw.")
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
    db.session.commit()
    return evaluate_cohort(db.session.get(Cohort, session.cohort_id))


# -- facts per cohort: progress, attendance, completion, risk ---------------------------------------
FLAG_ATTENDANCE = "aanwezigheid"
FLAG_UNREACHABLE = "onhaalbaar"
FLAG_BEHIND = "achter"
FLAG_LABELS = {
    FLAG_ATTENDANCE: "Aanwezigheid onder de norm",
    FLAG_UNREACHABLE: "Kan de norm niet meer halen",
    FLAG_BEHIND: "Loopt achter met modules",
}


@dataclass
class ParticipantFacts:
    enrolment: Enrolment
    organisation_name: str | None
    studied: set[int]
    present: int
    present_held: int
    meets_rule: bool = False
    flags: list[str] = field(default_factory=list)
    behind: int = 0

    @property
    def user(self) -> User:
        return self.enrolment.user

    @property
    def at_risk(self) -> bool:
        return bool(self.flags)


@dataclass
class CohortFacts:
    cohort: Cohort
    programme: Programme
    modules: list[ProgrammeModule]
    sessions: list[Activity]
    now: datetime
    rows: list[ParticipantFacts]
    requests: list[ParticipantFacts]

    @property
    def counted(self) -> list[Activity]:
        return [s for s in self.sessions if s.status != STATUS_CANCELLED]

    @property
    def held(self) -> list[Activity]:
        return [s for s in self.counted if s.starts_at <= self.now]

    @property
    def required_present(self) -> int:
        return -(-self.programme.min_attendance_pct * len(self.counted) // 100)  # ceiling, in integers

    def attendance_pct(self, row: ParticipantFacts) -> int | None:
        held = len(self.held)
        return None if held == 0 else round(100 * row.present_held / held)

    @property
    def progress_denominator(self) -> int:
        return len(self.modules)


def meets_rule(programme: Programme, required_modules: int, studied: int, present: int, counted_sessions: int) -> bool:
    """The completion rule: modules (if required) and attendance at or above the percentage."""
    if programme.require_all_modules and studied < required_modules:
        return False
    pct = programme.min_attendance_pct
    if pct <= 0:
        return True
    if counted_sessions == 0:
        return False  # nothing scheduled (yet): attendance cannot have been met
    return present * 100 >= pct * counted_sessions


def cohort_facts(cohort: Cohort, user_ids: list[int] | None = None, now: datetime | None = None) -> CohortFacts:
    """Everything the overview and the completion check need, in a fixed number of queries."""
    now = now or utcnow()
    programme = cohort.programme
    modules = programme_modules(programme.id)
    module_ids = [link.module_id for link in modules]
    sessions = list(db.session.scalars(
        select(Activity).options(lazyload(Activity.guides))
        .where(Activity.cohort_id == cohort.id, Activity.kind == KIND_SESSION)
        .order_by(Activity.starts_at, Activity.id)))
    enrolment_stmt = (
        select(Enrolment, Organisation.name).join(Enrolment.user).options(contains_eager(Enrolment.user))
        .outerjoin(Organisation, Organisation.id == Enrolment.organisation_id)
        .where(Enrolment.cohort_id == cohort.id).order_by(User.name, Enrolment.id))
    if user_ids is not None:
        enrolment_stmt = enrolment_stmt.where(Enrolment.user_id.in_(user_ids))
    enrolments = db.session.execute(enrolment_stmt).unique().all()
    member_ids = select(Enrolment.user_id).where(Enrolment.cohort_id == cohort.id)
    if user_ids is not None:
        member_ids = member_ids.where(Enrolment.user_id.in_(user_ids))
    presence = {
        user_id: (present, held) for user_id, present, held in db.session.execute(
            select(Attendance.user_id, func.count(Attendance.id),
                   func.count(case((Activity.starts_at <= now, Attendance.id))))
            .join(Activity, Activity.id == Attendance.activity_id)
            .where(Activity.cohort_id == cohort.id, Activity.kind == KIND_SESSION,
                   Activity.status != STATUS_CANCELLED, Attendance.present.is_(True),
                   Attendance.user_id.in_(member_ids))
            .group_by(Attendance.user_id))}
    studied: dict[int, set[int]] = {}
    if module_ids:
        for user_id, module_id in db.session.execute(
                select(ModuleProgress.user_id, ModuleProgress.module_id)
                .where(ModuleProgress.status == PROGRESS_STUDIED, ModuleProgress.module_id.in_(module_ids),
                       ModuleProgress.user_id.in_(member_ids))):
            studied.setdefault(user_id, set()).add(module_id)
    facts = CohortFacts(cohort=cohort, programme=programme, modules=modules, sessions=sessions, now=now,
                        rows=[], requests=[])
    counted, held = facts.counted, facts.held
    held_modules = {s.module_id for s in held if s.module_id in set(module_ids)}
    required = facts.required_present
    for enrolment, organisation_name in enrolments:
        present, present_held = presence.get(enrolment.user_id, (0, 0))
        row = ParticipantFacts(enrolment=enrolment, organisation_name=organisation_name,
                               studied=studied.get(enrolment.user_id, set()), present=present,
                               present_held=present_held)
        row.meets_rule = meets_rule(programme, len(modules), len(row.studied), present, len(counted))
        if enrolment.status == ENROLMENT_ACTIVE:
            pct = programme.min_attendance_pct
            if held and pct > 0 and present_held * 100 < pct * len(held):
                row.flags.append(FLAG_ATTENDANCE)
            remaining = len(counted) - len(held)
            if pct > 0 and counted and present + remaining < required:
                row.flags.append(FLAG_UNREACHABLE)
            row.behind = len(held_modules - row.studied) if programme.require_all_modules else 0
            if row.behind >= BEHIND_MODULES:
                row.flags.append(FLAG_BEHIND)
        if enrolment.status == ENROLMENT_REQUESTED:
            facts.requests.append(row)
        elif enrolment.status != ENROLMENT_REJECTED:
            facts.rows.append(row)
    order = {ENROLMENT_ACTIVE: 0, ENROLMENT_COMPLETED: 1, ENROLMENT_WITHDRAWN: 2}
    facts.rows.sort(key=lambda r: order.get(r.enrolment.status, 3))
    return facts


def _complete(enrolment_ids: list[int], by: User | None = None) -> list[int]:
    """Mark the given active enrolments completed (a guarded UPDATE each), commit, then announce."""
    done = []
    now = utcnow()
    for enrolment_id in enrolment_ids:
        changed = db.session.execute(
            update(Enrolment).where(Enrolment.id == enrolment_id, Enrolment.status == ENROLMENT_ACTIVE)
            .values(status=ENROLMENT_COMPLETED, completed_at=now)
            .execution_options(synchronize_session=False)).rowcount
        if changed == 1:
            done.append(enrolment_id)
            record(by.id if by else None, "enrolment_completed", "enrolment", enrolment_id)
    db.session.commit()
    for enrolment_id in done:
        try:
            signals.enrolment_completed.send(None, enrolment_id=enrolment_id)
        except Exception:  # noqa: BLE001 - a subscriber must not undo a completion that is committed
            db.session.rollback()
            log.exception("a subscriber of enrolment_completed failed for enrolment %s", enrolment_id)
    return done


def evaluate_cohort(cohort: Cohort, by: User | None = None) -> list[int]:
    """Complete every active enrolment of the cohort that meets its programme's rule.

    Call it after attendance changed; organisers trigger it with a button. Returns the completed ids."""
    facts = cohort_facts(cohort)
    ready = [row.enrolment.id for row in facts.rows
             if row.enrolment.status == ENROLMENT_ACTIVE and row.meets_rule]
    return _complete(ready, by)


def evaluate_user(user_id: int) -> list[int]:
    """Check every active enrolment of one person (after they marked a module studied)."""
    cohorts = db.session.scalars(
        select(Cohort).join(Enrolment, Enrolment.cohort_id == Cohort.id)
        .where(Enrolment.user_id == user_id, Enrolment.status == ENROLMENT_ACTIVE)).unique().all()
    ready = []
    for cohort in cohorts:
        facts = cohort_facts(cohort, user_ids=[user_id])
        ready += [row.enrolment.id for row in facts.rows
                  if row.enrolment.status == ENROLMENT_ACTIVE and row.meets_rule]
    return _complete(ready)


# -- the participant's own work ----------------------------------------------------------------------
def own_enrolment(enrolment_id: int, user: User) -> Enrolment:
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.user_id != user.id:
        raise NotFound("Deze inschrijving bestaat niet.")
    return enrolment


def my_enrolments(user: User) -> list[Enrolment]:
    return list(db.session.scalars(_my_enrolments_statement(), {"user_id": user.id}).unique())


# The participant's /leren asks these on every visit: built once, with bind parameters.
@cache
def _my_enrolments_statement():
    return (select(Enrolment).where(Enrolment.user_id == bindparam("user_id"))
            .order_by(Enrolment.created_at.desc(), Enrolment.id.desc()))


@cache
def _requestable_statements():
    mine = select(Enrolment.cohort_id).where(Enrolment.user_id == bindparam("user_id"),
                                             Enrolment.status.in_((ENROLMENT_ACTIVE, ENROLMENT_COMPLETED,
                                                                   ENROLMENT_REQUESTED)))
    cohorts = (select(Cohort).where(Cohort.ends_on >= bindparam("today"), Cohort.open_for_requests.is_(True),
                                    Cohort.id.not_in(mine))
               .order_by(Cohort.starts_on, Cohort.id).limit(bindparam("limit")))
    # seats taken, counted for the cohorts shown only
    taken = (select(Enrolment.cohort_id, func.count())
             .where(Enrolment.status.in_(SEATED), Enrolment.cohort_id.in_(bindparam("ids", expanding=True)))
             .group_by(Enrolment.cohort_id))
    return cohorts, taken


@cache
def _mentors_anyone_statement():
    mentor = bindparam("user_id")
    return select(or_(exists().where(Enrolment.mentor_id == mentor), exists().where(Placement.mentor_id == mentor)))


def can_study(enrolment: Enrolment) -> bool:
    return enrolment.status in SEATED


def module_in_programme(enrolment: Enrolment, slug: str) -> ProgrammeModule:
    link = db.session.scalar(
        select(ProgrammeModule).join(ProgrammeModule.module).options(contains_eager(ProgrammeModule.module))
        .where(ProgrammeModule.programme_id == enrolment.cohort.programme_id, Module.slug == slug,
               Module.archived_at.is_(None)))
    if link is None:
        raise NotFound("Deze module hoort niet bij deze leergang.")
    return link


def progress_of(user_id: int, module_ids: list[int]) -> dict[int, ModuleProgress]:
    if not module_ids:
        return {}
    return {p.module_id: p for p in db.session.scalars(
        select(ModuleProgress).options(joinedload(ModuleProgress.response_by))
        .where(ModuleProgress.user_id == user_id, ModuleProgress.module_id.in_(module_ids))).unique()}


def sessions_attended(user_id: int, session_ids: list[int]) -> dict[int, bool]:
    """Per session (of the given ones) whether this person was recorded present (True) or absent (False)."""
    if not session_ids:
        return {}
    return dict(db.session.execute(
        select(Attendance.activity_id, Attendance.present)
        .where(Attendance.user_id == user_id, Attendance.activity_id.in_(session_ids))).all())


def _progress_row(user_id: int, module_id: int) -> ModuleProgress:
    row = db.session.scalar(select(ModuleProgress).where(ModuleProgress.user_id == user_id,
                                                         ModuleProgress.module_id == module_id))
    if row is None:
        row = ModuleProgress(user_id=user_id, module_id=module_id, status=PROGRESS_IN_PROGRESS, reflection="",
                             action_plan="", action_outcome="", response="")
        db.session.add(row)
    return row


def _require_study(enrolment: Enrolment) -> None:
    if not can_study(enrolment):
        raise LearningError("Je inschrijving is niet actief; je kunt hier nu niets opslaan.")


def save_work(enrolment: Enrolment, module: Module, *, reflection: str, action_plan: str) -> ModuleProgress:
    """Save the participant's reflection and doe-opdracht (action plan) for a module."""
    _require_study(enrolment)
    reflection = _clean(reflection, "Je reflectie")
    action_plan = _clean(action_plan, "Je actieplan")
    row = _progress_row(enrolment.user_id, module.id)
    if action_plan != (row.action_plan or ""):
        row.action_plan_at = utcnow() if action_plan else None
    row.reflection, row.action_plan = reflection, action_plan
    db.session.commit()
    return row


def set_studied(enrolment: Enrolment, module: Module, studied: bool = True) -> list[int]:
    """Mark a module studied (or undo that); then check completion. Returns completed enrolment ids."""
    _require_study(enrolment)
    if not studied and enrolment.status == ENROLMENT_COMPLETED:
        raise LearningError("Je hebt deze leergang afgerond; de modules blijven als bestudeerd staan.")
    row = _progress_row(enrolment.user_id, module.id)
    if studied:
        row.status, row.studied_at = PROGRESS_STUDIED, row.studied_at or utcnow()
    else:
        row.status, row.studied_at = PROGRESS_IN_PROGRESS, None
    db.session.commit()
    return evaluate_user(enrolment.user_id) if studied else []


def save_outcome(progress_id: int, user: User, outcome: str) -> ModuleProgress:
    """What the participant did with an action plan afterwards (van leren naar doen)."""
    row = db.session.get(ModuleProgress, progress_id)
    if row is None or row.user_id != user.id:
        raise NotFound("Dit actieplan bestaat niet.")
    if not (row.action_plan or "").strip():
        raise LearningError("Schrijf eerst een actieplan bij de module; daarna kun je vertellen wat ervan kwam.")
    outcome = _clean(outcome, "Wat ervan kwam")
    row.action_outcome = outcome
    row.action_outcome_at = utcnow() if outcome else None
    db.session.commit()
    return row


def action_plans(user: User) -> list[ModuleProgress]:
    return list(db.session.scalars(
        select(ModuleProgress).join(ModuleProgress.module).options(contains_eager(ModuleProgress.module),
                                                                   joinedload(ModuleProgress.response_by))
        .where(ModuleProgress.user_id == user.id, ModuleProgress.action_plan != "")
        .order_by(func.coalesce(ModuleProgress.action_plan_at, ModuleProgress.updated_at).desc(),
                  ModuleProgress.id.desc())).unique())


# -- mentors and reviewers -----------------------------------------------------------------------------
def is_mentor_of(user: User, enrolment: Enrolment) -> bool:
    if enrolment.mentor_id == user.id:
        return True
    return db.session.scalar(select(Placement.id).where(Placement.enrolment_id == enrolment.id,
                                                        Placement.mentor_id == user.id).limit(1)) is not None


def mentors_anyone(user: User) -> bool:
    """Mentor of a trainee, for the whole course or for a placement (two indexed lookups)."""
    return bool(db.session.scalar(_mentors_anyone_statement(), {"user_id": user.id}))


def reviewable_enrolment(enrolment_id: int, user: User, organiser: bool, viewer: bool) -> Enrolment:
    """An enrolment whose work ``user`` may read: organisers and coordinators (viewer) any, mentors theirs."""
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.status in (ENROLMENT_REQUESTED, ENROLMENT_REJECTED):
        raise NotFound("Deze inschrijving bestaat niet.")
    if organiser or viewer or is_mentor_of(user, enrolment):
        return enrolment
    raise NotFound("Deze inschrijving bestaat niet.")


def respond(enrolment: Enrolment, module_id: int, text: str, by: User) -> ModuleProgress:
    """The organiser's or mentor's answer to a participant's reflection and action plan."""
    link = db.session.scalar(select(ProgrammeModule).where(
        ProgrammeModule.programme_id == enrolment.cohort.programme_id, ProgrammeModule.module_id == module_id))
    row = db.session.scalar(select(ModuleProgress).where(ModuleProgress.user_id == enrolment.user_id,
                                                         ModuleProgress.module_id == module_id))
    if link is None or row is None:
        raise NotFound("Hier is nog niets om op te reageren.")
    text = _clean(text, "Je reactie", 5000)
    if not text:
        raise LearningError("Schrijf een reactie voordat je die verstuurt.")
    row.response, row.response_by_id, row.response_at = text, by.id, utcnow()
    user = db.session.get(User, enrolment.user_id)
    _mail(user, f"Reactie op je werk bij {link.module.title}", "learning/mail_response.txt", module=link.module,
          by=by, link=_link("learning.module", enrolment_id=enrolment.id, slug=link.module.slug))
    record(by.id, "progress_response", "module_progress", row.id, enrolment_id=enrolment.id)
    db.session.commit()
    return row


# -- traineeship: phases and placements ------------------------------------------------------------
@dataclass
class PhaseProgress:
    phase: Phase
    studied: int
    total: int
    placement: Placement | None

    @property
    def done(self) -> bool:
        return self.total == self.studied and (self.placement is None or self.placement.completed_at is not None
                                               or not self.phase.has_placement)


@dataclass
class TraineeRow:
    enrolment: Enrolment
    phases: list[PhaseProgress]
    current_phase: int | None


def current_phase_number(cohort: Cohort, phases: int, today: date | None = None) -> int | None:
    """Phases split the cohort's period evenly (the traineeship: four half-years)."""
    if not phases:
        return None
    today = today or local_today()
    if today < cohort.starts_on:
        return None
    span = max(1, (cohort.ends_on - cohort.starts_on).days + 1)
    return min(phases, 1 + (today - cohort.starts_on).days * phases // span)


def trainee_rows(enrolment_ids: list[int] | None = None, mentor: User | None = None) -> list[TraineeRow]:
    """Trainees (enrolments in a programme with phases) with progress per phase: a fixed number of queries.

    ``mentor``: only the enrolments where this person is the mentor (on the enrolment or a placement)."""
    has_phases = select(Phase.programme_id)
    stmt = (select(Enrolment).join(Enrolment.user).options(contains_eager(Enrolment.user))
            .join(Cohort, Cohort.id == Enrolment.cohort_id)
            .where(Cohort.programme_id.in_(has_phases),
                   Enrolment.status.in_((ENROLMENT_ACTIVE, ENROLMENT_COMPLETED, ENROLMENT_WITHDRAWN)))
            .order_by(Cohort.starts_on.desc(), User.name))
    if mentor is not None:
        stmt = stmt.where(or_(Enrolment.mentor_id == mentor.id,
                              Enrolment.id.in_(select(Placement.enrolment_id).where(Placement.mentor_id == mentor.id))))
    if enrolment_ids is not None:
        stmt = stmt.where(Enrolment.id.in_(enrolment_ids))
    enrolments = db.session.scalars(stmt).unique().all()
    if not enrolments:
        return []
    ids = [e.id for e in enrolments]
    programme_ids = {e.cohort.programme_id for e in enrolments}
    phases: dict[int, list[Phase]] = {}
    for phase in db.session.scalars(select(Phase).where(Phase.programme_id.in_(programme_ids))
                                    .order_by(Phase.programme_id, Phase.number)):
        phases.setdefault(phase.programme_id, []).append(phase)
    counts = {}
    studied_flag = case((ModuleProgress.id.is_not(None), 1), else_=0)
    for enrolment_id, phase_id, total, studied in db.session.execute(
            select(Enrolment.id, ProgrammeModule.phase_id, func.count(ProgrammeModule.id), func.sum(studied_flag))
            .join(Cohort, Cohort.id == Enrolment.cohort_id)
            .join(ProgrammeModule, ProgrammeModule.programme_id == Cohort.programme_id)
            .join(Module, and_(Module.id == ProgrammeModule.module_id, Module.archived_at.is_(None)))
            .outerjoin(ModuleProgress, and_(ModuleProgress.user_id == Enrolment.user_id,
                                            ModuleProgress.module_id == ProgrammeModule.module_id,
                                            ModuleProgress.status == PROGRESS_STUDIED))
            .where(Enrolment.id.in_(ids)).group_by(Enrolment.id, ProgrammeModule.phase_id)):
        counts[(enrolment_id, phase_id)] = (total, int(studied or 0))
    placements = {(p.enrolment_id, p.phase_id): p for p in db.session.scalars(
        select(Placement).options(joinedload(Placement.organisation), joinedload(Placement.mentor))
        .where(Placement.enrolment_id.in_(ids))).unique()}
    rows = []
    for enrolment in enrolments:
        own = phases.get(enrolment.cohort.programme_id, [])
        rows.append(TraineeRow(
            enrolment=enrolment,
            phases=[PhaseProgress(phase=ph, total=counts.get((enrolment.id, ph.id), (0, 0))[0],
                                  studied=counts.get((enrolment.id, ph.id), (0, 0))[1],
                                  placement=placements.get((enrolment.id, ph.id))) for ph in own],
            current_phase=current_phase_number(enrolment.cohort, len(own))))
    return rows


def placement_of(enrolment: Enrolment, phase: Phase) -> Placement | None:
    return db.session.scalar(select(Placement).options(joinedload(Placement.mentor))
                             .where(Placement.enrolment_id == enrolment.id, Placement.phase_id == phase.id))


def save_placement(enrolment: Enrolment, phase: Phase, *, organisation_id: int | None, mentor: User | None,
                   description: str, completed: bool, by: User) -> Placement:
    if phase.programme_id != enrolment.cohort.programme_id:
        raise NotFound("Deze fase hoort niet bij deze leergang.")
    if mentor is not None and mentor.id == enrolment.user_id:
        raise LearningError("Een trainee kan niet zijn of haar eigen mentor zijn.")
    if organisation_id is not None and db.session.get(Organisation, organisation_id) is None:
        raise LearningError("Kies een organisatie uit de lijst.")
    description = _clean(description, "De omschrijving", 2000)
    placement = db.session.scalar(select(Placement).where(Placement.enrolment_id == enrolment.id,
                                                          Placement.phase_id == phase.id))
    if placement is None:
        placement = Placement(enrolment_id=enrolment.id, phase_id=phase.id)
        db.session.add(placement)
    placement.organisation_id = organisation_id
    placement.mentor_id = mentor.id if mentor else None
    placement.description = description
    if completed and placement.completed_at is None:
        placement.completed_at = utcnow()
    elif not completed:
        placement.completed_at = None
    db.session.flush()
    record(by.id, "placement_saved", "placement", placement.id, enrolment_id=enrolment.id, phase=phase.number)
    db.session.commit()
    return placement


# -- overviews for organisers --------------------------------------------------------------------------
@dataclass
class CohortSummary:
    cohort: Cohort
    active: int
    completed: int
    withdrawn: int
    requested: int
    sessions: int

    @property
    def seats_left(self) -> int:
        return max(0, self.cohort.capacity - self.active - self.completed)


def cohort_summaries(past: bool = False, per_page: int = 25, page: int | None = None) -> Page:
    """One page of cohorts: running and planned ones (by programme, newest first), or those that have
    ended. The counts are made for that page only, so the page costs the same after years of cohorts."""
    page_of = paginate(_cohort_page_statement(past), per_page=per_page, page=page, params={"today": local_today()})
    ids = {"ids": [cohort.id for cohort in page_of.items]}
    enrolments, sessions = _cohort_count_statements()
    counts = {row[0]: row[1:] for row in db.session.execute(enrolments, ids)}
    held = dict(db.session.execute(sessions, ids).all())
    page_of.items = [CohortSummary(cohort, *counts.get(cohort.id, (0, 0, 0, 0)), held.get(cohort.id, 0))
                     for cohort in page_of.items]
    return page_of


# The organisers' list of cohorts is asked for often: its statements are built once, with bind parameters.
@cache
def _cohort_page_statement(past: bool) -> PreparedPage:
    today = bindparam("today")
    return PreparedPage(select(Cohort).where(Cohort.ends_on < today if past else Cohort.ends_on >= today)
                        .order_by(Cohort.programme_id, Cohort.starts_on.desc(), Cohort.id.desc()))


@cache
def _cohort_count_statements():
    ids = bindparam("ids", expanding=True)

    def n(status):
        return func.count(case((Enrolment.status == status, Enrolment.id)))

    enrolments = (select(Enrolment.cohort_id, n(ENROLMENT_ACTIVE), n(ENROLMENT_COMPLETED), n(ENROLMENT_WITHDRAWN),
                         n(ENROLMENT_REQUESTED)).where(Enrolment.cohort_id.in_(ids)).group_by(Enrolment.cohort_id))
    sessions = (select(Activity.cohort_id, func.count())
                .where(Activity.kind == KIND_SESSION, Activity.cohort_id.in_(ids), Activity.status != STATUS_CANCELLED)
                .group_by(Activity.cohort_id))
    return enrolments, sessions


def open_requests(limit: int = 100) -> list[Enrolment]:
    return list(db.session.scalars(_open_requests_statement(), {"limit": limit}).unique())


@cache
def _open_requests_statement():
    return (select(Enrolment).join(Enrolment.user).options(contains_eager(Enrolment.user))
            .where(Enrolment.status == ENROLMENT_REQUESTED).order_by(Enrolment.created_at, Enrolment.id)
            .limit(bindparam("limit")))


def overview_table(facts: CohortFacts) -> tuple[list[str], list[list]]:
    """The cohort overview as rows for a CSV file."""
    header = ["Naam", "E-mailadres", "Organisatie", "Status", "Modules bestudeerd"]
    header += [link.module.title for link in facts.modules]
    header += ["Aanwezig", "Bijeenkomsten gehouden", "Aanwezigheid tot nu toe (%)", "Voldoet aan afrondingsregel",
               "Aandachtspunten", "Afgerond op"]
    rows = []
    for row in facts.rows:
        enrolment = row.enrolment
        pct = facts.attendance_pct(row)
        rows.append(
            [row.user.name, row.user.email or "", row.organisation_name or "",
             {ENROLMENT_ACTIVE: "actief", ENROLMENT_COMPLETED: "afgerond", ENROLMENT_WITHDRAWN: "gestopt"}.get(
                 enrolment.status, enrolment.status),
             f"{len(row.studied)} van {len(facts.modules)}"]
            + ["ja" if link.module_id in row.studied else "nee" for link in facts.modules]
            + [row.present, len(facts.held), "" if pct is None else pct, "ja" if row.meets_rule else "nee",
               ", ".join(FLAG_LABELS[f] for f in row.flags),
               enrolment.completed_at.strftime("%d-%m-%Y") if enrolment.completed_at else ""])
    return header, rows
