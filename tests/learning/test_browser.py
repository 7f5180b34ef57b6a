"""In headless Chromium with the demo academy: the participant follows a module from the dashboard to the
doe-opdracht and sees the progress change; the organiser creates a cohort with sessions and sees the
overview with its at-risk flags. Every page passes axe-core and fits a 390px phone."""
import re

import pytest

from ..browser.conftest import log_in

pytest.importorskip("axe_playwright_python")
from axe_playwright_python.sync_playwright import Axe  # noqa: E402


def assert_accessible(page):
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, "\n".join(f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes'][:3]]}" for v in serious)


def assert_fits_phone(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the phone"


def _studied(page) -> int:
    return int(re.search(r"(\d+) van \d+ modules bestudeerd", page.inner_text("main")).group(1))


def test_participant_follows_a_module_to_the_doe_opdracht(page, live_server):
    log_in(page, live_server, "deelnemer")
    page.get_by_role("link", name=re.compile("Leergang Wijkontwikkeling")).first.click()
    page.wait_for_url(re.compile(r".*/leren/\d+$"))
    assert_accessible(page)
    before = _studied(page)
    first_open = page.locator("ol.module-list li", has=page.locator(".tag-warn")).first
    title = first_open.locator("a.module-name").inner_text()
    first_open.locator("a.module-name").click()
    page.wait_for_url(re.compile(r".*/module/[a-z-]+$"))
    assert_accessible(page)
    page.get_by_label("Mijn reflectie", exact=True).fill("Ik zie nu hoe dit thema met mijn straat samenhangt.")
    page.get_by_label("Mijn doe-opdracht: wat ga ik doen?").fill("Ik spreek volgende week twee buren aan.")
    page.get_by_role("button", name="Alleen opslaan").click()
    assert "zijn opgeslagen" in page.inner_text(".flashes")
    # Typed but not saved: leaving the page asks first (progressive enhancement), so the text is not lost.
    page.get_by_label("Mijn reflectie", exact=True).fill("Ik zie nu hoe dit thema met mijn straat samenhangt. Meer.")
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.get_by_role("link", name=re.compile("Mijn overzicht")).first.click()
    assert dialogs == ["beforeunload"] and "/module/" in page.url
    page.get_by_role("button", name="Opslaan en afronden").click()
    page.wait_for_url(re.compile(r".*/leren/\d+#modules$"))
    assert _studied(page) == before + 1
    flash = page.inner_text(".flashes")
    assert "staat op bestudeerd" in flash and title.split(". ", 1)[1] in flash
    page.get_by_role("link", name="Mijn actieplannen").first.click()
    assert "Ik spreek volgende week twee buren aan." in page.inner_text("main")
    assert_accessible(page)


def test_organiser_creates_a_cohort_and_sees_at_risk_flags(page, live_server):
    log_in(page, live_server, "organisator")
    page.goto(live_server + "/leergangen")
    assert_accessible(page)
    page.get_by_role("link", name="Nieuwe groep", exact=True).click()
    assert_accessible(page)
    page.get_by_label("Leergang", exact=True).select_option(label="Bestuurdersleergang")
    page.get_by_label("Naam van de groep").fill("Browsergroep 2027")
    page.get_by_label("Begindatum").fill("2027-02-01")
    page.get_by_label("Einddatum").fill("2027-07-31")
    page.get_by_label("Aantal plaatsen").fill("12")
    page.get_by_label("Datum eerste bijeenkomst").fill("2027-02-10")
    page.get_by_label("Begintijd").fill("14:00")
    page.get_by_label("Plaats", exact=True).fill("Stadhuis Groningen, raadzaal")
    page.get_by_role("button", name="Groep aanmaken").click()
    page.wait_for_url(re.compile(r".*/leergangen/groep/\d+$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Bestuurdersleergang Browsergroep 2027"
    assert page.locator("#bijeenkomsten + .table-wrap tbody tr").count() == 4
    assert_accessible(page)

    page.goto(live_server + "/leergangen")
    page.get_by_role("link", name="2026-2027", exact=True).click()
    main = page.inner_text("main")
    assert "Aanwezigheid onder de norm" in main
    assert_accessible(page)


@pytest.mark.parametrize("who,path", [
    ("deelnemer", "/leren"), ("deelnemer", "/leren/actieplannen"), ("organisator", "/leergangen"),
    ("organisator", "/leren/trainees"), ("partner", "/leren/trainees"),
])
def test_learning_pages_fit_a_phone(phone_page, live_server, who, path):
    log_in(phone_page, live_server, who)
    phone_page.goto(live_server + path)
    assert_fits_phone(phone_page)
    if path == "/leren" and who == "deelnemer":
        phone_page.locator("ul.cards a").first.click()
        assert_fits_phone(phone_page)
        phone_page.locator("ol.module-list a").first.click()
        assert_fits_phone(phone_page)
    if path == "/leergangen":
        phone_page.get_by_role("link", name="2026-2027", exact=True).click()
        assert_fits_phone(phone_page)
        assert_accessible(phone_page)
        phone_page.get_by_role("link", name=re.compile("^Presentie")).first.click()
        assert_fits_phone(phone_page)
        assert_accessible(phone_page)
