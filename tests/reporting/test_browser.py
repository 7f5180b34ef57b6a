"""In headless Chromium on the demo academy: axe-core finds no serious problem on the statistics pages
and the API key page, the pages fit a 390px phone, the charts load as images, and a coordinator can
make a key and use it.

Playwright's sync API allows one running instance per thread, and tests/browser keeps one open for
the whole session; this module therefore drives its own browser from a dedicated thread.
"""
import json
import os
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest


from ..browser.conftest import CHROMIUM, PHONE, log_in
from ..conftest import serve_demo

pytest.importorskip("axe_playwright_python")
from axe_playwright_python.sync_playwright import Axe  # noqa: E402

PAGES = ["/cijfers", "/cijfers?meting=aangemeld&telling=deelnames&soort=bewoner", "/cijfers/wandelingen",
         "/api-sleutels", "/api/v1/docs"]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    with serve_demo(tmp_path_factory, "reportingbrowser") as (base, _app):
        yield base


class BrowserThread:
    """Chromium owned by one worker thread; ``run(fn, ...)`` calls ``fn(browser, ...)`` there."""

    def __init__(self):
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reporting-browser")
        self.pool.submit(self._start).result()

    def _start(self):
        from playwright.sync_api import sync_playwright

        args = ["--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-gpu", "--disable-quic"] + (["--no-sandbox"] if os.geteuid() == 0 else [])
        self.manager = sync_playwright().start()
        self.browser = self.manager.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)

    def run(self, fn, *args):
        return self.pool.submit(fn, self.browser, *args).result(timeout=300)

    def close(self):
        def stop():
            self.browser.close()
            self.manager.stop()

        self.pool.submit(stop).result()
        self.pool.shutdown()


@pytest.fixture(scope="module")
def chromium(live_server):
    thread = BrowserThread()
    yield thread
    thread.close()


def new_page(browser, phone=False):
    options = {"locale": "nl-NL", "timezone_id": "Europe/Amsterdam"}
    if phone:
        options.update(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    context = browser.new_context(**options)
    context.set_default_timeout(15000)
    return context, context.new_page()


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes'][:3]]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def check_page(browser, base, path):
    findings = {}
    for phone in (False, True):
        context, page = new_page(browser, phone)
        try:
            log_in(page, base, "coordinator")
            response = page.goto(base + path)
            findings[phone] = {"status": response.status, "violations": serious_violations(page),
                               "overflow": page.evaluate("document.documentElement.scrollWidth - window.innerWidth")}
        finally:
            context.close()
    return findings


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_accessible_and_fit_a_phone(chromium, live_server, path):
    findings = chromium.run(check_page, live_server, path)
    for found in findings.values():
        assert found["status"] == 200
        assert not found["violations"], "\n".join(found["violations"])
    assert findings[True]["overflow"] <= 0, f"page is {findings[True]['overflow']}px wider than the phone"


def chart_images(browser, base):
    context, page = new_page(browser)
    try:
        log_in(page, base, "coordinator")
        page.goto(base + "/cijfers")
        images = page.locator("figure.report-chart img")
        return [page.evaluate("img => img.complete && img.naturalWidth > 0", images.nth(i).element_handle())
                for i in range(images.count())]
    finally:
        context.close()


def test_charts_load_as_images(chromium, live_server):
    assert chromium.run(chart_images, live_server) == [True, True, True]


def make_key(browser, base):
    context, page = new_page(browser)
    try:
        log_in(page, base, "coordinator")
        page.goto(base + "/api-sleutels")
        page.get_by_label("Naam van de sleutel").fill("Dashboard gemeente")
        page.get_by_role("button", name="Sleutel maken").click()
        return page.get_by_label("Sleutel", exact=True).input_value()
    finally:
        context.close()


def revoke_key(browser, base):
    context, page = new_page(browser)
    try:
        log_in(page, base, "coordinator")
        page.goto(base + "/api-sleutels")
        page.get_by_role("button", name="Intrekken (Dashboard gemeente)").click()
        return page.content()
    finally:
        context.close()


def test_make_a_key_use_it_and_revoke_it(chromium, live_server):
    token = chromium.run(make_key, live_server)
    assert token.startswith("wm_")
    request = urllib.request.Request(live_server + "/api/v1/figures",  # noqa: S310 - loopback test server
                                     headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback test server
        body = json.load(response)
    assert body["rows"][0]["label"] == "Aantal partnerorganisaties"
    assert "is ingetrokken" in chromium.run(revoke_key, live_server)
