"""The participant's own study: modules read and marked studied, reflections, action plans (doe-opdrachten)
and what came of them. Only an active or completed enrolment may study; marking a module studied re-checks
completion, and a completed programme's modules cannot be un-marked."""
from sqlalchemy import delete, func, select
from sqlalchemy.orm import contains_eager, joinedload

from ..auth.models import User
from ..core.errors import DomainError, NotFound
from ..core.text import clean_text
from ..core.timeutil import utcnow
from ..core.transaction import transactional
from ..core.uploads import checked_document
from ..extensions import db
from .completion import announces_completions, evaluate_user
from .enrolment import SEATED
from .models import (ENROLMENT_COMPLETED, PROGRESS_IN_PROGRESS, PROGRESS_STUDIED, Enrolment, Module, ModuleProgress,
                     ProgrammeModule, WorkFile)

MAX_TEXT = 10000
WORK_FILE_KINDS = ("pdf", "docx", "odt", "png", "jpg")
WORK_FILE_MAX_BYTES = 4 * 1024 * 1024  # the whole request may be 5 MB (MAX_UPLOAD_BYTES), text included


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


def action_plans(user: User) -> list[ModuleProgress]:
    return list(db.session.scalars(
        select(ModuleProgress).join(ModuleProgress.module).options(contains_eager(ModuleProgress.module),
                                                                   joinedload(ModuleProgress.response_by))
        .where(ModuleProgress.user_id == user.id, ModuleProgress.action_plan != "")
        .order_by(func.coalesce(ModuleProgress.action_plan_at, ModuleProgress.updated_at).desc(),
                  ModuleProgress.id.desc())).unique())


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
        raise DomainError("Je inschrijving is niet actief; je kunt hier nu niets opslaan.")


@transactional
def save_work(enrolment: Enrolment, module: Module, *, reflection: str, action_plan: str,
              upload: tuple[str, bytes] | None = None, remove_file: bool = False) -> ModuleProgress:
    """Save the participant's reflection and doe-opdracht (action plan) for a module, with an optional file
    (``upload`` as name and content; it replaces an earlier one) or without the earlier one."""
    _require_study(enrolment)
    reflection = clean_text(reflection, "je reflectie", MAX_TEXT, field="reflection")
    action_plan = clean_text(action_plan, "je actieplan", MAX_TEXT, field="action_plan")
    document = checked_document(*upload, allowed=WORK_FILE_KINDS, max_bytes=WORK_FILE_MAX_BYTES,
                                field="bestand") if upload else None
    row = _progress_row(enrolment.user_id, module.id)
    if action_plan != (row.action_plan or ""):
        row.action_plan_at = utcnow() if action_plan else None
    row.reflection, row.action_plan = reflection, action_plan
    db.session.flush()
    if document is not None or remove_file:
        db.session.execute(delete(WorkFile).where(WorkFile.progress_id == row.id))
    if document is not None:
        db.session.add(WorkFile(progress_id=row.id, filename=document.filename, content_type=document.content_type,
                                size=len(document.content), content=document.content, uploaded_at=utcnow()))
    return row


def work_file(user_id: int, module_id: int) -> WorkFile | None:
    return db.session.scalar(select(WorkFile).join(ModuleProgress, ModuleProgress.id == WorkFile.progress_id)
                             .where(ModuleProgress.user_id == user_id, ModuleProgress.module_id == module_id))


def work_file_names(progress_ids: list[int]) -> dict[int, str]:
    """The file name per progress row, for pages that list several modules (one query, no contents)."""
    if not progress_ids:
        return {}
    return dict(db.session.execute(select(WorkFile.progress_id, WorkFile.filename)
                                   .where(WorkFile.progress_id.in_(progress_ids))).all())


@announces_completions
@transactional
def set_studied(enrolment: Enrolment, module: Module, studied: bool = True) -> list[int]:
    """Mark a module studied (or undo that); then check completion. Returns completed enrolment ids."""
    _require_study(enrolment)
    if not studied and enrolment.status == ENROLMENT_COMPLETED:
        raise DomainError("Je hebt deze leergang afgerond; de modules blijven als bestudeerd staan.")
    row = _progress_row(enrolment.user_id, module.id)
    if studied:
        row.status, row.studied_at = PROGRESS_STUDIED, row.studied_at or utcnow()
    else:
        row.status, row.studied_at = PROGRESS_IN_PROGRESS, None
    db.session.flush()
    return evaluate_user(enrolment.user_id) if studied else []


@announces_completions
@transactional
def save_and_finish(enrolment: Enrolment, module: Module, **work) -> list[int]:
    """"Opslaan en afronden": the typed work (and file) and the module studied in one step, so nothing is
    lost between two buttons. Returns the enrolment ids this completed."""
    save_work(enrolment, module, **work)
    return set_studied(enrolment, module, True)


@transactional
def save_outcome(progress_id: int, user: User, outcome: str) -> ModuleProgress:
    """What the participant did with an action plan afterwards (van leren naar doen)."""
    row = db.session.get(ModuleProgress, progress_id)
    if row is None or row.user_id != user.id:
        raise NotFound("Dit actieplan bestaat niet.")
    if not (row.action_plan or "").strip():
        raise DomainError("Schrijf eerst een actieplan bij de module; daarna kun je vertellen wat ervan kwam.")
    outcome = clean_text(outcome, "wat ervan kwam", MAX_TEXT, field="outcome")
    row.action_outcome = outcome
    row.action_outcome_at = utcnow() if outcome else None
    return row
