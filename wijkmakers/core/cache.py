"""A small per-process memory for figures and public pages that may lag a few seconds behind the data.

Under load the same aggregate (this year's participations, the reporting fingerprint) is asked for many
times a second; counting 200,000 rows each time costs more than the rest of the page. Values must be plain
data that nobody modifies (numbers, tuples, rendered bytes), never ORM objects, as they outlive the session
that made them. DASHBOARD_CACHE_SECONDS sets the default age (30; tests run with 0, which computes every
time); core/pagecache.py keeps public pages here too.
"""
import threading
import time
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import current_app

T = TypeVar("T")
_STORE: dict = {}
_LOCK = threading.Lock()
_MAX_ENTRIES = 256


def dashboard_seconds() -> float:
    default = 0 if current_app.testing else 30
    return float(current_app.config.get("DASHBOARD_CACHE_SECONDS", default))


def recall(key: Hashable, seconds: float):
    """The value kept under key less than `seconds` ago, or None."""
    with _LOCK:
        hit = _STORE.get((current_app.config["SQLALCHEMY_DATABASE_URI"], key))
    if hit is not None and time.time() - hit[0] < seconds:  # wall clock: tests move it with time-machine
        return hit[1]
    return None


def keep(key: Hashable, value) -> None:
    with _LOCK:
        if len(_STORE) >= _MAX_ENTRIES:
            _STORE.clear()
        _STORE[(current_app.config["SQLALCHEMY_DATABASE_URI"], key)] = (time.time(), value)


def remember(key: Hashable, compute: Callable[[], T], seconds: float | None = None) -> T:
    """compute(), or its answer of less than `seconds` ago for the same key and database."""
    seconds = dashboard_seconds() if seconds is None else seconds
    if seconds <= 0:
        return compute()
    value = recall(key, seconds)
    if value is None:
        value = compute()
        keep(key, value)
    return value


def forget_all() -> None:
    with _LOCK:
        _STORE.clear()
