"""The directory: reciprocity, filters on what people chose to show, pagination, constant queries."""
import re
from datetime import datetime, timedelta

import pytest

from wijkmakers.activities.models import Attendance
from wijkmakers.auth.models import KIND_PROFESSIONAL, KIND_RESIDENT
from wijkmakers.extensions import db
from wijkmakers.learning.models import Cohort
from wijkmakers.network.followups import months_before
from wijkmakers.network.profiles import profile_of, withdraw

from ..conftest import login
from .conftest import enrol, make_cohort, opt_in


def _names(client, query=""):
    """The names in the result cards (not the logged-in name in the header)."""
    html = client.get("/netwerk" + query).get_data(as_text=True)
    return set(re.findall(r'<h2><a href="/netwerk/mensen/\d+">([^<]+)</a>', html))


def test_people_who_did_not_opt_in_see_an_invitation_only(client, world):
    for user in (world.carla, world.partner):
        login(client, user)
        response = client.get("/netwerk")
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "Meedoen aan het netwerk" in html and "Wie meedoet, kijkt mee" in html
        assert "Anna Bakker" not in html and "Bas Visser" not in html
        assert _names(client, "?q=anna") == set()


@pytest.mark.parametrize("role", ["organiser", "guide", "coordinator"])
def test_staff_browse_without_a_profile(client, world, role):
    login(client, getattr(world, role))
    assert _names(client) == {"Anna Bakker", "Bas Visser"}


def test_who_in_selwerd_works_on_energietransitie(client, world, make):
    dirk = make.user(name="Dirk Dijkstra", kind=KIND_PROFESSIONAL)
    opt_in(dirk, neighbourhood="Vinkhuizen", themes=("energietransitie",))
    login(client, world.bas)
    assert _names(client, "?thema=energietransitie&wijk=Selwerd") == {"Anna Bakker"}
    assert _names(client, "?thema=energietransitie") == {"Anna Bakker", "Dirk Dijkstra"}
    assert _names(client, "?wijk=Paddepoel") == {"Bas Visser"}
    assert _names(client, "?q=warmtenet") == {"Anna Bakker"}  # own tags
    assert _names(client, "?q=ENERGIECAF") == {"Anna Bakker"}  # what she works on, case-insensitive
    assert _names(client, "?q=100%25") == set()  # a typed % is no wildcard


def test_kind_and_organisation_filters_only_find_people_who_show_them(client, world, make):
    dirk = make.user(name="Dirk Dijkstra", kind=KIND_RESIDENT)
    opt_in(dirk, show_kind=False)
    login(client, world.bas)
    assert _names(client, "?soort=bewoner") == {"Anna Bakker"}
    assert _names(client, "?soort=professional") == {"Bas Visser"}
    assert _names(client, "?organisatie=woningcorporatie") == {"Bas Visser"}
    opt_in(world.bas, show_organisation=False, neighbourhood="Paddepoel")
    assert _names(client, "?organisatie=woningcorporatie") == set()


def test_cohort_and_year_filters(client, world, make):
    cohort = make_cohort("2022-2023", 2022)
    enrol(world.anna, cohort)
    enrol(world.bas, cohort)
    opt_in(world.bas, show_participation=False, neighbourhood="Paddepoel")
    walk = make.activity(starts_at=datetime(2024, 5, 1, 17, 0))
    db.session.add(Attendance(activity_id=walk.id, user_id=world.anna.id, present=True))
    db.session.commit()
    login(client, world.bas)
    assert _names(client, f"?cohort={cohort.id}") == {"Anna Bakker"}
    assert _names(client, "?jaar=2023") == {"Anna Bakker"}
    assert _names(client, "?jaar=2024") == {"Anna Bakker"}  # she walked along in 2024
    assert _names(client, "?jaar=2021") == set()
    page = client.get(f"/netwerk/mensen/{profile_of(world.anna.id).id}").get_data(as_text=True)
    assert "Leergang Wijkontwikkeling 2022-2023" in page and "2024" in page


def test_bad_filter_values_are_ignored(client, world):
    login(client, world.bas)
    for query in ("?jaar=abc", "?cohort=zz", "?cohort=999999", "?thema=onzin", "?wijk=Atlantis", "?soort=x",
                  "?organisatie=x", "?pagina=-3", "?pagina=abc", "?pagina=99999", "?q=" + "x" * 500):
        response = client.get("/netwerk" + query)
        assert response.status_code == 200, query
    assert "begrijpen we niet" in client.get("/netwerk?jaar=abc").get_data(as_text=True)
    assert _names(client, "?thema=onzin") == {"Anna Bakker", "Bas Visser"}


def test_unknown_or_hidden_profiles_give_404(client, world):
    login(client, world.bas)
    assert client.get("/netwerk/mensen/999999").status_code == 404
    withdraw(world.anna)
    assert client.get(f"/netwerk/mensen/{profile_of(world.anna.id).id}").status_code == 404


def test_inactive_accounts_are_not_listed(client, world):
    world.anna.active = False
    db.session.commit()
    login(client, world.bas)
    assert _names(client) == {"Bas Visser"}


def _people(make, n, start=0):
    for i in range(start, start + n):
        user = make.user(name=f"Netwerker {i:03d}", kind=KIND_RESIDENT if i % 2 else KIND_PROFESSIONAL,
                         organisation_id=make.organisation().id if i % 3 == 0 else None)
        opt_in(user, themes=("energietransitie", "governance"), tags="a, b")
        enrol(user, db.session.get(Cohort, _people.cohort_id))


def test_directory_issues_a_constant_number_of_queries(client, world, make, count_queries):
    _people.cohort_id = make_cohort("2023-2024", 2023).id
    _people(make, 4)
    login(client, world.organiser)

    def measure(query):
        db.session.remove()  # a fresh session, as in a real request
        with count_queries() as counter:
            assert client.get("/netwerk" + query).status_code == 200
        return counter.count

    small = measure("")
    small_filtered = measure("?thema=energietransitie&jaar=2023&soort=bewoner")
    _people(make, 26, start=4)
    assert measure("") == small
    assert measure("?thema=energietransitie&jaar=2023&soort=bewoner") == small_filtered
    assert small <= 12


def test_pagination(client, world, make):
    _people.cohort_id = make_cohort("2023-2024", 2023).id
    _people(make, 25)
    login(client, world.bas)
    first = client.get("/netwerk").get_data(as_text=True)
    assert "Pagina 1 van 2" in first and "27 personen gevonden" in first
    second = client.get("/netwerk?pagina=2").get_data(as_text=True)
    assert "Pagina 2 van 2" in second and "Netwerker 024" in second and "Netwerker 000" not in second


def test_months_before_clamps_the_day():
    assert months_before(datetime(2026, 5, 31, 10), 3) == datetime(2026, 2, 28, 10)
    assert months_before(datetime(2026, 1, 15), 3) == datetime(2025, 10, 15)
    assert months_before(datetime(2024, 5, 31), 3) == datetime(2024, 2, 29)
    assert months_before(datetime(2026, 3, 1), 3) - timedelta(days=0) == datetime(2025, 12, 1)
