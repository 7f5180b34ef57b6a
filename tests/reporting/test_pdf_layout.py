"""The PDF report keeps every word inside its pages, also with many columns (every organisation type, every
kind of activity, many years): wide tables are split into parts or set on landscape pages, and their
headers repeat. Checked on WeasyPrint's layout boxes and on the text extracted from the PDF."""
import io
from datetime import date, datetime, timedelta

import pypdf
import pytest
from weasyprint.formatting_structure import boxes

from wijkmakers.activities.models import ACTIVITY_KINDS, KIND_SESSION, Activity
from wijkmakers.auth.models import KIND_PROFESSIONAL, KIND_RESIDENT
from wijkmakers.extensions import db
from wijkmakers.organisations.models import ORGANISATION_TYPES
from wijkmakers.reporting.chart_data import MONTH_LABELS
from wijkmakers.reporting.filters import Filters
from wijkmakers.reporting.statistics import compute_statistics

from ..conftest import login
from .conftest import attend

NOW = datetime(2026, 6, 1, 12, 0)
TOLERANCE = 0.5  # CSS px; rounding in the layout


def build_wide_academy(make) -> None:
    """Partners of every organisation type and someone without an organisation, taking part in every kind of
    activity, every month of 2024, from 2019 on: the widest tables the report can get."""
    people = []
    for type_ in ORGANISATION_TYPES:
        org = make.organisation(name=f"Voorbeeld {type_}", type=type_, partner_since=date(2019, 1, 1))
        people.append(make.user(name=f"Medewerker {type_}", kind=KIND_PROFESSIONAL, organisation_id=org.id,
                                commit=False))
    people.append(make.user(name="Bewoner zonder organisatie", kind=KIND_RESIDENT, neighbourhood="Selwerd",
                            commit=False))
    db.session.flush()
    kinds = [k for k in ACTIVITY_KINDS if k != KIND_SESSION]
    dates = [datetime(2024, month, 10, 10, 0) for month in range(1, 13)]
    dates += [datetime(year, 5, 10, 10, 0) for year in range(2019, 2026) if year != 2024]
    for index, starts in enumerate(dates):
        for kind in kinds:
            activity = Activity(kind=kind, title=f"{ACTIVITY_KINDS[kind]} {index}", starts_at=starts, capacity=30,
                                ends_at=starts + timedelta(hours=2), theme=f"Thema {index % 4}")
            db.session.add(activity)
            db.session.flush()
            for person in people:
                attend(activity, person)
    db.session.commit()


@pytest.fixture
def wide_stats(make):
    build_wide_academy(make)
    return compute_statistics(Filters(year=2024), now=NOW)


def outside_the_page(document) -> list[str]:
    """Every piece of text (and every image) that does not lie wholly inside its page's content area (or, for
    the running footers, inside the paper)."""
    problems = []
    for number, page in enumerate(document.pages, start=1):
        page_box = page._page_box
        paper = (0, 0, page_box.margin_width(), page_box.margin_height())
        content = (page_box.content_box_x(), page_box.content_box_y(),
                   page_box.content_box_x() + page_box.width, page_box.content_box_y() + page_box.height)
        for child in page_box.children:
            area = paper if isinstance(child, boxes.MarginBox) else content
            for box in child.descendants():
                if not isinstance(box, (boxes.TextBox, boxes.ReplacedBox)):
                    continue
                left, top = box.position_x, box.position_y
                right, bottom = left + box.margin_width(), top + box.margin_height()
                if (left < area[0] - TOLERANCE or top < area[1] - TOLERANCE
                        or right > area[2] + TOLERANCE or bottom > area[3] + TOLERANCE):
                    what = box.text if isinstance(box, boxes.TextBox) else "(afbeelding)"
                    problems.append(f"page {number}: {what!r} at x {left:.0f}-{right:.0f}, y {top:.0f}-{bottom:.0f}"
                                    f" outside {tuple(round(v) for v in area)}")
    return problems


def test_the_checker_finds_text_beyond_the_margin(app):
    from wijkmakers.core.pdf import render_document
    from wijkmakers.reporting.pdf import STYLESHEET

    with app.test_request_context():
        document = render_document("<table><tr>" + "<td>Welzijnsorganisatie</td>" * 12 + "</tr></table>",
                                   STYLESHEET)
    assert any("Welzijnsorganisatie" in problem for problem in outside_the_page(document))


def test_every_word_of_a_wide_report_stays_inside_its_pages(app, wide_stats):
    from wijkmakers.reporting.pdf import render_layout

    assert len(wide_stats.years) >= 8
    assert len(wide_stats.charts["organisaties"].series) == len(ORGANISATION_TYPES) + 1
    assert len(wide_stats.charts["maand"].series) == len(ACTIVITY_KINDS) - 1
    with app.test_request_context():
        document = render_layout(wide_stats)
    assert outside_the_page(document) == []
    sizes = {(round(p.width), round(p.height)) for p in document.pages}
    assert sizes <= {(794, 1123), (1123, 794)}  # A4 portrait and landscape, in CSS px


def test_every_column_header_is_in_the_pdf_text(client, make, wide_stats):
    login(client, make.user(roles=("coordinator",)))
    response = client.get("/cijfers/export/pdf?jaar=2024")
    assert response.status_code == 200
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    assert (round(float(reader.pages[0].mediabox.width)), round(float(reader.pages[0].mediabox.height))) == (595, 842)
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    headers = ["Omschrijving", "Eenheid", "Totaal", "Gehouden wandelingen", "Unieke wandelaars", "Opgeteld",
               "Zonder organisatie", "Bewoner", *ORGANISATION_TYPES.values(), *[k for k in ACTIVITY_KINDS.values()
                                                                                 if k != "Bijeenkomst leergang"],
               *[str(y) for y in range(2019, 2027)], *MONTH_LABELS]
    missing = [h for h in headers if h not in text]
    assert missing == []
    # the organisation-type table and the monthly table end with their sums
    assert text.count("Opgeteld") >= 3
