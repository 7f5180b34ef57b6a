"""The per-walk list of /cijfers/wandelingen as CSV and XLSX: content, headers, filters, audit and access."""
import csv
import io
from datetime import datetime

import openpyxl
import pytest
from sqlalchemy import select

from wijkmakers.core.audit import AuditEvent
from wijkmakers.extensions import db
from wijkmakers.reporting.filters import Filters
from wijkmakers.reporting.walks import walk_lines

from ..conftest import login

EXPORTS = ["/cijfers/wandelingen/export/csv", "/cijfers/wandelingen/export/csv-puntkomma",
           "/cijfers/wandelingen/export/xlsx"]
HEADER = ["Datum", "Wandeling", "Thema", "Wijk", "Startpunt", "Plaatsen", "Aangemeld", "Aanwezig"]


def _csv(data: bytes, delimiter: str) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))


def test_the_walks_page_links_to_the_exports_with_its_choices(client, login_as, academy):
    login_as("coordinator")
    html = client.get("/cijfers/wandelingen?jaar=2024&meting=aangemeld").get_data(as_text=True)
    for fmt in ("xlsx", "csv-puntkomma", "csv"):
        assert f"/cijfers/wandelingen/export/{fmt}?" in html
    assert "jaar=2024" in html.split("/cijfers/wandelingen/export/xlsx?")[1].split('"')[0]


def test_csv_lists_every_walk_held_with_registered_and_present(client, login_as, academy):
    login_as("coordinator")
    academy.activities["WK1"].neighbourhood = "Selwerd"
    academy.activities["WK1"].meeting_point = "=Voor de bieb"
    db.session.commit()
    response = client.get("/cijfers/wandelingen/export/csv-puntkomma")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="wijkmakers-wandelingen-')
    assert disposition.endswith('-puntkomma.csv"')
    rows = _csv(response.data, ";")
    assert rows[0] == HEADER
    # newest first; the cancelled walk WK4 is left out; times in Groningen (WK1: 18:00 UTC = 19:00 local)
    assert [(r[1], r[6], r[7]) for r in rows[1:]] == [("WK3", "0", "0"), ("WK2", "1", "1"), ("WK1", "4", "3")]
    wk1 = rows[3]
    assert wk1[0] == "05-03-2024 19:00"
    assert wk1[2:6] == ["Groen", "Selwerd", "'=Voor de bieb", "30"]
    assert len(_csv(client.get("/cijfers/wandelingen/export/csv?jaar=2023").data, ",")) == 1  # header only


def test_filters_narrow_the_counts(client, login_as, academy):
    login_as("coordinator")
    rows = _csv(client.get("/cijfers/wandelingen/export/csv?soort=bewoner&jaar=2024").data, ",")
    exported = {r[1]: (int(r[6]), int(r[7])) for r in rows[1:]}
    assert exported["WK1"] != (4, 3)  # the professionals are left out
    page = walk_lines(Filters(participant_kind="bewoner", year=2024), page=1)
    assert exported == {line.activity.title: (line.registered, line.present) for line in page.items}


def test_xlsx_has_typed_cells_and_a_frozen_header(client, login_as, academy):
    login_as("organisator")
    response = client.get("/cijfers/wandelingen/export/xlsx?jaar=2024")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith('.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book["Wijkwandelingen"]
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    wk1 = next(r for r in rows[1:] if r[1] == "WK1")
    assert wk1[0] == datetime(2024, 3, 5, 19, 0)
    assert (wk1[6], wk1[7]) == (4, 3) and isinstance(wk1[6], int)


def test_every_walk_export_is_audited(client, login_as, academy):
    user = login_as("coordinator")
    client.get("/cijfers/wandelingen/export/xlsx?jaar=2024&meting=aangemeld")
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "reporting.export")).one()
    assert event.actor_id == user.id
    assert event.details["table"] == "wandelingen"
    assert event.details["format"] == "xlsx"
    assert event.details["rows"] == 3
    assert event.details["filters"]["jaar"] == "2024"


def test_bad_choices_and_unknown_formats_are_refused(client, login_as, academy):
    login_as("coordinator")
    response = client.get("/cijfers/wandelingen/export/csv?jaar=twintig")
    assert response.status_code == 422
    assert "Deze export is niet gemaakt" in response.get_data(as_text=True)
    assert client.get("/cijfers/wandelingen/export/pdf").status_code == 404
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "reporting.export")).all() == []


@pytest.mark.parametrize("url", EXPORTS)
def test_anonymous_visitors_go_to_the_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]


@pytest.mark.parametrize("role", ["deelnemer", "partnercontact", "begeleider", "beheerder"])
def test_other_roles_may_not_export_walks(client, make, academy, role):
    login(client, make.user(roles=(role,)))
    for url in EXPORTS:
        assert client.get(url).status_code == 403, url
