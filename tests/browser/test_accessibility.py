"""axe-core in headless Chromium on the main pages of every role: no serious or critical violation."""
import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import log_in

# (who, path) pairs; who None = anonymous visitor. Paths that a feature does not (yet) serve are skipped.
PAGES = {
    None: ["/", "/inloggen", "/wachtwoord-vergeten", "/toegankelijkheid", "/agenda", "/privacy"],
    "deelnemer": ["/", "/leren", "/leren/actieplannen", "/certificaten", "/netwerk", "/netwerk/initiatieven",
                  "/mijn-aanmeldingen", "/mijn-gegevens", "/mijn-gegevens/overzicht"],
    "begeleider": ["/", "/agenda"],
    "organisator": ["/", "/activiteiten", "/activiteiten/nieuw", "/activiteiten/reeks", "/leergangen",
                    "/certificaten/beheer", "/netwerk/cijfers"],
    "partner": ["/", "/mijn-organisatie", "/mijn-organisatie/import", "/mijn-organisatie/aanmelden"],
    "coordinator": ["/", "/cijfers", "/cijfers/wandelingen", "/partners", "/beheer/privacyverzoeken",
                    "/api-sleutels"],
    "beheerder": ["/", "/beheer/gebruikers", "/beheer/verzendlijst", "/beheer/auditlog"],
}
CASES = [(who, path) for who, paths in PAGES.items() for path in paths]


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.mark.parametrize("who,path", CASES, ids=[f"{w or 'anoniem'}:{p}" for w, p in CASES])
def test_no_serious_accessibility_violations(page, live_server, axe, who, path):
    if who:
        log_in(page, live_server, who)
    response = page.goto(live_server + path)
    if response.status == 404:
        pytest.skip(f"{path} is not served")
    assert response.status == 200, f"{path} gave {response.status}"
    results = axe.run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}" for v in serious)


def test_keyboard_reaches_skip_link_and_login_form(page, live_server):
    page.goto(live_server + "/inloggen")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Direct naar de inhoud" in focused
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#inhoud"


def test_layout_fits_a_phone(phone_page, live_server):
    phone_page.goto(live_server + "/")
    overflow = phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than a 390px phone"
