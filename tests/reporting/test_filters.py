"""Every filter parameter that is not understood is named in a Dutch message: a notice on the pages (which
still answer 200: they are GET pages showing the figures for the choices that were understood), and a
Dutch 422 instead of an export file that would silently count something else."""
from dataclasses import fields

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from wijkmakers.core.audit import AuditEvent
from wijkmakers.core.errors import DomainError
from wijkmakers.core.transaction import transactional
from wijkmakers.extensions import db
from wijkmakers.reporting.exports import log_export
from wijkmakers.reporting.filters import Filters, export_filters, parse_filters, within_years
from wijkmakers.reporting.participation import report_years

from ..conftest import login

# parameter -> (a value it does not accept, the Dutch message)
BAD = {
    "meting": ("bijna", "Onbekende waarde 'bijna' voor 'meting'. Kies uit: aanwezig, aangemeld."),
    "telling": ("alles", "Onbekende waarde 'alles' voor 'telling'. Kies uit: personen, deelnames."),
    "wijk": ("Atlantis", "Onbekende waarde 'Atlantis' voor 'wijk'. Kies uit: "),
    "organisatietype": ("sekte", "Onbekende waarde 'sekte' voor 'organisatietype'. Kies uit: "),
    "soort": ("robot", "Onbekende waarde 'robot' voor 'soort'. Kies uit: "),
    "partner": ("misschien", "Onbekende waarde 'misschien' voor 'partner'. Kies uit: partner, overig, geen."),
    "jaar": ("twintig", "'twintig' is geen jaartal. Gebruik vier cijfers, zoals 2024."),
}
PAGES = ["/cijfers", "/cijfers/wandelingen"]
EXPORTS = ["/cijfers/export/csv", "/cijfers/export/xlsx", "/cijfers/export/deelnames/csv"]


def _export_events() -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "reporting.export"))


@pytest.fixture
def coordinator(client, make, academy):
    return login(client, make.user(roles=("coordinator",)))


def test_the_table_above_covers_every_filter_parameter():
    """A new filter must get a line in BAD (and so a test of its message)."""
    everything = Filters(neighbourhood="x", organisation_type="x", participant_kind="x", partner="x", year=2024)
    assert set(everything.as_args()) == set(BAD)
    assert len(fields(Filters)) == len(BAD)


@pytest.mark.parametrize("name", BAD)
def test_each_bad_parameter_gets_its_own_dutch_message_and_the_default(name):
    value, message = BAD[name]
    filters, errors = parse_filters({name: value})
    assert list(errors) == [name]
    assert errors[name].startswith(message)
    assert filters == Filters()  # the value that was not understood is left out


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("name", BAD)
def test_pages_show_the_message_and_answer_200(client, coordinator, url, name):
    value, message = BAD[name]
    response = client.get(f"{url}?{name}={value}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Niet alle keuzes in het adres zijn gebruikt" in html
    assert str(escape(message)) in html


@pytest.mark.parametrize("url", PAGES)
def test_a_year_without_figures_is_named_too(client, coordinator, url):
    years = report_years()
    response = client.get(f"{url}?jaar=1995")
    assert response.status_code == 200
    assert (f"Voor 1995 zijn er geen cijfers. Kies een jaar van {years[0]} tot en met {years[-1]}."
            in response.get_data(as_text=True))
    # a year with figures gets no message
    assert "Niet alle keuzes" not in client.get(f"{url}?jaar={years[-1]}").get_data(as_text=True)


def test_within_years_drops_only_an_unreported_year():
    errors = {}
    assert within_years(Filters(year=2024), [2023, 2024], errors) == Filters(year=2024)
    assert within_years(Filters(), [2023, 2024], errors) == Filters()
    assert errors == {}
    assert within_years(Filters(year=2030), [2023, 2024], errors) == Filters()
    assert errors == {"jaar": "Voor 2030 zijn er geen cijfers. Kies een jaar van 2023 tot en met 2024."}


@pytest.mark.parametrize("url", EXPORTS)
@pytest.mark.parametrize("name", ["wijk", "jaar", "soort"])
def test_exports_with_a_bad_parameter_are_refused_in_dutch_and_not_logged(client, coordinator, url, name):
    value, message = BAD[name]
    response = client.get(f"{url}?{name}={value}")
    assert response.status_code == 422
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "Deze export is niet gemaakt" in html and str(escape(message)) in html
    assert _export_events() == 0
    assert client.get(url).status_code == 200  # the same export without it is made, and logged
    assert _export_events() == 1


def test_export_filters_raises_a_domain_error_naming_every_bad_value():
    with pytest.raises(DomainError) as caught:
        export_filters({"wijk": "Atlantis", "telling": "alles"})
    assert "'Atlantis'" in caught.value.message and "'alles'" in caught.value.message
    assert export_filters({"wijk": "Selwerd"}) == Filters(neighbourhood="Selwerd")


def test_log_export_commits_on_its_own_and_rolls_back_with_a_failing_caller(app, make):
    user = make.user(roles=("coordinator",))

    @transactional
    def export_then_fail():
        log_export(user, "jaarcijfers", "csv", Filters(), rows=3)
        raise DomainError("Er ging iets mis.")

    with pytest.raises(DomainError):
        export_then_fail()
    assert _export_events() == 0

    log_export(user, "jaarcijfers", "csv", Filters(), rows=3)
    db.session.rollback()  # nothing left to roll back: it was committed
    assert _export_events() == 1


def test_reporting_and_backup_have_no_forms_to_re_show(app):
    """Every reporting page is a GET (the filter form changes nothing) and backup is a command: no POST
    endpoint, so no form that could be re-shown with another status than 422."""
    methods = {method for rule in app.url_map.iter_rules() if rule.endpoint.split(".")[0] in ("reporting", "backup")
               for method in rule.methods}
    assert methods <= {"GET", "HEAD", "OPTIONS"}
    assert any(rule.endpoint.startswith("reporting.") for rule in app.url_map.iter_rules())
