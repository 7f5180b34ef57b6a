"""Network figures for organisers, coordinators and the municipality's monitoring."""
from datetime import datetime

from sqlalchemy import select

from wijkmakers.extensions import db
from wijkmakers.network.figures import network_figures
from wijkmakers.network.initiatives import create_initiative, follow
from wijkmakers.network.messages import answer_request, send_contact_request
from wijkmakers.network.profiles import withdraw
from wijkmakers.network.models import ContactRequest, Initiative

from ..conftest import login
from .conftest import make_module, make_plan, opt_in

MESSAGE = "Hallo, zullen we eens kennismaken over energie in de wijk?"


def _world_with_activity(world):
    opt_in(world.carla, neighbourhood="Beijum")
    withdraw(world.carla)
    first = send_contact_request(world.bas, world.anna.id, MESSAGE)
    answer_request(world.anna, first.id, "Graag!")
    send_contact_request(world.anna, world.bas.id, MESSAGE)
    plan = make_plan(world.anna, outcome="Gedaan.")
    make_plan(world.bas, followup_sent_at=datetime(2026, 1, 1))
    make_plan(world.bas, module=make_module(slug="g", title="G", theme="governance"))
    create_initiative(world.anna, title="Energiecafé", neighbourhood="Selwerd", theme="energietransitie",
                               summary="Elke maand een energiecafé.", progress_id=plan.id, status="bezig")
    initiative = create_initiative(world.bas, title="Panel", neighbourhood=None, theme=None,
                                            summary="Een bewonerspanel opzetten.")
    follow(world.anna, initiative.id)


def test_network_figures_shape_and_values(world):
    _world_with_activity(world)
    figures = network_figures()
    assert figures["year"] is None
    assert figures["profiles"] == {"opted_in": 2, "withdrawn": 1, "by_kind": {"bewoner": 1, "professional": 1}}
    requests = figures["contact_requests"]
    assert requests == {"total": 2, "answered": 1, "declined": 0, "open": 1, "refused": 0, "answered_pct": 50.0,
                        "help_offers": 0}
    initiatives = figures["initiatives"]
    assert initiatives["total"] == 2
    assert initiatives["by_status"] == {"idee": 1, "bezig": 1, "klaar": 0, "gestopt": 0}
    assert initiatives["by_theme"] == {"": 1, "energietransitie": 1}
    assert initiatives["by_neighbourhood"] == {"": 1, "Selwerd": 1}
    assert initiatives["followers"] == 1
    assert figures["action_plans"] == {"total": 3, "followups_sent": 1, "with_outcome": 1,
                                       "with_outcome_pct": 33.3, "published": 1}


def test_figures_for_a_year(world):
    _world_with_activity(world)
    db.session.execute(ContactRequest.__table__.update().values(created_at=datetime(2024, 6, 1)))
    db.session.execute(Initiative.__table__.update().where(Initiative.title == "Panel")
                       .values(created_at=datetime(2024, 6, 1)))
    db.session.commit()
    figures = network_figures(2024)
    assert figures["year"] == 2024
    assert figures["contact_requests"]["total"] == 2
    assert figures["initiatives"]["total"] == 1 and figures["initiatives"]["by_status"]["idee"] == 1
    assert figures["action_plans"]["total"] == 0 and figures["action_plans"]["with_outcome_pct"] is None
    empty = network_figures(2019)
    assert empty["contact_requests"]["answered_pct"] is None and empty["initiatives"]["total"] == 0


def test_figures_page_access_and_content(client, world, count_queries):
    _world_with_activity(world)
    for user in (world.anna, world.carla, world.guide, world.partner):
        login(client, user)
        assert client.get("/netwerk/cijfers").status_code == 403
    for user in (world.organiser, world.coordinator):
        login(client, user)
        response = client.get("/netwerk/cijfers")
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "Profiel staat aan" in html and "Aandeel met terugblik" in html and "33,3%" in html
        assert "Anna Bakker" not in html.split("</header>")[1]
    login(client, world.coordinator)
    assert "Netwerkcijfers 2024" in client.get("/netwerk/cijfers?jaar=2024").get_data(as_text=True)
    bad = client.get("/netwerk/cijfers?jaar=twintig")
    assert bad.status_code == 200 and "Dat jaar begrijpen we niet" in bad.get_data(as_text=True)
    with count_queries() as counter:
        client.get("/netwerk/cijfers")
    assert counter.count <= 14
    assert db.session.scalar(select(Initiative.id).limit(1)) is not None
