"""Enrolment: who is in a cohort. Organisers enrol people; participants request a seat, which an organiser
approves or rejects; either may withdraw. Seats are counted under the cohort's row lock.

Rules: a cohort's capacity counts active and completed enrolments; a withdrawn or rejected enrolment is
reactivated rather than duplicated; nobody joins a cohort that has ended; a request needs a cohort that is
open for requests. Every change is ``@transactional``; a broken rule raises EnrolmentError (Dutch).
"""
from sqlalchemy import bindparam, func, select

from ..auth.models import User
from ..core.audit import record
from ..core.errors import DomainError
from ..core.locking import lock_row
from ..core.statements import prepared
from ..core.text import clean_text
from ..core.timeutil import local_today, utcnow
from ..core.transaction import transactional
from ..extensions import db
from ..notifications.compose import absolute_url, send
from .models import (ENROLMENT_ACTIVE, ENROLMENT_COMPLETED, ENROLMENT_REJECTED, ENROLMENT_REQUESTED,
                     ENROLMENT_WITHDRAWN, Cohort, Enrolment)

SEATED = (ENROLMENT_ACTIVE, ENROLMENT_COMPLETED)


class EnrolmentError(DomainError):
    """Enrolling, requesting, approving or withdrawing is not possible. Kept as its own kind because the
    partners' bulk enrolment catches exactly this (a full cohort is a row's problem, not the import's)."""


def cohort_has_ended(cohort: Cohort) -> bool:
    return cohort.ends_on < local_today()


# -- seats and open cohorts ------------------------------------------------------------------------
def seats_left(cohort: Cohort) -> int:
    taken = db.session.scalar(select(func.count()).select_from(Enrolment)
                              .where(Enrolment.cohort_id == cohort.id, Enrolment.status.in_(SEATED)))
    return max(0, cohort.capacity - (taken or 0))


def open_cohorts() -> list[Cohort]:
    """Cohorts that have not ended yet, the first to start first."""
    return list(db.session.scalars(select(Cohort).where(Cohort.ends_on >= local_today())
                                   .order_by(Cohort.starts_on, Cohort.id)).unique())


def requestable_cohorts(user: User, limit: int = 10) -> list[tuple[Cohort, int]]:
    """The first `limit` open cohorts (soonest start first) that accept requests and that ``user`` is not (or
    no longer) in, with seats left. The academy runs a few at a time; the limit keeps the page short."""
    cohorts_stmt, taken_stmt = _requestable()
    cohorts = list(db.session.scalars(cohorts_stmt, {"user_id": user.id, "today": local_today(),
                                                     "limit": limit}).unique())
    if not cohorts:
        return []
    taken = dict(db.session.execute(taken_stmt, {"ids": [cohort.id for cohort in cohorts]}).all())
    return [(cohort, max(0, cohort.capacity - taken.get(cohort.id, 0))) for cohort in cohorts]


@prepared  # the participant's /leren asks these on every visit
def _requestable():
    mine = select(Enrolment.cohort_id).where(Enrolment.user_id == bindparam("user_id"),
                                             Enrolment.status.in_((*SEATED, ENROLMENT_REQUESTED)))
    cohorts = (select(Cohort).where(Cohort.ends_on >= bindparam("today"), Cohort.open_for_requests.is_(True),
                                    Cohort.id.not_in(mine))
               .order_by(Cohort.starts_on, Cohort.id).limit(bindparam("limit")))
    # seats taken, counted for the cohorts shown only
    taken = (select(Enrolment.cohort_id, func.count())
             .where(Enrolment.status.in_(SEATED), Enrolment.cohort_id.in_(bindparam("ids", expanding=True)))
             .group_by(Enrolment.cohort_id))
    return cohorts, taken


def find_user_by_email(email: str | None) -> User | None:
    email = (email or "").strip().lower()
    if not email:
        return None
    return db.session.scalar(select(User).where(User.email == email, User.anonymised_at.is_(None)))


def _existing(cohort: Cohort, user: User) -> Enrolment | None:
    return db.session.scalar(select(Enrolment).where(Enrolment.cohort_id == cohort.id,
                                                     Enrolment.user_id == user.id))


# -- enrolling, requesting and deciding ------------------------------------------------------------
@transactional
def enrol(cohort: Cohort, user: User, by: User | None = None, *, notify: bool = True) -> Enrolment:
    """Enrol ``user`` in ``cohort`` (status active). A withdrawn or rejected enrolment is reactivated.

    Raises EnrolmentError when the person is already in the cohort or has a pending request, when the
    cohort has ended, or when it is full (active and completed enrolments against its capacity).
    """
    lock_row(Cohort, cohort.id)
    existing = _existing(cohort, user)
    if existing is not None and existing.status in SEATED:
        raise EnrolmentError(f"{user.name} is al ingeschreven voor {cohort.label}.")
    if existing is not None and existing.status == ENROLMENT_REQUESTED:
        raise EnrolmentError(f"{user.name} heeft zich al aangemeld voor {cohort.label}; "
                             "keur die aanvraag goed in plaats van opnieuw in te schrijven.")
    if not user.is_active:
        raise EnrolmentError(f"Het account van {user.name} is niet actief; inschrijven kan niet.")
    if cohort_has_ended(cohort):
        raise EnrolmentError(f"{cohort.label} is al afgelopen; inschrijven kan niet meer.")
    if seats_left(cohort) <= 0:
        raise EnrolmentError(f"{cohort.label} is vol ({cohort.capacity} plaatsen).")
    if existing is None:
        existing = Enrolment(cohort_id=cohort.id, user_id=user.id)
        db.session.add(existing)
    existing.status = ENROLMENT_ACTIVE
    existing.organisation_id = user.organisation_id
    existing.enrolled_by_id = by.id if by is not None else None
    existing.withdrawn_at = None
    existing.completed_at = None
    db.session.flush()
    record(by.id if by else None, "enrolled", "enrolment", existing.id, cohort_id=cohort.id, user_id=user.id)
    if notify:
        send(user, f"Je bent ingeschreven: {cohort.label}", "learning/mail_enrolled.txt", cohort=cohort, by=by,
             link=absolute_url("learning.my_programme", enrolment_id=existing.id))
    return existing


@transactional
def request_enrolment(cohort: Cohort, user: User) -> Enrolment:
    """A person asks to join a cohort; an organiser approves or rejects the request."""
    lock_row(Cohort, cohort.id)
    existing = _existing(cohort, user)
    if existing is not None and existing.status in SEATED:
        raise EnrolmentError(f"Je bent al ingeschreven voor {cohort.label}.")
    if existing is not None and existing.status == ENROLMENT_REQUESTED:
        raise EnrolmentError(f"Je hebt je al aangemeld voor {cohort.label}; de organisatie bekijkt je aanvraag.")
    if cohort_has_ended(cohort) or not cohort.open_for_requests:
        raise EnrolmentError(f"Aanmelden voor {cohort.label} is niet (meer) mogelijk.")
    if seats_left(cohort) <= 0:
        raise EnrolmentError(f"{cohort.label} is vol. Vraag de organisatie naar een volgende groep.")
    if existing is None:
        existing = Enrolment(cohort_id=cohort.id, user_id=user.id)
        db.session.add(existing)
    existing.status = ENROLMENT_REQUESTED
    existing.organisation_id = user.organisation_id
    existing.enrolled_by_id = None
    existing.withdrawn_at = None
    existing.created_at = utcnow()
    db.session.flush()
    record(user.id, "enrolment_requested", "enrolment", existing.id, cohort_id=cohort.id)
    return existing


@transactional
def approve_request(enrolment: Enrolment, by: User) -> Enrolment:
    lock_row(Cohort, enrolment.cohort_id)
    db.session.refresh(enrolment)
    if enrolment.status != ENROLMENT_REQUESTED:
        raise EnrolmentError("Deze aanvraag is al behandeld.")
    cohort = enrolment.cohort
    if seats_left(cohort) <= 0:
        raise EnrolmentError(f"{cohort.label} is vol ({cohort.capacity} plaatsen); verhoog eerst de "
                             "capaciteit of wijs de aanvraag af.")
    user = db.session.get(User, enrolment.user_id)
    enrolment.status = ENROLMENT_ACTIVE
    enrolment.enrolled_by_id = by.id
    enrolment.organisation_id = user.organisation_id
    record(by.id, "enrolment_approved", "enrolment", enrolment.id, cohort_id=cohort.id)
    send(user, f"Je aanmelding is goedgekeurd: {cohort.label}", "learning/mail_approved.txt", cohort=cohort,
         link=absolute_url("learning.my_programme", enrolment_id=enrolment.id))
    return enrolment


@transactional
def reject_request(enrolment: Enrolment, by: User, *, reason: str = "") -> Enrolment:
    db.session.refresh(enrolment)
    if enrolment.status != ENROLMENT_REQUESTED:
        raise EnrolmentError("Deze aanvraag is al behandeld.")
    reason = clean_text(reason, "de toelichting", 500, field="reason")
    user = db.session.get(User, enrolment.user_id)
    enrolment.status = ENROLMENT_REJECTED
    record(by.id, "enrolment_rejected", "enrolment", enrolment.id, cohort_id=enrolment.cohort_id)
    send(user, f"Je aanmelding voor {enrolment.cohort.label}", "learning/mail_rejected.txt",
         cohort=enrolment.cohort, reason=reason)
    return enrolment


@transactional
def withdraw(enrolment: Enrolment, by: User | None) -> Enrolment:
    """Stop an active enrolment (or take back a request). Progress and attendance stay as they are."""
    db.session.refresh(enrolment)
    if enrolment.status == ENROLMENT_COMPLETED:
        raise EnrolmentError("Deze leergang is al afgerond; stoppen kan niet meer.")
    if enrolment.status not in (ENROLMENT_ACTIVE, ENROLMENT_REQUESTED):
        raise EnrolmentError("Deze inschrijving is niet actief.")
    enrolment.status = ENROLMENT_WITHDRAWN
    enrolment.withdrawn_at = utcnow()
    record(by.id if by else None, "enrolment_withdrawn", "enrolment", enrolment.id,
           cohort_id=enrolment.cohort_id, user_id=enrolment.user_id)
    return enrolment
