"""Fixtures for the learning tests: three small module texts synced into a programme with a cohort."""
from dataclasses import dataclass

import pytest

from wijkmakers.auth.models import User
from wijkmakers.learning import signals
from wijkmakers.learning.models import Cohort, Module, Programme

from .. import conftest as root_conftest
from ..browser.conftest import CHROMIUM, PHONE, live_server  # noqa: F401 - fixture for test_browser
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


# Browser fixtures for test_browser.py. tests/browser/conftest.py keeps one Playwright for the whole session,
# but a fixture imported into another conftest is a second definition, and a second sync Playwright in one
# process fails. So, until those fixtures live in tests/conftest.py, this module starts its own Playwright
# only for the duration of the learning browser tests, and skips them if another one is already running.
if not hasattr(root_conftest, "browser"):
    @pytest.fixture(scope="module")
    def browser(live_server):  # noqa: F811 - live_server is the imported fixture
        import os

        from playwright.sync_api import Error, sync_playwright

        try:
            manager = sync_playwright().start()
        except Error as exc:
            pytest.skip(f"another Playwright already runs in this test process ({type(exc).__name__})")
        args = ["--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-gpu", "--disable-quic"]
        if os.geteuid() == 0:
            args.append("--no-sandbox")
        chromium = manager.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        yield chromium
        chromium.close()
        manager.stop()

    @pytest.fixture
    def page(browser):
        context = browser.new_context(locale="nl-NL", timezone_id="Europe/Amsterdam")
        context.set_default_timeout(15000)
        yield context.new_page()
        context.close()

    @pytest.fixture
    def phone_page(browser):
        context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                      locale="nl-NL", timezone_id="Europe/Amsterdam")
        context.set_default_timeout(15000)
        yield context.new_page()
        context.close()
