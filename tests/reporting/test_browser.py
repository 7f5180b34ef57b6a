"""In headless Chromium on the demo academy: axe-core finds no serious problem on the statistics pages
and the API key page, the pages fit a 390px phone, the charts load as images, and a coordinator can
make a key and use it."""
import json
import urllib.request

import pytest

from ..browser.conftest import log_in

pytest.importorskip("axe_playwright_python")
from axe_playwright_python.sync_playwright import Axe  # noqa: E402

PAGES = ["/cijfers", "/cijfers?meting=aangemeld&telling=deelnames&soort=bewoner", "/cijfers/wandelingen",
         "/api-sleutels", "/api/v1/docs"]


def assert_accessible(page):
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, "\n".join(f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes'][:3]]}" for v in serious)


def assert_fits_phone(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the phone"


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_accessible_and_fit_a_phone(page, phone_page, live_server, path):
    for browser_page in (page, phone_page):
        log_in(browser_page, live_server, "coordinator")
        response = browser_page.goto(live_server + path)
        assert response.status == 200
        assert_accessible(browser_page)
    assert_fits_phone(phone_page)


def test_charts_load_as_images(page, live_server):
    log_in(page, live_server, "coordinator")
    page.goto(live_server + "/cijfers")
    images = page.locator("figure.report-chart img")
    assert images.count() == 3
    for i in range(3):
        assert page.evaluate("img => img.complete && img.naturalWidth > 0", images.nth(i).element_handle())


def test_make_a_key_and_use_it(page, live_server):
    log_in(page, live_server, "coordinator")
    page.goto(live_server + "/api-sleutels")
    page.get_by_label("Naam van de sleutel").fill("Dashboard gemeente")
    page.get_by_role("button", name="Sleutel maken").click()
    token = page.get_by_label("Sleutel", exact=True).input_value()
    assert token.startswith("wm_")
    request = urllib.request.Request(live_server + "/api/v1/figures",  # noqa: S310 - loopback test server
                                     headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback test server
        body = json.load(response)
    assert body["rows"][0]["label"] == "Aantal partnerorganisaties"
    page.get_by_role("button", name="Intrekken (Dashboard gemeente)").click()
    assert "is ingetrokken" in page.content()
