"""Three months after an action plan: one friendly mail, and a page to record what became of it."""
from datetime import datetime, timedelta

from sqlalchemy import select

from wijkmakers.core.timeutil import utcnow
from wijkmakers.extensions import db
from wijkmakers.learning.models import ModuleProgress
from wijkmakers.network.followups import send_followups
from wijkmakers.network.initiatives import create_initiative, follow
from wijkmakers.network.models import UPDATE_FOLLOWUP, InitiativeFollower, InitiativeUpdate

from ..conftest import login, outbox
from .conftest import make_module, make_plan

NOW = datetime(2026, 11, 23, 8, 0)


def test_followup_is_sent_once_after_three_months(world, make):
    due = make_plan(world.anna, written=datetime(2026, 8, 22, 12, 0))
    make_plan(world.bas, written=datetime(2026, 8, 24, 12, 0))  # not yet three months
    other = make_module(slug="governance", title="Governance", theme="governance")
    make_plan(world.bas, module=other, written=datetime(2026, 1, 1), outcome="Al gedaan.")  # already told us
    no_mail = make.user(name="Zonder Mail")
    no_mail.email = None  # signed up by phone
    db.session.execute(ModuleProgress.__table__.insert().values(
        user_id=no_mail.id, module_id=other.id, status="bestudeerd", reflection="", action_plan="Plan",
        action_plan_at=datetime(2025, 1, 1), action_outcome="", response=""))
    inactive = make.user(name="Niet Actief", active=False)
    make_plan(inactive, written=datetime(2025, 1, 1))
    db.session.commit()

    assert send_followups(now=NOW) == 1
    [mail] = outbox()
    assert mail.recipient == "anna@example.org"
    assert "Energietransitie" in mail.subject
    assert "warmteavond" in mail.body and f"/netwerk/opvolging/{due.id}" in mail.body
    assert "22 augustus 2026" in mail.body
    db.session.expire_all()
    assert db.session.get(ModuleProgress, due.id).followup_sent_at == NOW
    # idempotent
    assert send_followups(now=NOW) == 0
    assert send_followups(now=NOW + timedelta(days=30)) == 1  # Bas's plan is due by then
    assert len(outbox()) == 2


def test_followups_command(app, world):
    make_plan(world.anna, written=utcnow() - timedelta(days=120))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["network", "followups"])
    assert result.exit_code == 0, result.output
    assert "1 herinnering in de outbox gezet." in result.output
    result = runner.invoke(args=["network", "followups"])
    assert "0 herinneringen in de outbox gezet." in result.output
    assert len(outbox()) == 1
    assert runner.invoke(args=["network", "followups", "--help"]).exit_code == 0


def test_followup_page_records_the_outcome_and_an_initiative_update(client, world):
    plan = make_plan(world.anna, written=utcnow() - timedelta(days=100))
    initiative = create_initiative(world.anna, title="Warmteavond", neighbourhood="Selwerd",
                                            theme="energietransitie", summary="Een warmteavond.", progress_id=plan.id)
    follow(world.bas, initiative.id)
    login(client, world.anna)
    page = client.get(f"/netwerk/opvolging/{plan.id}")
    assert page.status_code == 200 and "warmteavond in het buurthuis" in page.get_data(as_text=True)
    response = client.post(f"/netwerk/opvolging/{plan.id}", data={"outcome": "", "status": ""})
    assert response.status_code == 422 and "Vertel kort wat er van je plan is gekomen." in response.get_data(
        as_text=True)
    response = client.post(f"/netwerk/opvolging/{plan.id}",
                           data={"outcome": "Twee avonden gehouden, dertig buren kwamen.", "status": "klaar"})
    assert response.status_code == 302
    db.session.expire_all()
    progress = db.session.get(ModuleProgress, plan.id)
    assert progress.action_outcome == "Twee avonden gehouden, dertig buren kwamen."
    assert progress.action_outcome_at is not None
    update = db.session.scalar(select(InitiativeUpdate))
    assert update.kind == UPDATE_FOLLOWUP and update.status == "klaar" and "dertig buren" in update.body
    assert initiative.status == "klaar"
    assert "dertig buren" in outbox("bas@example.org")[0].body
    assert db.session.scalar(select(InitiativeFollower.user_id)) == world.bas.id


def test_followup_without_initiative_and_for_someone_outside_the_network(client, world):
    plan = make_plan(world.carla)
    login(client, world.carla)
    page = client.get(f"/netwerk/opvolging/{plan.id}").get_data(as_text=True)
    assert "Doe mee aan het netwerk" in page
    assert client.post(f"/netwerk/opvolging/{plan.id}", data={"outcome": "Nog niet aan toegekomen."}).status_code == 302
    db.session.expire_all()
    assert db.session.get(ModuleProgress, plan.id).action_outcome == "Nog niet aan toegekomen."


def test_followup_page_is_only_for_the_author(client, world):
    plan = make_plan(world.anna)
    for user in (world.bas, world.organiser, world.coordinator):
        login(client, user)
        assert client.get(f"/netwerk/opvolging/{plan.id}").status_code == 404
        assert client.post(f"/netwerk/opvolging/{plan.id}", data={"outcome": "Gekaapt"}).status_code == 404
    login(client, world.anna)
    assert client.get("/netwerk/opvolging/999999").status_code == 404
    empty = make_plan(world.anna, module=make_module(slug="x", title="X", theme="governance"), text="")
    assert client.get(f"/netwerk/opvolging/{empty.id}").status_code == 404
