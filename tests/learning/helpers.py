"""Builders for learning tests: programmes with modules, cohorts, sessions, attendance and progress."""
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from wijkmakers.activities.models import KIND_SESSION, STATUS_CANCELLED, STATUS_PLANNED, Activity, Attendance
from wijkmakers.core.timeutil import local_today, utcnow
from wijkmakers.extensions import db
from wijkmakers.learning.content import sync_modules
from wijkmakers.learning.models import (ENROLMENT_ACTIVE, PROGRESS_STUDIED, Cohort, Enrolment, Module, ModuleProgress,
                                        Phase, Programme, ProgrammeModule)

FIXTURES = Path(__file__).parent / "fixtures" / "modules"


def copy_fixtures(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for path in FIXTURES.glob("*.md"):
        shutil.copy(path, target / path.name)
    return target


def load_modules(tmp_path: Path) -> list[Module]:
    sync_modules(copy_fixtures(tmp_path / "modules"))
    return list(db.session.scalars(select(Module).order_by(Module.position)))


def make_programme(modules: list[Module], slug="leergang-test", name="Leergang Test", pct=80, require_all=True,
                   phases: int = 0) -> Programme:
    programme = Programme(slug=slug, name=name, require_all_modules=require_all, min_attendance_pct=pct,
                          description="Een leergang om mee te testen.")
    db.session.add(programme)
    phase_rows = [Phase(programme=programme, number=n, title=f"Fase {n}") for n in range(1, phases + 1)]
    for index, module in enumerate(modules, start=1):
        phase = None
        if phase_rows:
            phase = phase_rows[min(len(phase_rows) - 1, (index - 1) * len(phase_rows) // len(modules))]
        db.session.add(ProgrammeModule(programme=programme, module=module, position=index, phase=phase))
    db.session.commit()
    return programme


def make_cohort(programme: Programme, name="2026-2027", starts_on: date | None = None, ends_on: date | None = None,
                capacity=20, open_for_requests=True) -> Cohort:
    today = local_today()
    cohort = Cohort(programme_id=programme.id, name=name, starts_on=starts_on or today - timedelta(days=90),
                    ends_on=ends_on or today + timedelta(days=200), capacity=capacity,
                    open_for_requests=open_for_requests)
    db.session.add(cohort)
    db.session.commit()
    return cohort


def make_session(cohort: Cohort, module: Module | None = None, days_from_now: float = -7, cancelled=False) -> Activity:
    start = (utcnow() + timedelta(days=days_from_now)).replace(microsecond=0)
    session = Activity(kind=KIND_SESSION, title=f"Bijeenkomst {module.title if module else ''}", starts_at=start,
                       ends_at=start + timedelta(hours=3), location="Wijkcentrum", capacity=cohort.capacity,
                       cohort_id=cohort.id, module_id=module.id if module else None,
                       status=STATUS_CANCELLED if cancelled else STATUS_PLANNED)
    db.session.add(session)
    db.session.commit()
    return session


def enrol_directly(cohort: Cohort, user, status=ENROLMENT_ACTIVE, **fields) -> Enrolment:
    enrolment = Enrolment(cohort_id=cohort.id, user_id=user.id, status=status, **fields)
    db.session.add(enrolment)
    db.session.commit()
    return enrolment


def attend(session: Activity, user, present=True) -> Attendance:
    row = Attendance(activity_id=session.id, user_id=user.id, present=present)
    db.session.add(row)
    db.session.commit()
    return row


def study(user, *modules: Module) -> None:
    for module in modules:
        db.session.add(ModuleProgress(user_id=user.id, module_id=module.id, status=PROGRESS_STUDIED,
                                      studied_at=utcnow(), reflection="", action_plan="", action_outcome="",
                                      response=""))
    db.session.commit()


def at(days: int) -> datetime:
    return (utcnow() + timedelta(days=days)).replace(microsecond=0)
