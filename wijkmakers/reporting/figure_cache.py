"""The figures, kept in memory per process while the data stays the same."""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, select

from ..activities.models import STATUS_CANCELLED, Activity, Attendance, Registration
from ..core.cache import remember
from ..extensions import db
from ..learning.models import Enrolment
from ..organisations.models import Organisation
from .filters import Filters
from .participation import current_year
from .statistics import Statistics, compute_statistics

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


def cached_statistics(filters: Filters) -> Statistics:
    """The figures for these filters, from the cache when the data has not changed."""
    return cached_entry(filters).statistics
