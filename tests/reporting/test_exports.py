"""CSV, XLSX and PDF exports: read back, typed, neutralised, logged, and only for the right people."""
import csv
import io
from datetime import datetime

import openpyxl
import pypdf
import pytest
from sqlalchemy import select

from wijkmakers.core.audit import AuditEvent
from wijkmakers.extensions import db
from wijkmakers.reporting.exports import csv_bytes, neutralise

from ..conftest import login


def _csv(data: bytes, delimiter: str) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 byte order mark for Excel"
    text = data.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


@pytest.fixture
def coordinator(client, make, academy):
    return login(client, make.user(roles=("coordinator",), name="Marleen Kuiper"))


def test_figures_csv_with_commas_and_with_semicolons(client, coordinator):
    response = client.get("/cijfers/export/csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Content-Disposition"].endswith('.csv"')
    rows = _csv(response.data, ",")
    assert rows[0][:6] == ["Nr", "Omschrijving", "Eenheid", "2023", "2024", "2025"]
    total = rows[0].index("Totaal")
    workshops = next(r for r in rows if r[1] == "Aantal deelnemers workshops")
    assert workshops[3:6] + [workshops[total]] == ["2", "1", "0", "2"]
    semicolon = _csv(client.get("/cijfers/export/csv-puntkomma?telling=deelnames").data, ";")
    workshops = next(r for r in semicolon if r[1] == "Aantal deelnemers workshops")
    assert workshops[3:6] + [workshops[total]] == ["2", "1", "0", "3"]
    assert semicolon[0][0] == "Nr" and len(semicolon[0]) == len(rows[0])


def test_semicolon_csv_uses_a_decimal_comma():
    assert _csv(csv_bytes(["a", "b"], [[1.25, "x;y"]], "csv-puntkomma"), ";") == [["a", "b"], ["1,2", "x;y"]]
    assert _csv(csv_bytes(["a"], [[12.5]], "csv"), ",") == [["a"], ["12.5"]]


def test_figures_xlsx_has_typed_cells_a_frozen_header_and_a_sheet_per_table(client, coordinator):
    response = client.get("/cijfers/export/xlsx?jaar=2024")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Jaarcijfers", "Wijkwandelingen", "Per maand", "Bewoners en professionals",
                               "Type organisatie", "Definities"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert all(cell.font.b for cell in sheet[1])
    figures = book["Jaarcijfers"]
    header = [c.value for c in figures[1]]
    assert header[:6] == ["Nr", "Omschrijving", "Eenheid", "2023", "2024", "2025"]
    workshops = next(row for row in figures.iter_rows(min_row=2) if row[1].value == "Aantal deelnemers workshops")
    assert [c.value for c in workshops[3:6]] + [workshops[header.index("Totaal")].value] == [2, 1, 0, 2]
    assert workshops[3].data_type == "n" and workshops[1].data_type == "s"
    walks = book["Wijkwandelingen"]
    row_2024 = next(row for row in walks.iter_rows(min_row=2) if row[0].value == 2024)
    assert row_2024[3].value == pytest.approx(1.3) and row_2024[3].data_type == "n"
    months = book["Per maand"]
    assert [c.value for c in months[1]][0] == "Maand"
    assert "Europe/Amsterdam" in " ".join(str(c.value) for c in book["Definities"]["B"])


def test_pdf_report_is_a4_with_table_definitions_and_charts(client, coordinator):
    response = client.get("/cijfers/export/pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Aantal partnerorganisaties" in text and "Aantal partnerbijeenkomsten" in text
    assert "Wat de cijfers betekenen" in text and "presentielijst" in text
    assert "Gegevens bij de grafiek" in text
    images = sum(len(page.images) for page in reader.pages) if hasattr(reader.pages[0], "images") else 0
    xobjects = response.data.count(b"/XObject") + response.data.count(b"/Form")
    assert images or xobjects  # the charts are embedded (as vector forms)


def test_person_level_xlsx(client, coordinator):
    response = client.get("/cijfers/export/deelnames/xlsx")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book["Deelnames"]
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Datum", "Soort activiteit", "Activiteit")
    assert len(rows) == 1 + 20
    first = rows[1]
    assert isinstance(first[0], datetime) and first[0] == datetime(2023, 5, 10, 12, 0)  # local time
    assert isinstance(first[7], int)        # person id
    assert first[15] is True                # present, a real boolean
    absent = [r for r in rows[1:] if r[2] == "WK1" and r[15] is False]
    assert [r[8] for r in absent] == ["Daan"]


def test_person_level_csv_and_filters(client, coordinator):
    rows = _csv(client.get("/cijfers/export/deelnames/csv-puntkomma?jaar=2023").data, ";")
    assert rows[0][0] == "Datum" and len(rows) == 1 + 8
    assert rows[1][0] == "10-05-2023 12:00"
    assert {r[15] for r in rows[1:]} == {"ja", "nee"}
    rows = _csv(client.get("/cijfers/export/deelnames/csv?soort=bewoner").data, ",")
    assert {r[8] for r in rows[1:]} == {"Anouk", "Daan"}


def test_formula_like_text_is_neutralised_everywhere(client, coordinator, academy):
    academy.people["A"].name = "=HYPERLINK(\"http://evil.example\",\"klik\")"
    academy.people["B"].name = "@SUM(1+1)"
    academy.activities["W1"].title = "+31 workshop"
    academy.activities["W2"].title = "-minus"
    db.session.commit()
    rows = _csv(client.get("/cijfers/export/deelnames/csv").data, ",")
    names = {r[8] for r in rows[1:]}
    assert "'=HYPERLINK(\"http://evil.example\",\"klik\")" in names and "'@SUM(1+1)" in names
    assert {"'+31 workshop", "'-minus"} <= {r[2] for r in rows[1:]}
    book = openpyxl.load_workbook(io.BytesIO(client.get("/cijfers/export/deelnames/xlsx").data))
    values = [c.value for row in book["Deelnames"].iter_rows(min_row=2) for c in row]
    assert not any(isinstance(v, str) and v[:1] in "=+-@" for v in values)
    assert "'=HYPERLINK(\"http://evil.example\",\"klik\")" in values
    assert all(c.data_type != "f" for row in book["Deelnames"].iter_rows() for c in row)
    assert neutralise("=1+1") == "'=1+1" and neutralise("\t=1") == "'\t=1" and neutralise(-5) == -5
    assert neutralise("gewoon") == "gewoon"


def test_exports_are_logged_in_the_audit_trail(client, coordinator):
    client.get("/cijfers/export/deelnames/xlsx?soort=bewoner")
    client.get("/cijfers/export/csv")
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "reporting.export")
                                .order_by(AuditEvent.id)).all()
    assert len(events) == 2
    person_level = events[0]
    assert person_level.actor_id is not None
    assert person_level.details["table"] == "deelnames_per_persoon"
    assert person_level.details["format"] == "xlsx"
    assert person_level.details["rows"] == 9   # A and D: all their attendance records
    assert person_level.details["filters"]["soort"] == "bewoner"
    assert events[1].details["table"] == "jaarcijfers"
