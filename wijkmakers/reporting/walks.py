"""Neighbourhood walks: the yearly walk figures of the statistics (held, participations, average,
fewest and most per walk), the list of walks held and the figures per theme."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import distinct, func, select

from ..activities.models import KIND_PARTNER_MEETING, KIND_WALK, STATUS_CANCELLED, Activity
from ..core.pagination import Page, clamp_page
from ..core.timeutil import utcnow
from ..extensions import db
from .filters import MEASURE_PRESENT, MEASURE_REGISTERED, Filters
from .participation import Counts, Period, Source, chosen_periods, in_periods, period_case


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
    source = Source(filters, periods, now)
    per_walk = (source.select(Activity.id.label("activity"),
                              period_case(Activity.starts_at, periods).label("year"))
                .where(Activity.kind == KIND_WALK).subquery())
    counts = (select(per_walk.c.activity, per_walk.c.year, func.count().label("n"))
              .group_by(per_walk.c.activity, per_walk.c.year).subquery())
    rows = db.session.execute(select(counts.c.year, func.count(), func.min(counts.c.n), func.max(counts.c.n))
                              .group_by(counts.c.year)).all()
    return {int(year): (walks, low, high) for year, walks, low, high in rows}


def walk_figures(filters: Filters, periods: list[Period], now: datetime, walk_counts: Counts):
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


def _held_walks(periods: list[Period], now: datetime) -> list:
    return [Activity.kind == KIND_WALK, Activity.status != STATUS_CANCELLED, Activity.starts_at < now,
            in_periods(Activity.starts_at, periods)]


def _walk_counts(filters: Filters, periods: list[Period], now: datetime, ids: list[int] | None) -> dict:
    """Registered and present per walk under the filters; ``ids`` None: every walk in the periods."""
    counts = {}
    for measure in (MEASURE_REGISTERED, MEASURE_PRESENT):
        source = Source(replace(filters, measure=measure), periods, now)
        statement = source.select(Activity.id, func.count()).where(Activity.kind == KIND_WALK)
        if ids is not None:
            statement = statement.where(Activity.id.in_(ids))
        counts[measure] = dict(db.session.execute(statement.group_by(Activity.id)).all()) if ids != [] else {}
    return counts


def _lines(activities, counts) -> list[WalkLine]:
    return [WalkLine(a, counts[MEASURE_REGISTERED].get(a.id, 0), counts[MEASURE_PRESENT].get(a.id, 0))
            for a in activities]


def walk_lines(filters: Filters, page: int, per_page: int = 25, now: datetime | None = None) -> Page:
    """One page of walks held (newest first) with registered and present counts under the filters."""
    now = now or utcnow()
    periods = chosen_periods(filters.year, now)
    held = _held_walks(periods, now)
    total = db.session.scalar(select(func.count(Activity.id)).where(*held)) or 0
    page = clamp_page(page, total, per_page)
    activities = db.session.scalars(select(Activity).where(*held)
                                    .order_by(Activity.starts_at.desc(), Activity.id.desc())
                                    .limit(per_page).offset((page - 1) * per_page)).all()
    counts = _walk_counts(filters, periods, now, [a.id for a in activities])
    return Page(items=_lines(activities, counts), page=page, per_page=per_page, total=total)


def all_walk_lines(filters: Filters, now: datetime | None = None) -> list[WalkLine]:
    """Every walk held under the filters (newest first), for the export: the page's list without pages."""
    now = now or utcnow()
    periods = chosen_periods(filters.year, now)
    activities = db.session.scalars(select(Activity).where(*_held_walks(periods, now))
                                    .order_by(Activity.starts_at.desc(), Activity.id.desc())).all()
    return _lines(activities, _walk_counts(filters, periods, now, None))


def walk_themes(filters: Filters, now: datetime | None = None) -> list[ThemeLine]:
    """Walks held, participations and unique walkers per theme (most walks first)."""
    now = now or utcnow()
    periods = chosen_periods(filters.year, now)
    theme = func.coalesce(Activity.theme, "")
    held = dict(db.session.execute(
        select(theme, func.count(Activity.id))
        .where(Activity.kind == KIND_WALK, Activity.status != STATUS_CANCELLED, Activity.starts_at < now,
               in_periods(Activity.starts_at, periods)).group_by(theme)).all())
    source = Source(filters, periods, now)
    inner = source.select(theme.label("theme"), source.person.label("person")).where(
        Activity.kind == KIND_WALK).subquery()
    people = {t: (n, p) for t, n, p in db.session.execute(
        select(inner.c.theme, func.count(), func.count(distinct(inner.c.person))).group_by(inner.c.theme)).all()}
    lines = [ThemeLine(t or "Zonder thema", walks, *people.get(t, (0, 0))) for t, walks in held.items()]
    return sorted(lines, key=lambda line: (-line.walks, line.theme))
