"""Bad input gets a clear answer, never a 500: one bound for every ?pagina=, ids no table can hold, and the
Allow header on a 405."""
from datetime import timedelta

import pytest

from wijkmakers.core.pagination import MAX_PAGE, clamp_page, parse_page
from wijkmakers.core.permissions import ALL_ROLES
from wijkmakers.core.timeutil import utcnow
from wijkmakers.core.urls import MAX_ID

HUGE = "9" * 23

# Every list with ?pagina= (grep core.pagination): a page past the end is the last page.
PAGINATED = ["/agenda", "/activiteiten", "/activiteiten?periode=afgelopen", "/activiteiten/evaluaties",
             "/certificaten/beheer", "/beheer/gebruikers", "/partners", "/leergangen",
             "/leergangen?periode=afgelopen", "/netwerk", "/netwerk/initiatieven", "/cijfers/wandelingen"]


@pytest.mark.parametrize("raw, page", [(None, 1), ("", 1), ("abc", 1), ("0", 1), ("-3", 1), ("1.5", 1),
                                       ("²", 1), ("٣", 1), (" 4 ", 4), ("7", 7), (str(MAX_PAGE + 1), MAX_PAGE),
                                       (HUGE, MAX_PAGE), ("9" * 5000, MAX_PAGE)])
def test_parse_page(raw, page):
    assert parse_page(raw) == page


def test_clamp_page():
    assert clamp_page(MAX_PAGE, total=41, per_page=20) == 3
    assert clamp_page(2, total=0, per_page=20) == 1
    assert clamp_page(0, total=100, per_page=20) == 1


@pytest.mark.parametrize("pagina", [HUGE, str(2**63), "-1", "abc", "0x10", ""])
def test_every_paginated_list_survives_any_page_number(client, login_as, pagina):
    login_as(*ALL_ROLES)
    for path in PAGINATED:
        sep = "&" if "?" in path else "?"
        response = client.get(f"{path}{sep}pagina={pagina}")
        assert response.status_code in (200, 302), f"{path}: {response.status_code}"


def test_a_page_past_the_end_is_the_last_page(client, make):
    start = utcnow() + timedelta(days=3)
    for n in range(25):
        make.activity(title=f"Wandeling {n:02d}", starts_at=start + timedelta(hours=n))
    body = client.get(f"/agenda?pagina={HUGE}").get_data(as_text=True)
    assert "Pagina 2 van 2" in body and "Wandeling 24" in body and "Wandeling 00" not in body


@pytest.mark.parametrize("method, path", [("GET", "/activiteiten/99999999999999999999"),
                                          ("GET", f"/activiteiten/{MAX_ID + 1}"),
                                          ("GET", f"/activiteiten/{'9' * 5000}"),
                                          ("POST", f"/api-sleutels/{2**63}/intrekken")])
def test_ids_no_table_can_hold_are_not_found(client, login_as, method, path):
    login_as(*ALL_ROLES)
    assert client.open(path, method=method).status_code == 404


def test_the_largest_id_reaches_the_view(client):
    assert client.get(f"/activiteiten/{MAX_ID}").status_code == 404  # looked up, not found


@pytest.mark.parametrize("path, allowed", [("/api/v1/agenda", {"GET", "HEAD", "OPTIONS"}),
                                           ("/uitloggen", {"POST", "OPTIONS"})])
def test_405_names_the_allowed_methods(client, path, allowed):
    response = client.open(path, method="PUT")
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == allowed


@pytest.mark.parametrize("path", ["/partners?jaar=²", "/netwerk/cijfers?jaar=²", "/netwerk?jaar=²&cohort=²"])
def test_digits_int_cannot_read_are_ignored(client, login_as, path):
    login_as(*ALL_ROLES)
    assert client.get(path).status_code in (200, 302)
