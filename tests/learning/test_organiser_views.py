"""The organisers' pages: cohorts, a new cohort with its schedule, sessions, attendance, requests, the
overview with at-risk flags and its CSV export. Coordinators may look; other roles get 403."""
import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from wijkmakers.activities.models import KIND_SESSION, STATUS_CANCELLED, Activity, Attendance
from wijkmakers.core.timeutil import local_today, to_local
from wijkmakers.extensions import db
from wijkmakers.learning.models import (ENROLMENT_ACTIVE, ENROLMENT_COMPLETED, ENROLMENT_REJECTED,
                                        ENROLMENT_REQUESTED, ENROLMENT_WITHDRAWN, Cohort, Enrolment)
from wijkmakers.notifications.models import OutboxMessage

from ..conftest import login
from .helpers import attend, enrol_directly, make_cohort, make_programme, make_session, study

ORGANISER_GETS = ["/leergangen", "/leergangen/nieuw", "/leergangen/groep/{c}", "/leergangen/groep/{c}/bewerken",
                  "/leergangen/groep/{c}/overzicht.csv", "/leergangen/groep/{c}/bijeenkomst/nieuw",
                  "/leergangen/leergang/{p}"]


def _html(response):
    return response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["deelnemer", "begeleider", "partnercontact", "beheerder"])
def test_other_roles_are_refused(client, course, make, role):
    login(client, make.user(roles=(role,)))
    for path in ORGANISER_GETS:
        assert client.get(path.format(c=course.cohort.id, p=course.programme.id)).status_code == 403, path
    assert client.post(f"/leergangen/groep/{course.cohort.id}/afronding").status_code == 403
    assert client.post(f"/leergangen/groep/{course.cohort.id}/inschrijven", data={"email": "x@example.org"}
                       ).status_code == 403


def test_coordinator_may_look_but_not_change(client, course, make):
    login(client, make.user(roles=("coordinator",)))
    assert client.get("/leergangen").status_code == 200
    assert client.get(f"/leergangen/groep/{course.cohort.id}").status_code == 200
    assert client.get(f"/leergangen/groep/{course.cohort.id}/overzicht.csv").status_code == 200
    assert client.get("/leergangen/nieuw").status_code == 403
    assert client.get(f"/leergangen/leergang/{course.programme.id}").status_code == 403
    assert client.post(f"/leergangen/groep/{course.cohort.id}/afronding").status_code == 403
    page = _html(client.get(f"/leergangen/groep/{course.cohort.id}"))
    assert "Groep bewerken" not in page and "Afronding controleren" not in page


def test_create_a_cohort_with_a_schedule_of_sessions(client, course, make):
    login(client, course.organiser)
    form = _html(client.get(f"/leergangen/nieuw?leergang={course.programme.id}"))
    assert "Plan meteen een bijeenkomst per module" in form
    start = local_today() + timedelta(days=30)
    response = client.post("/leergangen/nieuw", data={
        "programme_id": course.programme.id, "name": "2027-2028", "starts_on": start.isoformat(),
        "ends_on": (start + timedelta(days=200)).isoformat(), "capacity": "18", "open_for_requests": "y",
        "plan_sessions": "y", "first_session": (start + timedelta(days=7)).isoformat(), "session_time": "13:30",
        "duration_minutes": "180", "interval_weeks": "3", "location": "Wijkcentrum De Dialoog"})
    assert response.status_code == 302, _html(response)
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == "2027-2028"))
    assert cohort.capacity == 18 and cohort.open_for_requests
    sessions = db.session.scalars(select(Activity).where(Activity.cohort_id == cohort.id)
                                  .order_by(Activity.starts_at)).all()
    assert [s.module_id for s in sessions] == [m.id for m in course.modules]
    assert all(s.kind == KIND_SESSION and s.location == "Wijkcentrum De Dialoog" for s in sessions)
    first = to_local(sessions[0].starts_at)
    assert first.date() == start + timedelta(days=7) and (first.hour, first.minute) == (13, 30)
    assert to_local(sessions[1].starts_at).date() == start + timedelta(days=28)
    assert (sessions[0].ends_at - sessions[0].starts_at) == timedelta(hours=3)
    assert response.headers["Location"].endswith(f"/leergangen/groep/{cohort.id}")
    page = _html(client.get(f"/leergangen/groep/{cohort.id}"))
    assert "<h1>Leergang Test 2027-2028</h1>" in page and "Wijkcentrum De Dialoog" in page


@pytest.mark.parametrize("change,message", [
    ({"ends_on": "2026-01-01"}, "De einddatum ligt vóór de begindatum."),
    ({"name": ""}, "Geef de groep een naam."),
    ({"capacity": "0"}, "Kies een aantal tussen 1 en 500."),
    ({"first_session": ""}, "Kies de datum van de eerste bijeenkomst."),
    ({"interval_weeks": "20"}, "buiten de looptijd van de groep"),
    ({"name": "2026-2027"}, "Er is al een groep met de naam 2026-2027"),
    ({"programme_id": "999"}, "Kies een leergang uit de lijst."),
    ({"starts_on": "31-02-2027"}, "Kies een geldige datum."),
    ({"capacity": "veel"}, "Ongeldig getal."),
    ({"session_time": "25:99"}, "Ongeldige waarde voor tijd."),
])
def test_new_cohort_errors_are_shown_in_dutch(client, course, change, message):
    login(client, course.organiser)
    start = local_today() + timedelta(days=30)
    data = {"programme_id": course.programme.id, "name": "2030", "starts_on": start.isoformat(),
            "ends_on": (start + timedelta(days=100)).isoformat(), "capacity": "20", "plan_sessions": "y",
            "first_session": start.isoformat(), "session_time": "19:00", "duration_minutes": "120",
            "interval_weeks": "2", "location": "Buurthuis"}
    data.update(change)
    response = client.post("/leergangen/nieuw", data=data)
    assert response.status_code == 422 and message in _html(response)
    assert "Not a valid" not in _html(response)  # WTForms' own messages are Dutch too
    assert db.session.scalar(select(func.count()).select_from(Cohort)) == 1
    assert db.session.scalar(select(func.count()).select_from(Activity)) == 0


def test_edit_cohort_refuses_capacity_below_enrolled_and_sessions_outside(client, course, make):
    login(client, course.organiser)
    enrol_directly(course.cohort, make.user())
    enrol_directly(course.cohort, make.user())
    make_session(course.cohort, course.modules[0], days_from_now=-10)
    base = {"name": course.cohort.name, "starts_on": course.cohort.starts_on.isoformat(),
            "ends_on": course.cohort.ends_on.isoformat(), "capacity": "1"}
    response = client.post(f"/leergangen/groep/{course.cohort.id}/bewerken", data=base)
    assert response.status_code == 422 and "al 2 deelnemers" in _html(response)
    base.update(capacity="25", starts_on=(local_today() - timedelta(days=5)).isoformat())
    response = client.post(f"/leergangen/groep/{course.cohort.id}/bewerken", data=base)
    assert response.status_code == 422 and "bijeenkomsten buiten deze periode" in _html(response)
    base.update(starts_on=course.cohort.starts_on.isoformat(), name="Najaar")
    assert client.post(f"/leergangen/groep/{course.cohort.id}/bewerken", data=base).status_code == 302
    db.session.expire_all()
    assert db.session.get(Cohort, course.cohort.id).capacity == 25


def test_add_edit_and_cancel_a_session(client, course, make):
    login(client, course.organiser)
    person = make.user(email="deelnemer@example.org")
    enrol_directly(course.cohort, person)
    day = local_today() + timedelta(days=10)
    data = {"module_id": course.modules[1].id, "title": "", "day": day.isoformat(), "start": "19:00",
            "end": "21:30", "location": "Buurthuis Selwerd"}
    assert client.post(f"/leergangen/groep/{course.cohort.id}/bijeenkomst/nieuw", data=data).status_code == 302
    session = db.session.scalar(select(Activity))
    assert session.title == "Leergang Test: Samen beslissen" and to_local(session.starts_at).hour == 19
    outside = dict(data, day=(course.cohort.ends_on + timedelta(days=1)).isoformat())
    response = client.post(f"/leergangen/groep/{course.cohort.id}/bijeenkomst/nieuw", data=outside)
    assert response.status_code == 422 and "binnen de looptijd" in _html(response)
    backwards = dict(data, end="18:00")
    assert "De eindtijd moet na de begintijd liggen." in _html(
        client.post(f"/leergangen/groep/{course.cohort.id}/bijeenkomst/nieuw", data=backwards))
    wrong_module = dict(data, module_id="99999")
    assert client.post(f"/leergangen/groep/{course.cohort.id}/bijeenkomst/nieuw", data=wrong_module
                       ).status_code == 422

    edit = f"/leergangen/groep/{course.cohort.id}/bijeenkomst/{session.id}"
    assert "Buurthuis Selwerd" in _html(client.get(edit))
    assert client.post(edit, data=dict(data, location="Forum Groningen", start="18:30")).status_code == 302
    db.session.expire_all()
    session = db.session.get(Activity, session.id)
    assert session.location == "Forum Groningen" and session.ics_sequence == 1

    assert client.post(f"{edit}/annuleren", data={"reason": "ja"}).status_code == 422
    assert client.post(f"{edit}/annuleren", data={"reason": "De zaal is onder water gelopen."}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Activity, session.id).status == STATUS_CANCELLED
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "deelnemer@example.org"))
    assert "Geannuleerd" in mail.subject and "onder water" in mail.body
    again = client.post(f"{edit}/annuleren", data={"reason": "Nog een keer annuleren"}, follow_redirects=True)
    assert "al geannuleerd" in _html(again)


def test_session_or_enrolment_of_another_cohort_is_not_found(client, course, make):
    login(client, course.organiser)
    other = make_cohort(course.programme, name="andere")
    foreign_session = make_session(other, course.modules[0])
    foreign = enrol_directly(other, make.user(), status=ENROLMENT_REQUESTED)
    c = course.cohort.id
    assert client.get(f"/leergangen/groep/{c}/bijeenkomst/{foreign_session.id}").status_code == 404
    assert client.get(f"/leergangen/groep/{c}/bijeenkomst/{foreign_session.id}/presentie").status_code == 404
    assert client.post(f"/leergangen/groep/{c}/bijeenkomst/{foreign_session.id}/annuleren",
                       data={"reason": "mag niet hier"}).status_code == 404
    for action in ("goedkeuren", "afwijzen", "stoppen", "mentor"):
        assert client.post(f"/leergangen/groep/{c}/inschrijving/{foreign.id}/{action}").status_code == 404, action
    assert db.session.get(Enrolment, foreign.id).status == ENROLMENT_REQUESTED
    walk = make.activity()
    assert client.get(f"/leergangen/groep/{other.id}/bijeenkomst/{walk.id}").status_code == 404
    assert client.get("/leergangen/groep/999999").status_code == 404
    assert client.get("/leergangen/leergang/999999").status_code == 404


def test_approve_and_reject_requests_from_the_list(client, course, make):
    login(client, course.organiser)
    yes = enrol_directly(course.cohort, make.user(name="Ja Persoon"), status=ENROLMENT_REQUESTED)
    no = enrol_directly(course.cohort, make.user(name="Nee Persoon", email="nee@example.org"),
                        status=ENROLMENT_REQUESTED)
    page = _html(client.get("/leergangen"))
    assert "Ja Persoon" in page and "Nee Persoon" in page
    client.post(f"/leergangen/groep/{course.cohort.id}/inschrijving/{yes.id}/goedkeuren", data={"terug": "lijst"})
    client.post(f"/leergangen/groep/{course.cohort.id}/inschrijving/{no.id}/afwijzen",
                data={"reason": "Volgend jaar weer.", "terug": "lijst"})
    db.session.expire_all()
    assert db.session.get(Enrolment, yes.id).status == ENROLMENT_ACTIVE
    assert db.session.get(Enrolment, no.id).status == ENROLMENT_REJECTED
    twice = client.post(f"/leergangen/groep/{course.cohort.id}/inschrijving/{yes.id}/goedkeuren",
                        follow_redirects=True)
    assert "al behandeld" in _html(twice)
    too_long = client.post(f"/leergangen/groep/{course.cohort.id}/inschrijving/{no.id}/afwijzen",
                           data={"reason": "x" * 501}, follow_redirects=True)
    assert "hoogstens 500 tekens" in _html(too_long)


def test_enrol_by_email(client, course, make):
    login(client, course.organiser)
    person = make.user(email="nieuw@example.org")
    url = f"/leergangen/groep/{course.cohort.id}/inschrijven"
    assert "ingeschreven" in _html(client.post(url, data={"email": "Nieuw@Example.org"}, follow_redirects=True))
    assert db.session.scalar(select(Enrolment.user_id)) == person.id
    assert "al ingeschreven" in _html(client.post(url, data={"email": "nieuw@example.org"}, follow_redirects=True))
    assert "geen account" in _html(client.post(url, data={"email": "onbekend@example.org"}, follow_redirects=True))
    assert "geldig e-mailadres" in _html(client.post(url, data={"email": "geen-adres"}, follow_redirects=True))


def test_withdraw_a_participant(client, course, make):
    login(client, course.organiser)
    enrolment = enrol_directly(course.cohort, make.user())
    client.post(f"/leergangen/groep/{course.cohort.id}/inschrijving/{enrolment.id}/stoppen")
    db.session.expire_all()
    assert db.session.get(Enrolment, enrolment.id).status == ENROLMENT_WITHDRAWN


def test_attendance_list_saves_and_completes(client, course, make, completions):
    login(client, course.organiser)
    course.programme.require_all_modules = False
    db.session.commit()
    here, away = make.user(name="Anouk Aanwezig"), make.user(name="Bram Afwezig")
    here_enrolment = enrol_directly(course.cohort, here)
    enrol_directly(course.cohort, away)
    session = make_session(course.cohort, course.modules[0], days_from_now=-1)
    url = f"/leergangen/groep/{course.cohort.id}/bijeenkomst/{session.id}/presentie"
    page = _html(client.get(url))
    assert "Anouk Aanwezig" in page and "Bram Afwezig" in page and "Iedereen aanvinken" in page
    response = client.post(url, data={"aanwezig": [str(here.id)]})
    assert response.status_code == 302
    rows = dict(db.session.execute(select(Attendance.user_id, Attendance.present)).all())
    assert rows == {here.id: True, away.id: False}
    assert completions == [here_enrolment.id]  # 1 of 1 session = 100%
    assert client.post(url, data={"aanwezig": ["abc"]}).status_code == 400
    stranger = make.user()
    assert "niet bij deze groep hoort" in _html(client.post(url, data={"aanwezig": [str(stranger.id)]},
                                                            follow_redirects=True))
    future = make_session(course.cohort, course.modules[1], days_from_now=+10)
    future_url = f"/leergangen/groep/{course.cohort.id}/bijeenkomst/{future.id}/presentie"
    assert "vanaf de dag van de bijeenkomst" in _html(client.get(future_url))
    assert "vanaf de dag van de bijeenkomst" in _html(client.post(future_url, data={"aanwezig": [str(here.id)]},
                                                                  follow_redirects=True))


def test_overview_shows_matrix_attendance_status_and_risk(client, course, make):
    login(client, course.organiser)
    good, weak = make.user(name="Goed Bezig"), make.user(name="Zwak Bezig")
    enrol_directly(course.cohort, good)
    enrol_directly(course.cohort, weak)
    enrol_directly(course.cohort, make.user(name="Gestopt Persoon"), status=ENROLMENT_WITHDRAWN)
    enrol_directly(course.cohort, make.user(name="Klaar Persoon"), status=ENROLMENT_COMPLETED)
    sessions = [make_session(course.cohort, m, days_from_now=-20 + i) for i, m in enumerate(course.modules)]
    for session in sessions:
        attend(session, good)
    attend(sessions[0], weak)
    study(good, *course.modules)
    page = _html(client.get(f"/leergangen/groep/{course.cohort.id}"))
    assert "Goed Bezig" in page and "Zwak Bezig" in page and "Gestopt Persoon" in page
    assert "3/3 (100%)" in page and "1/3 (33%)" in page
    assert "Aanwezigheid onder de norm" in page and "Loopt achter met modules" in page
    assert "Kan de norm niet meer halen" in page
    assert '<dt>Vragen aandacht</dt><dd>1</dd>' in page


def test_csv_export_has_bom_semicolons_and_neutralised_cells(client, course, make):
    login(client, course.organiser)
    enrol_directly(course.cohort, make.user(name="=HYPERLINK(\"http://x\")", email="formule@example.org"))
    enrol_directly(course.cohort, make.user(name="Gewone Naam"))
    response = client.get(f"/leergangen/groep/{course.cohort.id}/overzicht.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert 'filename="leergang-test-2026-2027.csv"' in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["Naam", "E-mailadres", "Organisatie", "Status", "Modules bestudeerd"]
    assert "De wijk verkennen" in rows[0]
    names = [r[0] for r in rows[1:]]
    assert "'=HYPERLINK(\"http://x\")" in names and "Gewone Naam" in names


def test_overview_is_a_constant_number_of_queries(client, course, make, count_queries):
    login(client, course.organiser)

    def grow(n, offset):
        for i in range(n):
            person = make.user(organisation_id=make.organisation().id)
            enrol_directly(course.cohort, person)
            session = make_session(course.cohort, course.modules[i % 3], days_from_now=-(offset + i))
            attend(session, person)
            study(person, course.modules[i % 3])
        enrol_directly(course.cohort, make.user(), status=ENROLMENT_REQUESTED)

    grow(2, 1)
    counts = []
    for url in (f"/leergangen/groep/{course.cohort.id}", f"/leergangen/groep/{course.cohort.id}/overzicht.csv",
                "/leergangen", "/leren/trainees"):
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        counts.append(counter.count)
    grow(12, 10)
    make_cohort(course.programme, name="nog een")
    for url, before in zip((f"/leergangen/groep/{course.cohort.id}",
                            f"/leergangen/groep/{course.cohort.id}/overzicht.csv", "/leergangen", "/leren/trainees"),
                           counts, strict=True):
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        assert counter.count == before, url


def test_programme_rules_can_be_edited(client, course):
    login(client, course.organiser)
    url = f"/leergangen/leergang/{course.programme.id}"
    assert "Minimale aanwezigheid" in _html(client.get(url))
    assert client.post(url, data={"min_attendance_pct": "101"}).status_code == 422
    assert client.post(url, data={"min_attendance_pct": ""}).status_code == 422
    assert client.post(url, data={"min_attendance_pct": "70"}).status_code == 302
    db.session.expire_all()
    assert course.programme.min_attendance_pct == 70 and course.programme.require_all_modules is False
    assert "aanwezig bij minstens 70% van de bijeenkomsten" in _html(client.get("/leergangen"))


def test_evaluate_button(client, course, make, completions):
    login(client, course.organiser)
    course.programme.min_attendance_pct = 0
    db.session.commit()
    person = make.user()
    enrolment = enrol_directly(course.cohort, person)
    study(person, *course.modules)
    response = client.post(f"/leergangen/groep/{course.cohort.id}/afronding", follow_redirects=True)
    assert "1 deelnemer(s) voldoen" in _html(response) and completions == [enrolment.id]
    response = client.post(f"/leergangen/groep/{course.cohort.id}/afronding", follow_redirects=True)
    assert "Niemand anders voldoet" in _html(response)


def test_cohort_list_counts(client, course, make):
    login(client, course.organiser)
    enrol_directly(course.cohort, make.user())
    enrol_directly(course.cohort, make.user(), status=ENROLMENT_COMPLETED)
    make_session(course.cohort, course.modules[0])
    make_session(course.cohort, course.modules[1], cancelled=True)
    page = _html(client.get("/leergangen"))
    assert "18 van 20" in page and "Nieuwe groep voor Leergang Test" in page
    other = make_programme(course.modules[:1], slug="leeg", name="Lege leergang")
    assert other.name in _html(client.get("/leergangen"))
    assert date.today()  # the page renders for programmes without cohorts too


def test_the_cohort_list_shows_running_groups_and_ended_ones_on_their_own_page(client, course, make):
    make_cohort(course.programme, name="Voorjaar 2019", starts_on=date(2019, 2, 1), ends_on=date(2019, 7, 1))
    enrol_directly(course.cohort, make.user(name="Actief Persoon"))
    login(client, course.organiser)
    running = _html(client.get("/leergangen"))
    assert "2026-2027" in running and "Voorjaar 2019" not in running
    assert '<td class="num">1</td>' in running  # the active enrolment is counted on the page
    ended = _html(client.get("/leergangen?periode=afgelopen"))
    assert "Voorjaar 2019" in ended and "2026-2027" not in ended
    for n in range(26):
        make_cohort(course.programme, name=f"Oud {n}", starts_on=date(2018, 1, 1), ends_on=date(2018, 6, 1))
    assert "Pagina 1 van 2" in _html(client.get("/leergangen?periode=afgelopen"))
    assert "Pagina 2 van 2" in _html(client.get("/leergangen?periode=afgelopen&pagina=2"))
