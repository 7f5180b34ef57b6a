"""Completion: the programme's rule, the facts per cohort it is checked against, the risk flags organisers
see, and marking enrolments completed (announced with the ``enrolment_completed`` signal).

Completion rule (per programme, editable by organisers): every module of the programme studied (when
``require_all_modules``) and present at at least ``min_attendance_pct`` percent of the cohort's sessions.
Cancelled sessions are left out altogether. A session that has not been held yet is never counted as an
absence: the attendance figure shown along the way ("so far") only looks at sessions already held, and
completion needs the number of sessions attended to reach the percentage of all scheduled sessions.
"""
import functools
import logging
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import contains_eager, lazyload

from ..activities.models import KIND_SESSION, STATUS_CANCELLED, Activity, Attendance
from ..auth.models import User
from ..core.audit import record
from ..core.errors import DomainError
from ..core.timeutil import utcnow
from ..core.transaction import in_transaction, transactional
from ..extensions import db
from ..organisations.models import Organisation
from . import signals
from .models import (ENROLMENT_ACTIVE, ENROLMENT_COMPLETED, ENROLMENT_REJECTED, ENROLMENT_REQUESTED,
                     ENROLMENT_WITHDRAWN, PROGRESS_STUDIED, Cohort, Enrolment, ModuleProgress, Programme,
                     ProgrammeModule)
from .programmes import programme_modules

log = logging.getLogger("wijkmakers.learning")

BEHIND_MODULES = 2  # at risk when this many modules with a session behind them are not studied yet
FLAG_ATTENDANCE = "aanwezigheid"
FLAG_UNREACHABLE = "onhaalbaar"
FLAG_BEHIND = "achter"
FLAG_LABELS = {
    FLAG_ATTENDANCE: "Aanwezigheid onder de norm",
    FLAG_UNREACHABLE: "Kan de norm niet meer halen",
    FLAG_BEHIND: "Loopt achter met modules",
}


# -- the rule ----------------------------------------------------------------------------------------
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


@transactional
def update_rules(programme: Programme, *, require_all_modules: bool, min_attendance_pct: int, by: User) -> None:
    if not 0 <= min_attendance_pct <= 100:
        raise DomainError("Het aanwezigheidspercentage moet tussen 0 en 100 liggen.", field="min_attendance_pct")
    programme.require_all_modules = bool(require_all_modules)
    programme.min_attendance_pct = int(min_attendance_pct)
    record(by.id, "programme_rules_changed", "programme", programme.id, require_all_modules=bool(require_all_modules),
           min_attendance_pct=int(min_attendance_pct))


@dataclass
class RuleEffect:
    """What a new rule would change in one running group, said to the organiser before it is saved."""
    cohort: Cohort
    active: int
    meet_now: int
    meet_new: int
    sessions: int
    required_now: int
    required_new: int


def rule_effects(programme: Programme, *, require_all_modules: bool, min_attendance_pct: int,
                 today, now: datetime | None = None) -> list[RuleEffect]:
    """Per running group (not yet ended) with active participants: how many meet the rule now and would
    under the new one, and how many sessions one must attend now and then. A few groups per programme."""
    new = SimpleNamespace(require_all_modules=require_all_modules, min_attendance_pct=min_attendance_pct)
    effects = []
    for cohort in db.session.scalars(select(Cohort).where(Cohort.programme_id == programme.id,
                                                          Cohort.ends_on >= today).order_by(Cohort.starts_on)):
        facts = cohort_facts(cohort, now=now)
        active = [r for r in facts.rows if r.enrolment.status == ENROLMENT_ACTIVE]
        if not active:
            continue
        counted = len(facts.counted)
        effects.append(RuleEffect(
            cohort=cohort, active=len(active), meet_now=sum(r.meets_rule for r in active),
            meet_new=sum(meets_rule(new, len(facts.modules), len(r.studied), r.present, counted) for r in active),
            sessions=counted, required_now=facts.required_present,
            required_new=-(-min_attendance_pct * counted // 100)))
    return effects


# -- facts per cohort: progress, attendance, completion, risk ---------------------------------------
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


def _flag(facts: CohortFacts, row: ParticipantFacts, held_modules: set[int]) -> None:
    programme, counted, held = facts.programme, facts.counted, facts.held
    pct = programme.min_attendance_pct
    if held and pct > 0 and row.present_held * 100 < pct * len(held):
        row.flags.append(FLAG_ATTENDANCE)
    remaining = len(counted) - len(held)
    if pct > 0 and counted and row.present + remaining < facts.required_present:
        row.flags.append(FLAG_UNREACHABLE)
    row.behind = len(held_modules - row.studied) if programme.require_all_modules else 0
    if row.behind >= BEHIND_MODULES:
        row.flags.append(FLAG_BEHIND)


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
    counted = facts.counted
    held_modules = {s.module_id for s in facts.held if s.module_id in set(module_ids)}
    for enrolment, organisation_name in enrolments:
        present, present_held = presence.get(enrolment.user_id, (0, 0))
        row = ParticipantFacts(enrolment=enrolment, organisation_name=organisation_name,
                               studied=studied.get(enrolment.user_id, set()), present=present,
                               present_held=present_held)
        row.meets_rule = meets_rule(programme, len(modules), len(row.studied), present, len(counted))
        if enrolment.status == ENROLMENT_ACTIVE:
            _flag(facts, row, held_modules)
        if enrolment.status == ENROLMENT_REQUESTED:
            facts.requests.append(row)
        elif enrolment.status != ENROLMENT_REJECTED:
            facts.rows.append(row)
    order = {ENROLMENT_ACTIVE: 0, ENROLMENT_COMPLETED: 1, ENROLMENT_WITHDRAWN: 2}
    facts.rows.sort(key=lambda r: order.get(r.enrolment.status, 3))
    return facts


# -- completing, and telling the certificates feature ----------------------------------------------
def announce(enrolment_ids: list[int]) -> None:
    """Send ``enrolment_completed`` for each id. Only call this once the completion is committed."""
    for enrolment_id in enrolment_ids:
        try:
            signals.enrolment_completed.send(None, enrolment_id=enrolment_id)
        except Exception:  # noqa: BLE001 - a subscriber must not undo a completion that is committed
            db.session.rollback()
            log.exception("a subscriber of enrolment_completed failed for enrolment %s", enrolment_id)


def announces_completions(function):
    """For a ``@transactional`` function that returns the ids of the enrolments it completed: when it is the
    outermost call (it owns the transaction), announce those ids once that transaction has committed.

    Why not an after-commit hook: the certificates subscriber issues the certificate in a transaction of
    its own, and SQLAlchemy's ``after_commit`` event allows no SQL on the session; a hook would also see the
    ids of an attempt that core.transaction retried and threw away. The returned ids are exactly those the
    committed attempt completed. A call nested in a caller's transaction announces nothing: its caller
    gets the ids and must call ``announce(ids)`` after its own commit (today only this package's functions
    complete enrolments, and each of them is decorated with this).
    """

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        outermost = not in_transaction()
        completed = function(*args, **kwargs)
        if outermost:
            announce(completed)
        return completed

    return wrapper


@transactional
def _complete(enrolment_ids: list[int], by: User | None = None) -> list[int]:
    """Mark the given active enrolments completed (a guarded UPDATE each); returns the ids that changed."""
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
    return done


@announces_completions
@transactional
def evaluate_cohort(cohort: Cohort, by: User | None = None) -> list[int]:
    """Complete every active enrolment of the cohort that meets its programme's rule.

    Call it after attendance changed; organisers trigger it with a button. Returns the completed ids."""
    facts = cohort_facts(cohort)
    ready = [row.enrolment.id for row in facts.rows
             if row.enrolment.status == ENROLMENT_ACTIVE and row.meets_rule]
    return _complete(ready, by)


@announces_completions
@transactional
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
