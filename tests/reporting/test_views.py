"""The statistics pages through the test client: access, content, query counts, charts."""
import re

import pytest

from wijkmakers.core.security import SVG_CSP

from ..conftest import login
from .conftest import add_noise

PAGES = ["/cijfers", "/cijfers/wandelingen", "/cijfers/grafiek/maand.svg", "/cijfers/export/csv",
         "/cijfers/export/xlsx"]
PERSON_EXPORTS = ["/cijfers/export/deelnames/csv", "/cijfers/export/deelnames/csv-puntkomma",
                  "/cijfers/export/deelnames/xlsx"]


@pytest.mark.parametrize("url", PAGES + PERSON_EXPORTS)
def test_anonymous_visitors_are_sent_to_the_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/inloggen" in response.headers["Location"]


@pytest.mark.parametrize("role", ["deelnemer", "partnercontact", "begeleider", "beheerder"])
@pytest.mark.parametrize("url", PAGES + PERSON_EXPORTS)
def test_other_roles_are_refused(client, make, role, url):
    login(client, make.user(roles=(role,)))
    assert client.get(url).status_code == 403


def test_organisers_see_the_aggregated_figures_but_not_the_person_level_export(client, make, academy):
    login(client, make.user(roles=("organisator",)))
    for url in PAGES:
        assert client.get(url).status_code == 200, url
    page = client.get("/cijfers").get_data(as_text=True)
    assert "/cijfers/export/deelnames/" not in page
    for url in PERSON_EXPORTS:
        assert client.get(url).status_code == 403


def test_statistics_page_shows_the_table_and_its_definitions(client, login_as, academy):
    login_as("coordinator")
    response = client.get("/cijfers")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count("<h1") == 1
    for label in ("Aantal partnerorganisaties", "Aantal deelnemers leergang wijkontwikkeling",
                  "Aantal deelnemers bestuurdersleergang", "Aantal deelnemers workshops", "Aantal deelnemers lezingen",
                  "Aantal deelnemers masterclasses", "Aantal partnerbijeenkomsten",
                  "Aantal deelnemers themabijeenkomsten"):
        assert label in html
    assert "Wat telt hier?" in html and "presentielijst" in html
    assert '<th scope="col" class="num">2023</th>' in html
    # the workshop row: 2 unique persons in 2023, 1 in 2024 (W2 is a Groningen new-year workshop)
    row = re.search(r'<tr id="rij-workshops">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r'<td class="num">([^<]*)</td>', row)[:2] == ["2", "1"]
    # charts as images from our own endpoint, each with its data table
    for key in ("maand", "bewoners", "organisaties"):
        assert f'src="/cijfers/grafiek/{key}.svg' in html
        assert f'id="gegevens-{key}"' in html
    assert "<script" not in html and 'style="' not in html
    assert "/cijfers/export/deelnames/xlsx" in html


def test_switches_change_the_figures(client, login_as, academy):
    login_as("coordinator")
    html = client.get("/cijfers?telling=deelnames&meting=aangemeld").get_data(as_text=True)
    row = re.search(r'<tr id="rij-workshops">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r'<td class="num">([^<]*)</td>', row)[:2] == ["3", "1"]
    assert "bevestigde, niet-geannuleerde aanmelding" in html
    assert '<option selected value="deelnames">' in html


def test_bad_parameters_are_ignored_with_a_message(client, login_as, academy):
    login_as("coordinator")
    response = client.get("/cijfers?meting=<script>&jaar=abc&wijk=Atlantis&pagina=-4")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Niet alle keuzes in het adres zijn gebruikt" in html
    assert "<script>" not in html
    assert client.get("/cijfers/wandelingen?jaar=1800&pagina=zz").status_code == 200
    assert client.get("/cijfers/grafiek/onbekend.svg").status_code == 404
    assert client.get("/cijfers/export/docx").status_code == 404
    assert client.get("/cijfers/export/deelnames/pdf").status_code == 404


def test_statistics_page_issues_a_constant_number_of_queries(client, login_as, make, academy, count_queries):
    login_as("coordinator")
    for args in ("", "?meting=aangemeld&soort=bewoner&partner=partner&organisatietype=welzijn&wijk=Selwerd"):
        client.get("/cijfers" + args)  # warm up (first request loads templates)
        with count_queries() as small:
            assert client.get("/cijfers" + args).status_code == 200
        add_noise(make, n_activities=6, per_activity=5)
        with count_queries() as large:
            assert client.get("/cijfers" + args).status_code == 200
        assert small.count == large.count, (small.statements, large.statements)
        assert small.count <= 20


def test_walks_page(client, login_as, academy, count_queries):
    login_as("coordinator")
    html = client.get("/cijfers/wandelingen").get_data(as_text=True)
    assert "WK1" in html and "WK3" in html and "WK4" not in html  # the cancelled walk is left out
    assert "Groen" in html and "Water" in html
    with count_queries() as counter:
        assert client.get("/cijfers/wandelingen?jaar=2024").status_code == 200
    assert counter.count <= 12


def test_chart_is_a_self_contained_svg(client, login_as, academy):
    login_as("coordinator")
    for key in ("maand", "bewoners", "organisaties"):
        response = client.get(f"/cijfers/grafiek/{key}.svg?jaar=2024&telling=deelnames")
        assert response.status_code == 200
        assert response.mimetype == "image/svg+xml"
        assert response.headers["Content-Security-Policy"] == SVG_CSP
        svg = response.get_data(as_text=True)
        assert svg.lstrip().startswith("<?xml") and "<svg" in svg
        assert "<script" not in svg.lower()
        assert re.findall(r'https?://[^"\s<]+', svg) == ["http://www.w3.org/2000/svg"]
        assert "href=" not in svg and "@import" not in svg
