"""What the learning feature holds about a person, for their data export (core/personal_data.py)."""
from sqlalchemy import select

from ..core.personal_data import register
from ..extensions import db
from .models import ENROLMENT_LABELS, PROGRESS_LABELS, Enrolment, Module, ModuleProgress, Phase, Placement, WorkFile


@register("inschrijvingen", "Leergangen", tables=("enrolment",), order=20, labels={
    "leergang": "Leergang", "status": "Status", "sinds": "Ingeschreven op", "afgerond": "Afgerond op",
    "gestopt": "Gestopt op", "begeleider": "Begeleider"})
def enrolments(user) -> list[dict]:
    rows = db.session.scalars(select(Enrolment).where(Enrolment.user_id == user.id).order_by(Enrolment.created_at))
    return [{"leergang": e.cohort.label, "status": ENROLMENT_LABELS.get(e.status, e.status), "sinds": e.created_at,
             "afgerond": e.completed_at, "gestopt": e.withdrawn_at,
             "begeleider": e.mentor.name if e.mentor is not None else None} for e in rows]


@register("modules", "Modules, reflecties en doe-opdrachten", tables=("module_progress",), order=21, labels={
    "module": "Module", "status": "Status", "bestudeerd": "Bestudeerd op", "reflectie": "Reflectie",
    "doe_opdracht": "Doe-opdracht", "doe_opdracht_op": "Doe-opdracht geschreven op",
    "wat_ervan_kwam": "Wat ervan kwam", "reactie_begeleiding": "Reactie van je begeleider",
    "reactie_op": "Reactie gegeven op", "bestand": "Ingeleverd bestand"})
def progress(user) -> list[dict]:
    rows = db.session.execute(select(ModuleProgress, Module.title, WorkFile.filename)
                              .join(Module, Module.id == ModuleProgress.module_id)
                              .outerjoin(WorkFile, WorkFile.progress_id == ModuleProgress.id)
                              .where(ModuleProgress.user_id == user.id).order_by(Module.title))
    return [{"module": title, "status": PROGRESS_LABELS.get(p.status, p.status), "bestudeerd": p.studied_at,
             "reflectie": p.reflection, "doe_opdracht": p.action_plan, "doe_opdracht_op": p.action_plan_at,
             "wat_ervan_kwam": p.action_outcome, "reactie_begeleiding": p.response, "reactie_op": p.response_at,
             "bestand": filename or ""}
            for p, title, filename in rows]


@register("stages", "Traineeship: stageplekken", tables=("placement",), order=22, labels={
    "leergang": "Leergang", "fase": "Fase", "omschrijving": "Omschrijving", "afgerond": "Afgerond op"})
def placements(user) -> list[dict]:
    rows = db.session.execute(select(Placement, Enrolment, Phase)
                              .join(Enrolment, Enrolment.id == Placement.enrolment_id)
                              .join(Phase, Phase.id == Placement.phase_id)
                              .where(Enrolment.user_id == user.id).order_by(Phase.number))
    return [{"leergang": e.cohort.label, "fase": ph.title, "omschrijving": p.description, "afgerond": p.completed_at}
            for p, e, ph in rows]
