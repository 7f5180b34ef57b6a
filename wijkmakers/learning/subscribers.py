"""Reactions to account events (arrows point down: auth knows nothing of learning)."""
from sqlalchemy import delete, select, update

from ..auth.signals import person_erased
from ..extensions import db
from .models import Enrolment, ModuleProgress, Placement, WorkFile


@person_erased.connect
def forget_study_texts(sender, user_id: int | None = None, **extra) -> None:
    """Erasure, inside the caller's transaction: what the person wrote (reflections, action plans and
    outcomes) and the files they handed in, the mentor's replies to it, and the free text about their
    traineeship placements go.
    Enrolments, progress statuses and dates stay for the figures of past years."""
    if user_id is None:
        return
    db.session.execute(delete(WorkFile).where(WorkFile.progress_id.in_(
        select(ModuleProgress.id).where(ModuleProgress.user_id == user_id))))
    db.session.execute(update(ModuleProgress).where(ModuleProgress.user_id == user_id).values(
        reflection="", action_plan="", action_outcome="", response=""))
    db.session.execute(update(Placement).where(Placement.enrolment_id.in_(
        select(Enrolment.id).where(Enrolment.user_id == user_id))).values(description=""))
