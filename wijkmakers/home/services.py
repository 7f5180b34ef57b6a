"""What each role sees first. Every panel is a fixed number of queries, whatever the data size."""
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from ..activities.models import STATUS_PLANNED, Activity, ActivityGuide, Attendance, Registration
from ..activities.overview import registration_counts
from ..auth.models import User, UserRole
from ..core.cache import remember
from ..core.timeutil import local_to_utc, local_today, utcnow
from ..extensions import db
from ..learning.models import (ENROLMENT_ACTIVE, ENROLMENT_COMPLETED, ENROLMENT_REQUESTED,
                               Enrolment)
from ..organisations.models import Organisation


def participant_panel(user: User) -> dict:
    enrolments = db.session.scalars(select(Enrolment).where(Enrolment.user_id == user.id)
                                    .order_by(Enrolment.created_at.desc())).all()
    registrations = db.session.scalars(
        select(Registration).join(Registration.activity).options(contains_eager(Registration.activity))
        .where(Registration.user_id == user.id, Registration.active.is_(True), Activity.starts_at >= utcnow(),
               Activity.cohort_id.is_(None))  # course sessions show under the programme itself
        .order_by(Activity.starts_at).limit(5)).all()
    return {"enrolments": enrolments, "registrations": registrations}


def guide_panel(user: User) -> dict:
    return {"guided": db.session.scalars(
        select(Activity).join(ActivityGuide)
        .where(ActivityGuide.user_id == user.id, Activity.starts_at >= utcnow(), Activity.status == STATUS_PLANNED)
        .order_by(Activity.starts_at).limit(5)).all()}


def organiser_panel() -> dict:
    upcoming = db.session.scalars(select(Activity).where(Activity.starts_at >= utcnow())
                                  .order_by(Activity.starts_at).limit(8)).all()
    counts = registration_counts([activity.id for activity in upcoming])
    open_requests = db.session.scalar(select(func.count()).select_from(Enrolment)
                                      .where(Enrolment.status == ENROLMENT_REQUESTED))
    return {"upcoming": [(activity, counts.get(activity.id, (0, 0))[1]) for activity in upcoming],
            "open_requests": open_requests or 0}


def partner_panel(user: User) -> dict:
    if user.organisation_id is None:
        return {"staff": 0, "enrolments": 0}
    staff = db.session.scalar(select(func.count()).select_from(User).where(
        User.organisation_id == user.organisation_id, User.anonymised_at.is_(None)))
    active = db.session.scalar(
        select(func.count()).select_from(Enrolment).join(User, User.id == Enrolment.user_id)
        .where(User.organisation_id == user.organisation_id, Enrolment.status == ENROLMENT_ACTIVE))
    return {"staff": staff or 0, "enrolments": active or 0}


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
