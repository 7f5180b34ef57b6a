"""The participation report as a PDF (A4, WeasyPrint): the year table, the definitions, the walk figures
and the charts.

Rendering never touches the network or the file system: the charts are embedded as data: URIs and the
URL fetcher (core.pdf) refuses every other URL. Fonts come from the system (Open Sans, DejaVu Sans as fallback).

Every table fits its page: the charts and their data are set on landscape pages (the named page ``wide`` in
pdf.css), and a table with more columns than a page can hold is split into parts of a few columns each,
every part repeating the row labels; the year table is split by years the same way. Table headers repeat
on every page a table runs over. tests/reporting/test_pdf_layout.py checks that no text leaves its page.
"""
from dataclasses import dataclass
from pathlib import Path

from flask import render_template

from ..core.pdf import render_document, write_pdf
from .chart_data import Chart
from .charts import render_svg, svg_data_uri
from .statistics import Statistics

STYLESHEET = Path(__file__).with_name("pdf.css")

# The most number columns in one part of a table: the year table on a portrait page (its three label
# columns take half the width), a chart's data on a landscape page (headers such as "Welzijnsorganisatie").
YEARS_PER_PART = 6
SERIES_PER_PART = 6


def column_parts(count: int, size: int) -> list[range]:
    """``count`` columns in as few parts of at most ``size`` as possible, the parts as equal as can be."""
    parts = max(1, -(-count // size))
    base, extra = divmod(count, parts)
    ranges, start = [], 0
    for index in range(parts):
        width = base + (1 if index < extra else 0)
        ranges.append(range(start, start + width))
        start += width
    return ranges


@dataclass
class TablePart:
    number: int
    of: int
    header: list[str]
    rows: list[tuple[str, list]]   # (row label, one value per header)

    @property
    def suffix(self) -> str:
        return f" (deel {self.number} van {self.of})" if self.of > 1 else ""


def chart_parts(chart: Chart, size: int = SERIES_PER_PART) -> list[TablePart]:
    """The data behind a chart: one column per series and a last column "Opgeteld", in parts."""
    header = [label for label, _ in chart.series] + ["Opgeteld"]
    lines = [(x_label, [*values, total]) for x_label, values, total in chart.table]
    ranges = column_parts(len(header), size)
    return [TablePart(n, len(ranges), [header[i] for i in columns],
                      [(label, [values[i] for i in columns]) for label, values in lines])
            for n, columns in enumerate(ranges, start=1)]


def year_parts(stats: Statistics, size: int = YEARS_PER_PART) -> list[tuple[int, int, list, bool]]:
    """The year table's years in parts: (part number, number of parts, years, whether "Totaal" follows)."""
    ranges = column_parts(len(stats.years) + 1, size)  # the total is one more column, in the last part
    parts = []
    for n, columns in enumerate(ranges, start=1):
        years = [stats.years[i] for i in columns if i < len(stats.years)]
        parts.append((n, len(ranges), years, n == len(ranges)))
    return parts


def render_html(stats: Statistics, title: str) -> str:
    charts = [(chart, svg_data_uri(render_svg(chart)), chart_parts(chart)) for chart in stats.charts.values()]
    return render_template("reporting/pdf.html", stats=stats, charts=charts, title=title,
                           year_parts=year_parts(stats))


def render_pdf(stats: Statistics, title: str = "Deelname aan Wijkmakers") -> bytes:
    return write_pdf(render_html(stats, title), STYLESHEET)


def render_layout(stats: Statistics, title: str = "Deelname aan Wijkmakers"):
    """The report laid out in pages (WeasyPrint's document), without writing the PDF."""
    return render_document(render_html(stats, title), STYLESHEET)
