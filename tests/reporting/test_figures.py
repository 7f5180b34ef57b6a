"""The figures of the hand-made academy (tests/reporting/conftest.py), computed by the reporting modules."""
import pytest

from wijkmakers.reporting.filters import Filters, parse_filters
from wijkmakers.reporting.participation import report_years
from wijkmakers.reporting.person_export import participation_export
from wijkmakers.reporting.statistics import compute_statistics
from wijkmakers.reporting.walks import walk_lines, walk_themes

from .conftest import NOW

YEARS = [2023, 2024, 2025]

# row key -> ({year: value}, total) for present / unique persons (the default)
PRESENT_PERSONS = {
    "partnerorganisaties": ({2023: 1, 2024: 2, 2025: 1}, 2),
    "leergang_wijkontwikkeling": ({2023: 2, 2024: 1}, 2),
    "bestuurdersleergang": ({2024: 1}, 1),
    "workshops": ({2023: 2, 2024: 1}, 2),
    "lezingen": ({2023: 3}, 3),
    "masterclasses": ({2024: 2}, 2),
    "partnerbijeenkomsten": ({2024: 2}, 2),
    "themabijeenkomsten": ({2024: 1}, 1),
    "wijkwandelingen": ({2024: 3}, 3),
    "leergang_participatie": ({}, 0),
    "traineeship": ({}, 0),
    "alle_activiteiten": ({2023: 4, 2024: 4}, 4),
}


def figures(**filters):
    return compute_statistics(Filters(**filters), now=NOW)


def table(stats):
    return {row.key: ({y: v for y, v in row.values.items() if v}, row.total) for row in stats.rows}


def test_years_run_from_the_first_year_with_data_to_now(academy):
    assert report_years(NOW) == YEARS
    assert figures().years == YEARS


def test_each_row_present_unique_persons(academy):
    stats = figures()
    assert table(stats) == PRESENT_PERSONS
    assert [r.number for r in stats.main_rows] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert stats.row("partnerbijeenkomsten").unit == "bijeenkomsten"
    assert stats.row("workshops").unit == "personen"


def test_participations_count_every_attendance(academy):
    got = table(figures(count="deelnames"))
    assert got["workshops"] == ({2023: 2, 2024: 1}, 3)
    assert got["lezingen"] == ({2023: 3}, 3)
    assert got["leergang_wijkontwikkeling"] == ({2023: 2, 2024: 1}, 3)
    assert got["wijkwandelingen"] == ({2024: 4}, 4)
    assert got["alle_activiteiten"] == ({2023: 7, 2024: 11}, 18)
    # meetings and partners are not people: the switch does not change them
    assert got["partnerbijeenkomsten"] == ({2024: 2}, 2)
    assert got["partnerorganisaties"] == PRESENT_PERSONS["partnerorganisaties"]


def test_registered_counts_active_confirmed_registrations_and_enrolments(academy):
    got = table(figures(measure="aangemeld"))
    # W1: A, B and the no-show C; not the waiting list (D) nor the cancelled sign-up (E)
    assert got["workshops"] == ({2023: 3, 2024: 1}, 3)
    assert got["lezingen"] == ({2023: 3}, 3)
    assert got["wijkwandelingen"] == ({2024: 4}, 4)
    # courses: enrolments in a cohort running that year; C stopped in November 2023, E only asked
    assert got["leergang_wijkontwikkeling"] == ({2023: 2, 2024: 1}, 2)
    assert got["bestuurdersleergang"] == ({2024: 1}, 1)
    got = table(figures(measure="aangemeld", count="deelnames"))
    assert got["wijkwandelingen"] == ({2024: 5}, 5)


def test_cancelled_activities_never_count(academy):
    stats = figures(count="deelnames")
    # L2 (cancelled lecture with an attendance) and WK4 (cancelled walk) are absent; PM2 is not a meeting held
    assert stats.row("lezingen").values.get(2024, 0) == 0
    assert stats.walks[1].walks == 3
    assert stats.row("partnerbijeenkomsten").values == {2024: 2}


def test_year_boundaries_follow_local_time(academy):
    stats = figures(count="deelnames")
    # W2 at 23:30 UTC on 31 December 2023 is 00:30 on 1 January 2024 in Groningen
    assert stats.row("workshops").values == {2023: 2, 2024: 1}
    # L1 at 22:30 UTC is still 31 December in Groningen
    assert stats.row("lezingen").values == {2023: 3}


def test_month_chart_uses_local_time_across_daylight_saving(academy):
    chart = figures(year=2024).charts["maand"]
    series = dict(chart.series)
    # T1 at 22:30 UTC on 30 April is 00:30 on 1 May in summer time
    assert series["Themabijeenkomst"] == [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    assert chart.title.endswith("2024")


@pytest.mark.parametrize("filters, key, expected", [
    ({"participant_kind": "bewoner"}, "workshops", {2023: 1, 2024: 1}),     # A, a resident at the time
    ({"participant_kind": "bewoner"}, "masterclasses", {2024: 1}),          # D
    ({"participant_kind": "bewoner"}, "leergang_wijkontwikkeling", {}),
    ({"participant_kind": "professional"}, "workshops", {2023: 1}),        # B; A is a professional only now
    ({"partner": "partner"}, "workshops", {2023: 1}),                     # B for Welzijn Noord
    ({"partner": "partner"}, "lezingen", {2023: 1}),                      # D's organisation joined in 2024
    ({"partner": "partner"}, "masterclasses", {2024: 1}),                 # D, now a partner year
    ({"partner": "overig"}, "lezingen", {2023: 1}),                       # D in 2023
    ({"partner": "overig"}, "masterclasses", {2024: 1}),                  # C
    ({"partner": "geen"}, "workshops", {2023: 1, 2024: 1}),               # A
    ({"organisation_type": "welzijn"}, "workshops", {2023: 1}),
    ({"organisation_type": "geen"}, "wijkwandelingen", {2024: 1}),
    ({"neighbourhood": "Selwerd"}, "workshops", {2023: 1, 2024: 1}),
    ({"neighbourhood": "Paddepoel"}, "bestuurdersleergang", {2024: 1}),
    ({"measure": "aangemeld", "partner": "partner"}, "leergang_wijkontwikkeling", {2023: 1, 2024: 1}),
    ({"measure": "aangemeld", "organisation_type": "overig"}, "leergang_wijkontwikkeling", {2023: 1}),
    ({"measure": "aangemeld", "participant_kind": "bewoner"}, "bestuurdersleergang", {2024: 1}),
])
def test_filters(academy, filters, key, expected):
    stats = figures(**filters)
    assert {y: v for y, v in stats.row(key).values.items() if v} == expected


def test_partner_row_takes_only_the_organisation_type_filter(academy):
    stats = figures(organisation_type="welzijn")
    assert stats.row("partnerorganisaties").values == {2023: 1, 2024: 1, 2025: 1}
    assert stats.row("partnerorganisaties").filters_apply
    stats = figures(participant_kind="bewoner")
    assert stats.row("partnerorganisaties").values == {2023: 1, 2024: 2, 2025: 1}
    assert not stats.row("partnerorganisaties").filters_apply
    assert not stats.row("partnerbijeenkomsten").filters_apply
    assert stats.row("partnerbijeenkomsten").values == {2024: 2}


def test_walk_figures(academy):
    stats = figures()
    by_year = {w.year: w for w in stats.walks}
    assert (by_year[2023].walks, by_year[2023].average) == (0, None)
    w = by_year[2024]
    assert (w.walks, w.participations, w.unique_walkers, w.minimum, w.maximum, w.average) == (3, 4, 3, 0, 3, 1.3)
    t = stats.walks_total
    assert (t.walks, t.participations, t.unique_walkers, t.minimum, t.maximum) == (3, 4, 3, 0, 3)
    registered = {w.year: w for w in figures(measure="aangemeld").walks}[2024]
    assert (registered.participations, registered.unique_walkers, registered.maximum) == (5, 4, 4)


def test_walk_themes_and_lines(academy):
    themes = {t.theme: t for t in walk_themes(Filters(), now=NOW)}
    assert (themes["Groen"].walks, themes["Groen"].participations, themes["Groen"].unique_walkers) == (2, 4, 3)
    assert themes["Groen"].average == 2.0
    assert (themes["Water"].walks, themes["Water"].participations) == (1, 0)
    page = walk_lines(Filters(), page=1, now=NOW)
    assert page.total == 3
    assert [(line.activity.title, line.registered, line.present) for line in page.items] == [
        ("WK3", 0, 0), ("WK2", 1, 1), ("WK1", 4, 3)]
    page = walk_lines(Filters(year=2023), page=1, now=NOW)
    assert page.total == 0


def test_charts_by_person_kind_and_organisation_type(academy):
    stats = figures()
    kinds = dict(stats.charts["bewoners"].series)
    assert kinds["Bewoner"] == [2, 2, 0]        # 2023: A and D; 2024: A and D
    assert kinds["Professional"] == [2, 2, 0]   # 2023: B and C; 2024: B and C
    types = dict(stats.charts["organisaties"].series)
    assert types["Zonder organisatie"] == [1, 1, 0]
    assert types["Woningcorporatie"] == [1, 1, 0]
    assert stats.charts["organisaties"].x_labels == ["2023", "2024", "2025"]


def test_definitions_follow_the_choices(academy):
    present = dict(figures().definitions)
    assert "aanwezig" in present["Deelnemer"]
    assert "één keer" in present["Telling"]
    registered = dict(figures(measure="aangemeld", count="deelnames").definitions)
    assert "aanmelding" in registered["Deelnemer"]
    assert "inschrijving" in registered["Leergangen"]
    assert "Europe/Amsterdam" in registered["Jaar"]


def test_an_empty_database_gives_an_empty_table(app):
    stats = compute_statistics(Filters(), now=NOW)
    assert stats.years == [2025]
    assert all(row.total == 0 for row in stats.rows)
    assert stats.walks_total.average is None


def test_parse_filters_ignores_and_reports_unknown_values():
    filters, errors = parse_filters({"meting": "aangemeld", "telling": "x", "wijk": "Atlantis", "jaar": "20x4",
                                     "soort": "bewoner", "partner": "partner", "organisatietype": "geen"})
    assert filters == Filters(measure="aangemeld", participant_kind="bewoner", partner="partner",
                              organisation_type="geen")
    assert set(errors) == {"telling", "wijk", "jaar"}
    assert all(isinstance(m, str) and m for m in errors.values())
    filters, errors = parse_filters({"jaar": "2024"})
    assert filters.year == 2024 and not errors
    assert Filters(year=2024, neighbourhood="Selwerd").as_args() == {
        "meting": "aanwezig", "telling": "personen", "wijk": "Selwerd", "jaar": "2024"}


def test_person_level_rows(academy):
    export = participation_export(Filters(), now=NOW)
    rows = list(export.rows())
    assert len(export) == len(rows) == 20
    first = rows[0]
    assert first[1] == "Workshop" and first[2] == "W1"
    assert [r[2] for r in rows] == sorted([r[2] for r in rows], key=[
        "W1", "S1", "L1", "W2", "S2", "PM1", "S3", "WK1", "M1", "WK2", "T1"].index)
    absent = [r for r in rows if r[2] == "WK1" and r[15] is False]
    assert len(absent) == 1 and absent[0][8] == "Daan"
    lecture_d = next(r for r in rows if r[2] == "L1" and r[8] == "Daan")
    assert lecture_d[12] == "Woonstichting Zuid" and lecture_d[14] == "nee"   # not yet a partner in 2023
    masterclass_d = next(r for r in rows if r[2] == "M1" and r[8] == "Daan")
    assert masterclass_d[14] == "ja"
    # W1 (3), S1 (2), L1 (3); W2 is a 2024 workshop in Groningen
    assert len(participation_export(Filters(year=2023), now=NOW)) == 8
