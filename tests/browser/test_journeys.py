"""The people's journeys through the portal, in Chromium on the demo academy."""
import re
from datetime import date

from sqlalchemy import select

from wijkmakers.certificates.models import Certificate
from wijkmakers.extensions import db

from .conftest import log_in


def test_participant_signs_up_for_a_walk_and_lands_on_a_waiting_list_when_full(page, live_server):
    log_in(page, live_server, "deelnemer")
    page.get_by_role("link", name="Agenda").first.click()
    page.wait_for_url(re.compile(r".*/agenda"))
    # the first walk with a free seat she is not yet signed up for (other journeys share this server)
    page.goto(live_server + "/agenda?soort=wijkwandeling")
    walks = page.locator("main a[href^='/agenda/']").filter(has_text="Wijkwandeling")
    for href in [walks.nth(i).get_attribute("href") for i in range(walks.count())]:
        page.goto(live_server + href)
        if page.get_by_role("button", name="Aanmelden", exact=True).count():
            break
    page.get_by_role("button", name="Aanmelden", exact=True).click()
    assert "Je bent aangemeld" in page.inner_text("main")
    # the workshop that is full: the waiting list, with the position shown
    page.goto(live_server + "/agenda?soort=workshop")
    page.get_by_role("link", name=re.compile("keukentafelgesprek")).first.click()
    page.get_by_role("button", name="Aanmelden voor de wachtlijst").click()
    assert re.search(r"wachtlijst \(plaats \d+", page.inner_text("main"))
    page.goto(live_server + "/mijn-aanmeldingen")
    assert "keukentafelgesprek" in page.inner_text("main")


def test_organiser_creates_a_walk_series_and_the_guide_takes_attendance_on_a_phone(page, phone_page, live_server):
    log_in(page, live_server, "organisator")
    page.goto(live_server + "/activiteiten/reeks")
    page.get_by_label("Thema's (één per regel)").fill("Bomen in de buurt\nWinterlicht\nBuren helpen buren")
    page.get_by_label("Eerste datum").fill(f"{date.today().year + 1}-02-12")
    page.get_by_label("Aantal maanden").fill("3")
    page.get_by_label("Begintijd").fill("14:00")
    page.get_by_label("Eindtijd").fill("16:00")
    page.get_by_role("button", name="Reeks aanmaken").click()
    page.goto(live_server + f"/agenda?soort=wijkwandeling&maand={date.today().year + 1}-02")
    assert "bomen in de buurt" in page.inner_text("main").lower()

    log_in(phone_page, live_server, "begeleider")
    phone_page.locator("main a[href$='/aanwezigheid']").first.click()
    phone_page.wait_for_url(re.compile(r".*/aanwezigheid$"))
    before = int(re.search(r"(\d+) aanwezig", phone_page.inner_text("main")).group(1))
    phone_page.locator(".attendance-row").first.get_by_role("button", name=re.compile("^Aanwezig")).click()
    after = int(re.search(r"(\d+) aanwezig", phone_page.inner_text("main")).group(1))
    assert after == before + 1
    button = phone_page.locator(".attendance-row").first.get_by_role("button", name=re.compile("^Afwezig"))
    assert button.bounding_box()["height"] >= 44  # a touch target
    overflow = phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_coordinator_exports_figures_and_a_certificate_is_downloaded_and_verified(page, live_server, live_app):
    log_in(page, live_server, "coordinator")
    page.goto(live_server + "/cijfers")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel (.xlsx)").click()
    assert download_info.value.suggested_filename.endswith(".xlsx")

    with live_app.app_context():
        certificate = db.session.scalar(select(Certificate).where(Certificate.revoked_at.is_(None),
                                                                  Certificate.kind == "certificaat"))
        certificate_id, code, holder = certificate.id, certificate.code, certificate.holder_name
        db.session.remove()
    page.context.clear_cookies()
    log_in(page, live_server, "organisator")
    pdf = page.request.get(f"{live_server}/certificaten/{certificate_id}/pdf")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    anonymous = page.context.browser.new_page()
    anonymous.goto(f"{live_server}/certificaat/{code}")
    text = anonymous.inner_text("main")
    assert holder in text and "geldig" in text.lower()
    anonymous.close()
