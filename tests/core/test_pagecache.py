"""Public pages are kept for a few seconds for visitors who are not logged in, and never for anyone else."""
import pytest
import time_machine

from flask import session

from wijkmakers.core.cache import forget_all
from wijkmakers.core.pagecache import cached_for_visitors
from wijkmakers.core.permissions import public
from wijkmakers.extensions import db


@pytest.fixture
def app_config():
    return {"PUBLIC_PAGE_CACHE_SECONDS": 10}


@pytest.fixture(autouse=True)
def empty_cache():
    forget_all()
    yield
    forget_all()


def test_a_visitor_gets_the_kept_agenda_until_it_is_too_old(client, make):
    with time_machine.travel(0, tick=False) as traveller:
        first = make.activity(title="Eerste wandeling")
        assert "Eerste wandeling" in client.get("/agenda").get_data(as_text=True)
        make.activity(title="Tweede wandeling", starts_at=first.starts_at)
        db.session.commit()
        kept = client.get("/agenda").get_data(as_text=True)
        assert "Tweede wandeling" not in kept  # served from the cache
        assert "Tweede wandeling" in client.get("/agenda?soort=").get_data(as_text=True)  # other address
        traveller.shift(11)
        assert "Tweede wandeling" in client.get("/agenda").get_data(as_text=True)


def test_logged_in_people_always_get_a_fresh_page(client, make, login_as):
    first = make.activity(title="Eerste wandeling")
    client.get("/agenda")
    make.activity(title="Tweede wandeling", starts_at=first.starts_at)
    db.session.commit()
    login_as("deelnemer")
    assert "Tweede wandeling" in client.get("/agenda").get_data(as_text=True)


def test_only_plain_200_pages_that_leave_the_session_alone_are_kept(app, client):
    calls = []

    def page(kind):
        calls.append(kind)
        if kind == "sessie":
            session["csrf_token"] = "geheim"
        return ("niet gevonden", 404) if kind == "weg" else f"<p>{kind} {len(calls)}</p>"

    app.add_url_rule("/test-pagina/<kind>", "test_page", public(cached_for_visitors(page)))
    for kind in ("sessie", "weg", "gewoon"):
        client.get(f"/test-pagina/{kind}")
        client.get(f"/test-pagina/{kind}")
    assert calls == ["sessie", "sessie", "weg", "weg", "gewoon"]
