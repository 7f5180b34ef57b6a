"""The learning demo rows: what the demo organiser, participant, trainee and partner see."""

from markupsafe import escape
from sqlalchemy import select

from wijkmakers.auth.models import User
from wijkmakers.demo.data import load_demo
from wijkmakers.extensions import db
from wijkmakers.learning import completion
from wijkmakers.learning import traineeship
from wijkmakers.learning.models import ENROLMENT_REQUESTED, Cohort, Enrolment, ModuleProgress

from ..conftest import login
from ..conftest import TEST_NOW

NOW = TEST_NOW


def test_demo_learning(app, client):
    load_demo(app.config["CONTENT_DIR"], now=NOW)
    db.session.commit()
    assert db.session.scalar(select(ModuleProgress.id).where(ModuleProgress.action_plan != "",
                                                             ModuleProgress.action_plan_at.is_(None))) is None
    partner = db.session.scalar(select(User).where(User.email == "partner@wijkmakers.example"))
    assert [r.enrolment.user.email for r in traineeship.trainee_rows(mentor=partner)] == ["trainee@wijkmakers.example"]
    requests = db.session.scalars(select(Enrolment).where(Enrolment.status == ENROLMENT_REQUESTED)).all()
    assert len(requests) == 2
    cohort = db.session.get(Cohort, requests[0].cohort_id)
    flags = {flag for row in completion.cohort_facts(cohort).rows for flag in row.flags}
    assert "achter" in flags and completion.FLAG_ATTENDANCE in flags
    participant = db.session.scalar(select(User).where(User.email == "deelnemer@wijkmakers.example"))
    answer = db.session.scalar(select(ModuleProgress).where(ModuleProgress.user_id == participant.id,
                                                            ModuleProgress.response != "")
                               .order_by(ModuleProgress.module_id).limit(1))
    assert answer.response.startswith("Sanne") or "Sanne" in answer.response
    assert answer.response_by.email == "organisator@wijkmakers.example"
    login(client, participant)
    page = client.get("/leren/actieplannen").get_data(as_text=True)
    assert escape(answer.response) in page and escape(answer.action_plan) in page
    # the trainee's mentor has a demo login and answered the trainee's earlier plans
    mentor = db.session.scalar(select(User).where(User.email == "mentor@wijkmakers.example"))
    trainee = db.session.scalar(select(User).where(User.email == "trainee@wijkmakers.example"))
    answered = db.session.scalars(select(ModuleProgress.response_by_id).where(
        ModuleProgress.user_id == trainee.id, ModuleProgress.response != "")).all()
    assert answered and set(answered) == {mentor.id}
    mentees = [r.enrolment.user.email for r in traineeship.trainee_rows(mentor=mentor)]
    assert "trainee@wijkmakers.example" in mentees and len(mentees) == 3
