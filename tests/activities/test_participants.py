"""Organisers export an activity's participant list (CSV/XLSX) and mail all participants in one step."""
import csv
import io
from datetime import datetime

import openpyxl
import pytest
from sqlalchemy import select

from wijkmakers.activities import participants, signups
from wijkmakers.activities.models import REG_CANCELLED, REG_CONFIRMED, REG_WAITLISTED, Attendance, Registration
from wijkmakers.core.audit import AuditEvent
from wijkmakers.core.errors import DomainError
from wijkmakers.extensions import db
from wijkmakers.notifications.models import OutboxMessage

from ..conftest import login, outbox
from .conftest import phone_person

HEADER = ["Naam", "E-mailadres", "Telefoon", "Organisatie", "Bewoner of professional", "Status",
          "Plaats op wachtlijst", "Aangemeld op", "Aanwezig"]


@pytest.fixture
def walk(make):
    """A walk with three seats: two confirmed (one known by phone only), one person who cancelled, and
    after the cancellation one more confirmed and one on the waiting list."""
    activity = make.activity(title="Wandeling Selwerd", capacity=3, neighbourhood="Selwerd",
                             meeting_point="Bij de bibliotheek")
    org = make.organisation(name="Welzijn Noord")
    anna = make.user(name="Anna de Vries", email="anna@example.org", organisation_id=org.id)
    bob = phone_person(make, name="Bob Bakker")
    carla = make.user(name="Carla Cancel", email="carla@example.org")
    dirk = make.user(name="Dirk Dijkstra", email="dirk@example.org", kind="bewoner")
    eva = make.user(name="Eva Evers", email="eva@example.org")
    for person in (anna, bob, carla):
        signups.register(activity, person)
    signups.cancel_registration(signups.active_registration(activity.id, carla.id), by=carla)
    signups.register(activity, dirk)
    signups.register(activity, eva)
    db.session.query(OutboxMessage).delete()  # only the mail of the tests themselves
    db.session.commit()
    return activity


def _csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_the_registrations_page_links_to_export_and_mail(client, login_as, walk):
    login_as("organisator")
    html = client.get(f"/activiteiten/{walk.id}/aanmeldingen").get_data(as_text=True)
    assert f"/activiteiten/{walk.id}/deelnemers.xlsx" in html
    assert f"/activiteiten/{walk.id}/deelnemers.csv" in html
    assert f"/activiteiten/{walk.id}/deelnemers-mailen" in html


def test_csv_lists_active_registrations_without_the_cancelled_one(client, login_as, walk):
    login_as("organisator")
    response = client.get(f"/activiteiten/{walk.id}/deelnemers.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"] == f'attachment; filename="deelnemers-activiteit-{walk.id}.csv"'
    rows = _csv(response.data)
    assert rows[0] == HEADER
    by_name = {r[0]: r for r in rows[1:]}
    assert list(by_name) == ["Anna de Vries", "Bob Bakker", "Dirk Dijkstra", "Eva Evers"]  # confirmed first
    assert by_name["Anna de Vries"][1:4] == ["anna@example.org", "", "Welzijn Noord"]
    assert by_name["Bob Bakker"][1:3] == ["", "050-1234567"]
    assert by_name["Dirk Dijkstra"][4:7] == ["Bewoner", "Bevestigd", ""]
    assert by_name["Eva Evers"][5:7] == ["Wachtlijst", "1"]
    assert by_name["Anna de Vries"][7].count("-") == 2 and ":" in by_name["Anna de Vries"][7]


def test_xlsx_has_typed_cells_and_presence(client, login_as, walk):
    anna = db.session.scalars(select(Registration).where(Registration.activity_id == walk.id)).first().user
    db.session.add(Attendance(activity_id=walk.id, user_id=anna.id, present=True))
    db.session.commit()
    login_as("organisator")
    response = client.get(f"/activiteiten/{walk.id}/deelnemers.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.data))["Deelnemers"]
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert len(rows) == 1 + 4
    anna_row = next(r for r in rows if r[0] == "Anna de Vries")
    assert isinstance(anna_row[7], datetime) and anna_row[8] is True
    eva_row = next(r for r in rows if r[0] == "Eva Evers")
    assert eva_row[6] == 1 and eva_row[8] is None


def test_the_export_is_audited_and_unknown_formats_are_not_found(client, login_as, walk):
    organiser = login_as("organisator")
    assert client.get(f"/activiteiten/{walk.id}/deelnemers.pdf").status_code == 404
    assert client.get("/activiteiten/424242/deelnemers.csv").status_code == 404
    client.get(f"/activiteiten/{walk.id}/deelnemers.xlsx")
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "activity.participants_exported")).one()
    assert (event.actor_id, event.object_id, event.details) == (organiser.id, walk.id, {"format": "xlsx", "rows": 4})


def test_formula_like_names_are_neutralised(client, login_as, make, walk):
    signups.register(walk, make.user(name="=HYPERLINK(\"http://x\")", email="f@example.org"))
    login_as("organisator")
    names = [r[0] for r in _csv(client.get(f"/activiteiten/{walk.id}/deelnemers.csv").data)]
    assert "'=HYPERLINK(\"http://x\")" in names


def test_mail_all_confirmed_participants_through_the_outbox(client, login_as, walk):
    organiser = login_as("organisator", email="org@example.org", name="Olga Organisator")
    page = client.get(f"/activiteiten/{walk.id}/deelnemers-mailen")
    assert page.status_code == 200 and "Onderwerp" in page.get_data(as_text=True)
    response = client.post(f"/activiteiten/{walk.id}/deelnemers-mailen",
                           data={"recipients": "bevestigd", "subject": "Neem laarzen mee",
                                 "text": "Het is nat in Selwerd.\r\nTot zaterdag!"}, follow_redirects=True)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "klaargezet voor verzending aan 2 deelnemers" in body
    assert "1 deelnemer heeft geen e-mailadres" in body
    mails = outbox()
    assert sorted(m.recipient for m in mails) == ["anna@example.org", "dirk@example.org"]  # one each
    assert all(m.subject == "Neem laarzen mee" and m.reply_to == "org@example.org" for m in mails)
    anna = next(m for m in mails if m.recipient == "anna@example.org")
    assert "Beste Anna de Vries" in anna.body and "Het is nat in Selwerd.\nTot zaterdag!" in anna.body
    assert "Bij de bibliotheek" in anna.body and "Olga Organisator" in anna.body
    assert outbox(recipient="carla@example.org") == [] and outbox(recipient="eva@example.org") == []
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "activity.participants_mailed")).one()
    assert event.actor_id == organiser.id and event.details["queued"] == 2


def test_mail_with_the_waiting_list(client, login_as, walk):
    login_as("organisator")
    client.post(f"/activiteiten/{walk.id}/deelnemers-mailen",
                data={"recipients": "met_wachtlijst", "subject": "Wijziging", "text": "We starten later."})
    assert sorted(m.recipient for m in outbox()) == ["anna@example.org", "dirk@example.org", "eva@example.org"]
    statuses = {r.user.email: r.status for r in db.session.scalars(
        select(Registration).where(Registration.activity_id == walk.id))}
    assert statuses["carla@example.org"] == REG_CANCELLED and statuses["eva@example.org"] == REG_WAITLISTED
    assert statuses["dirk@example.org"] == REG_CONFIRMED


@pytest.mark.parametrize(("data", "message"), [
    ({"recipients": "bevestigd", "subject": "", "text": "Iets"}, "Vul het onderwerp in."),
    ({"recipients": "bevestigd", "subject": "Iets", "text": "   "}, "Vul het bericht in."),
    ({"recipients": "bevestigd", "subject": "x" * 151, "text": "Iets"}, "hoogstens 150 tekens"),
    ({"recipients": "bevestigd", "subject": "Iets", "text": "x" * 5001}, "hoogstens 5000 tekens"),
    ({"recipients": "iedereen-op-aarde", "subject": "Iets", "text": "Iets"}, "Kies wie het bericht krijgt."),
])
def test_bad_input_is_refused_in_dutch_and_nothing_is_queued(client, login_as, walk, data, message):
    login_as("organisator")
    response = client.post(f"/activiteiten/{walk.id}/deelnemers-mailen", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert outbox() == []


def test_a_cancelled_activity_or_an_empty_one_gets_no_mail(client, login_as, make, walk):
    organiser = login_as("organisator")
    empty = make.activity(title="Nog leeg")
    response = client.post(f"/activiteiten/{empty.id}/deelnemers-mailen",
                           data={"recipients": "bevestigd", "subject": "Hallo", "text": "Welkom allemaal"})
    assert response.status_code == 422
    assert "Er is nog niemand aangemeld" in response.get_data(as_text=True)
    walk.status = "geannuleerd"
    db.session.commit()
    response = client.post(f"/activiteiten/{walk.id}/deelnemers-mailen",
                           data={"recipients": "bevestigd", "subject": "Hallo", "text": "Toch nog iets"})
    assert response.status_code == 422
    assert "geannuleerd" in response.get_data(as_text=True)
    assert outbox() == []
    with pytest.raises(DomainError):
        participants.mail_participants(walk, "Hallo", "Toch nog iets", organiser)


def test_course_sessions_have_no_participant_list_here(client, login_as, make):
    login_as("organisator")
    from wijkmakers.learning.models import Cohort, Programme

    programme = Programme(slug="leergang-x", name="Leergang X")
    cohort = Cohort(programme=programme, name="2026", starts_on=datetime(2026, 1, 1).date(),
                    ends_on=datetime(2026, 12, 31).date())
    db.session.add_all([programme, cohort])
    db.session.commit()
    session = make.activity(kind="leergangbijeenkomst", cohort_id=cohort.id)
    assert client.get(f"/activiteiten/{session.id}/deelnemers.csv").status_code == 404
    assert client.post(f"/activiteiten/{session.id}/deelnemers-mailen",
                       data={"subject": "a", "text": "b"}).status_code == 404


def test_the_mail_form_needs_a_csrf_token(app, client, login_as, walk):
    login_as("organisator")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(f"/activiteiten/{walk.id}/deelnemers-mailen",
                               data={"recipients": "bevestigd", "subject": "Hallo", "text": "Zonder token"})
        assert response.status_code in (400, 403)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert outbox() == []


URLS = ["/activiteiten/{id}/deelnemers.csv", "/activiteiten/{id}/deelnemers.xlsx",
        "/activiteiten/{id}/deelnemers-mailen"]


@pytest.mark.parametrize("role", ["deelnemer", "partnercontact", "begeleider", "coordinator"])
def test_other_roles_are_refused(client, make, walk, role):
    login(client, make.user(roles=(role,)))
    for url in URLS:
        assert client.get(url.format(id=walk.id)).status_code == 403, url
    response = client.post(URLS[2].format(id=walk.id),
                           data={"recipients": "bevestigd", "subject": "Hallo", "text": "Niet van jou"})
    assert response.status_code == 403
    assert outbox() == []
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("activity.participants%"))).all() == []


def test_anonymous_visitors_go_to_the_login(client, walk):
    response = client.get(f"/activiteiten/{walk.id}/deelnemers.csv")
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]
