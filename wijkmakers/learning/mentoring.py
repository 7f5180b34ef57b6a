"""Mentors and reviewers: who may read a participant's work, the mentor of an enrolment, and the answer
(reactie) of an organiser or mentor to a participant's reflection and action plan, which the participant
gets by mail. Coordinators may read everything but answer nothing (the views check that)."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, exists, func, or_, select

from ..auth.models import User
from ..core.audit import record
from ..core.errors import DomainError, NotFound
from ..core.pagination import Page, paginate
from ..core.statements import prepared
from ..core.text import clean_text
from ..core.timeutil import utcnow
from ..core.transaction import transactional
from ..extensions import db
from ..notifications.compose import absolute_url, send
from .enrolment import find_user_by_email
from .models import (ENROLMENT_ACTIVE, ENROLMENT_REJECTED, ENROLMENT_REQUESTED, Cohort, Enrolment, Module,
                     ModuleProgress, Placement, ProgrammeModule, WorkFile)


def is_mentor_of(user: User, enrolment: Enrolment) -> bool:
    if enrolment.mentor_id == user.id:
        return True
    return db.session.scalar(select(Placement.id).where(Placement.enrolment_id == enrolment.id,
                                                        Placement.mentor_id == user.id).limit(1)) is not None


def mentors_anyone(user: User) -> bool:
    """Mentor of a trainee, for the whole course or for a placement (two indexed lookups)."""
    return bool(db.session.scalar(_mentors_anyone(), {"user_id": user.id}))


@prepared  # asked on every visit of /leren
def _mentors_anyone():
    mentor = bindparam("user_id")
    return select(or_(exists().where(Enrolment.mentor_id == mentor), exists().where(Placement.mentor_id == mentor)))


def reviewable_enrolment(enrolment_id: int, user: User, organiser: bool, viewer: bool) -> Enrolment:
    """An enrolment whose work ``user`` may read: organisers and coordinators (viewer) any, mentors theirs."""
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.status in (ENROLMENT_REQUESTED, ENROLMENT_REJECTED):
        raise NotFound("Deze inschrijving bestaat niet.")
    if organiser or viewer or is_mentor_of(user, enrolment):
        return enrolment
    raise NotFound("Deze inschrijving bestaat niet.")


@transactional
def set_mentor(enrolment: Enrolment, mentor_email: str | None, by: User) -> User | None:
    """Make the person with this address the enrolment's mentor (no address: no mentor). Returns the mentor."""
    mentor = None
    if (mentor_email or "").strip():
        mentor = find_user_by_email(mentor_email)
        if mentor is None:
            raise DomainError("Er is geen account met dit e-mailadres.", field="email")
    if mentor is not None and mentor.id == enrolment.user_id:
        raise DomainError("Iemand kan niet zijn of haar eigen mentor zijn.", field="email")
    enrolment.mentor_id = mentor.id if mentor else None
    record(by.id, "mentor_set", "enrolment", enrolment.id, mentor_id=enrolment.mentor_id)
    return mentor


@transactional
def respond(enrolment: Enrolment, module_id: int, text: str, by: User) -> ModuleProgress:
    """The organiser's or mentor's answer to a participant's reflection and action plan."""
    link = db.session.scalar(select(ProgrammeModule).where(
        ProgrammeModule.programme_id == enrolment.cohort.programme_id, ProgrammeModule.module_id == module_id))
    row = db.session.scalar(select(ModuleProgress).where(ModuleProgress.user_id == enrolment.user_id,
                                                         ModuleProgress.module_id == module_id))
    if link is None or row is None:
        raise NotFound("Hier is nog niets om op te reageren.")
    text = clean_text(text, "je reactie", 5000, field="response")
    if not text:
        raise DomainError("Schrijf een reactie voordat je die verstuurt.", field="response")
    row.response, row.response_by_id, row.response_at = text, by.id, utcnow()
    user = db.session.get(User, enrolment.user_id)
    send(user, f"Reactie op je werk bij {link.module.title}", "learning/mail_response.txt", module=link.module,
         by=by, link=absolute_url("learning.module", enrolment_id=enrolment.id, slug=link.module.slug))
    record(by.id, "progress_response", "module_progress", row.id, enrolment_id=enrolment.id)
    return row


@dataclass
class WaitingWork:
    enrolment_id: int
    cohort_name: str
    person: str
    module_id: int
    module_title: str
    handed_in: datetime


def waiting_work(user: User, organiser: bool) -> Page:
    """One queue of work (a reflection or doe-opdracht) that has no reply yet, across groups, oldest first:
    every active participant's for organisers, their own trainees' for mentors."""
    has_work = or_(func.length(ModuleProgress.reflection) > 0, func.length(ModuleProgress.action_plan) > 0,
                   exists().where(WorkFile.progress_id == ModuleProgress.id))
    stmt = (
        select(Enrolment.id, Cohort.name, User.name, Module.id, Module.title, ModuleProgress.updated_at)
        .select_from(ModuleProgress)
        .join(Enrolment, (Enrolment.user_id == ModuleProgress.user_id) & (Enrolment.status == ENROLMENT_ACTIVE))
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .join(ProgrammeModule, (ProgrammeModule.programme_id == Cohort.programme_id)
              & (ProgrammeModule.module_id == ModuleProgress.module_id))
        .join(Module, Module.id == ModuleProgress.module_id)
        .join(User, User.id == Enrolment.user_id)
        .where(has_work, ModuleProgress.response == "")
        .order_by(ModuleProgress.updated_at, ModuleProgress.id))
    if not organiser:
        stmt = stmt.where(or_(Enrolment.mentor_id == user.id,
                              exists().where(Placement.enrolment_id == Enrolment.id, Placement.mentor_id == user.id)))
    page = paginate(stmt, scalars=False)
    page.items = [WaitingWork(*row) for row in page.items]
    return page
