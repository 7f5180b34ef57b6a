"""The directory: searching the people who opted in, on what they chose to show.

A filter only looks at a field the person shows (a filter on a hidden field would reveal it); participation
(cohorts, years of attendance) counts only for people who show it.
"""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, exists, extract, func, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from ..activities.models import Activity, Attendance
from ..auth.models import KIND_LABELS, NEIGHBOURHOODS, User
from ..core.pagination import Page, paginate
from ..core.timeutil import local_to_utc
from ..extensions import db
from ..learning.models import ENROLMENT_ACTIVE, ENROLMENT_COMPLETED, Cohort, Enrolment, Programme
from ..organisations.models import ORGANISATION_TYPES, Organisation
from .models import NetworkProfile, NetworkProfileTheme
from .profiles import contains, listed

PER_PAGE = 20
SEATED = (ENROLMENT_ACTIVE, ENROLMENT_COMPLETED)


@dataclass
class DirectoryFilters:
    q: str = ""
    theme: str | None = None
    neighbourhood: str | None = None
    organisation_type: str | None = None
    kind: str | None = None
    cohort_id: int | None = None
    year: int | None = None

    @property
    def active(self) -> bool:
        return any((self.q, self.theme, self.neighbourhood, self.organisation_type, self.kind, self.cohort_id,
                    self.year))


def parse_directory_filters(args, themes: list[str], cohort_ids: set[int]) -> DirectoryFilters:
    """Filters from the query string; anything unknown is ignored."""
    def number(name, low, high):
        value = (args.get(name) or "").strip()
        return int(value) if value.isascii() and value.isdigit() and low <= int(value) <= high else None

    cohort_id = number("cohort", 1, 2**31)
    return DirectoryFilters(
        q=" ".join((args.get("q") or "").split())[:100],
        theme=args.get("thema") if args.get("thema") in themes else None,
        neighbourhood=args.get("wijk") if args.get("wijk") in NEIGHBOURHOODS else None,
        organisation_type=args.get("organisatie") if args.get("organisatie") in ORGANISATION_TYPES else None,
        kind=args.get("soort") if args.get("soort") in KIND_LABELS else None,
        cohort_id=cohort_id if cohort_id in cohort_ids else None,
        year=number("jaar", 2000, 2100),
    )


def cohort_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(select(Cohort.id, Cohort.name, Cohort.programme_id)
                              .order_by(Cohort.starts_on.desc(), Cohort.id)).all()
    names = dict(db.session.execute(select(Programme.id, Programme.name)).all()) if rows else {}
    return [(row.id, f"{names.get(row.programme_id, '')} {row.name}".strip()) for row in rows]


def year_bounds(year: int) -> tuple[datetime, datetime]:
    return local_to_utc(datetime(year, 1, 1)), local_to_utc(datetime(year + 1, 1, 1))


def directory_query(filters: DirectoryFilters):
    stmt = (select(NetworkProfile).join(NetworkProfile.user)
            .outerjoin(Organisation, Organisation.id == User.organisation_id)
            .options(contains_eager(NetworkProfile.user).contains_eager(User.organisation),
                     selectinload(NetworkProfile.themes))
            .where(listed()))
    if filters.q:
        stmt = stmt.where(or_(contains(NetworkProfile.display_name, filters.q),
                              contains(NetworkProfile.working_on, filters.q),
                              contains(NetworkProfile.introduction, filters.q),
                              contains(NetworkProfile.tags, filters.q),
                              and_(NetworkProfile.show_organisation.is_(True), contains(Organisation.name, filters.q)),
                              exists().where(NetworkProfileTheme.profile_id == NetworkProfile.id,
                                             contains(NetworkProfileTheme.theme, filters.q))))
    if filters.theme:
        stmt = stmt.where(exists().where(NetworkProfileTheme.profile_id == NetworkProfile.id,
                                         NetworkProfileTheme.theme == filters.theme))
    if filters.neighbourhood:
        stmt = stmt.where(NetworkProfile.neighbourhood == filters.neighbourhood)
    if filters.organisation_type:
        stmt = stmt.where(NetworkProfile.show_organisation.is_(True), Organisation.type == filters.organisation_type)
    if filters.kind:
        stmt = stmt.where(NetworkProfile.show_kind.is_(True), User.kind == filters.kind)
    if filters.cohort_id:
        stmt = stmt.where(NetworkProfile.show_participation.is_(True),
                          exists().where(Enrolment.user_id == User.id, Enrolment.cohort_id == filters.cohort_id,
                                         Enrolment.status.in_(SEATED)))
    if filters.year:
        start, end = year_bounds(filters.year)
        in_cohort = exists().where(Enrolment.user_id == User.id, Enrolment.status.in_(SEATED),
                                   Enrolment.cohort_id == Cohort.id, Cohort.starts_on <= date(filters.year, 12, 31),
                                   Cohort.ends_on >= date(filters.year, 1, 1))
        attended = exists().where(Attendance.user_id == User.id, Attendance.present.is_(True),
                                  Attendance.activity_id == Activity.id, Activity.starts_at >= start,
                                  Activity.starts_at < end)
        stmt = stmt.where(NetworkProfile.show_participation.is_(True), or_(in_cohort, attended))
    return stmt.order_by(func.lower(NetworkProfile.display_name), NetworkProfile.id)


def search_directory(filters: DirectoryFilters, page: int | None = None) -> Page:
    return paginate(directory_query(filters), per_page=PER_PAGE, page=page)


def cohorts_of(profiles: list[NetworkProfile]) -> dict[int, list[str]]:
    """Cohort labels per user id, only for people who chose to show their participation (one query)."""
    user_ids = [p.user_id for p in profiles if p.show_participation]
    if not user_ids:
        return {}
    rows = db.session.execute(
        select(Enrolment.user_id, Programme.name, Cohort.name)
        .join(Cohort, Cohort.id == Enrolment.cohort_id).join(Programme, Programme.id == Cohort.programme_id)
        .where(Enrolment.user_id.in_(user_ids), Enrolment.status.in_(SEATED))
        .order_by(Cohort.starts_on)).all()
    result = defaultdict(list)
    for user_id, programme, cohort in rows:
        result[user_id].append(f"{programme} {cohort}")
    return dict(result)


def activity_years(user_id: int) -> list[int]:
    """Years in which the person was present at an activity (walks, lectures, ...)."""
    year = extract("year", Activity.starts_at)
    rows = db.session.scalars(
        select(year).select_from(Attendance).join(Activity, Activity.id == Attendance.activity_id)
        .where(Attendance.user_id == user_id, Attendance.present.is_(True)).group_by(year).order_by(year)).all()
    return [int(y) for y in rows]
