"""Participation statistics as the municipality reports them, computed in SQL.

Every figure is a SQL aggregate (GROUP BY / COUNT DISTINCT) over the records; Python only arranges the
few result rows into a table. The definitions below are shown next to the figures, in the exports and
in the API, so that a number always travels with what it means.

Years are calendar years in Europe/Amsterdam: an activity on 31 December at 23:30 local time belongs to
that year even though it is stored as 22:30 UTC. The database holds naive UTC, so a year (or month) is
the range [local start, next local start) converted to UTC, and the year of a row is a CASE over those
ranges (portable between SQLite and PostgreSQL, and exact across daylight-saving changes).
"""
from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from flask import current_app
from sqlalchemy import and_, case, distinct, false, func, literal, not_, or_, select
from sqlalchemy.orm import aliased

from ..activities.models import (ACTIVITY_KINDS, KIND_LECTURE, KIND_MASTERCLASS, KIND_PARTNER_MEETING,
                                 KIND_SESSION, KIND_THEME_MEETING, KIND_WALK, KIND_WORKSHOP, REG_CONFIRMED,
                                 STATUS_CANCELLED, Activity, Attendance, Registration)
from ..auth.models import KIND_LABELS, NEIGHBOURHOODS, User
from ..core.audit import record
from ..core.cache import remember
from ..core.pagination import Page
from ..core.timeutil import local_to_utc, to_local, utcnow
from ..extensions import db
from ..learning.models import (ENROLMENT_ACTIVE, ENROLMENT_COMPLETED, ENROLMENT_WITHDRAWN,
                               PROGRAMME_BESTUURDERS, PROGRAMME_LEERGANG, PROGRAMME_PARTICIPATIE,
                               PROGRAMME_TRAINEESHIP, Cohort, Enrolment, Programme)
from ..organisations.models import ORGANISATION_TYPES, Organisation

# -- choices -------------------------------------------------------------------------------------
MEASURE_PRESENT = "aanwezig"
MEASURE_REGISTERED = "aangemeld"
MEASURES = {MEASURE_PRESENT: "Aanwezig geweest", MEASURE_REGISTERED: "Aangemeld"}

COUNT_PERSONS = "personen"
COUNT_PARTICIPATIONS = "deelnames"
COUNTS = {COUNT_PERSONS: "Unieke personen", COUNT_PARTICIPATIONS: "Deelnames"}

PARTNER_YES = "partner"
PARTNER_OTHER = "overig"
PARTNER_NONE = "geen"
PARTNER_CHOICES = {PARTNER_YES: "Partnerorganisatie (in dat jaar)",
                   PARTNER_OTHER: "Andere organisatie (geen partner in dat jaar)",
                   PARTNER_NONE: "Zonder organisatie"}

ORG_NONE = "geen"
ORG_TYPE_CHOICES = {**ORGANISATION_TYPES, ORG_NONE: "Zonder organisatie"}
PERSON_KINDS = dict(KIND_LABELS)
UNKNOWN_KIND = "onbekend"

# At most this many years as columns (a stray date in 1900 must not produce a table of 126 years).
MAX_YEARS = 15

ACCEPTED_ENROLMENTS = (ENROLMENT_ACTIVE, ENROLMENT_COMPLETED, ENROLMENT_WITHDRAWN)


@dataclass(frozen=True)
class Filters:
    measure: str = MEASURE_PRESENT
    count: str = COUNT_PERSONS
    neighbourhood: str | None = None
    organisation_type: str | None = None
    participant_kind: str | None = None
    partner: str | None = None
    year: int | None = None  # the year of the monthly chart (and the walk list); None: current year

    @property
    def persons(self) -> bool:
        return self.count == COUNT_PERSONS

    @property
    def present(self) -> bool:
        return self.measure == MEASURE_PRESENT

    @property
    def narrows_people(self) -> bool:
        return any((self.neighbourhood, self.organisation_type, self.participant_kind, self.partner))

    def as_args(self, include_year: bool = True) -> dict[str, str]:
        """The query parameters that reproduce these filters (for links and export URLs)."""
        args = {"meting": self.measure, "telling": self.count}
        for key, value in (("wijk", self.neighbourhood), ("organisatietype", self.organisation_type),
                           ("soort", self.participant_kind), ("partner", self.partner)):
            if value:
                args[key] = value
        if include_year and self.year:
            args["jaar"] = str(self.year)
        return args

    def describe(self) -> list[tuple[str, str]]:
        """(label, value) pairs in Dutch, for the page, the PDF and the export files."""
        return [
            ("Meting", MEASURES[self.measure]),
            ("Telling", COUNTS[self.count]),
            ("Woonwijk deelnemer", self.neighbourhood or "alle"),
            ("Type organisatie", ORG_TYPE_CHOICES.get(self.organisation_type, "alle")
             if self.organisation_type else "alle"),
            ("Bewoner of professional", PERSON_KINDS.get(self.participant_kind, "allebei")
             if self.participant_kind else "allebei"),
            ("Partner", PARTNER_CHOICES.get(self.partner, "alle") if self.partner else "alle"),
        ]


def replace_year(filters: Filters, year: int | None) -> Filters:
    return replace(filters, year=year)


def parse_filters(args) -> tuple[Filters, dict[str, str]]:
    """Filters from query parameters. Unknown values are left out and reported in ``errors``
    (param -> Dutch message): the pages show them as a notice, the API answers 400."""
    errors: dict[str, str] = {}

    def pick(name: str, allowed, default=None):
        raw = (args.get(name) or "").strip()
        if not raw:
            return default
        if raw in allowed:
            return raw
        errors[name] = f"Onbekende waarde '{raw[:40]}' voor '{name}'. Kies uit: {', '.join(allowed)}."
        return default

    year = None
    raw_year = (args.get("jaar") or "").strip()
    if raw_year:
        if re.fullmatch(r"[0-9]{4}", raw_year) and 1990 <= int(raw_year) <= 2100:
            year = int(raw_year)
        else:
            errors["jaar"] = f"'{raw_year[:10]}' is geen jaartal. Gebruik vier cijfers, zoals 2024."
    filters = Filters(
        measure=pick("meting", MEASURES, MEASURE_PRESENT),
        count=pick("telling", COUNTS, COUNT_PERSONS),
        neighbourhood=pick("wijk", NEIGHBOURHOODS),
        organisation_type=pick("organisatietype", ORG_TYPE_CHOICES),
        participant_kind=pick("soort", PERSON_KINDS),
        partner=pick("partner", PARTNER_CHOICES),
        year=year,
    )
    return filters, errors


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


# -- the participation source --------------------------------------------------------------------
class _Source:
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


# -- the table -----------------------------------------------------------------------------------
SOURCE_PARTNERS = "partners"
SOURCE_MEETINGS = "meetings"
SOURCE_KIND = "kind"
SOURCE_PROGRAMME = "programme"
SOURCE_ALL = "all"


@dataclass(frozen=True)
class RowSpec:
    key: str
    number: int | None
    label: str
    source: str
    target: str | None = None


ROW_SPECS = (
    RowSpec("partnerorganisaties", 1, "Aantal partnerorganisaties", SOURCE_PARTNERS),
    RowSpec("leergang_wijkontwikkeling", 2, "Aantal deelnemers leergang wijkontwikkeling", SOURCE_PROGRAMME,
            PROGRAMME_LEERGANG),
    RowSpec("bestuurdersleergang", 3, "Aantal deelnemers bestuurdersleergang", SOURCE_PROGRAMME,
            PROGRAMME_BESTUURDERS),
    RowSpec("workshops", 4, "Aantal deelnemers workshops", SOURCE_KIND, KIND_WORKSHOP),
    RowSpec("lezingen", 5, "Aantal deelnemers lezingen", SOURCE_KIND, KIND_LECTURE),
    RowSpec("masterclasses", 6, "Aantal deelnemers masterclasses", SOURCE_KIND, KIND_MASTERCLASS),
    RowSpec("partnerbijeenkomsten", 7, "Aantal partnerbijeenkomsten", SOURCE_MEETINGS, KIND_PARTNER_MEETING),
    RowSpec("themabijeenkomsten", 8, "Aantal deelnemers themabijeenkomsten", SOURCE_KIND, KIND_THEME_MEETING),
    # Supplementary rows: not in the municipality's table, asked for by the same reports.
    RowSpec("wijkwandelingen", None, "Aantal deelnemers wijkwandelingen", SOURCE_KIND, KIND_WALK),
    RowSpec("leergang_participatie", None, "Aantal deelnemers leergang participatie", SOURCE_PROGRAMME,
            PROGRAMME_PARTICIPATIE),
    RowSpec("traineeship", None, "Aantal deelnemers traineeship", SOURCE_PROGRAMME, PROGRAMME_TRAINEESHIP),
    RowSpec("alle_activiteiten", None, "Alle activiteiten samen", SOURCE_ALL),
)


@dataclass
class FigureRow:
    key: str
    number: int | None
    label: str
    unit: str
    values: dict[int, int]
    total: int
    definition: str
    filters_apply: bool = True

    def value(self, year: int) -> int:
        return self.values.get(year, 0)


@dataclass
class WalkYear:
    year: int | None          # None: all years together
    walks: int                # walks held (not cancelled, started)
    participations: int
    unique_walkers: int
    minimum: int
    maximum: int

    @property
    def average(self) -> float | None:
        return round(self.participations / self.walks, 1) if self.walks else None


@dataclass
class Chart:
    key: str
    title: str
    x_title: str
    x_labels: list[str]
    series: list[tuple[str, list[int]]]   # (label, one value per x label)
    unit: str
    description: str

    @property
    def table(self) -> list[tuple[str, list[int], int]]:
        """One line per x label: (label, the value of each series, their sum)."""
        lines = []
        for index, x_label in enumerate(self.x_labels):
            values = [values[index] for _, values in self.series]
            lines.append((x_label, values, sum(values)))
        return lines


@dataclass
class Statistics:
    filters: Filters
    years: list[int]
    chart_year: int
    rows: list[FigureRow]
    walks: list[WalkYear]
    walks_total: WalkYear
    charts: dict[str, Chart]
    generated_at: datetime
    definitions: list[tuple[str, str]] = field(default_factory=list)

    @property
    def main_rows(self) -> list[FigureRow]:
        return [r for r in self.rows if r.number is not None]

    @property
    def extra_rows(self) -> list[FigureRow]:
        return [r for r in self.rows if r.number is None]

    def row(self, key: str) -> FigureRow:
        return next(r for r in self.rows if r.key == key)


def unit_for(spec: RowSpec, filters: Filters) -> str:
    if spec.source == SOURCE_PARTNERS:
        return "organisaties"
    if spec.source == SOURCE_MEETINGS:
        return "bijeenkomsten"
    return "personen" if filters.persons else "deelnames"


def definitions(filters: Filters) -> list[tuple[str, str]]:
    """What every number means, in Dutch, for the current choices."""
    who = ("iemand die bij de activiteit als aanwezig is geregistreerd (presentielijst)" if filters.present
           else "iemand met een bevestigde, niet-geannuleerde aanmelding (wachtlijst telt niet mee)")
    counting = ("elke persoon telt één keer per rij en per jaar, hoe vaak hij of zij ook kwam; de kolom Totaal "
                "telt iedereen één keer over alle jaren" if filters.persons
                else "elke keer dat iemand deelnam telt (drie lezingen bezocht = drie deelnames)")
    course = ("Een persoon die in dat jaar bij minstens één bijeenkomst van een groep van die "
              "leergang aanwezig was. Loopt een groep over de jaargrens, dan telt de deelnemer in beide jaren."
              if filters.present else
              "Een inschrijving (actief, afgerond of gestopt; niet aangevraagd of afgewezen) in een "
              "groep die in dat jaar liep. Wie stopte, telt tot en met het jaar van stoppen. Bij Deelnames telt "
              "elke inschrijving, bij Unieke personen elke persoon één keer.")
    return [
        ("Deelnemer", f"Een deelnemer is {who}."),
        ("Telling", counting[0].upper() + counting[1:] + "."),
        ("Jaar", "Kalenderjaar in Nederlandse tijd (Europe/Amsterdam), naar de begintijd van de activiteit."),
        ("Welke activiteiten", "Alleen activiteiten die al hebben plaatsgevonden. Geannuleerde activiteiten "
                               "tellen nooit mee."),
        ("Leergangen", course),
        ("Partnerorganisaties", "Organisaties die op enig moment in dat jaar partner waren (partner vanaf/tot). "
                                "Alleen het filter Type organisatie is hierop van toepassing."),
        ("Partnerbijeenkomsten", "Het aantal gehouden bijeenkomsten, niet het aantal mensen. Filters op "
                                 "personen zijn hierop niet van toepassing."),
        ("Bewoner of professional, organisatie", "Zoals vastgelegd op het moment van de deelname (bij "
                                                 "aanmeldingen: de organisatie bij aanmelding en de huidige "
                                                 "soort). Partner betekent: de organisatie was partner in "
                                                 "het jaar van de activiteit."),
        ("Woonwijk", "De woonwijk die in het profiel van de deelnemer staat."),
        ("Wijkwandelingen", "Gemiddelde = deelnames gedeeld door het aantal gehouden wandelingen; minimum en "
                            "maximum per wandeling tellen ook wandelingen zonder deelnemers (0)."),
    ]


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


def _activity_rows(filters: Filters, periods: list[Period], now: datetime):
    """Counts per (kind, programme slug for course sessions) and for all activities together."""
    source = _Source(filters, periods, now, with_programme=True)
    year = period_case(Activity.starts_at, periods)
    inner = source.select(Activity.kind.label("kind"),
                          case((Activity.kind == KIND_SESSION, Programme.slug), else_=None).label("programme"),
                          year.label("year"), source.person.label("person")).subquery()
    both = (func.count(), func.count(distinct(inner.c.person)))
    per_year = db.session.execute(select(inner.c.kind, inner.c.programme, inner.c.year, *both)
                                  .group_by(inner.c.kind, inner.c.programme, inner.c.year)).all()
    # over all years: unique persons are not additive, so they need their own pass
    totals = db.session.execute(select(inner.c.kind, inner.c.programme, *both)
                                .group_by(inner.c.kind, inner.c.programme)).all()
    all_per_year = db.session.execute(select(inner.c.year, *both).group_by(inner.c.year)).all()
    all_total = db.session.execute(select(*both)).one()

    result: dict[tuple[str, str | None], Counts] = {}
    for kind, programme, y, n, persons in per_year:
        counts = result.setdefault((kind, programme), Counts())
        counts.participations[int(y)] = n
        counts.persons[int(y)] = persons
    for kind, programme, n, persons in totals:
        counts = result.setdefault((kind, programme), Counts())
        counts.participations_total, counts.persons_total = n, persons
    everything = Counts(participations={int(y): n for y, n, _ in all_per_year},
                        persons={int(y): persons for y, _, persons in all_per_year},
                        participations_total=all_total[0] or 0, persons_total=all_total[1] or 0)
    return result, everything


def _enrolment_rows(filters: Filters, periods: list[Period]):
    """Registered measure for the courses: enrolments in cohorts running in each year."""
    def runs_in(p: Period):
        condition = and_(Cohort.starts_on <= date(p.key, 12, 31), Cohort.ends_on >= date(p.key, 1, 1),
                         or_(Enrolment.withdrawn_at.is_(None), Enrolment.withdrawn_at >= p.start))
        if filters.partner == PARTNER_YES:
            condition = and_(condition, Organisation.partner_in_year_clause(p.key))
        elif filters.partner == PARTNER_OTHER:
            condition = and_(condition, Enrolment.organisation_id.is_not(None),
                             not_(Organisation.partner_in_year_clause(p.key)))
        return condition

    conditions = [runs_in(p) for p in periods]
    columns = []
    for condition in [*conditions, or_(*conditions)]:
        if filters.persons:
            columns.append(func.count(distinct(case((condition, Enrolment.user_id), else_=None))))
        else:
            columns.append(func.count(case((condition, Enrolment.id), else_=None)))
    stmt = (select(Programme.slug, *columns).select_from(Enrolment)
            .join(Cohort, Cohort.id == Enrolment.cohort_id).join(Programme, Programme.id == Cohort.programme_id)
            .where(Enrolment.status.in_(ACCEPTED_ENROLMENTS)))
    if filters.neighbourhood or filters.participant_kind:
        stmt = stmt.join(User, User.id == Enrolment.user_id)
        if filters.neighbourhood:
            stmt = stmt.where(User.neighbourhood == filters.neighbourhood)
        if filters.participant_kind:
            stmt = stmt.where(User.kind == filters.participant_kind)
    if filters.organisation_type or filters.partner:
        stmt = stmt.outerjoin(Organisation, Organisation.id == Enrolment.organisation_id)
        if filters.organisation_type == ORG_NONE or filters.partner == PARTNER_NONE:
            stmt = stmt.where(Enrolment.organisation_id.is_(None))
        if filters.organisation_type and filters.organisation_type != ORG_NONE:
            stmt = stmt.where(Organisation.type == filters.organisation_type)
    result = {}
    for slug, *values in db.session.execute(stmt.group_by(Programme.slug)).all():
        result[slug] = ({p.key: v for p, v in zip(periods, values[:-1], strict=True)}, values[-1])
    return result


def _partner_row(filters: Filters, periods: list[Period]):
    type_condition = True
    if filters.organisation_type == ORG_NONE:
        type_condition = false()
    elif filters.organisation_type:
        type_condition = Organisation.type == filters.organisation_type
    per_year = [Organisation.partner_in_year_clause(p.key) for p in periods]
    ever = and_(Organisation.partner_since.is_not(None), Organisation.partner_since <= date(periods[-1].key, 12, 31),
                or_(Organisation.partner_until.is_(None), Organisation.partner_until >= date(periods[0].key, 1, 1)))
    columns = [func.count(case((and_(condition, type_condition), Organisation.id), else_=None))
               for condition in [*per_year, ever]]
    values = db.session.execute(select(*columns).select_from(Organisation)).one()
    return {p.key: v for p, v in zip(periods, values[:-1], strict=True)}, values[-1]


def _held_activities(periods: list[Period], now: datetime) -> dict[str, dict[int, int]]:
    """Number of activities held per kind and year (walks and partner meetings)."""
    inner = (select(Activity.kind.label("kind"), period_case(Activity.starts_at, periods).label("year"))
             .where(Activity.kind.in_((KIND_WALK, KIND_PARTNER_MEETING)), Activity.status != STATUS_CANCELLED,
                    Activity.starts_at < now, in_periods(Activity.starts_at, periods)).subquery())
    rows = db.session.execute(select(inner.c.kind, inner.c.year, func.count())
                              .group_by(inner.c.kind, inner.c.year)).all()
    held: dict[str, dict[int, int]] = {}
    for kind, year, n in rows:
        held.setdefault(kind, {})[int(year)] = n
    return held


def _walk_spread(filters: Filters, periods: list[Period], now: datetime) -> dict[int, tuple[int, int, int]]:
    """Per year: (walks with at least one participation, fewest, most participations per walk)."""
    source = _Source(filters, periods, now)
    per_walk = (source.select(Activity.id.label("activity"),
                              period_case(Activity.starts_at, periods).label("year"))
                .where(Activity.kind == KIND_WALK).subquery())
    counts = (select(per_walk.c.activity, per_walk.c.year, func.count().label("n"))
              .group_by(per_walk.c.activity, per_walk.c.year).subquery())
    rows = db.session.execute(select(counts.c.year, func.count(), func.min(counts.c.n), func.max(counts.c.n))
                              .group_by(counts.c.year)).all()
    return {int(year): (walks, low, high) for year, walks, low, high in rows}


def _walk_figures(filters: Filters, periods: list[Period], now: datetime, walk_counts: Counts):
    held = _held_activities(periods, now)
    spread = _walk_spread(filters, periods, now)
    years = []
    for p in periods:
        walks = held.get(KIND_WALK, {}).get(p.key, 0)
        with_people, low, high = spread.get(p.key, (0, 0, 0))
        years.append(WalkYear(year=p.key, walks=walks, participations=walk_counts.participations.get(p.key, 0),
                              unique_walkers=walk_counts.persons.get(p.key, 0),
                              minimum=0 if with_people < walks else low, maximum=high))
    held_years = [w for w in years if w.walks]
    total = WalkYear(year=None, walks=sum(w.walks for w in years), participations=walk_counts.participations_total,
                     unique_walkers=walk_counts.persons_total,
                     minimum=min((w.minimum for w in held_years), default=0),
                     maximum=max((w.maximum for w in years), default=0))
    return years, total, held


def _charts(filters: Filters, periods: list[Period], chart_year: int, now: datetime) -> dict[str, Chart]:
    unit = "unieke personen" if filters.persons else "deelnames"
    years = [p.key for p in periods]
    charts = {}

    # 1. per month and kind, in the chosen year
    months = month_periods(chart_year)
    source = _Source(filters, months, now)
    inner = source.select(Activity.kind.label("kind"), period_case(Activity.starts_at, months).label("month"),
                          source.person.label("person")).subquery()
    rows = db.session.execute(select(inner.c.kind, inner.c.month, source.counted(inner.c.person))
                              .group_by(inner.c.kind, inner.c.month)).all()
    by_kind: dict[str, list[int]] = {}
    for kind, month, value in rows:
        by_kind.setdefault(kind, [0] * 12)[int(month) - 1] = value
    charts["maand"] = Chart(
        key="maand", title=f"Deelname per maand en soort activiteit, {chart_year}", x_title="Maand",
        x_labels=MONTH_LABELS, unit=unit,
        series=[(ACTIVITY_KINDS[k], by_kind[k]) for k in ACTIVITY_KINDS if k in by_kind]
        + [(k, v) for k, v in by_kind.items() if k not in ACTIVITY_KINDS],
        description=f"{unit.capitalize()} per maand in {chart_year}, gestapeld per soort activiteit."
                    + (" Een persoon telt één keer per maand en soort; wie aan twee soorten deelnam, telt in de "
                       "opgetelde kolom twee keer." if filters.persons else ""))

    # 2. residents versus professionals per year
    source = _Source(filters, periods, now)
    inner = source.select(period_case(Activity.starts_at, periods).label("year"),
                          func.coalesce(source.person_kind, UNKNOWN_KIND).label("kind"),
                          source.person.label("person")).subquery()
    rows = db.session.execute(select(inner.c.kind, inner.c.year, source.counted(inner.c.person))
                              .group_by(inner.c.kind, inner.c.year)).all()
    by_person: dict[str, list[int]] = {}
    for kind, year, value in rows:
        by_person.setdefault(kind, [0] * len(years))[years.index(int(year))] = value
    person_labels = {**PERSON_KINDS, UNKNOWN_KIND: "Onbekend"}
    charts["bewoners"] = Chart(
        key="bewoners", title="Bewoners en professionals per jaar", x_title="Jaar",
        x_labels=[str(y) for y in years], unit=unit,
        series=[(person_labels.get(k, k), by_person[k]) for k in (*PERSON_KINDS, UNKNOWN_KIND) if k in by_person]
        + [(k, v) for k, v in by_person.items() if k not in person_labels],
        description=f"{unit.capitalize()} per jaar, verdeeld naar bewoners en professionals "
                    "(zoals vastgelegd bij de deelname).")

    # 3. by organisation type per year
    source = _Source(filters, periods, now, with_organisation=True)
    inner = source.select(period_case(Activity.starts_at, periods).label("year"),
                          func.coalesce(Organisation.type, ORG_NONE).label("type"),
                          source.person.label("person")).subquery()
    rows = db.session.execute(select(inner.c.type, inner.c.year, source.counted(inner.c.person))
                              .group_by(inner.c.type, inner.c.year)).all()
    by_type: dict[str, list[int]] = {}
    for type_, year, value in rows:
        by_type.setdefault(type_, [0] * len(years))[years.index(int(year))] = value
    charts["organisaties"] = Chart(
        key="organisaties", title="Deelname naar type organisatie per jaar", x_title="Jaar",
        x_labels=[str(y) for y in years], unit=unit,
        series=[(ORG_TYPE_CHOICES[k], by_type[k]) for k in ORG_TYPE_CHOICES if k in by_type]
        + [(k, v) for k, v in by_type.items() if k not in ORG_TYPE_CHOICES],
        description=f"{unit.capitalize()} per jaar naar het type organisatie waar de deelnemer op dat moment "
                    "bij hoorde.")
    return charts


CHART_KEYS = ("maand", "bewoners", "organisaties")
MONTH_LABELS = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


def compute_statistics(filters: Filters, now: datetime | None = None) -> Statistics:
    """All figures for the statistics page, the exports and the API: a fixed number of queries."""
    now = now or utcnow()
    years = report_years(now)
    periods = year_periods(years[0], years[-1])
    chart_year = filters.year if filters.year in years else years[-1]
    filters = replace(filters, year=chart_year if filters.year else None)

    activity, everything = _activity_rows(filters, periods, now)
    enrolments = _enrolment_rows(filters, periods) if not filters.present else {}
    partners = _partner_row(filters, periods)
    walk_years, walk_total, held = _walk_figures(filters, periods, now, activity.get((KIND_WALK, None), Counts()))
    meetings = held.get(KIND_PARTNER_MEETING, {})

    rows = []
    for spec in ROW_SPECS:
        filters_apply = True
        if spec.source == SOURCE_PARTNERS:
            values, total = partners
            filters_apply = not (filters.neighbourhood or filters.participant_kind or filters.partner)
            definition = "Organisaties die in dat jaar (een deel van het jaar) partner waren."
        elif spec.source == SOURCE_MEETINGS:
            values, total = meetings, sum(meetings.values())
            filters_apply = not filters.narrows_people
            definition = "Aantal gehouden partnerbijeenkomsten (niet geannuleerd), geen personen."
        elif spec.source == SOURCE_PROGRAMME and not filters.present:
            values, total = enrolments.get(spec.target, ({}, 0))
            definition = "Inschrijvingen in een groep van deze leergang die in dat jaar liep."
        elif spec.source == SOURCE_PROGRAMME:
            values, total = activity.get((KIND_SESSION, spec.target), Counts()).pick(filters.persons)
            definition = "Aanwezig bij minstens één bijeenkomst van deze leergang in dat jaar."
        elif spec.source == SOURCE_ALL:
            values, total = everything.pick(filters.persons)
            definition = "Alle soorten activiteiten samen, ook leergang- en partnerbijeenkomsten."
        else:
            values, total = activity.get((spec.target, None), Counts()).pick(filters.persons)
            definition = f"{ACTIVITY_KINDS[spec.target]}: " + (
                "aanwezigen." if filters.present else "bevestigde aanmeldingen.")
        rows.append(FigureRow(key=spec.key, number=spec.number, label=spec.label, unit=unit_for(spec, filters),
                              values=dict(values), total=total or 0, definition=definition,
                              filters_apply=filters_apply))

    return Statistics(filters=filters, years=years, chart_year=chart_year, rows=rows, walks=walk_years,
                      walks_total=walk_total, charts=_charts(filters, periods, chart_year, now),
                      generated_at=now, definitions=definitions(filters))


# -- cache ---------------------------------------------------------------------------------------
# At scale 50 (200,000 attendance rows) a full computation takes about a second on SQLite; the page is
# opened far more often than attendance changes. Results are cached per process, keyed by the filters
# and a cheap fingerprint of the data (new or removed rows, cancellations, enrolment and partner
# changes show within REPORTING_FINGERPRINT_SECONDS, default 5); edits the fingerprint cannot see
# cheaply (a presence ticked off afterwards) show after at most REPORTING_CACHE_SECONDS (default 120;
# 0 switches the cache off; tests run without).
_CACHE: OrderedDict = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 64


def fingerprint_seconds() -> float:
    default = 0 if current_app.testing else 5
    return float(current_app.config.get("REPORTING_FINGERPRINT_SECONDS", default))


def cache_seconds() -> int:
    default = 0 if current_app.testing else 120
    return int(current_app.config.get("REPORTING_CACHE_SECONDS", default))


def data_fingerprint() -> tuple:
    """One cheap statement: MAX(id) uses the primary key; the small tables are counted in full."""
    sub = lambda stmt: stmt.scalar_subquery()  # noqa: E731
    row = db.session.execute(select(
        sub(select(func.max(Attendance.id))),
        sub(select(func.max(Registration.id))),
        sub(select(func.count(Activity.id))),
        sub(select(func.max(Activity.id))),
        sub(select(func.count(Activity.id)).where(Activity.status == STATUS_CANCELLED)),
        sub(select(func.max(Activity.cancelled_at))),
        sub(select(func.sum(Activity.ics_sequence))),
        sub(select(func.count(Enrolment.id))),
        sub(select(func.max(Enrolment.id))),
        sub(select(func.max(Enrolment.completed_at))),
        sub(select(func.max(Enrolment.withdrawn_at))),
        sub(select(func.count(Organisation.id))),
        sub(select(func.count(Organisation.partner_since))),
        sub(select(func.max(Organisation.partner_since))),
        sub(select(func.max(Organisation.partner_until))),
    )).one()
    return tuple(row)


def clear_cache() -> None:
    with _CACHE_LOCK:
        _CACHE.clear()


@dataclass
class _CacheEntry:
    statistics: Statistics
    stored: float
    extras: dict = field(default_factory=dict)   # rendered charts (by name) and page sections (views)


def cached_entry(filters: Filters) -> _CacheEntry:
    seconds = cache_seconds()
    if seconds <= 0:
        return _CacheEntry(compute_statistics(filters), time.monotonic())
    # the fingerprint itself is a few milliseconds at scale 50: asked at most every few seconds
    fingerprint = remember("reporting_fingerprint", data_fingerprint, seconds=min(seconds, fingerprint_seconds()))
    key = (current_app.config["SQLALCHEMY_DATABASE_URI"], filters, fingerprint, current_year())
    with _CACHE_LOCK:
        entry = _CACHE.get(key)
        if entry is not None and time.monotonic() - entry.stored < seconds:
            _CACHE.move_to_end(key)
            return entry
    entry = _CacheEntry(compute_statistics(filters), time.monotonic())
    with _CACHE_LOCK:
        _CACHE[key] = entry
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return entry


def statistics(filters: Filters) -> Statistics:
    """The figures for these filters, from the cache when the data has not changed."""
    return cached_entry(filters).statistics


# -- walks ---------------------------------------------------------------------------------------
@dataclass
class WalkLine:
    activity: Activity
    registered: int
    present: int


@dataclass
class ThemeLine:
    theme: str
    walks: int
    participations: int
    unique_walkers: int

    @property
    def average(self) -> float | None:
        return round(self.participations / self.walks, 1) if self.walks else None


def _walk_periods(year: int | None, now: datetime) -> list[Period]:
    if year:
        return year_periods(year, year)
    years = report_years(now)
    return year_periods(years[0], years[-1])


def walk_lines(filters: Filters, page: int, per_page: int = 25, now: datetime | None = None) -> Page:
    """One page of walks held (newest first) with registered and present counts under the filters."""
    now = now or utcnow()
    periods = _walk_periods(filters.year, now)
    held = [Activity.kind == KIND_WALK, Activity.status != STATUS_CANCELLED, Activity.starts_at < now,
            in_periods(Activity.starts_at, periods)]
    total = db.session.scalar(select(func.count(Activity.id)).where(*held)) or 0
    activities = db.session.scalars(select(Activity).where(*held)
                                    .order_by(Activity.starts_at.desc(), Activity.id.desc())
                                    .limit(per_page).offset((page - 1) * per_page)).all()
    ids = [a.id for a in activities]
    counts = {}
    for measure in (MEASURE_REGISTERED, MEASURE_PRESENT):
        source = _Source(replace(filters, measure=measure), periods, now)
        counts[measure] = dict(db.session.execute(
            source.select(Activity.id, func.count()).where(Activity.id.in_(ids)).group_by(Activity.id)).all()
        ) if ids else {}
    lines = [WalkLine(a, counts[MEASURE_REGISTERED].get(a.id, 0), counts[MEASURE_PRESENT].get(a.id, 0))
             for a in activities]
    return Page(items=lines, page=page, per_page=per_page, total=total)


def walk_themes(filters: Filters, now: datetime | None = None) -> list[ThemeLine]:
    """Walks held, participations and unique walkers per theme (most walks first)."""
    now = now or utcnow()
    periods = _walk_periods(filters.year, now)
    theme = func.coalesce(Activity.theme, "")
    held = dict(db.session.execute(
        select(theme, func.count(Activity.id))
        .where(Activity.kind == KIND_WALK, Activity.status != STATUS_CANCELLED, Activity.starts_at < now,
               in_periods(Activity.starts_at, periods)).group_by(theme)).all())
    source = _Source(filters, periods, now)
    inner = source.select(theme.label("theme"), source.person.label("person")).where(
        Activity.kind == KIND_WALK).subquery()
    people = {t: (n, p) for t, n, p in db.session.execute(
        select(inner.c.theme, func.count(), func.count(distinct(inner.c.person))).group_by(inner.c.theme)).all()}
    lines = [ThemeLine(t or "Zonder thema", walks, *people.get(t, (0, 0))) for t, walks in held.items()]
    return sorted(lines, key=lambda line: (-line.walks, line.theme))


# -- person-level export ---------------------------------------------------------------------------
PARTICIPATION_HEADER = [
    "Datum", "Soort activiteit", "Activiteit", "Thema", "Wijk activiteit", "Leergang", "Groep",
    "Persoon-id", "Naam", "E-mailadres", "Bewoner/professional", "Woonwijk", "Organisatie",
    "Type organisatie", "Partner in dat jaar", "Aanwezig", "Inloop (zonder aanmelding)",
]
PARTICIPATION_WIDTHS = [16, 18, 40, 24, 16, 26, 12, 10, 24, 30, 14, 16, 32, 20, 10, 10, 12]


@dataclass
class ParticipationExport:
    """Every attendance record (present or not) of activities that were not cancelled, oldest activity
    first. A row is three groups of cells that repeat a lot (the activity, the person, the organisation
    in that year) plus two flags; writers that care about speed render each group once (exports.py)."""

    records: list            # (activity_id, user_id, kind at the time or None, org_id, present, walk_in)
    activities: dict         # activity_id -> (rank, local year, activity cells)
    users: dict              # user_id -> (name, email, current kind, neighbourhood)
    organisations: dict      # org_id -> (name, type label, partner_since, partner_until)
    _organisation_cells: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.records)

    def organisation_cells(self, org_id: int | None, year: int) -> tuple:
        """(name, type, partner in that year), computed once per organisation and year."""
        key = (org_id, year)
        cells = self._organisation_cells.get(key)
        if cells is None:
            if org_id is None or org_id not in self.organisations:
                cells = ("", "", "")
            else:
                name, type_label, since, until = self.organisations[org_id]
                partner = (since is not None and since <= date(year, 12, 31)
                           and (until is None or until >= date(year, 1, 1)))
                cells = (name, type_label, "ja" if partner else "nee")
            self._organisation_cells[key] = cells
        return cells

    def person_cells(self, user_id: int, kind: str | None) -> tuple:
        """(id, name, e-mail, resident/professional at the time, neighbourhood)."""
        name, email, current_kind, hood = self.users.get(user_id, ("", "", None, ""))
        kind = kind or current_kind
        return (user_id, name or "", email or "", PERSON_KINDS.get(kind, kind or ""), hood or "")

    def rows(self):
        """The rows as flat tuples of PARTICIPATION_HEADER's columns."""
        for activity_id, user_id, kind, org_id, present, walk_in in self.records:
            _, year, activity_cells = self.activities[activity_id]
            yield (*activity_cells, *self.person_cells(user_id, kind), *self.organisation_cells(org_id, year),
                   bool(present), bool(walk_in))


def participation_export(filters: Filters, now: datetime | None = None) -> ParticipationExport:
    """The person-level export; the person filters and an optional year (filters.year) apply."""
    now = now or utcnow()
    periods = _walk_periods(filters.year, now)
    # Activities, people and organisations are looked up once instead of joined on every row.
    activities = {}
    for a_id, starts_at, kind, title, theme, hood, cohort, programme in db.session.execute(
            select(Activity.id, Activity.starts_at, Activity.kind, Activity.title, Activity.theme,
                   Activity.neighbourhood, Cohort.name, Programme.name)
            .outerjoin(Cohort, Cohort.id == Activity.cohort_id)
            .outerjoin(Programme, Programme.id == Cohort.programme_id)
            .where(Activity.status != STATUS_CANCELLED, in_periods(Activity.starts_at, periods))
            .order_by(Activity.starts_at, Activity.id)):
        local = to_local(starts_at)
        activities[a_id] = (len(activities), local.year,
                            (local.replace(tzinfo=None), ACTIVITY_KINDS.get(kind, kind), title, theme or "",
                             hood or "", programme or "", cohort or ""))
    organisations = {o_id: (name, ORGANISATION_TYPES.get(type_, type_), since, until)
                     for o_id, name, type_, since, until in db.session.execute(
                         select(Organisation.id, Organisation.name, Organisation.type,
                                Organisation.partner_since, Organisation.partner_until))}

    # The person filters of the statistics, on every attendance record (present or not). Cancelled
    # activities and other years drop out through the activity lookup. The rows are read from the
    # DB-API cursor: at 10^5 rows the result-row machinery costs more than the query (booleans may come
    # back as 0/1, hence bool() where they are written).
    stmt = (select(Attendance.activity_id, Attendance.user_id, Attendance.participant_kind,
                   Attendance.organisation_id, Attendance.present, Attendance.walk_in)
            .order_by(Attendance.activity_id, Attendance.user_id))
    if filters.neighbourhood:
        stmt = stmt.where(Attendance.user_id.in_(select(User.id).where(User.neighbourhood == filters.neighbourhood)))
    if filters.participant_kind:
        current = select(User.kind).where(User.id == Attendance.user_id).scalar_subquery()
        stmt = stmt.where(func.coalesce(Attendance.participant_kind, current) == filters.participant_kind)
    if filters.organisation_type or filters.partner:
        stmt = stmt.outerjoin(Organisation, Organisation.id == Attendance.organisation_id)
        if filters.partner in (PARTNER_YES, PARTNER_OTHER):
            stmt = stmt.join(Activity, Activity.id == Attendance.activity_id)
        stmt = stmt.where(*organisation_conditions(filters, Attendance.organisation_id, Activity.starts_at, periods))
    result = db.session.connection().execute(stmt)
    try:
        records = [r for r in result.cursor.fetchall() if r[0] in activities]
    finally:
        result.close()
    records.sort(key=lambda r: activities[r[0]][0])  # stable: within an activity by person id
    people = {r[1] for r in records}
    users = {u_id: (name, email, kind, hood) for u_id, name, email, kind, hood in db.session.execute(
        select(User.id, User.name, User.email, User.kind, User.neighbourhood)) if u_id in people}
    return ParticipationExport(records, activities, users, organisations)


# -- audit -----------------------------------------------------------------------------------------
def log_export(user, table: str, fmt: str, filters: Filters, rows: int) -> None:
    """Record who exported what (bulk exports, and always the person-level one) and commit."""
    record(user.id, "reporting.export", "export", None, table=table, format=fmt,
           filters=filters.as_args(), rows=rows)
    db.session.commit()
