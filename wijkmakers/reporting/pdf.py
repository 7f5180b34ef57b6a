"""The participation report as a PDF (A4, WeasyPrint): the year table, the definitions, the walk figures
and the charts.

Rendering never touches the network or the file system: the charts are embedded as data: URIs and the
URL fetcher refuses every other URL. Fonts come from the system (Open Sans, DejaVu Sans as fallback).
"""
import logging
from pathlib import Path

from flask import render_template
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from .charts import render_svg, svg_data_uri
from .services import Statistics

log = logging.getLogger("wijkmakers.reporting.pdf")
STYLESHEET = Path(__file__).with_name("pdf.css")


class FetchRefused(ValueError):
    """Something in the report asked for a resource outside the document."""


class DataOnlyFetcher(URLFetcher):
    """Decode data: URIs locally; refuse http, https, file and everything else."""

    def __init__(self):
        super().__init__(allowed_protocols=("data",), allow_redirects=False, timeout=1)

    def fetch(self, url, headers=None):
        if url.lower().startswith("data:"):
            return super().fetch(url, headers)
        log.warning("report rendering refused to fetch %s", url[:200])
        raise FetchRefused(f"refused to fetch {url[:200]}")


def render_html(stats: Statistics, title: str) -> str:
    charts = [(chart, svg_data_uri(render_svg(chart))) for chart in stats.charts.values()]
    return render_template("reporting/pdf.html", stats=stats, charts=charts, title=title)


def render_pdf(stats: Statistics, title: str = "Deelname aan Wijkmakers") -> bytes:
    fetcher = DataOnlyFetcher()
    html = HTML(string=render_html(stats, title), base_url="data:,", url_fetcher=fetcher)
    stylesheet = CSS(string=STYLESHEET.read_text(encoding="utf-8"), url_fetcher=fetcher)
    return html.write_pdf(stylesheets=[stylesheet])
