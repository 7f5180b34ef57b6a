"""The data behind the three charts (per month and kind, residents and professionals, organisation type):
a fixed number of grouped queries over the participation source. charts.py draws them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from ..activities.models import ACTIVITY_KINDS, Activity
from ..extensions import db
from ..organisations.models import Organisation
from .filters import ORG_NONE, ORG_TYPE_CHOICES, PERSON_KINDS, Filters
from .participation import Period, Source, month_periods, period_case

UNKNOWN_KIND = "onbekend"


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


def chart_figures(filters: Filters, periods: list[Period], chart_year: int, now: datetime) -> dict[str, Chart]:
    unit = "unieke personen" if filters.persons else "deelnames"
    years = [p.key for p in periods]
    charts = {}

    # 1. per month and kind, in the chosen year
    months = month_periods(chart_year)
    source = Source(filters, months, now)
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
    source = Source(filters, periods, now)
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
    source = Source(filters, periods, now, with_organisation=True)
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
