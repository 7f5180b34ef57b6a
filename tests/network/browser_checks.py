"""Browser checks of the network pages, run in a process of their own by test_browser.py.

Sync Playwright allows one running instance per process, and other test modules keep theirs open for
the whole session; a child process keeps these checks independent of that. Usage:
    python -m tests.network.browser_checks BASE_URL CHROMIUM
Prints one JSON object: {"problems": [...]}.
"""
import json
import os
import re
import sys

from playwright.sync_api import sync_playwright

from tests.conftest import log_in

DEMO_PASSWORD = "wijkmakers-demo"  # noqa: S105 - the published demo password
PHONE = {"width": 390, "height": 844}
PAGES = {
    "trainee": ["/netwerk", "/netwerk?thema=energietransitie&wijk=Selwerd", "/netwerk/mijn-profiel",
                "/netwerk/berichten", "/netwerk/initiatieven", "/netwerk/initiatieven/nieuw"],
    "deelnemer": ["/netwerk", "/netwerk/initiatieven", "/netwerk/mijn-profiel"],
    "organisator": ["/netwerk/cijfers", "/netwerk/meldingen"],
}


def accessibility_and_phone(browser, base, problems):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    for who, paths in PAGES.items():
        desk = browser.new_context(locale="nl-NL", timezone_id="Europe/Amsterdam")
        phone = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                    locale="nl-NL", timezone_id="Europe/Amsterdam")
        page, phone_page = desk.new_page(), phone.new_page()
        log_in(page, base, who)
        log_in(phone_page, base, who)
        urls = [base + p for p in paths]
        if who == "trainee":
            page.goto(base + "/netwerk")
            urls.append(base + page.locator("a[href^='/netwerk/mensen/']").first.get_attribute("href"))
            page.goto(base + "/netwerk/initiatieven")
            urls.append(base + page.locator("a[href^='/netwerk/initiatieven/1']").first.get_attribute("href"))
        for url in urls:
            response = page.goto(url)
            if response.status != 200:
                problems.append(f"{who} {url}: status {response.status}")
                continue
            for violation in axe.run(page).response["violations"]:
                if violation["impact"] in ("serious", "critical"):
                    problems.append(f"{who} {url}: {violation['id']} {[n['target'] for n in violation['nodes'][:3]]}")
            phone_page.goto(url)
            overflow = phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                problems.append(f"{who} {url}: {overflow}px wider than a phone")
        desk.close()
        phone.close()


def contact_flow(browser, base, problems):
    """Opt in, find Milan in Selwerd on energietransitie and write to him, through the real forms."""
    context = browser.new_context(locale="nl-NL", timezone_id="Europe/Amsterdam")
    page = context.new_page()
    log_in(page, base, "deelnemer")
    page.goto(base + "/netwerk/mijn-profiel")
    page.get_by_label("Energietransitie").check()
    page.get_by_label("Wijk", exact=True).select_option("Selwerd")
    page.get_by_role("button", name="Opslaan en meedoen").click()
    if "Welkom in het netwerk" not in page.content():
        problems.append("opting in did not show the welcome message")
    page.goto(base + "/netwerk")
    page.get_by_label("Thema", exact=True).select_option("energietransitie")
    page.get_by_label("Wijk", exact=True).select_option("Selwerd")
    page.get_by_role("button", name="Zoeken").click()
    page.get_by_role("link", name="Milan Hoekstra").click()
    page.get_by_label("Je bericht").fill("Hoi Milan, ik wil graag meedoen met de warmtescan!")
    page.get_by_role("button", name="Bericht versturen").click()
    if not re.search(r"Je bericht aan Milan Hoekstra is verstuurd", page.content()):
        problems.append("the contact request was not confirmed")
    context.close()


def main(base: str, chromium: str) -> None:
    args = ["--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--disable-gpu", "--disable-quic"]
    if os.geteuid() == 0:
        args.append("--no-sandbox")
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=args)
        accessibility_and_phone(browser, base, problems)
        contact_flow(browser, base, problems)
        browser.close()
    print(json.dumps({"problems": problems}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
