"""Public pages are kept for a few seconds for visitors who are not logged in, and never for anyone else."""
import pytest
import time_machine

from flask import session

from wijkmakers.core.cache import forget_all
from wijkmakers.core.pagecache import cached_for_visitors
from wijkmakers.core.permissions import public
from wijkmakers.extensions import db

from ..conftest import login
from ..factories import PASSWORD


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


def test_logged_in_people_share_the_agenda_list_but_get_their_own_menu_and_organisers_a_fresh_list(
        app, client, make, login_as):
    first = make.activity(title="Eerste wandeling")
    assert "Eerste wandeling" in client.get("/agenda").get_data(as_text=True)
    make.activity(title="Tweede wandeling", starts_at=first.starts_at)
    db.session.commit()
    participant = login_as("deelnemer")
    page = client.get("/agenda").get_data(as_text=True)
    assert "Eerste wandeling" in page and "Tweede wandeling" not in page  # the list as shared a moment ago
    assert participant.name in page and "Uitloggen" in page  # the menu is this person's own
    organiser_client = login(app.test_client(), make.user(roles=("organisator",)))
    assert "Tweede wandeling" in organiser_client.get("/agenda").get_data(as_text=True)


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


def _token(page: str) -> str:
    return page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]


@pytest.fixture
def form_page(app):
    from flask import render_template_string

    calls = []

    def page():
        calls.append(1)
        return render_template_string('<form method="post">{{ csrf_token() }}|<input name="csrf_token" '
                                      'type="hidden" value="{{ csrf_token() }}"></form>')

    app.add_url_rule("/test-formulier", "test_form", public(cached_for_visitors(page)))
    return calls


def test_a_kept_page_with_a_form_gives_every_visitor_a_token_of_their_own(app, form_page):
    from flask_wtf.csrf import validate_csrf

    first, second = app.test_client(), app.test_client()
    first_page = first.get("/test-formulier").get_data(as_text=True)
    second_page = second.get("/test-formulier").get_data(as_text=True)
    assert form_page == [1]  # the second visitor got the kept page
    first_token, second_token = _token(first_page), _token(second_page)
    assert first_token != second_token and "\x00" not in second_page
    assert second_page.count(second_token) == 2  # every place the token was shown
    for client, token in ((first, first_token), (second, second_token)):
        with client.session_transaction() as visitor_session:
            raw = visitor_session["csrf_token"]
        with app.test_request_context():
            session["csrf_token"] = raw
            validate_csrf(token)  # raises when the token is not this visitor's


def test_a_token_from_the_visitors_own_cookie_is_never_kept(app, form_page):
    returning = app.test_client()
    with returning.session_transaction() as visitor_session:
        visitor_session["csrf_token"] = "a" * 40  # brought along from an earlier visit
    own_token = _token(returning.get("/test-formulier").get_data(as_text=True))
    newcomer_page = app.test_client().get("/test-formulier").get_data(as_text=True)
    assert form_page == [1]
    assert own_token not in newcomer_page


def test_a_page_whose_session_holds_more_than_a_token_is_not_kept(app, form_page):
    visitor = app.test_client()
    with visitor.session_transaction() as visitor_session:
        visitor_session["volgende"] = "/leren"
    visitor.get("/test-formulier")
    app.test_client().get("/test-formulier")
    assert form_page == [1, 1]


def test_the_login_page_is_kept_and_logging_in_with_its_token_works(app, make):
    make.user(email="lid@example.org")
    app.config["WTF_CSRF_ENABLED"] = True
    app.test_client().get("/inloggen")
    visitor = app.test_client()
    token = _token(visitor.get("/inloggen").get_data(as_text=True))
    response = visitor.post("/inloggen", data={"csrf_token": token, "email": "lid@example.org",
                                               "password": PASSWORD})
    assert response.status_code == 302


def test_a_shared_section_is_kept_per_address_but_never_with_a_csrf_token(app):
    from flask import render_template_string

    from wijkmakers.core.pagecache import shared_section

    calls = []

    def section(with_form):
        def render():
            calls.append(with_form)
            return render_template_string("{{ csrf_token() }}" if with_form else "<p>lijst {{ n }}</p>", n=len(calls))
        return render

    with app.test_request_context("/agenda?soort=lezing"):
        assert shared_section("lijst", section(False)) == shared_section("lijst", section(False)) == "<p>lijst 1</p>"
        assert shared_section("lijst", section(False), fresh=True) == "<p>lijst 2</p>"
    with app.test_request_context("/agenda"):
        assert shared_section("lijst", section(False)) == "<p>lijst 3</p>"  # another address
    for _ in range(2):
        with app.test_request_context("/formulier"):
            shared_section("formulier", section(True))
    assert calls.count(True) == 2
