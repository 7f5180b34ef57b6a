"""The two-year traineeship: phases with modules and placements, mentors who see and answer their trainees,
organisers who see all trainees and arrange placements."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from wijkmakers.core.timeutil import local_today
from wijkmakers.extensions import db
from wijkmakers.learning import mentoring
from wijkmakers.learning import traineeship
from wijkmakers.learning.models import ENROLMENT_REQUESTED, ModuleProgress, Phase, Placement
from wijkmakers.notifications.models import OutboxMessage

from ..conftest import login
from .helpers import enrol_directly, load_modules, make_cohort, make_programme, study


@pytest.fixture
def track(app, make, tmp_path):
    modules = load_modules(tmp_path)
    programme = make_programme(modules, slug="traineeship", name="Traineeship Wijkvernieuwer", phases=2)
    today = local_today()
    cohort = make_cohort(programme, name="2026-2028", starts_on=today - timedelta(days=200),
                         ends_on=today + timedelta(days=530))
    mentor = make.user(name="Mentor Marit", email="mentor@example.org")
    trainee = make.user(name="Trainee Tim", email="tim@example.org")
    enrolment = enrol_directly(cohort, trainee, mentor_id=mentor.id)
    phases = db.session.scalars(select(Phase).where(Phase.programme_id == programme.id).order_by(Phase.number)).all()
    return {"modules": modules, "programme": programme, "cohort": cohort, "mentor": mentor, "trainee": trainee,
            "enrolment": enrolment, "phases": phases, "organiser": make.user(roles=("organisator",))}


def test_progress_per_phase(track, make):
    org = make.organisation(name="Woonstichting Noorderhuis")
    db.session.add(Placement(enrolment_id=track["enrolment"].id, phase_id=track["phases"][0].id,
                             organisation_id=org.id, mentor_id=track["mentor"].id, completed_at=None))
    db.session.commit()
    study(track["trainee"], track["modules"][0])
    row = traineeship.trainee_rows([track["enrolment"].id])[0]
    first, second = row.phases
    assert (first.phase.number, first.studied, first.total) == (1, 1, 2)
    assert (second.phase.number, second.studied, second.total) == (2, 0, 1)
    assert first.placement.organisation.name == "Woonstichting Noorderhuis" and second.placement is None
    assert not first.done
    study(track["trainee"], track["modules"][1])
    first.placement.completed_at = first.placement.completed_at or local_today()
    db.session.commit()
    assert traineeship.trainee_rows([track["enrolment"].id])[0].phases[0].done


def test_current_phase_follows_the_calendar(track):
    cohort = track["cohort"]
    assert traineeship.current_phase_number(cohort, 4, cohort.starts_on) == 1
    assert traineeship.current_phase_number(cohort, 4, cohort.starts_on + timedelta(days=200)) == 2
    assert traineeship.current_phase_number(cohort, 4, cohort.ends_on) == 4
    assert traineeship.current_phase_number(cohort, 4, cohort.ends_on + timedelta(days=90)) == 4
    assert traineeship.current_phase_number(cohort, 4, cohort.starts_on - timedelta(days=1)) is None
    assert traineeship.current_phase_number(cohort, 0, date.today()) is None


def test_trainee_sees_phases_on_their_programme_page(client, track):
    login(client, track["trainee"])
    page = client.get(f"/leren/{track['enrolment'].id}").get_data(as_text=True)
    assert "Fasen en stages" in page and "Fase 1" in page and "Je mentor is Mentor Marit" in page


def test_mentor_sees_only_their_trainees_and_can_answer(client, track, make):
    other_trainee = make.user(name="Andere Trainee")
    other = enrol_directly(track["cohort"], other_trainee)
    login(client, track["trainee"])
    client.post(f"/leren/{track['enrolment'].id}/module/wijk-verkennen/werk",
                data={"reflection": "Ik zag veel.", "action_plan": "Ik ga de buurtapp starten."})

    login(client, track["mentor"])
    assert "Mijn trainees" in client.get("/leren").get_data(as_text=True)
    page = client.get("/leren/trainees").get_data(as_text=True)
    assert "Trainee Tim" in page and "Andere Trainee" not in page
    work = client.get(f"/leren/deelnemer/{track['enrolment'].id}").get_data(as_text=True)
    assert "Ik ga de buurtapp starten." in work and "Reactie opslaan" in work
    assert client.get(f"/leren/deelnemer/{other.id}").status_code == 404
    module_id = track["modules"][0].id
    response = client.post(f"/leren/deelnemer/{track['enrolment'].id}/module/{module_id}/reactie",
                           data={f"m{module_id}-response": "Mooi plan! Wie vraag je mee?"})
    assert response.status_code == 302
    progress = db.session.scalar(select(ModuleProgress))
    assert progress.response == "Mooi plan! Wie vraag je mee?" and progress.response_by_id == track["mentor"].id
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "tim@example.org"))
    assert "Reactie op je werk" in mail.subject and "/module/wijk-verkennen" in mail.body
    assert client.post(f"/leren/deelnemer/{other.id}/module/{module_id}/reactie",
                       data={f"m{module_id}-response": "x"}).status_code == 404

    login(client, track["trainee"])
    page = client.get(f"/leren/{track['enrolment'].id}/module/wijk-verkennen").get_data(as_text=True)
    assert "Reactie van Mentor Marit" in page and "Wie vraag je mee?" in page


def test_placement_mentor_counts_as_mentor(client, track, make):
    coach = make.user(name="Stagebegeleider")
    db.session.add(Placement(enrolment_id=track["enrolment"].id, phase_id=track["phases"][1].id,
                             mentor_id=coach.id))
    db.session.commit()
    login(client, coach)
    assert "Trainee Tim" in client.get("/leren/trainees").get_data(as_text=True)
    assert client.get(f"/leren/deelnemer/{track['enrolment'].id}").status_code == 200


def test_non_mentor_participant_and_partner_get_nothing(client, track, make):
    for user in (make.user(), make.user(roles=("partnercontact",)), track["trainee"]):
        login(client, user)
        page = client.get("/leren/trainees").get_data(as_text=True)
        assert f"/leren/deelnemer/{track['enrolment'].id}" not in page and "van niemand de mentor" in page
        assert client.get(f"/leren/deelnemer/{track['enrolment'].id}").status_code == 404
        assert client.post(f"/leren/deelnemer/{track['enrolment'].id}/module/1/reactie",
                           data={"m1-response": "x"}).status_code == 404


def test_coordinator_reads_but_cannot_answer(client, track, make):
    login(client, make.user(roles=("coordinator",)))
    assert "Trainee Tim" in client.get("/leren/trainees").get_data(as_text=True)
    assert client.get(f"/leren/deelnemer/{track['enrolment'].id}").status_code == 200
    module_id = track["modules"][0].id
    assert client.post(f"/leren/deelnemer/{track['enrolment'].id}/module/{module_id}/reactie",
                       data={f"m{module_id}-response": "x"}).status_code == 403


def test_response_needs_work_to_answer_and_text(client, track):
    login(client, track["organiser"])
    module_id = track["modules"][2].id
    base = f"/leren/deelnemer/{track['enrolment'].id}/module/{module_id}/reactie"
    assert client.post(base, data={f"m{module_id}-response": "Goed zo"}).status_code == 404  # nothing written
    study(track["trainee"], track["modules"][2])
    empty = client.post(base, data={f"m{module_id}-response": ""}, follow_redirects=True)
    assert "Schrijf een reactie" in empty.get_data(as_text=True)


def test_organiser_arranges_placement_and_mentor(client, track, make):
    org = make.organisation(name="Welzijn in de Wijk")
    coach = make.user(email="coach@example.org", name="Coach Carla")
    login(client, track["organiser"])
    cohort, enrolment, phase = track["cohort"], track["enrolment"], track["phases"][0]
    url = f"/leergangen/groep/{cohort.id}/inschrijving/{enrolment.id}/stage/{phase.id}"
    assert "Stage fase 1" in client.get(url).get_data(as_text=True)
    bad = client.post(url, data={"organisation_id": org.id, "mentor_email": "onbekend@example.org"})
    assert bad.status_code == 422 and "geen account" in bad.get_data(as_text=True)
    self_mentor = client.post(url, data={"mentor_email": "tim@example.org"}, follow_redirects=True)
    assert "eigen mentor" in self_mentor.get_data(as_text=True)
    response = client.post(url, data={"organisation_id": org.id, "mentor_email": "coach@example.org",
                                      "description": "Meewerken aan het buurtbudget.", "completed": "y"})
    assert response.status_code == 302
    placement = db.session.scalar(select(Placement))
    assert placement.organisation_id == org.id and placement.mentor_id == coach.id and placement.completed_at
    other_phase = make_programme(track["modules"][:1], slug="ander", name="Ander", phases=1).phases[0]
    assert client.get(f"/leergangen/groep/{cohort.id}/inschrijving/{enrolment.id}/stage/{other_phase.id}"
                      ).status_code == 404
    mentor_url = f"/leergangen/groep/{cohort.id}/inschrijving/{enrolment.id}/mentor"
    client.post(mentor_url, data={"email": "coach@example.org"})
    db.session.expire_all()
    assert enrolment.mentor_id == coach.id
    client.post(mentor_url, data={"email": ""})
    db.session.expire_all()
    assert enrolment.mentor_id is None


def test_requested_enrolment_is_not_reviewable(client, track, make):
    pending = enrol_directly(track["cohort"], make.user(), status=ENROLMENT_REQUESTED)
    login(client, track["organiser"])
    assert client.get(f"/leren/deelnemer/{pending.id}").status_code == 404


def test_a_mentor_is_someone_named_on_an_enrolment_or_on_a_placement(track, make, client):
    placement_mentor, nobody = make.user(name="Stagebegeleider Sam"), make.user(name="Niemand")
    assert mentoring.mentors_anyone(track["mentor"])
    assert not mentoring.mentors_anyone(placement_mentor) and not mentoring.mentors_anyone(nobody)
    db.session.add(Placement(enrolment_id=track["enrolment"].id, phase_id=track["phases"][0].id,
                             mentor_id=placement_mentor.id))
    db.session.commit()
    assert mentoring.mentors_anyone(placement_mentor) and not mentoring.mentors_anyone(nobody)
    login(client, placement_mentor)
    assert "Mijn trainees" in client.get("/leren").get_data(as_text=True)
    login(client, nobody)
    assert "Mijn trainees" not in client.get("/leren").get_data(as_text=True)
