"""Shared fixtures: the suite's clock, an app on a fresh database (SQLite, or PostgreSQL via
TEST_DATABASE_URL), a client, log-in helpers for each role, and a SQL statement counter."""
import os
import shutil
import threading
from contextlib import contextmanager
from datetime import datetime, timezone

import pytest
import time_machine
from flask import g
import sqlalchemy as sa
from sqlalchemy import event, select
from werkzeug.serving import make_server

from wijkmakers import create_app
from wijkmakers.demo.data import DEMO_PASSWORD, load_demo
from wijkmakers.extensions import db

from . import factories


# The suite's clock. Every test starts at this moment (Monday 23 November 2026, 10:00 in Groningen; naive
# UTC as the database stores it) and the clock runs on from there, so no answer depends on the day the suite
# runs. Tests about time travel further themselves (the time_machine fixture); the demo's calendar is swept
# over other dates in tests/demo/test_calendar.py.
TEST_NOW = datetime(2026, 11, 23, 9, 0)


@pytest.fixture(scope="session", autouse=True)
def suite_clock():
    traveller = time_machine.travel(TEST_NOW.replace(tzinfo=timezone.utc), tick=True)
    clock = traveller.start()
    yield clock
    traveller.stop()


@pytest.fixture(autouse=True)
def _clock_at_test_now(suite_clock):
    suite_clock.move_to(TEST_NOW.replace(tzinfo=timezone.utc))


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """One database per xdist worker, its schema built once from the models (tests/core/test_migrations.py
    proves separately that the Alembic migrations build the same schema)."""
    url = fresh_database_url(tmp_path_factory, "test")
    app = create_app(_test_config(url))
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return url


def fresh_database_url(tmp_path_factory, purpose: str) -> str:
    """An empty database for this worker: a SQLite file, or a new PostgreSQL database."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp_path_factory.mktemp(purpose) / f'{purpose}-{_worker()}.sqlite'}"
    name = f"wijkmakers_{purpose}_{_worker()}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.rsplit("/", 1)[0] + "/" + name


def _test_config(url: str, **extra) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": None,
        "BASE_URL": "http://localhost",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": 1,
    }
    config.update(extra)
    return config


@pytest.fixture
def app_config():
    """Override in a test module to change settings for that module's app."""
    return {}


@pytest.fixture
def app(database_url, app_config, tmp_path):
    os.environ.setdefault("WIJKMAKERS_INSTANCE", str(tmp_path / "instance"))
    application = create_app(_test_config(database_url, **app_config))
    # Tests hold one app context open, so requests would share ``g`` (Flask-Login caches the user
    # there). Give each request a fresh ``g``, as it has in production.
    application.before_request_funcs.setdefault(None, []).insert(0, lambda: g.__dict__.clear())
    with application.app_context():
        yield application
        db.session.remove()
        # Empty every table, children first, so each test starts from nothing.
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make(app):
    """Factories bound to the test database: make.user(...), make.organisation(...), ..."""
    return factories.Factories()


def login(client, user):
    """Log a user in without the (deliberately slow) password hash: set the Flask-Login session. Flask-Login
    caches the user in ``g``, which lives as long as the test's app context, so switching users within one
    test drops that cache too."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()  # "id:session_version", as Flask-Login stores it
        session["_fresh"] = True
    g.pop("_login_user", None)
    return client


def logout(client):
    with client.session_transaction() as session:
        session.clear()
    g.pop("_login_user", None)
    return client


def outbox(recipient=None, subject_prefix=None) -> list:
    """The queued mail, oldest first, optionally to one address or with a subject starting so."""
    from wijkmakers.notifications.models import OutboxMessage

    stmt = select(OutboxMessage).order_by(OutboxMessage.id)
    if recipient is not None:
        stmt = stmt.where(OutboxMessage.recipient == recipient)
    if subject_prefix is not None:
        stmt = stmt.where(OutboxMessage.subject.like(f"{subject_prefix}%"))
    return list(db.session.scalars(stmt))


@pytest.fixture
def login_as(client, make):
    """login_as('organisator') -> a fresh user with that role, logged in on ``client``."""

    def _login(*roles, **fields):
        user = make.user(roles=roles or ("deelnemer",), **fields)
        login(client, user)
        return user

    return _login


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """with count_queries() as counter: ...; counter.count is the number of SQL statements issued."""

    @contextmanager
    def _count():
        counter = QueryCounter()

        def _before(conn, cursor, statement, *args):
            counter.statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", _before)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", _before)

    return _count


# -- Browser fixtures (one Playwright per test process) ------------------------------------------
# The portal with the demo academy served on loopback, driven by Debian's Chromium through
# Playwright. Skipped when Chromium is not installed (CI installs it).

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}


_LIVE: dict = {}


@pytest.fixture(scope="session")
def live_app(live_server):
    """The app behind live_server, for reading its database in a journey's checks."""
    return _LIVE["app"]


@contextmanager
def serve_demo(tmp_path_factory, name: str, **config):
    """The demo academy in a database of its own, served on a free loopback port: yields (base URL, app)."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    url = fresh_database_url(tmp_path_factory, name)
    app = create_app(_test_config(url, WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=False, **config))
    with app.app_context():
        db.create_all()
        load_demo(app.config["CONTENT_DIR"], now=TEST_NOW)
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = base
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base, app
    finally:
        server.shutdown()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    with serve_demo(tmp_path_factory, "browser", TESTING=False) as (base, app):
        _LIVE["app"] = app
        yield base


@pytest.fixture(scope="session")
def browser(live_server):
    from playwright.sync_api import sync_playwright

    args = ["--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--disable-gpu", "--disable-quic"]
    if os.geteuid() == 0:
        args.append("--no-sandbox")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="nl-NL", timezone_id="Europe/Amsterdam", accept_downloads=True)
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="nl-NL", timezone_id="Europe/Amsterdam")
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


def log_in(page, base: str, who: str):
    """Log in through the real form, as a person would."""
    page.goto(f"{base}/inloggen")
    page.get_by_label("E-mailadres").fill(f"{who}@wijkmakers.example")
    page.get_by_label("Wachtwoord", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{base}/")
    return page


def pytest_collection_modifyitems(items):
    """Browser tests run in their own (single-process) pytest run: see the Makefile."""
    for item in items:
        if "browser" in item.path.name or item.path.parent.name == "browser":
            item.add_marker(pytest.mark.browser)
