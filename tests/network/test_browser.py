"""The network pages in headless Chromium: no serious accessibility violation (axe-core), no sideways
scrolling on a 390px phone, and the contact flow through the real forms (CSRF on)."""
import os
import re
import threading

import pytest
from werkzeug.serving import make_server

from wijkmakers import create_app
from wijkmakers.demo.data import load_demo
from wijkmakers.demo.network import load_demo_network
from wijkmakers.extensions import db

from wijkmakers.core.timeutil import utcnow

from ..browser.conftest import CHROMIUM, PHONE, log_in
from ..conftest import _test_config, fresh_database_url


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    url = fresh_database_url(tmp_path_factory, "netbrowser")
    app = create_app(_test_config(url, WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=False, TESTING=False))
    with app.app_context():
        db.create_all()
        now = utcnow()
        load_demo(app.config["CONTENT_DIR"], now=now)
        load_demo_network(now)
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = base
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
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


PAGES = {
    "trainee": ["/netwerk", "/netwerk?thema=energietransitie&wijk=Selwerd", "/netwerk/mijn-profiel",
                "/netwerk/berichten", "/netwerk/initiatieven", "/netwerk/initiatieven/nieuw"],
    "deelnemer": ["/netwerk", "/netwerk/initiatieven", "/netwerk/mijn-profiel"],
    "organisator": ["/netwerk/cijfers", "/netwerk/meldingen"],
}
CASES = [(who, path) for who, paths in PAGES.items() for path in paths]


def _first_link(page, live_server, pattern):
    href = page.locator(f"a[href^='{pattern}']").first.get_attribute("href")
    return live_server + href


def test_network_pages_are_accessible_and_fit_a_phone(page, phone_page, live_server):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    problems = []
    for who, paths in PAGES.items():
        log_in(page, live_server, who)
        log_in(phone_page, live_server, who)
        extra = []
        if who == "trainee":
            page.goto(live_server + "/netwerk")
            extra.append(_first_link(page, live_server, "/netwerk/mensen/"))
            page.goto(live_server + "/netwerk/initiatieven")
            extra.append(_first_link(page, live_server, "/netwerk/initiatieven/1"))
        for url in [live_server + p for p in paths] + extra:
            response = page.goto(url)
            assert response.status == 200, f"{who} {url} gave {response.status}"
            for violation in axe.run(page).response["violations"]:
                if violation["impact"] in ("serious", "critical"):
                    problems.append(f"{who} {url}: {violation['id']} {[n['target'] for n in violation['nodes'][:3]]}")
            phone_page.goto(url)
            overflow = phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                problems.append(f"{who} {url}: {overflow}px wider than a phone")
        page.context.clear_cookies()
        phone_page.context.clear_cookies()
    assert not problems, "\n".join(problems)


def test_contact_request_through_the_real_forms(page, live_server):
    log_in(page, live_server, "deelnemer")
    page.goto(live_server + "/netwerk/mijn-profiel")
    page.get_by_label("Energietransitie").check()
    page.get_by_label("Wijk", exact=True).select_option("Selwerd")
    page.get_by_role("button", name="Opslaan en meedoen").click()
    assert "Welkom in het netwerk" in page.content()
    page.goto(live_server + "/netwerk")
    page.get_by_label("Thema", exact=True).select_option("energietransitie")
    page.get_by_label("Wijk", exact=True).select_option("Selwerd")
    page.get_by_role("button", name="Zoeken").click()
    page.get_by_role("link", name="Milan Hoekstra").click()
    page.get_by_label("Je bericht").fill("Hoi Milan, ik wil graag meedoen met de warmtescan!")
    page.get_by_role("button", name="Bericht versturen").click()
    assert re.search(r"Je bericht aan Milan Hoekstra is verstuurd", page.content())
