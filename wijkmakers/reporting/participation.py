"""Which participations count, and in which period: the one query every figure is built on.

Years are calendar years in Europe/Amsterdam: an activity on 31 December at 23:30 local time belongs to
that year even though it is stored as 22:30 UTC. The database holds naive UTC, so a year (or month) is
the range [local start, next local start) converted to UTC, and the year of a row is a CASE over those
ranges (portable between SQLite and PostgreSQL, and exact across daylight-saving changes).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, distinct, func, literal, not_, or_, select
from sqlalchemy.orm import aliased

from ..activities.models import REG_CONFIRMED, STATUS_CANCELLED, Activity, Attendance, Registration
from ..auth.models import User
from ..core.timeutil import local_to_utc, to_local, utcnow
from ..extensions import db
from ..learning.models import Cohort, Programme
from ..organisations.models import Organisation
from .filters import ORG_NONE, PARTNER_NONE, PARTNER_OTHER, PARTNER_YES, Filters

# At most this many years as columns (a stray date in 1900 must not produce a table of 126 years).
MAX_YEARS = 15


# -- periods -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    key: int            # the year, or the month number
    start: datetime     # naive UTC, inclusive
    end: datetime       # naive UTC, exclusive
    year: int           # the calendar year the period lies in


def year_periods(first: int, last: int) -> list[Period]:
    return [Period(y, local_to_utc(datetime(y, 1, 1)), local_to_utc(datetime(y + 1, 1, 1)), y)
            for y in range(first, last + 1)]


def month_periods(year: int) -> list[Period]:
    bounds = [local_to_utc(datetime(year, m, 1)) for m in range(1, 13)] + [local_to_utc(datetime(year + 1, 1, 1))]
    return [Period(m, bounds[m - 1], bounds[m], year) for m in range(1, 13)]


def period_case(column, periods: list[Period]):
    """The period key of ``column``; callers restrict ``column`` to [first start, last end)."""
    return case(*[(column < p.end, literal(p.key)) for p in periods], else_=None)


def in_periods(column, periods: list[Period]):
    return and_(column >= periods[0].start, column < periods[-1].end)


def partner_in_period_clause(moment_column, periods: list[Period]):
    """The organisation (joined as Organisation) was a partner in the local year of ``moment_column``."""
    return or_(*[and_(moment_column >= p.start, moment_column < p.end, Organisation.partner_in_year_clause(p.year))
                 for p in periods])


def current_year(now: datetime | None = None) -> int:
    return to_local(now or utcnow()).year


def report_years(now: datetime | None = None) -> list[int]:
    """From the first calendar year with data (an activity held, a partnership, a cohort) to this year."""
    now = now or utcnow()
    this_year = current_year(now)
    first_activity = (select(func.min(Activity.starts_at))
                      .where(Activity.status != STATUS_CANCELLED, Activity.starts_at < now).scalar_subquery())
    first_partner = select(func.min(Organisation.partner_since)).scalar_subquery()
    first_cohort = select(func.min(Cohort.starts_on)).scalar_subquery()
    activity_at, partner_on, cohort_on = db.session.execute(
        select(first_activity, first_partner, first_cohort)).one()
    candidates = [this_year]
    if activity_at is not None:
        candidates.append(to_local(activity_at).year)
    for day in (partner_on, cohort_on):
        if day is not None:
            candidates.append(day.year)
    first = max(min(candidates), this_year - MAX_YEARS + 1)
    return list(range(first, this_year + 1))


def chosen_periods(year: int | None, now: datetime) -> list[Period]:
    """The chosen year, or every report year when none is chosen (walk list, person-level export)."""
    if year:
        return year_periods(year, year)
    years = report_years(now)
    return year_periods(years[0], years[-1])


# -- the participation source --------------------------------------------------------------------
class Source:
    """One row per counted participation: an attendance marked present, or an active confirmed
    registration, of an activity that took place (not cancelled, started before now), narrowed by the
    person filters. ``select(*columns)`` builds a statement over it."""

    def __init__(self, filters: Filters, periods: list[Period], now: datetime, *,
                 with_organisation: bool = False, with_programme: bool = False):
        self.filters = filters
        if filters.present:
            self.fact = Attendance
            self.person = Attendance.user_id
            self.organisation_id = Attendance.organisation_id
            self.conditions = [Attendance.present.is_(True)]
        else:
            self.fact = Registration
            self.person = Registration.user_id
            self.organisation_id = Registration.organisation_id
            self.conditions = [Registration.active.is_(True), Registration.status == REG_CONFIRMED]
        self.conditions += [Activity.status != STATUS_CANCELLED, Activity.starts_at < now,
                            in_periods(Activity.starts_at, periods)]
        self.with_user = bool(filters.neighbourhood)
        self.with_organisation = with_organisation or bool(filters.organisation_type or filters.partner)
        self.with_programme = with_programme
        if filters.neighbourhood:
            self.conditions.append(User.neighbourhood == filters.neighbourhood)
        if filters.participant_kind:
            self.conditions.append(self.person_kind == filters.participant_kind)
        self.conditions += organisation_conditions(filters, self.organisation_id, Activity.starts_at, periods)

    @property
    def person_kind(self):
        """Resident or professional at the time (attendance keeps it; registrations do not). The
        person's current kind comes from a correlated subquery, which the database evaluates only when
        needed: no join with the user table for every row."""
        person = aliased(User)
        current = select(person.kind).where(person.id == self.person).correlate(self.fact).scalar_subquery()
        if self.fact is Attendance:
            return func.coalesce(Attendance.participant_kind, current)
        return current

    def select(self, *columns):
        stmt = (select(*columns).select_from(self.fact)
                .join(Activity, Activity.id == self.fact.activity_id))
        if self.with_user:
            stmt = stmt.join(User, User.id == self.person)
        if self.with_organisation:
            stmt = stmt.outerjoin(Organisation, Organisation.id == self.organisation_id)
        if self.with_programme:
            stmt = (stmt.outerjoin(Cohort, Cohort.id == Activity.cohort_id)
                    .outerjoin(Programme, Programme.id == Cohort.programme_id))
        return stmt.where(*self.conditions)

    def counted(self, column):
        """COUNT(*) or COUNT(DISTINCT person) of a subquery column, as the filters ask."""
        return func.count(distinct(column)) if self.filters.persons else func.count()


def organisation_conditions(filters: Filters, organisation_id, moment_column, periods: list[Period]) -> list:
    conditions = []
    if filters.organisation_type == ORG_NONE:
        conditions.append(organisation_id.is_(None))
    elif filters.organisation_type:
        conditions.append(Organisation.type == filters.organisation_type)
    if filters.partner == PARTNER_NONE:
        conditions.append(organisation_id.is_(None))
    elif filters.partner == PARTNER_YES:
        conditions.append(partner_in_period_clause(moment_column, periods))
    elif filters.partner == PARTNER_OTHER:
        conditions.append(and_(organisation_id.is_not(None), not_(partner_in_period_clause(moment_column, periods))))
    return conditions


@dataclass
class Counts:
    """Participations and unique persons, per year and over all years."""
    participations: dict[int, int] = field(default_factory=dict)
    persons: dict[int, int] = field(default_factory=dict)
    participations_total: int = 0
    persons_total: int = 0

    def pick(self, persons: bool) -> tuple[dict[int, int], int]:
        if persons:
            return self.persons, self.persons_total
        return self.participations, self.participations_total
