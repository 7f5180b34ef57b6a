"""Programmes (leergangen) and their modules in order: what every other learning process builds on."""
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from ..core.statements import prepared
from ..extensions import db
from .models import Module, Programme, ProgrammeModule


def programmes() -> list[Programme]:
    return list(db.session.scalars(_programmes()))


@prepared
def _programmes():
    return select(Programme).order_by(Programme.id)


def programme_modules(programme_id: int) -> list[ProgrammeModule]:
    """The programme's current (not archived) modules in order, with their module and phase."""
    return list(db.session.scalars(
        select(ProgrammeModule).join(ProgrammeModule.module)
        .options(contains_eager(ProgrammeModule.module), joinedload(ProgrammeModule.phase))
        .where(ProgrammeModule.programme_id == programme_id, Module.archived_at.is_(None))
        .order_by(ProgrammeModule.position, ProgrammeModule.id)).unique())
