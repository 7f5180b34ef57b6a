"""Browser fixtures: the portal with the demo academy, served on loopback, driven by Debian's Chromium
through Playwright. Skipped when Chromium is not installed (CI installs it)."""
import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from wijkmakers import create_app
from wijkmakers.demo.data import DEMO_PASSWORD, load_demo
from wijkmakers.extensions import db

from ..conftest import _test_config, fresh_database_url

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    url = fresh_database_url(tmp_path_factory, "browser")
    app = create_app(_test_config(url, WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=False, TESTING=False))
    with app.app_context():
        db.create_all()
        load_demo(app.config["CONTENT_DIR"])
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = base
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()


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
