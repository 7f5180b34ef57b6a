"""Demo rows for the learning feature, on top of the demo academy (wijkmakers.demo.data).

- every demo action plan gets the date it was written (the base data leaves it empty);
- the organiser has answered the demo participant's first action plan and about a third of the other action
  plans of her group; the trainee's mentor has answered the plans of the trainees they mentor, but the
  newest (each answer written in the days after the plan, before the load moment);
- two people wait for a decision on their request for the current Leergang Wijkontwikkeling group;
- one participant of that group is behind on modules and another missed two of the sessions held so far,
  so the overview shows both flags;
- the demo partner contact mentors the demo trainee's placement in the current phase, so
  partner@wijkmakers.example sees "Mijn trainees".
"""
import random
from datetime import datetime, timedelta

from sqlalchemy import select

from ..activities.models import Activity, Attendance, RegistrationEvent
from ..auth.models import User, UserRole
from ..core.timeutil import to_local
from ..extensions import db
from ..learning.models import (ENROLMENT_ACTIVE, ENROLMENT_REQUESTED, PROGRAMME_LEERGANG, PROGRAMME_TRAINEESHIP,
                               PROGRESS_IN_PROGRESS, PROGRESS_STUDIED, Cohort, Enrolment, ModuleProgress, Phase,
                               Placement, Programme)
from ..learning.traineeship import current_phase_number
from .dates import done_by
from .texts import MENTOR_REPLIES

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
            progress.action_outcome_at = done_by(progress.action_plan_at + timedelta(days=30), now)

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
        _missed_two_sessions(cohort, now)
        enrolled = select(Enrolment.user_id)
        participants = select(UserRole.user_id).where(UserRole.role == "deelnemer")
        askers = db.session.scalars(
            select(User).where(User.id.not_in(enrolled), User.id.in_(participants), User.password_hash.is_(None),
                               User.email.is_not(None))
            .order_by(User.id).limit(2)).all()
        for days, person in zip((5, 2), askers, strict=False):
            db.session.add(Enrolment(user_id=person.id, cohort_id=cohort.id, status=ENROLMENT_REQUESTED,
                                     organisation_id=person.organisation_id, created_at=now - timedelta(days=days)))
    _answers(now, cohort, _current_cohort(PROGRAMME_TRAINEESHIP, today))

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


def _answers(now: datetime, cohort: Cohort | None, track: Cohort | None) -> None:
    """The organiser's answers in the running leergang group and the mentors' in the running traineeship."""
    rng = random.Random(2026)
    replies = rng.sample(MENTOR_REPLIES, len(MENTOR_REPLIES))
    organiser, participant = _login("organisator"), _login("deelnemer")
    answered = 0

    def answer(progress: ModuleProgress, by: User) -> None:
        nonlocal answered
        first_name = db.session.get(User, progress.user_id).name.split()[0]
        progress.response = replies[answered % len(replies)].format(naam=first_name)
        progress.response_by_id = by.id
        progress.response_at = done_by(progress.action_plan_at + timedelta(days=rng.randint(1, 6),
                                                                            hours=rng.randint(1, 8)), now)
        answered += 1

    for group, answers_all in ((cohort, False), (track, True)):
        if group is None:
            continue
        rows = db.session.execute(
            select(ModuleProgress, Enrolment.mentor_id).join(Enrolment, Enrolment.user_id == ModuleProgress.user_id)
            .where(Enrolment.cohort_id == group.id, ModuleProgress.action_plan != "")
            .order_by(ModuleProgress.user_id, ModuleProgress.module_id)).all()
        newest = {progress.user_id: progress for progress, _ in rows}
        participant_first = next((p for p, _ in rows if participant is not None and p.user_id == participant.id),
                                 None)
        for progress, mentor_id in rows:
            if answers_all:  # the mentor answers all but the newest plan of each mentee
                if mentor_id is not None and progress is not newest[progress.user_id]:
                    answer(progress, db.session.get(User, mentor_id))
            elif organiser is not None and (progress is participant_first or rng.random() < .33):
                answer(progress, organiser)


def _missed_two_sessions(cohort: Cohort, now: datetime) -> None:
    """The group's last member without a demo login was absent at the first two sessions."""
    absentee = db.session.scalar(
        select(Enrolment.user_id).join(User, User.id == Enrolment.user_id)
        .where(Enrolment.cohort_id == cohort.id, Enrolment.status == ENROLMENT_ACTIVE, User.password_hash.is_(None))
        .order_by(User.id.desc()).limit(1))
    sessions = db.session.scalars(select(Activity.id).where(Activity.cohort_id == cohort.id, Activity.ends_at <= now)
                                  .order_by(Activity.starts_at).limit(2)).all()
    for row in db.session.scalars(select(Attendance).where(Attendance.user_id == absentee,
                                                           Attendance.activity_id.in_(sessions))):
        row.present, row.checked_in_at = False, None
    for event in db.session.scalars(select(RegistrationEvent).where(
            RegistrationEvent.user_id == absentee, RegistrationEvent.activity_id.in_(sessions),
            RegistrationEvent.event == "aanwezig")):
        event.event = "afwezig"
