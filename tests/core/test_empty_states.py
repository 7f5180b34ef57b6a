"""A portal without the demo: each staff page says what to create first and links to it."""
from ..conftest import login


def test_staff_pages_of_an_empty_portal_say_where_to_start(client, make):
    login(client, make.user(roles=("organisator",)))
    page = client.get("/activiteiten").text
    assert "Er zijn nog geen komende activiteiten" in page and 'href="/activiteiten/nieuw"' in page
    assert "Nog geen leergangen" in client.get("/leergangen").text
    assert "Maak de eerste leergang aan" in client.get("/leergangen").text

    login(client, make.user(roles=("coordinator",)))
    page = client.get("/partners").text
    assert "Er zijn nog geen organisaties" in page and 'href="/partners/nieuw"' in page
    # With a filter that finds nothing the page says so, not where to start.
    assert "Geen organisaties gevonden met deze keuze" in client.get("/partners?naam=xyz").text
    # The administrator's page: tests/auth/test_setup.py.
