"""The figure cache: repeated views are served from memory; new records show at once."""
from datetime import datetime

import pytest

from wijkmakers.activities.models import KIND_WORKSHOP
from wijkmakers.extensions import db
from wijkmakers.reporting.figure_cache import cached_statistics, clear_cache
from wijkmakers.reporting.filters import Filters

from .conftest import attend


@pytest.fixture
def app_config():
    return {"REPORTING_CACHE_SECONDS": 60}


@pytest.fixture(autouse=True)
def empty_cache():
    clear_cache()
    yield
    clear_cache()


def test_repeated_views_come_from_the_cache(app, academy, count_queries):
    first = cached_statistics(Filters())
    with count_queries() as counter:
        again = cached_statistics(Filters())
    assert again is first
    assert counter.count == 1  # only the data fingerprint
    assert cached_statistics(Filters(count="deelnames")) is not first  # other filters, other entry


def test_new_records_show_at_once(app, make, academy):
    before = cached_statistics(Filters()).row("workshops").total
    workshop = make.activity(kind=KIND_WORKSHOP, title="Nieuw", starts_at=datetime(2024, 6, 1, 10, 0))
    attend(workshop, academy.people["E"])
    db.session.commit()
    assert cached_statistics(Filters()).row("workshops").total == before + 1


def test_cancelling_an_activity_shows_at_once(app, academy):
    before = cached_statistics(Filters()).row("masterclasses").total
    academy.activities["M1"].status = "geannuleerd"
    db.session.commit()
    assert cached_statistics(Filters()).row("masterclasses").total == before - 2


def test_the_cache_can_be_switched_off(app, academy):
    app.config["REPORTING_CACHE_SECONDS"] = 0
    assert cached_statistics(Filters()) is not cached_statistics(Filters())


def test_the_fingerprint_is_asked_at_most_every_few_seconds(app, academy, count_queries):
    app.config["REPORTING_FINGERPRINT_SECONDS"] = 60
    first = cached_statistics(Filters())
    with count_queries() as counter:
        assert cached_statistics(Filters()) is first
    assert counter.count == 0
