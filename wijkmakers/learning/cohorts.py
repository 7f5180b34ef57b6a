"""Cohorts (groepen) and their sessions (bijeenkomsten): the organisers' planning and the list of cohorts.

Rules: a cohort's name is unique within its programme, its period runs forwards and its capacity is 1 to
MAX_CAPACITY and never below the seats taken; every session falls within the cohort's period, on one day,
and a cohort has at most MAX_SESSIONS. A new cohort may get one session per module at once (all or
nothing). Cancelling a session tells the participants and re-checks completion (it no longer counts).
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import bindparam, case, func, select
from sqlalchemy.orm import contains_eager

from ..activities.models import KIND_SESSION, STATUS_CANCELLED, STATUS_PLANNED, Activity
from ..auth.models import User
from ..core.audit import record
from ..core.errors import DomainError
from ..core.pagination import Page, PreparedPage, paginate
from ..core.statements import prepared
from ..core.timeutil import local_to_utc, local_today, nl_datetime, utcnow
from ..core.transaction import transactional
from ..extensions import db
from ..notifications.compose import send
from .completion import announces_completions, evaluate_cohort
from .enrolment import seats_left
from .models import (ENROLMENT_ACTIVE, ENROLMENT_COMPLETED, ENROLMENT_REQUESTED, ENROLMENT_WITHDRAWN, Cohort, Enrolment,
                     Module, Programme, ProgrammeModule)
from .programmes import programme_modules

MAX_CAPACITY = 500
MAX_SESSIONS = 60


@dataclass
class SessionPlan:
    first_day: date
    start: time
    minutes: int
    interval_days: int
    location: str


# -- cohorts -----------------------------------------------------------------------------------------
def _check_cohort_fields(programme_id: int, name: str, starts_on: date, ends_on: date, capacity: int,
                         cohort_id: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise DomainError("Geef de groep een naam, bijvoorbeeld 2027-2028.", field="name")
    if len(name) > 60:
        raise DomainError("De naam van de groep mag hoogstens 60 tekens hebben.", field="name")
    if ends_on < starts_on:
        raise DomainError("De einddatum ligt vóór de begindatum.", field="ends_on")
    if not 1 <= capacity <= MAX_CAPACITY:
        raise DomainError(f"De capaciteit moet tussen 1 en {MAX_CAPACITY} liggen.", field="capacity")
    clash = select(Cohort.id).where(Cohort.programme_id == programme_id, func.lower(Cohort.name) == name.lower())
    if cohort_id is not None:
        clash = clash.where(Cohort.id != cohort_id)
    if db.session.scalar(clash) is not None:
        raise DomainError(f"Er is al een groep met de naam {name} voor deze leergang.", field="name")
    return name


@transactional
def create_cohort(programme: Programme, *, name: str, starts_on: date, ends_on: date, capacity: int,
                  open_for_requests: bool, by: User, plan: SessionPlan | None = None) -> Cohort:
    """A new cohort, optionally with one session per module of the programme (one transaction)."""
    if programme.archived_at is not None:
        raise DomainError(f"{programme.name} is gearchiveerd; zet de leergang eerst terug.", "programme_id")
    name = _check_cohort_fields(programme.id, name, starts_on, ends_on, capacity)
    cohort = Cohort(programme_id=programme.id, name=name, starts_on=starts_on, ends_on=ends_on,
                    capacity=capacity, open_for_requests=open_for_requests)
    db.session.add(cohort)
    db.session.flush()
    db.session.refresh(cohort)
    if plan is not None:
        _plan_sessions(cohort, plan, by)
    record(by.id, "cohort_created", "cohort", cohort.id, programme_id=programme.id, name=name)
    return cohort


@transactional
def update_cohort(cohort: Cohort, *, name: str, starts_on: date, ends_on: date, capacity: int,
                  open_for_requests: bool, by: User) -> Cohort:
    name = _check_cohort_fields(cohort.programme_id, name, starts_on, ends_on, capacity, cohort.id)
    seated = cohort.capacity - seats_left(cohort)
    if capacity < seated:
        raise DomainError(f"Er zijn al {seated} deelnemers ingeschreven; de capaciteit kan niet lager zijn.",
                          field="capacity")
    first, last = db.session.execute(
        select(func.min(Activity.starts_at), func.max(Activity.starts_at))
        .where(Activity.cohort_id == cohort.id, Activity.status != STATUS_CANCELLED)).one()
    if first is not None and (local_to_utc(datetime.combine(starts_on, time.min)) > first
                              or local_to_utc(datetime.combine(ends_on + timedelta(days=1), time.min)) <= last):
        raise DomainError("Er staan bijeenkomsten buiten deze periode. Verplaats of annuleer die eerst.")
    cohort.name, cohort.starts_on, cohort.ends_on = name, starts_on, ends_on
    cohort.capacity, cohort.open_for_requests = capacity, open_for_requests
    record(by.id, "cohort_changed", "cohort", cohort.id)
    return cohort


# -- sessions ----------------------------------------------------------------------------------------
def _session_times(cohort: Cohort, day: date, start: time, end: time) -> tuple[datetime, datetime]:
    if end <= start:
        raise DomainError("De eindtijd moet na de begintijd liggen.", field="end")
    if not cohort.starts_on <= day <= cohort.ends_on:
        raise DomainError(f"De bijeenkomst moet binnen de looptijd van de groep vallen "
                          f"({cohort.starts_on:%d-%m-%Y} tot en met {cohort.ends_on:%d-%m-%Y}).", field="day")
    return local_to_utc(datetime.combine(day, start)), local_to_utc(datetime.combine(day, end))


def _module_of_programme(cohort: Cohort, module_id: int | None) -> Module | None:
    if module_id is None:
        return None
    link = db.session.scalar(select(ProgrammeModule).where(ProgrammeModule.programme_id == cohort.programme_id,
                                                           ProgrammeModule.module_id == module_id))
    if link is None:
        raise DomainError("Deze module hoort niet bij deze leergang.", field="module_id")
    return link.module


def _new_session(cohort: Cohort, module: Module | None, title: str | None, starts_at: datetime,
                 ends_at: datetime, location: str, by: User) -> Activity:
    title = " ".join((title or "").split()) or (
        f"{cohort.programme.name}: {module.title}" if module else f"{cohort.programme.name}: bijeenkomst")
    if len(title) > 160:
        raise DomainError("De titel mag hoogstens 160 tekens hebben.", field="title")
    location = " ".join((location or "").split())
    if not location:
        raise DomainError("Vul een plaats in, bijvoorbeeld 'Wijkcentrum De Dialoog, Paddepoel'.", field="location")
    if len(location) > 200:
        raise DomainError("De plaats mag hoogstens 200 tekens hebben.", field="location")
    session = Activity(kind=KIND_SESSION, title=title, theme=module.theme if module else None,
                       starts_at=starts_at, ends_at=ends_at, location=location, capacity=max(cohort.capacity, 1),
                       cohort_id=cohort.id, module_id=module.id if module else None, status=STATUS_PLANNED,
                       created_by_id=by.id)
    db.session.add(session)
    return session


def _plan_sessions(cohort: Cohort, plan: SessionPlan, by: User) -> list[Activity]:
    links = programme_modules(cohort.programme_id)
    if not links:
        raise DomainError("Deze leergang heeft nog geen modules; plan de bijeenkomsten los in.", field="plan_sessions")
    if plan.interval_days < 1:
        raise DomainError("De tijd tussen twee bijeenkomsten moet minstens één dag zijn.", field="interval_weeks")
    if not 15 <= plan.minutes <= 12 * 60:
        raise DomainError("Een bijeenkomst duurt tussen een kwartier en twaalf uur.", field="duration_minutes")
    sessions = []
    for index, link in enumerate(links):
        day = plan.first_day + timedelta(days=index * plan.interval_days)
        end = (datetime.combine(day, plan.start) + timedelta(minutes=plan.minutes))
        if end.date() != day:
            raise DomainError("Een bijeenkomst moet op dezelfde dag eindigen.", field="duration_minutes")
        if not cohort.starts_on <= day <= cohort.ends_on:
            raise DomainError(f"Met dit schema valt de bijeenkomst over '{link.module.title}' op "
                              f"{day:%d-%m-%Y}, buiten de looptijd van de groep. Kies een eerdere eerste datum, "
                              "minder tijd tussen de bijeenkomsten of een latere einddatum.", field="first_session")
        sessions.append(_new_session(cohort, link.module, None, local_to_utc(datetime.combine(day, plan.start)),
                                     local_to_utc(end), plan.location, by))
    db.session.flush()
    return sessions


@transactional
def add_session(cohort: Cohort, *, module_id: int | None, title: str | None, day: date, start: time, end: time,
                location: str, by: User) -> Activity:
    """A course session (bijeenkomst) of the cohort, linked to one of the programme's modules."""
    if db.session.scalar(select(func.count()).select_from(Activity).where(Activity.cohort_id == cohort.id)) \
            >= MAX_SESSIONS:
        raise DomainError(f"Een groep kan hoogstens {MAX_SESSIONS} bijeenkomsten hebben.")
    module = _module_of_programme(cohort, module_id)
    starts_at, ends_at = _session_times(cohort, day, start, end)
    session = _new_session(cohort, module, title, starts_at, ends_at, location, by)
    db.session.flush()
    record(by.id, "session_created", "activity", session.id, cohort_id=cohort.id)
    return session


@transactional
def update_session(session: Activity, *, module_id: int | None, title: str | None, day: date, start: time,
                   end: time, location: str, by: User) -> Activity:
    if session.status == STATUS_CANCELLED:
        raise DomainError("Deze bijeenkomst is geannuleerd en kan niet meer worden gewijzigd.")
    cohort = db.session.get(Cohort, session.cohort_id)
    module = _module_of_programme(cohort, module_id)
    starts_at, ends_at = _session_times(cohort, day, start, end)
    title = " ".join((title or "").split()) or (
        f"{cohort.programme.name}: {module.title}" if module else session.title)
    location = " ".join((location or "").split())
    if not location or len(location) > 200 or len(title) > 160:
        raise DomainError("Vul een plaats in (hoogstens 200 tekens) en een titel van hoogstens 160 tekens.")
    moved = starts_at != session.starts_at or ends_at != session.ends_at or location != session.location
    session.module_id = module.id if module else None
    session.theme = module.theme if module else session.theme
    session.title, session.starts_at, session.ends_at, session.location = title, starts_at, ends_at, location
    if moved:
        session.ics_sequence = (session.ics_sequence or 0) + 1
    record(by.id, "session_changed", "activity", session.id, cohort_id=cohort.id)
    return session


@announces_completions
@transactional
def cancel_session(session: Activity, *, reason: str, by: User) -> list[int]:
    """Cancel a session and tell the participants; it then counts for nobody. Returns completed ids."""
    if session.status == STATUS_CANCELLED:
        raise DomainError("Deze bijeenkomst is al geannuleerd.")
    reason = " ".join((reason or "").split())
    if len(reason) < 5:
        raise DomainError("Geef een reden (minstens vijf tekens); de deelnemers krijgen die te zien.", field="reason")
    if len(reason) > 500:
        raise DomainError("Houd de reden korter dan 500 tekens.", field="reason")
    session.status = STATUS_CANCELLED
    session.cancel_reason = reason
    session.cancelled_at = utcnow()
    session.ics_sequence = (session.ics_sequence or 0) + 1
    cohort = db.session.get(Cohort, session.cohort_id)
    participants = db.session.scalars(select(User).join(Enrolment, Enrolment.user_id == User.id)
                                      .where(Enrolment.cohort_id == cohort.id, Enrolment.status == ENROLMENT_ACTIVE))
    if session.starts_at > utcnow():
        for user in participants:
            send(user, f"Geannuleerd: {session.title}", "learning/mail_session_cancelled.txt", session=session,
                 cohort=cohort, when=nl_datetime(session.starts_at), reason=reason)
    record(by.id, "session_cancelled", "activity", session.id, cohort_id=cohort.id, reason=reason)
    # A cancelled session no longer counts: someone may now meet the attendance rule.
    return evaluate_cohort(cohort)


# -- the organisers' list of cohorts -----------------------------------------------------------------
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
    page_of = paginate(_cohort_page(past), per_page=per_page, page=page, params={"today": local_today()})
    ids = {"ids": [cohort.id for cohort in page_of.items]}
    enrolments, sessions = _cohort_counts()
    counts = {row[0]: row[1:] for row in db.session.execute(enrolments, ids)}
    held = dict(db.session.execute(sessions, ids).all())
    page_of.items = [CohortSummary(cohort, *counts.get(cohort.id, (0, 0, 0, 0)), held.get(cohort.id, 0))
                     for cohort in page_of.items]
    return page_of


# The organisers' list of cohorts (/leergangen) is opened often: its statements are prepared.
@prepared
def _cohort_page(past: bool) -> PreparedPage:
    today = bindparam("today")
    return PreparedPage(select(Cohort).where(Cohort.ends_on < today if past else Cohort.ends_on >= today)
                        .order_by(Cohort.programme_id, Cohort.starts_on.desc(), Cohort.id.desc()))


@prepared
def _cohort_counts():
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
    return list(db.session.scalars(_open_requests(), {"limit": limit}).unique())


@prepared
def _open_requests():
    return (select(Enrolment).join(Enrolment.user).options(contains_eager(Enrolment.user))
            .where(Enrolment.status == ENROLMENT_REQUESTED).order_by(Enrolment.created_at, Enrolment.id)
            .limit(bindparam("limit")))
