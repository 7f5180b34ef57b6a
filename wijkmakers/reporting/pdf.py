"""The participation report as a PDF (A4, WeasyPrint): the year table, the definitions, the walk figures
and the charts.

Rendering never touches the network or the file system: the charts are embedded as data: URIs and the
URL fetcher (core.pdf) refuses every other URL. Fonts come from the system (Open Sans, DejaVu Sans as fallback).
"""
from pathlib import Path

from flask import render_template

from ..core.pdf import write_pdf
from .charts import render_svg, svg_data_uri
from .statistics import Statistics

STYLESHEET = Path(__file__).with_name("pdf.css")


def render_html(stats: Statistics, title: str) -> str:
    charts = [(chart, svg_data_uri(render_svg(chart))) for chart in stats.charts.values()]
    return render_template("reporting/pdf.html", stats=stats, charts=charts, title=title)


def render_pdf(stats: Statistics, title: str = "Deelname aan Wijkmakers") -> bytes:
    return write_pdf(render_html(stats, title), STYLESHEET)
