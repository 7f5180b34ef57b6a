"""Fixtures for the learning tests: three small module texts synced into a programme with a cohort."""
from dataclasses import dataclass

import pytest

from wijkmakers.auth.models import User
from wijkmakers.learning import signals
from wijkmakers.learning.models import Cohort, Module, Programme

from .helpers import load_modules, make_cohort, make_programme


@dataclass
class Course:
    modules: list[Module]
    programme: Programme
    cohort: Cohort
    organiser: User


@pytest.fixture
def course(app, make, tmp_path) -> Course:
    modules = load_modules(tmp_path)
    programme = make_programme(modules)
    cohort = make_cohort(programme)
    organiser = make.user(roles=("organisator",), name="Fatima Organisator")
    return Course(modules, programme, cohort, organiser)


@pytest.fixture
def completions():
    """Every enrolment_completed signal during the test, as a list of enrolment ids."""
    received = []

    def _listener(sender, enrolment_id=None, **extra):
        received.append(enrolment_id)

    signals.enrolment_completed.connect(_listener)
    yield received
    signals.enrolment_completed.disconnect(_listener)
