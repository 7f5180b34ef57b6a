"""The activities feature in Chromium, on the demo academy: the three "done" journeys and axe on its pages.

Browser tests run in their own single-process pytest run (see the Makefile); they use the session's live
server from tests/conftest.py.
"""
import re
from datetime import date, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select

from wijkmakers.activities import agenda, signups
from wijkmakers.activities.models import KIND_WALK, STATUS_PLANNED, Activity, Registration
from wijkmakers.auth.models import User
from wijkmakers.core.timeutil import utcnow
from wijkmakers.extensions import db
from wijkmakers.notifications.models import OutboxMessage

from ..conftest import log_in


def _full_walk(live_app) -> int:
    """A planned walk in the future, filled up to its capacity (demo participants)."""
    with live_app.app_context():
        walk = db.session.scalar(select(Activity).where(
            Activity.kind == KIND_WALK, Activity.status == STATUS_PLANNED,
            Activity.starts_at > utcnow() + timedelta(days=4)).order_by(Activity.starts_at.desc()))
        taken = set(db.session.scalars(select(Registration.user_id).where(Registration.activity_id == walk.id)))
        people = db.session.scalars(select(User).where(User.email.like("%.0.%@wijkmakers.example"),
                                                       User.id.not_in(taken or {0})).order_by(User.id)
                                    .limit(walk.capacity + 2)).all()
        for person in people:
            if signups.seats_left(walk) == 0:
                break
            try:
                signups.register(walk, person, notify=False)
            except signups.SignupError:  # a guide of this walk
                continue
        walk_id = walk.id
        db.session.remove()
    return walk_id


def test_a_new_visitor_signs_up_for_a_full_walk_and_lands_on_the_waiting_list(browser, live_server, live_app):
    walk_id = _full_walk(live_app)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  locale="nl-NL", timezone_id="Europe/Amsterdam")
    page = context.new_page()
    page.goto(f"{live_server}/agenda/{walk_id}")
    page.get_by_role("link", name="Op de wachtlijst zonder account").click()
    page.get_by_label("Naam").fill("Noor Nieuwkomer")
    page.get_by_label("E-mailadres").fill("noor.nieuwkomer@voorbeeld.nl")
    page.get_by_label("Bewoner").check()
    page.get_by_role("button", name="Aanmelden").click()
    assert "Bekijk je e-mail" in page.inner_text("main")
    with live_app.app_context():
        body = db.session.scalar(select(OutboxMessage.body).where(
            OutboxMessage.recipient == "noor.nieuwkomer@voorbeeld.nl"))
        db.session.remove()
    link = re.search(r"(/aanmelding-bevestigen/\S+)", body).group(1)
    page.goto(live_server + link)
    page.get_by_role("button", name="Bevestig mijn aanmelding").click()
    assert re.search(r"wachtlijst, plaats \d+", page.inner_text("main"))
    page.goto(f"{live_server}/mijn-aanmeldingen")
    assert re.search(r"Wachtlijst \(plaats \d+\)", page.inner_text("main"))
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    context.close()


def test_the_organiser_plans_a_series_and_the_guide_takes_attendance_with_a_code(page, phone_page, live_server,
                                                                                  live_app):
    log_in(page, live_server, "organisator")
    page.goto(live_server + "/activiteiten/reeks")
    page.get_by_label("Thema's (één per regel)").fill("Licht in de straat\nSpeelplekken")
    page.get_by_label("Eerste datum").fill(f"{date.today().year + 2}-03-10")
    page.get_by_label("Aantal maanden").fill("2")
    page.get_by_label("Begintijd").fill("14:00")
    page.get_by_label("Eindtijd").fill("16:00")
    page.get_by_label("Wijken (één per regel, op volgorde)").fill("Lewenborg")
    page.get_by_role("button", name="Reeks aanmaken").click()
    assert "2 wijkwandelingen ingepland" in page.inner_text("main")
    page.goto(f"{live_server}/agenda?soort=wijkwandeling&maand={date.today().year + 2}-03")
    assert "licht in de straat" in page.inner_text("main").lower()

    # the guide's walk: one participant checks in with the code from her own page
    with live_app.app_context():
        guide = db.session.scalar(select(User).where(User.email == "begeleider@wijkmakers.example"))
        walk = agenda.upcoming_for_guide(guide)[0]
        participant = db.session.scalar(select(User).where(User.email == "deelnemer@wijkmakers.example"))
        if signups.active_registration(walk.id, participant.id) is None:
            signups.register(walk, participant, by=db.session.scalar(
                select(User).where(User.email == "organisator@wijkmakers.example")), notify=False)
        walk_id = walk.id
        db.session.remove()
    participant_page = page.context.browser.new_page()
    log_in(participant_page, live_server, "deelnemer")
    participant_page.goto(live_server + "/mijn-aanmeldingen")
    code = participant_page.locator(".checkin-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    participant_page.close()

    log_in(phone_page, live_server, "begeleider")
    response = phone_page.goto(f"{live_server}/agenda/{walk_id}/aanwezigheid")
    assert response.status == 200, phone_page.inner_text("main")
    before = int(re.search(r"(\d+) aanwezig", phone_page.inner_text("main")).group(1))
    phone_page.get_by_label("Code van de deelnemer").fill(code.lower())
    phone_page.get_by_role("button", name="Aanwezig melden", exact=True).click()
    text = phone_page.inner_text("main")
    assert "Sanne de Vries is aanwezig gemeld" in text
    assert int(re.search(r"(\d+) aanwezig", text).group(1)) == before + 1
    for button in phone_page.locator(".attendance-row button").all()[:4]:
        assert button.bounding_box()["height"] >= 44
    assert phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


PAGES = {
    None: ["/agenda"],
    "deelnemer": ["/mijn-aanmeldingen", "/mijn-aanmeldingen/agenda-koppeling"],
    "organisator": ["/activiteiten", "/activiteiten/nieuw", "/activiteiten/reeks", "/activiteiten/evaluaties",
                    "/activiteiten?periode=afgelopen"],
}
CASES = [(who, path) for who, paths in PAGES.items() for path in paths]


@pytest.mark.parametrize("who,path", CASES, ids=[f"{w or 'anoniem'}:{p}" for w, p in CASES])
def test_no_serious_accessibility_violations(page, live_server, who, path):
    if who:
        log_in(page, live_server, who)
    assert page.goto(live_server + path).status == 200
    _no_serious_violations(page)


def test_pages_of_one_walk_have_no_serious_accessibility_violations(page, live_server, live_app):
    walk_id = _full_walk(live_app)
    page.goto(f"{live_server}/agenda/{walk_id}")
    _no_serious_violations(page)
    page.goto(f"{live_server}/agenda/{walk_id}/aanmelden-zonder-account")
    _no_serious_violations(page)
    log_in(page, live_server, "organisator")
    for path in (f"/activiteiten/{walk_id}/aanmeldingen", f"/agenda/{walk_id}/aanwezigheid",
                 f"/activiteiten/{walk_id}/annuleren", f"/activiteiten/{walk_id}/bewerken"):
        assert page.goto(live_server + path).status == 200, path
        _no_serious_violations(page)


def _no_serious_violations(page):
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}" for v in serious)
