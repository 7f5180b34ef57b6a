"""What each role sees first. Every panel is a fixed number of queries, whatever the data size.

The home page is the most visited page of every role, so its panels' statements are prepared
(core/statements.py): building and keying them cost more than SQLite takes to answer them.
"""
from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import contains_eager

from ..activities.models import STATUS_PLANNED, Activity, ActivityGuide, Attendance, Registration
from ..activities.overview import registration_counts
from ..auth.models import User, UserRole
from ..core.cache import remember
from ..core.statements import prepared
from ..core.timeutil import local_to_utc, local_today, utcnow
from ..extensions import db
from ..learning.models import (ENROLMENT_ACTIVE, ENROLMENT_COMPLETED, ENROLMENT_REQUESTED,
                               Enrolment)
from ..organisations.models import Organisation


def participant_panel(user: User) -> dict:
    enrolments, registrations = _participant_statements()
    return {"enrolments": db.session.scalars(enrolments, {"user_id": user.id}).all(),
            "registrations": db.session.scalars(registrations, {"user_id": user.id, "now": utcnow()}).all()}


@prepared
def _participant_statements():
    enrolments = (select(Enrolment).where(Enrolment.user_id == bindparam("user_id"))
                  .order_by(Enrolment.created_at.desc()))
    registrations = (select(Registration).join(Registration.activity).options(contains_eager(Registration.activity))
                     .where(Registration.user_id == bindparam("user_id"), Registration.active.is_(True),
                            Activity.starts_at >= bindparam("now"),
                            Activity.cohort_id.is_(None))  # course sessions show under the programme itself
                     .order_by(Activity.starts_at).limit(5))
    return enrolments, registrations


def guide_panel(user: User) -> dict:
    return {"guided": db.session.scalars(_guided_statement(), {"user_id": user.id, "now": utcnow()}).all()}


@prepared
def _guided_statement():
    return (select(Activity).join(ActivityGuide)
            .where(ActivityGuide.user_id == bindparam("user_id"), Activity.starts_at >= bindparam("now"),
                   Activity.status == STATUS_PLANNED)
            .order_by(Activity.starts_at).limit(5))


def organiser_panel() -> dict:
    upcoming_stmt, requests_stmt = _organiser_statements()
    upcoming = db.session.scalars(upcoming_stmt, {"now": utcnow()}).all()
    counts = registration_counts([activity.id for activity in upcoming])
    return {"upcoming": [(activity, counts.get(activity.id, (0, 0))[1]) for activity in upcoming],
            "open_requests": db.session.scalar(requests_stmt) or 0}


@prepared
def _organiser_statements():
    upcoming = select(Activity).where(Activity.starts_at >= bindparam("now")).order_by(Activity.starts_at).limit(8)
    requests = select(func.count()).select_from(Enrolment).where(Enrolment.status == ENROLMENT_REQUESTED)
    return upcoming, requests


def partner_panel(user: User) -> dict:
    if user.organisation_id is None:
        return {"staff": 0, "enrolments": 0}
    staff, active = _partner_statements()
    params = {"organisation_id": user.organisation_id}
    return {"staff": db.session.scalar(staff, params) or 0, "enrolments": db.session.scalar(active, params) or 0}


@prepared
def _partner_statements():
    staff = select(func.count()).select_from(User).where(User.organisation_id == bindparam("organisation_id"),
                                                          User.anonymised_at.is_(None))
    active = (select(func.count()).select_from(Enrolment).join(User, User.id == Enrolment.user_id)
              .where(User.organisation_id == bindparam("organisation_id"), Enrolment.status == ENROLMENT_ACTIVE))
    return staff, active


def coordinator_panel() -> dict:
    year = local_today().year
    return remember(("coordinator_panel", year), lambda: _coordinator_figures(year))


def _coordinator_figures(year: int) -> dict:
    start, end = local_to_utc(datetime(year, 1, 1)), local_to_utc(datetime(year + 1, 1, 1))
    partners = db.session.scalar(select(func.count()).select_from(Organisation)
                                 .where(Organisation.partner_in_year_clause(year)))
    present = db.session.execute(
        select(func.count(), func.count(func.distinct(Attendance.user_id)))
        .join(Activity, Activity.id == Attendance.activity_id)
        .where(Attendance.present.is_(True), Activity.starts_at >= start, Activity.starts_at < end)
    ).one()
    completed = db.session.scalar(select(func.count()).select_from(Enrolment)
                                  .where(Enrolment.status == ENROLMENT_COMPLETED))
    return {"year": year, "partners": partners or 0, "participations": present[0],
            "unique_people": present[1], "completed": completed or 0}


def admin_panel() -> dict:
    return remember("admin_panel", _admin_figures)


def _admin_figures() -> dict:
    rows = db.session.execute(select(UserRole.role, func.count()).group_by(UserRole.role)).all()
    total = db.session.scalar(select(func.count()).select_from(User).where(User.anonymised_at.is_(None)))
    return {"roles": dict(rows), "users": total or 0}


def upcoming_public(limit: int = 4) -> list[Activity]:
    return db.session.scalars(
        select(Activity).where(Activity.starts_at >= utcnow(), Activity.status == STATUS_PLANNED,
                               Activity.cohort_id.is_(None))
        .order_by(Activity.starts_at).limit(limit)
    ).all()
