"""The demo network, and the whole story of issue 9 played through as the demo people."""
import re

import pytest
from sqlalchemy import func, select

from wijkmakers.auth.models import User
from wijkmakers.demo.data import load_demo
from wijkmakers.demo.network import load_demo_network
from wijkmakers.extensions import db
from wijkmakers.learning.models import ModuleProgress
from wijkmakers.network.figures import network_figures
from wijkmakers.network.followups import due_followups
from wijkmakers.network.initiatives import own_action_plans
from wijkmakers.network.profiles import profile_of
from wijkmakers.network.models import ContactRequest, Initiative, NetworkProfile


from ..conftest import TEST_NOW
from ..conftest import login, logout, outbox

NOW = TEST_NOW


@pytest.fixture
def demo(app):
    load_demo(app.config["CONTENT_DIR"], now=NOW)
    load_demo_network(NOW)
    db.session.commit()


def _user(key):
    return db.session.scalar(select(User).where(User.email == f"{key}@wijkmakers.example"))


def _demo_network_is_realistic():
    figures = network_figures()
    people = db.session.scalar(select(func.count()).select_from(User))
    assert 0.05 * people < figures["profiles"]["opted_in"] < 0.3 * people
    assert figures["profiles"]["by_kind"]["bewoner"] > 0 and figures["profiles"]["by_kind"]["professional"] > 0
    assert figures["initiatives"]["total"] >= 10
    assert all(figures["initiatives"]["by_status"][s] > 0 for s in ("idee", "bezig", "gestopt"))
    assert figures["contact_requests"]["answered"] > 0
    assert profile_of(_user("deelnemer").id) is None  # she opts in during the demo
    assert not db.session.scalar(select(NetworkProfile.id).join(User).where(User.email.like("organisator@%")))
    trainee = profile_of(_user("trainee").id)
    assert trainee.opted_in and trainee.neighbourhood == "Selwerd"
    # exactly one follow-up is due: trainee@'s
    due = db.session.execute(due_followups(NOW)).all()
    assert [row.email for row in due] == ["trainee@wijkmakers.example"]
    assert db.session.scalar(select(func.count()).select_from(ModuleProgress)
                             .where(ModuleProgress.action_plan != "", ModuleProgress.action_plan_at.is_(None))) == 0
    load_demo_network(NOW)  # a second call adds nothing
    assert network_figures() == figures


def test_demo_network_and_issue_9_done_as_the_demo_people(client, demo):
    # One demo load for both checks (loading takes seconds).
    _demo_network_is_realistic()
    sanne, milan, fatima = _user("deelnemer"), _user("trainee"), _user("organisator")

    # Anonymous visitors and people who did not opt in see nothing of the network.
    assert client.get("/netwerk").status_code == 302
    login(client, sanne)
    before = client.get("/netwerk?thema=energietransitie&wijk=Selwerd").get_data(as_text=True)
    assert "Milan Hoekstra" not in before and "Meedoen aan het netwerk" in before

    # Sanne opts in ...
    response = client.post("/netwerk/mijn-profiel", data={
        "display_name": "Sanne de Vries", "neighbourhood": "Selwerd", "themes": ["bewonersparticipatie"],
        "tags": "moestuin", "working_on": "Een buurtmoestuin", "introduction": "Bewoner van Selwerd.",
        "show_kind": "y", "show_participation": "y", "accepts_contact": "y"})
    assert response.status_code == 302
    # ... finds who in Selwerd works on energietransitie ...
    html = client.get("/netwerk?thema=energietransitie&wijk=Selwerd").get_data(as_text=True)
    found = dict((name, int(pid)) for pid, name in re.findall(r'<h2><a href="/netwerk/mensen/(\d+)">([^<]+)</a>', html))
    assert "Milan Hoekstra" in found
    # ... sends him a contact request ...
    response = client.post(f"/netwerk/mensen/{found['Milan Hoekstra']}/bericht",
                           data={"message": "Hoi Milan, ik wil graag meedoen met de warmtescan in onze flat!"})
    assert response.status_code == 302
    [mail] = outbox("trainee@wijkmakers.example")
    assert "deelnemer@wijkmakers.example" not in mail.body
    # ... and publishes her action plan as an initiative.
    plans = own_action_plans(sanne)
    assert plans, "the demo participant has written action plans"
    plan = plans[0][0]
    form = client.get(f"/netwerk/initiatieven/nieuw?plan={plan.id}")
    assert form.status_code == 200
    response = client.post("/netwerk/initiatieven/nieuw", data={
        "plan": str(plan.id), "title": "Rondje langs de flat", "neighbourhood": "Selwerd",
        "theme": "bewonersparticipatie", "status": "bezig", "summary": plan.action_plan})
    assert response.status_code == 302
    initiative = db.session.scalar(select(Initiative).where(Initiative.title == "Rondje langs de flat"))
    assert initiative.progress_id == plan.id

    # Milan receives the request and answers it; Sanne gets his address only now.
    logout(client)
    login(client, milan)
    request = db.session.scalar(select(ContactRequest).where(ContactRequest.sender_id == sanne.id))
    assert "Sanne de Vries" in client.get("/netwerk/berichten").get_data(as_text=True)
    response = client.post(f"/netwerk/berichten/{request.id}", data={"reply": "Leuk! Mail me, dan plannen we."})
    assert response.status_code == 302
    [answer] = outbox("deelnemer@wijkmakers.example")
    assert answer.reply_to == "trainee@wijkmakers.example" and "trainee@wijkmakers.example" in answer.body
    assert "Rondje langs de flat" in client.get("/netwerk/initiatieven?wijk=Selwerd").get_data(as_text=True)

    # The organiser sees the network figures.
    login(client, fatima)
    figures = client.get("/netwerk/cijfers")
    assert figures.status_code == 200 and "Profiel staat aan" in figures.get_data(as_text=True)

    # Someone who did not opt in (the partner contact) still sees nothing.
    login(client, _user("partner"))
    assert "Sanne de Vries" not in client.get("/netwerk").get_data(as_text=True)
    assert client.get(f"/netwerk/initiatieven/{initiative.id}").status_code == 403
