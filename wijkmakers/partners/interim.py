"""TEMPORARY stand-ins for learning.services and activities.services while those are being written.

targets.py uses the real services when they exist; delete this module once they do.
"""
from sqlalchemy import func, select, update

from ..activities.models import REG_CONFIRMED, Activity, Registration
from ..extensions import db
from ..learning.models import ENROLMENT_ACTIVE, ENROLMENT_REJECTED, ENROLMENT_WITHDRAWN, Cohort, Enrolment


class EnrolmentError(ValueError):
    pass


class SignupError(ValueError):
    pass


def open_cohorts() -> list[Cohort]:
    return list(db.session.scalars(select(Cohort).where(Cohort.open_for_requests.is_(True)).order_by(Cohort.starts_on)))


def seats_left(obj):
    return cohort_seats_left(obj) if isinstance(obj, Cohort) else activity_seats_left(obj)


def cohort_seats_left(cohort: Cohort) -> int:
    taken = db.session.scalar(select(func.count()).select_from(Enrolment).where(
        Enrolment.cohort_id == cohort.id, Enrolment.status.not_in((ENROLMENT_WITHDRAWN, ENROLMENT_REJECTED))))
    return max(0, cohort.capacity - (taken or 0))


def enrol(cohort, user, by=None, commit=True, notify=True):
    if db.session.scalar(select(Enrolment.id).where(Enrolment.cohort_id == cohort.id, Enrolment.user_id == user.id)):
        raise EnrolmentError(f"{user.name} is al aangemeld voor deze leergang.")
    if cohort_seats_left(cohort) <= 0:
        raise EnrolmentError("Deze leergang is vol.")
    enrolment = Enrolment(cohort=cohort, user=user, status=ENROLMENT_ACTIVE, organisation_id=user.organisation_id,
                          enrolled_by_id=by.id if by else None)
    db.session.add(enrolment)
    db.session.flush()
    if commit:
        db.session.commit()
    return enrolment


def activity_seats_left(activity: Activity) -> int:
    return max(0, activity.capacity - activity.seats_taken)


def register(activity, user, by=None, commit=True, notify=True):
    if db.session.scalar(select(Registration.id).where(Registration.activity_id == activity.id,
                                                       Registration.user_id == user.id,
                                                       Registration.active.is_(True))):
        raise SignupError(f"{user.name} is al aangemeld.")
    granted = db.session.execute(update(Activity).where(Activity.id == activity.id,
                                                        Activity.seats_taken < Activity.capacity)
                                 .values(seats_taken=Activity.seats_taken + 1)).rowcount
    if granted != 1:
        raise SignupError("Deze activiteit is vol.")
    registration = Registration(activity_id=activity.id, user_id=user.id, status=REG_CONFIRMED, active=True,
                                organisation_id=user.organisation_id, registered_by_id=by.id if by else None)
    db.session.add(registration)
    db.session.flush()
    if commit:
        db.session.commit()
    return registration
