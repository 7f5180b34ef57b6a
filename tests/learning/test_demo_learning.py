"""The learning demo rows: what the demo organiser, participant, trainee and partner see."""
from datetime import datetime

from sqlalchemy import select

from wijkmakers.auth.models import User
from wijkmakers.demo.data import load_demo
from wijkmakers.extensions import db
from wijkmakers.learning import services
from wijkmakers.learning.models import ENROLMENT_REQUESTED, Cohort, Enrolment, ModuleProgress

from ..conftest import login

NOW = datetime(2026, 11, 23, 9, 0)


def test_demo_learning(app, client):
    load_demo(app.config["CONTENT_DIR"], now=NOW)
    db.session.commit()
    assert db.session.scalar(select(ModuleProgress.id).where(ModuleProgress.action_plan != "",
                                                             ModuleProgress.action_plan_at.is_(None))) is None
    partner = db.session.scalar(select(User).where(User.email == "partner@wijkmakers.example"))
    assert [r.enrolment.user.email for r in services.trainee_rows(mentor=partner)] == ["trainee@wijkmakers.example"]
    requests = db.session.scalars(select(Enrolment).where(Enrolment.status == ENROLMENT_REQUESTED)).all()
    assert len(requests) == 2
    cohort = db.session.get(Cohort, requests[0].cohort_id)
    flags = {flag for row in services.cohort_facts(cohort).rows for flag in row.flags}
    assert "achter" in flags
    participant = db.session.scalar(select(User).where(User.email == "deelnemer@wijkmakers.example"))
    login(client, participant)
    assert "Mooi dat je bij de buren begint" in client.get("/leren/actieplannen").get_data(as_text=True)
