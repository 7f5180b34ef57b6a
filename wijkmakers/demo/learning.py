"""Demo rows for the learning feature, on top of the demo academy (wijkmakers.demo.data).

- every demo action plan gets the date it was written (the base data leaves it empty);
- the organiser has answered the demo participant's first action plan;
- two people wait for a decision on their request for the current Leergang Wijkontwikkeling group;
- one participant of that group is behind on modules, so the overview shows that flag too;
- the demo partner contact mentors the demo trainee's placement in the current phase, so
  partner@wijkmakers.example sees "Mijn trainees".
"""
from datetime import datetime, timedelta

from sqlalchemy import select

from ..auth.models import User, UserRole
from ..core.timeutil import to_local
from ..extensions import db
from ..learning.models import (ENROLMENT_ACTIVE, ENROLMENT_REQUESTED, PROGRAMME_LEERGANG, PROGRAMME_TRAINEESHIP,
                               PROGRESS_IN_PROGRESS, PROGRESS_STUDIED, Cohort, Enrolment, ModuleProgress, Phase,
                               Placement, Programme)
from ..learning.services import current_phase_number

DOMAIN = "wijkmakers.example"


def _login(key: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == f"{key}@{DOMAIN}"))


def _current_cohort(slug: str, today) -> Cohort | None:
    return db.session.scalar(
        select(Cohort).join(Programme, Programme.id == Cohort.programme_id)
        .where(Programme.slug == slug, Cohort.starts_on <= today, Cohort.ends_on >= today)
        .order_by(Cohort.id).limit(1))


def load_demo_learning(now: datetime) -> None:
    today = to_local(now).date()
    for progress in db.session.scalars(select(ModuleProgress).where(ModuleProgress.action_plan != "",
                                                                    ModuleProgress.action_plan_at.is_(None))):
        progress.action_plan_at = progress.studied_at or now
        if progress.action_outcome and progress.action_outcome_at is None:
            progress.action_outcome_at = progress.action_plan_at + timedelta(days=30)

    organiser, participant = _login("organisator"), _login("deelnemer")
    if organiser is not None and participant is not None:
        first = db.session.scalar(select(ModuleProgress).where(ModuleProgress.user_id == participant.id,
                                                               ModuleProgress.action_plan != "")
                                  .order_by(ModuleProgress.module_id).limit(1))
        if first is not None:
            first.response = ("Mooi dat je bij de buren begint. Neem je iemand van de woningcorporatie mee? Dan "
                              "hoor je samen wat er speelt en kun je meteen afspraken maken. Vertel bij de volgende "
                              "bijeenkomst wat je hoorde!")
            first.response_by_id = organiser.id
            first.response_at = now - timedelta(days=2)

    cohort = _current_cohort(PROGRAMME_LEERGANG, today)
    if cohort is not None:
        behind = db.session.scalar(
            select(Enrolment).join(User, User.id == Enrolment.user_id)
            .where(Enrolment.cohort_id == cohort.id, Enrolment.status == ENROLMENT_ACTIVE,
                   User.password_hash.is_(None))
            .order_by(User.id).limit(1))
        if behind is not None:
            studied = db.session.scalars(
                select(ModuleProgress).where(ModuleProgress.user_id == behind.user_id,
                                             ModuleProgress.status == PROGRESS_STUDIED)
                .order_by(ModuleProgress.module_id.desc()).limit(2)).all()
            for progress in studied:
                progress.status, progress.studied_at = PROGRESS_IN_PROGRESS, None
        enrolled = select(Enrolment.user_id)
        participants = select(UserRole.user_id).where(UserRole.role == "deelnemer")
        askers = db.session.scalars(
            select(User).where(User.id.not_in(enrolled), User.id.in_(participants), User.password_hash.is_(None),
                               User.email.is_not(None))
            .order_by(User.id).limit(2)).all()
        for days, person in zip((5, 2), askers, strict=False):
            db.session.add(Enrolment(user_id=person.id, cohort_id=cohort.id, status=ENROLMENT_REQUESTED,
                                     organisation_id=person.organisation_id, created_at=now - timedelta(days=days)))

    partner, trainee = _login("partner"), _login("trainee")
    track = _current_cohort(PROGRAMME_TRAINEESHIP, today)
    if partner is not None and trainee is not None and track is not None:
        enrolment = db.session.scalar(select(Enrolment).where(Enrolment.cohort_id == track.id,
                                                              Enrolment.user_id == trainee.id))
        phases = db.session.scalars(select(Phase).where(Phase.programme_id == track.programme_id)
                                    .order_by(Phase.number)).all()
        number = current_phase_number(track, len(phases), today)
        if enrolment is not None and number:
            phase = phases[number - 1]
            placement = db.session.scalar(select(Placement).where(Placement.enrolment_id == enrolment.id,
                                                                  Placement.phase_id == phase.id))
            if placement is None:
                placement = Placement(enrolment_id=enrolment.id, phase_id=phase.id)
                db.session.add(placement)
            placement.organisation_id = partner.organisation_id
            placement.mentor_id = partner.id
            placement.completed_at = None
            placement.description = ("Stage bij de woningcorporatie: meedraaien met de buurtconsulent en een "
                                     "bewonersavond over het onderhoud van de flats voorbereiden.")
    db.session.flush()
