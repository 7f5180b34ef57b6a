"""The participant's pages: my programme, a module, marking it studied, the doe-opdracht, action plans."""
from sqlalchemy import select

from wijkmakers.extensions import db
from wijkmakers.learning.models import (ENROLMENT_ACTIVE, ENROLMENT_COMPLETED, ENROLMENT_REQUESTED,
                                        ENROLMENT_WITHDRAWN, PROGRESS_STUDIED, Enrolment, ModuleProgress)

from ..conftest import login
from .helpers import attend, enrol_directly, make_cohort, make_programme, make_session


def _html(response):
    return response.get_data(as_text=True)


def test_anonymous_is_sent_to_login(client, course):
    for path in ("/leren", "/leren/1", "/leren/1/module/wijk-verkennen", "/leren/actieplannen", "/leren/trainees"):
        response = client.get(path)
        assert response.status_code == 302 and "/inloggen" in response.headers["Location"]


def test_follow_a_module_from_overview_to_doe_opdracht(client, course, make):
    person = make.user(name="Sanne de Vries")
    enrolment = enrol_directly(course.cohort, person)
    past = make_session(course.cohort, course.modules[0], days_from_now=-5)
    make_session(course.cohort, course.modules[1], days_from_now=+9)
    attend(past, person)
    login(client, person)

    overview = _html(client.get("/leren"))
    assert f"/leren/{enrolment.id}" in overview and "Groep 2026-2027" in overview

    page = _html(client.get(f"/leren/{enrolment.id}"))
    assert "0 van 3 modules bestudeerd (0%)" in page
    assert "Volgende bijeenkomst" in page and "Bijeenkomst Samen beslissen" in page
    assert "Aanwezig bij 1 van de 1 bijeenkomsten" in page
    assert f"/leren/{enrolment.id}/module/wijk-verkennen" in page

    module = _html(client.get(f"/leren/{enrolment.id}/module/wijk-verkennen"))
    assert "<h1>De wijk verkennen</h1>" in module and "Je brengt in kaart" in module
    assert "<strong>de wijk</strong>" in module and "Mijn doe-opdracht" in module
    assert "studietijd ongeveer 3 uur" in module

    saved = client.post(f"/leren/{enrolment.id}/module/wijk-verkennen/werk",
                        data={"reflection": "Ik luister eerst.", "action_plan": "Ik bel drie buren."})
    assert saved.status_code == 302
    progress = db.session.scalar(select(ModuleProgress).where(ModuleProgress.user_id == person.id))
    assert progress.action_plan == "Ik bel drie buren." and progress.action_plan_at is not None
    assert progress.status != PROGRESS_STUDIED

    marked = client.post(f"/leren/{enrolment.id}/module/wijk-verkennen/bestudeerd", data={"bestudeerd": "1"})
    assert marked.status_code == 302
    page = _html(client.get(f"/leren/{enrolment.id}"))
    assert "1 van 3 modules bestudeerd (33%)" in page
    undone = client.post(f"/leren/{enrolment.id}/module/wijk-verkennen/bestudeerd", data={"bestudeerd": "0"})
    assert undone.status_code == 302
    assert "0 van 3 modules bestudeerd" in _html(client.get(f"/leren/{enrolment.id}"))


def test_save_and_finish_keeps_the_typed_work_and_marks_the_module_studied(client, course, make, completions):
    course.programme.min_attendance_pct = 0
    db.session.commit()
    person = make.user()
    enrolment = enrol_directly(course.cohort, person)
    login(client, person)
    module = _html(client.get(f"/leren/{enrolment.id}/module/wijk-verkennen"))
    assert "Opslaan en afronden" in module and "Ik heb deze module bestudeerd" not in module
    url = f"/leren/{enrolment.id}/module/wijk-verkennen/werk"
    too_long = client.post(url, data={"reflection": "x" * 20_001, "action_plan": "Mijn plan", "afronden": "1"})
    assert too_long.status_code == 422 and "Mijn plan" in _html(too_long)  # nothing lost, nothing marked
    assert db.session.scalar(select(ModuleProgress).where(ModuleProgress.user_id == person.id)) is None
    done = client.post(url, data={"reflection": "Geleerd.", "action_plan": "Ik bel drie buren.", "afronden": "1"})
    assert done.status_code == 302 and done.location.endswith(f"/leren/{enrolment.id}#modules")
    progress = db.session.scalar(select(ModuleProgress).where(ModuleProgress.user_id == person.id))
    assert (progress.status, progress.action_plan) == (PROGRESS_STUDIED, "Ik bel drie buren.")
    assert completions == []
    for other in course.modules[1:]:
        client.post(f"/leren/{enrolment.id}/module/{other.slug}/werk",
                    data={"reflection": "", "action_plan": "", "afronden": "1"})
    assert completions == [enrolment.id]


def test_last_module_completes_the_programme(client, course, make, completions):
    course.programme.min_attendance_pct = 0
    db.session.commit()
    person = make.user()
    enrolment = enrol_directly(course.cohort, person)
    login(client, person)
    for module in course.modules:
        client.post(f"/leren/{enrolment.id}/module/{module.slug}/bestudeerd", data={"bestudeerd": "1"})
    assert db.session.get(Enrolment, enrolment.id).status == ENROLMENT_COMPLETED and completions == [enrolment.id]
    page = _html(client.get(f"/leren/{enrolment.id}", follow_redirects=True))
    assert "Gefeliciteerd" in page and "3 van 3 modules bestudeerd (100%)" in page
    refused = client.post(f"/leren/{enrolment.id}/module/{course.modules[0].slug}/bestudeerd", data={"bestudeerd": "0"},
                          follow_redirects=True)
    assert "blijven als bestudeerd staan" in _html(refused)


def test_someone_elses_enrolment_is_not_found(client, course, make):
    owner = make.user()
    enrolment = enrol_directly(course.cohort, owner)
    login(client, make.user())
    assert client.get(f"/leren/{enrolment.id}").status_code == 404
    assert client.get(f"/leren/{enrolment.id}/module/wijk-verkennen").status_code == 404
    assert client.post(f"/leren/{enrolment.id}/module/wijk-verkennen/werk",
                       data={"reflection": "x", "action_plan": "y"}).status_code == 404
    assert client.post(f"/leren/{enrolment.id}/module/wijk-verkennen/bestudeerd").status_code == 404
    assert client.post(f"/leren/{enrolment.id}/stoppen").status_code == 404
    assert client.get("/leren/999999").status_code == 404
    assert db.session.scalar(select(ModuleProgress)) is None


def test_module_of_another_programme_or_unknown_slug_is_not_found(client, course, make, tmp_path):
    other = make_programme(course.modules[:1], slug="ander", name="Andere leergang")
    enrolment = enrol_directly(make_cohort(other, name="x"), make.user())
    login(client, enrolment.user)
    assert client.get(f"/leren/{enrolment.id}/module/samen-beslissen").status_code == 404
    assert client.get(f"/leren/{enrolment.id}/module/bestaat-niet").status_code == 404
    assert client.get(f"/leren/{enrolment.id}/module/..%2Fetc").status_code == 404


def test_requested_or_withdrawn_enrolment_cannot_study(client, course, make):
    person = make.user()
    requested = enrol_directly(course.cohort, person, status=ENROLMENT_REQUESTED)
    login(client, person)
    page = _html(client.get(f"/leren/{requested.id}"))
    assert "wacht op een besluit" in page and "/module/" not in page
    response = client.get(f"/leren/{requested.id}/module/wijk-verkennen")
    assert response.status_code == 302
    saved = client.post(f"/leren/{requested.id}/module/wijk-verkennen/werk",
                        data={"reflection": "x", "action_plan": "y"}, follow_redirects=True)
    assert "niet actief" in _html(saved)
    assert db.session.scalar(select(ModuleProgress)) is None


def test_too_long_text_is_refused_with_a_dutch_message(client, course, make):
    person = make.user()
    enrolment = enrol_directly(course.cohort, person)
    login(client, person)
    response = client.post(f"/leren/{enrolment.id}/module/wijk-verkennen/werk",
                           data={"reflection": "x" * 10001, "action_plan": ""})
    assert response.status_code == 422 and "Hoogstens 10.000 tekens" in _html(response)


def test_action_plans_and_what_came_of_them(client, course, make):
    person = make.user()
    enrolment = enrol_directly(course.cohort, person)
    login(client, person)
    assert "nog geen actieplannen" in _html(client.get("/leren/actieplannen"))
    client.post(f"/leren/{enrolment.id}/module/samen-beslissen/werk",
                data={"reflection": "", "action_plan": "Een buurtgesprek organiseren."})
    progress = db.session.scalar(select(ModuleProgress))
    page = _html(client.get("/leren/actieplannen"))
    assert "Een buurtgesprek organiseren." in page and f'id="plan-{progress.id}"' in page
    response = client.post(f"/leren/actieplannen/{progress.id}",
                           data={f"p{progress.id}-outcome": "Twaalf buren kwamen; we starten een moestuin."})
    assert response.status_code == 302
    db.session.expire_all()
    progress = db.session.get(ModuleProgress, progress.id)
    assert progress.action_outcome.startswith("Twaalf buren") and progress.action_outcome_at is not None
    assert "Twaalf buren kwamen" in _html(client.get("/leren/actieplannen"))
    too_long = client.post(f"/leren/actieplannen/{progress.id}", data={f"p{progress.id}-outcome": "x" * 10001})
    assert too_long.status_code == 422


def test_someone_elses_action_plan_cannot_be_changed(client, course, make):
    owner = make.user()
    enrolment = enrol_directly(course.cohort, owner)
    login(client, owner)
    client.post(f"/leren/{enrolment.id}/module/samen-beslissen/werk", data={"reflection": "", "action_plan": "Plan"})
    progress = db.session.scalar(select(ModuleProgress))
    login(client, make.user())
    assert client.post(f"/leren/actieplannen/{progress.id}",
                       data={f"p{progress.id}-outcome": "gekaapt"}).status_code == 404
    assert client.post(f"/leren/actieplannen/{progress.id}", data={f"p{progress.id}-outcome": "x" * 10001}
                       ).status_code == 404
    assert client.post("/leren/actieplannen/999999", data={"p999999-outcome": "x"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(ModuleProgress, progress.id).action_outcome == ""


def test_outcome_needs_a_plan_first(client, course, make):
    person = make.user()
    enrolment = enrol_directly(course.cohort, person)
    login(client, person)
    client.post(f"/leren/{enrolment.id}/module/samen-beslissen/werk", data={"reflection": "Alleen reflectie",
                                                                           "action_plan": ""})
    progress = db.session.scalar(select(ModuleProgress))
    response = client.post(f"/leren/actieplannen/{progress.id}", data={f"p{progress.id}-outcome": "x"},
                           follow_redirects=True)
    assert "Schrijf eerst een actieplan" in _html(response)


def test_request_a_seat_and_take_it_back(client, course, make):
    person = make.user()
    login(client, person)
    page = _html(client.get("/leren"))
    assert course.cohort.label in page and f"/leren/groep/{course.cohort.id}/aanmelden" in page
    response = client.post(f"/leren/groep/{course.cohort.id}/aanmelden")
    assert response.status_code == 302
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == person.id))
    assert enrolment.status == ENROLMENT_REQUESTED
    again = client.post(f"/leren/groep/{course.cohort.id}/aanmelden", follow_redirects=True)
    assert "al aangemeld" in _html(again)
    assert client.post("/leren/groep/999999/aanmelden").status_code == 404
    client.post(f"/leren/{enrolment.id}/stoppen")
    db.session.expire_all()
    assert db.session.get(Enrolment, enrolment.id).status == ENROLMENT_WITHDRAWN


def test_participant_can_stop_but_not_twice(client, course, make):
    person = make.user()
    enrolment = enrol_directly(course.cohort, person, status=ENROLMENT_ACTIVE)
    login(client, person)
    assert "Stoppen met deze leergang" in _html(client.get(f"/leren/{enrolment.id}"))
    client.post(f"/leren/{enrolment.id}/stoppen")
    again = client.post(f"/leren/{enrolment.id}/stoppen", follow_redirects=True)
    assert "niet actief" in _html(again)


def test_home_page_links_to_my_programme(client, course, make):
    person = make.user()
    enrolment = enrol_directly(course.cohort, person)
    login(client, person)
    assert f'href="/leren/{enrolment.id}"' in _html(client.get("/"))


def test_programme_page_queries_do_not_grow_with_modules_or_sessions(client, course, make, count_queries):
    person = make.user()
    enrolment = enrol_directly(course.cohort, person)
    login(client, person)
    make_session(course.cohort, course.modules[0], days_from_now=-3)
    with count_queries() as first:
        assert client.get(f"/leren/{enrolment.id}").status_code == 200
    for module in course.modules:
        attend(make_session(course.cohort, module, days_from_now=-2), person)
        make_session(course.cohort, module, days_from_now=+5)
    with count_queries() as second:
        assert client.get(f"/leren/{enrolment.id}").status_code == 200
    assert second.count == first.count
