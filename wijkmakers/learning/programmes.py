"""Programmes (leergangen) and their modules in order: what every other learning process builds on, and
how organisers set one up in the browser (details, kind, modules and their order, a traineeship's phases).

Rules in one place:
- The kind decides in which row of the municipality's figures a programme's participants count, so it
  cannot change once the programme has a group: that would move past figures between rows.
- Module positions are 1, 2, 3 ... without gaps or doubles; the order is the learner's order.
- Archiving hides a programme from new groups and from the list; its groups, enrolments and certificates
  stay as they are.
"""
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from ..auth.models import User
from ..core.audit import record
from ..core.errors import DomainError, NotFound
from ..core.statements import prepared
from ..core.text import clean_text, unique_slug
from ..core.timeutil import utcnow
from ..core.transaction import transactional
from ..extensions import db
from .models import PROGRAMME_KINDS, Cohort, Module, Phase, Placement, Programme, ProgrammeModule

MAX_MONTHS = 60


def programmes(include_archived: bool = False) -> list[Programme]:
    return list(db.session.scalars(_programmes(include_archived)))


@prepared
def _programmes(include_archived: bool):
    stmt = select(Programme).order_by(Programme.archived_at.is_not(None), Programme.id)
    return stmt if include_archived else stmt.where(Programme.archived_at.is_(None))


def programme_modules(programme_id: int) -> list[ProgrammeModule]:
    """The programme's current (not archived) modules in order, with their module and phase."""
    return list(db.session.scalars(
        select(ProgrammeModule).join(ProgrammeModule.module)
        .options(contains_eager(ProgrammeModule.module), joinedload(ProgrammeModule.phase))
        .where(ProgrammeModule.programme_id == programme_id, Module.archived_at.is_(None))
        .order_by(ProgrammeModule.position, ProgrammeModule.id)).unique())


def available_modules() -> list[Module]:
    return list(db.session.scalars(select(Module).where(Module.archived_at.is_(None))
                                   .order_by(Module.position, Module.title)))


def programme_or_404(programme_id: int) -> Programme:
    programme = db.session.get(Programme, programme_id)
    if programme is None:
        raise NotFound()
    return programme


def has_cohorts(programme: Programme) -> bool:
    return db.session.scalar(select(func.count(Cohort.id)).where(Cohort.programme_id == programme.id)) > 0


# -- details -------------------------------------------------------------------------------------------
@dataclass
class ProgrammeDetails:
    name: str
    kind: str
    description: str = ""
    audience: str = ""
    duration_months: int = 10


def _checked(details: ProgrammeDetails, programme: Programme | None) -> ProgrammeDetails:
    name = clean_text(details.name, "een naam", 120, field="name", required=True, single_line=True)
    if details.kind not in PROGRAMME_KINDS:
        raise DomainError("Kies de soort leergang.", "kind")
    if not 1 <= (details.duration_months or 0) <= MAX_MONTHS:
        raise DomainError(f"Kies een duur van 1 tot {MAX_MONTHS} maanden.", "duration_months")
    taken = select(Programme.id).where(func.lower(Programme.name) == name.lower())
    if programme is not None:
        taken = taken.where(Programme.id != programme.id)
    if db.session.scalar(taken) is not None:
        raise DomainError("Er is al een leergang met deze naam. Kies een andere naam, bijvoorbeeld met de jaren "
                          "erbij.", "name")
    return ProgrammeDetails(
        name=name, kind=details.kind, duration_months=details.duration_months,
        description=clean_text(details.description, "de beschrijving", 4000, field="description"),
        audience=clean_text(details.audience, "de doelgroep", 1000, field="audience"))



@transactional
def create_programme(details: ProgrammeDetails, by: User) -> Programme:
    details = _checked(details, None)
    programme = Programme(slug=unique_slug(Programme.slug, details.name, 50, "leergang"), name=details.name,
                          kind=details.kind,
                          description=details.description, audience=details.audience,
                          duration_months=details.duration_months)
    db.session.add(programme)
    db.session.flush()
    record(by.id, "programme_created", "programme", programme.id, kind=programme.kind)
    return programme


@transactional
def update_programme(programme: Programme, details: ProgrammeDetails, by: User) -> None:
    details = _checked(details, programme)
    if details.kind != programme.kind and has_cohorts(programme):
        raise DomainError("De soort kan niet meer veranderen: deze leergang heeft al groepen, en de soort bepaalt in "
                          "welke rij van de cijfers hun deelnemers tellen.", "kind")
    if programme.phases and details.kind != programme.kind:
        raise DomainError("Deze leergang heeft fasen. Verwijder eerst de fasen om de soort te veranderen.", "kind")
    for key in ("name", "kind", "description", "audience", "duration_months"):
        setattr(programme, key, getattr(details, key))
    record(by.id, "programme_changed", "programme", programme.id)


@transactional
def archive_programme(programme: Programme, by: User, archived: bool = True) -> None:
    programme.archived_at = utcnow() if archived else None
    record(by.id, "programme_archived" if archived else "programme_restored", "programme", programme.id)


# -- modules and phases --------------------------------------------------------------------------------
@dataclass
class ModuleChoice:
    module_id: int
    position: int | None
    phase_id: int | None = None


@transactional
def set_modules(programme: Programme, choices: list[ModuleChoice], by: User) -> None:
    """Replace the programme's modules by ``choices`` (the chosen ones, each with its position)."""
    if not choices:
        raise DomainError("Kies minstens één module.")
    known = {m.id: m for m in available_modules()}
    phases = {p.id for p in programme.phases}
    positions = [c.position for c in choices]
    if any(p is None or p < 1 for p in positions):
        raise DomainError("Geef elke gekozen module een volgnummer van 1 of hoger.")
    doubles = sorted({p for p in positions if positions.count(p) > 1})
    if doubles:
        raise DomainError(f"Volgnummer {', '.join(map(str, doubles))} is meer dan eens gekozen. Geef elke module "
                          "een eigen plaats.")
    for choice in choices:
        if choice.module_id not in known:
            raise DomainError("Een gekozen module bestaat niet (meer). Laad de pagina opnieuw.")
        if choice.phase_id is not None and choice.phase_id not in phases:
            raise DomainError("Een gekozen fase hoort niet bij deze leergang. Laad de pagina opnieuw.")
    if programme.is_traineeship and phases and any(c.phase_id is None for c in choices):
        raise DomainError("Kies voor elke module van het traineeship de fase waarin hij valt.")
    current = {link.module_id: link for link in programme.modules}
    ordered = sorted(choices, key=lambda c: c.position)
    for number, choice in enumerate(ordered, start=1):  # 1, 2, 3 ... whatever numbers were typed
        link = current.pop(choice.module_id, None)
        if link is None:
            link = ProgrammeModule(module_id=choice.module_id)
            programme.modules.append(link)
        link.position, link.phase_id = number, choice.phase_id
    for link in current.values():
        programme.modules.remove(link)
    record(by.id, "programme_modules_changed", "programme", programme.id,
           modules=[c.module_id for c in ordered])


@transactional
def add_phase(programme: Programme, title: str, description: str, has_placement: bool, by: User) -> Phase:
    if not programme.is_traineeship:
        raise DomainError("Alleen een traineeship heeft fasen.")
    title = clean_text(title, "een titel", 120, field="title", required=True, single_line=True)
    number = max((p.number for p in programme.phases), default=0) + 1
    phase = Phase(number=number, title=title, has_placement=bool(has_placement),
                  description=clean_text(description, "de beschrijving", 2000, field="description"))
    programme.phases.append(phase)
    db.session.flush()
    record(by.id, "phase_added", "programme", programme.id, phase=number)
    return phase


@transactional
def remove_phase(programme: Programme, phase_id: int, by: User) -> None:
    """Only the last phase, and only while nobody has a placement in it."""
    phase = next((p for p in programme.phases if p.id == phase_id), None)
    if phase is None:
        raise NotFound()
    if phase.number != max(p.number for p in programme.phases):
        raise DomainError("Verwijder de fasen van achteren naar voren: eerst de laatste.")
    if db.session.scalar(select(func.count(Placement.id)).where(Placement.phase_id == phase.id)):
        raise DomainError(f"Fase {phase.number} heeft al stages van trainees en blijft daarom bestaan.")
    for link in programme.modules:
        if link.phase_id == phase.id:
            link.phase_id = None
    programme.phases.remove(phase)
    record(by.id, "phase_removed", "programme", programme.id, phase=phase.number)
