"""In a real browser (headless Chromium): the acceptance scenario of the bulk import, accessibility
(axe-core) of every partners page, and a 390px-wide phone layout.

This module serves its own copy of the demo academy and drives Chromium from a separate thread: the
session-wide Playwright of tests/browser may be running in the same xdist worker, and two sync Playwright
instances cannot share one thread.
"""
import os
from concurrent.futures import ThreadPoolExecutor

import pytest


from ..browser.conftest import CHROMIUM, PHONE
from ..conftest import log_in, serve_demo
from .helpers import csv_bytes, xlsx_bytes

pytest.importorskip("axe_playwright_python")
from axe_playwright_python.sync_playwright import Axe  # noqa: E402


_APP: dict = {}


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    with serve_demo(tmp_path_factory, "partnersbrowser", TESTING=False) as (base, app):
        _APP["app"] = app
        yield base


def invitation_link(base, email):
    """The link in the newest invitation mail to ``email``, read from the served app's outbox."""
    import re

    from sqlalchemy import select

    from wijkmakers.extensions import db
    from wijkmakers.notifications.models import OutboxMessage

    with _APP["app"].app_context():
        body = db.session.scalar(select(OutboxMessage.body).where(OutboxMessage.recipient == email)
                                 .order_by(OutboxMessage.id.desc()))
        db.session.remove()
    return base + re.search(r"(/organisatie-uitnodiging/[A-Za-z0-9_-]+)", body).group(1)


def in_browser(scenario, phone=False):
    """Run ``scenario(page)`` in headless Chromium, on a thread of its own."""

    def run():
        from playwright.sync_api import sync_playwright

        args = ["--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-gpu", "--disable-quic"]
        if os.geteuid() == 0:
            args.append("--no-sandbox")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
            try:
                options = {"locale": "nl-NL", "timezone_id": "Europe/Amsterdam"}
                if phone:
                    options.update(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
                context = browser.new_context(**options)
                context.set_default_timeout(15000)
                return scenario(context.new_page())
            finally:
                browser.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


NAMES = ["Anouk Dijkman", "Bas Terpstra", "Carla Wind", "Dirk Haan", "Eline Vos", "Fedde Smit", "Greet Mol",
         "Hidde Kamp", "Inge Roos", "Jorrit Veen"]


def rows(domain="noorderhuis-browser.nl"):
    return [(f"{n.lower().replace(' ', '.')}@{domain}", n, "wijkconsulent", "") for n in NAMES]


def assert_accessible(page):
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, "\n".join(f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes'][:3]]}" for v in serious)


def assert_fits_phone(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the phone"


def choose_first_cohort(page):
    select = page.get_by_label("Aanmelden voor")
    value = select.locator("option").nth(1).get_attribute("value")
    assert value.startswith("L")
    select.select_option(value)


def test_bulk_import_in_the_browser(live_server, tmp_path):
    in_browser(lambda page: bulk_import(page, live_server, tmp_path))


def bulk_import(page, live_server, tmp_path):
    log_in(page, live_server, "partner")
    page.goto(live_server + "/mijn-organisatie/import")
    assert_accessible(page)
    bad = [list(r) for r in rows()]
    bad[1][0] = "bas.terpstra@"          # bad e-mail
    bad[5][3] = "L987654"               # unknown cohort
    bad_file = tmp_path / "collegas.csv"
    bad_file.write_bytes(csv_bytes(bad, encoding="cp1252"))
    page.get_by_label("Bestand (.xlsx of .csv)").set_input_files(str(bad_file))
    choose_first_cohort(page)
    page.get_by_role("button", name="Controleren").click()
    page.wait_for_url("**/mijn-organisatie/import/*")
    summary = page.get_by_role("alert")
    assert "2 van 10 rijen hebben een probleem" in summary.inner_text()
    assert "Rij 3" in summary.inner_text() and "Rij 7" in summary.inner_text()
    assert page.get_by_role("button", name="Alle 10 verwerken").count() == 0
    assert_accessible(page)

    page.goto(live_server + "/mijn-organisatie/import")
    good_file = tmp_path / "collegas.xlsx"
    good_file.write_bytes(xlsx_bytes(rows()))
    page.get_by_label("Bestand (.xlsx of .csv)").set_input_files(str(good_file))
    choose_first_cohort(page)
    page.get_by_role("button", name="Controleren").click()
    page.get_by_role("button", name="Alle 10 verwerken").click()
    page.wait_for_url(live_server + "/mijn-organisatie")
    # New addresses are invited, not linked: they are on the list of open invitations, not yet staff.
    body = page.content()
    assert not any(name in body for name in NAMES)
    page.goto(live_server + "/mijn-organisatie/uitnodigingen")
    body = page.content()
    assert all(email in body for email, *_ in rows())
    assert_accessible(page)

    # The first one accepts with a name and a password of her own, and only then becomes staff.
    page.get_by_role("button", name="Uitloggen").click()
    page.goto(invitation_link(live_server, rows()[0][0]))
    assert_accessible(page)
    page.get_by_label("Je naam").fill(NAMES[0])
    page.get_by_label("Kies een wachtwoord").fill("een-goed-wachtwoord")
    page.get_by_label("Herhaal het wachtwoord").fill("een-goed-wachtwoord")
    page.get_by_role("button", name="Account maken en accepteren").click()
    page.wait_for_url(live_server + "/")
    assert "nu gekoppeld aan" in page.content()
    page.get_by_role("button", name="Uitloggen").click()
    log_in(page, live_server, "partner")
    page.goto(live_server + "/mijn-organisatie")
    assert NAMES[0] in page.content() and NAMES[1] not in page.content()

    # Another organisation's contact sees none of them, however they look.
    page.get_by_role("button", name="Uitloggen").click()
    log_in(page, live_server, "partner2")
    for path in ("/mijn-organisatie", "/mijn-organisatie?q=Dijkman", "/mijn-organisatie/export.json",
                 "/mijn-organisatie/uitnodigingen"):
        page.goto(live_server + path)
        assert not any(name in page.content() for name in NAMES)
        assert not any(email in page.content() for email, *_ in rows())


@pytest.mark.parametrize("who, path", [
    ("partner", "/mijn-organisatie"), ("partner", "/mijn-organisatie/aanmelden"),
    ("partner", "/mijn-organisatie/import"), ("partner", "/mijn-organisatie/uitnodigingen"),
    ("coordinator", "/partners"),
    ("coordinator", "/partners?jaar=2023"), ("coordinator", "/partners/personen?q=de"),
])
def test_partner_pages_are_accessible_and_fit_a_phone(live_server, who, path):
    def scenario(page):
        log_in(page, live_server, who)
        response = page.goto(live_server + path)
        assert response.status == 200
        assert_fits_phone(page)
        assert_accessible(page)

    in_browser(scenario, phone=True)


def test_coordinator_organisation_and_move_pages(live_server):
    in_browser(lambda page: organisation_and_move(page, live_server))


def organisation_and_move(page, live_server):
    log_in(page, live_server, "coordinator")
    page.goto(live_server + "/partners")
    page.get_by_role("link", name="Woonstichting Noorderhuis").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Woonstichting Noorderhuis"
    assert_accessible(page)
    page.get_by_role("link", name="Organisatie wijzigen").first.click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Organisatie wijzigen")
    assert_accessible(page)
