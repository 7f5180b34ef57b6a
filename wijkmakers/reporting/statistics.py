"""Participation statistics as the municipality reports them, computed in SQL.

Every figure is a SQL aggregate (GROUP BY / COUNT DISTINCT) over the records; Python only arranges the
few result rows into a table. The definitions below are shown next to the figures, in the exports and
in the API, so that a number always travels with what it means. Years: see participation.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlalchemy import and_, case, distinct, false, func, not_, or_, select

from ..activities.models import (ACTIVITY_KINDS, KIND_LECTURE, KIND_MASTERCLASS, KIND_PARTNER_MEETING,
                                 KIND_SESSION, KIND_THEME_MEETING, KIND_WALK, KIND_WORKSHOP, Activity)
from ..auth.models import User
from ..core.timeutil import utcnow
from ..extensions import db
from ..learning.models import (ENROLMENT_ACTIVE, ENROLMENT_COMPLETED, ENROLMENT_WITHDRAWN,
                               KIND_BESTUURDERS, KIND_LEERGANG, KIND_PARTICIPATIE,
                               KIND_TRAINEESHIP, Cohort, Enrolment, Programme)
from ..organisations.models import Organisation
from .chart_data import Chart, chart_figures
from .filters import ORG_NONE, PARTNER_NONE, PARTNER_OTHER, PARTNER_YES, Filters
from .participation import Counts, Period, Source, period_case, report_years, year_periods
from .walks import WalkYear, walk_figures

ACCEPTED_ENROLMENTS = (ENROLMENT_ACTIVE, ENROLMENT_COMPLETED, ENROLMENT_WITHDRAWN)

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
            KIND_LEERGANG),
    RowSpec("bestuurdersleergang", 3, "Aantal deelnemers bestuurdersleergang", SOURCE_PROGRAMME,
            KIND_BESTUURDERS),
    RowSpec("workshops", 4, "Aantal deelnemers workshops", SOURCE_KIND, KIND_WORKSHOP),
    RowSpec("lezingen", 5, "Aantal deelnemers lezingen", SOURCE_KIND, KIND_LECTURE),
    RowSpec("masterclasses", 6, "Aantal deelnemers masterclasses", SOURCE_KIND, KIND_MASTERCLASS),
    RowSpec("partnerbijeenkomsten", 7, "Aantal partnerbijeenkomsten", SOURCE_MEETINGS, KIND_PARTNER_MEETING),
    RowSpec("themabijeenkomsten", 8, "Aantal deelnemers themabijeenkomsten", SOURCE_KIND, KIND_THEME_MEETING),
    # Supplementary rows: not in the municipality's table, asked for by the same reports.
    RowSpec("wijkwandelingen", None, "Aantal deelnemers wijkwandelingen", SOURCE_KIND, KIND_WALK),
    RowSpec("leergang_participatie", None, "Aantal deelnemers leergang participatie", SOURCE_PROGRAMME,
            KIND_PARTICIPATIE),
    RowSpec("traineeship", None, "Aantal deelnemers traineeship", SOURCE_PROGRAMME, KIND_TRAINEESHIP),
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


def _activity_rows(filters: Filters, periods: list[Period], now: datetime):
    """Counts per (kind, programme slug for course sessions) and for all activities together."""
    source = Source(filters, periods, now, with_programme=True)
    year = period_case(Activity.starts_at, periods)
    inner = source.select(Activity.kind.label("kind"),
                          case((Activity.kind == KIND_SESSION, Programme.kind), else_=None).label("programme"),
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
    stmt = (select(Programme.kind, *columns).select_from(Enrolment)
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
    for kind, *values in db.session.execute(stmt.group_by(Programme.kind)).all():
        result[kind] = ({p.key: v for p, v in zip(periods, values[:-1], strict=True)}, values[-1])
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
    walk_years, walk_total, held = walk_figures(filters, periods, now, activity.get((KIND_WALK, None), Counts()))
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
                      walks_total=walk_total, charts=chart_figures(filters, periods, chart_year, now),
                      generated_at=now, definitions=definitions(filters))
