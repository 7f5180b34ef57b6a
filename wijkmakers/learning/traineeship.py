"""The traineeship: a programme in phases (four half-years), with a placement (stage) per phase at an
organisation and a mentor. Phases split the cohort's period evenly; a phase is done when its modules are
studied and its placement (if it has one) is completed. A trainee cannot be their own mentor."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from ..auth.models import User
from ..core.audit import record
from ..core.errors import DomainError, NotFound
from ..core.text import clean_text
from ..core.timeutil import local_today, utcnow
from ..core.transaction import transactional
from ..extensions import db
from ..organisations.models import Organisation
from .enrolment import find_user_by_email
from .models import (ENROLMENT_ACTIVE, ENROLMENT_COMPLETED, ENROLMENT_WITHDRAWN, PROGRESS_STUDIED, Cohort, Enrolment,
                     Module, ModuleProgress, Phase, Placement, ProgrammeModule)


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


def organisation_choices() -> list[tuple[int, str]]:
    """Where a placement can be: every organisation, by name."""
    return [(o.id, o.name) for o in db.session.scalars(select(Organisation).order_by(Organisation.name))]


@transactional
def save_placement(enrolment: Enrolment, phase: Phase, *, organisation_id: int | None, mentor_email: str | None,
                   description: str, completed: bool, by: User) -> Placement:
    if phase.programme_id != enrolment.cohort.programme_id:
        raise NotFound("Deze fase hoort niet bij deze leergang.")
    mentor = None
    if (mentor_email or "").strip():
        mentor = find_user_by_email(mentor_email)
        if mentor is None:
            raise DomainError("Er is geen account met dit e-mailadres.", field="mentor_email")
    if mentor is not None and mentor.id == enrolment.user_id:
        raise DomainError("Een trainee kan niet zijn of haar eigen mentor zijn.", field="mentor_email")
    if organisation_id is not None and db.session.get(Organisation, organisation_id) is None:
        raise DomainError("Kies een organisatie uit de lijst.", field="organisation_id")
    description = clean_text(description, "de omschrijving", 2000, field="description")
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
    return placement
