"""The printable presence list (PDF, WeasyPrint), for walks where phones are not at hand.

Kept simple: system fonts through fontconfig, the stylesheet from this package, and a URL fetcher that
refuses every URL, so rendering never reaches the network or the file system.
"""
from pathlib import Path

from flask import current_app
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from .attendance import Sheet

STYLESHEET = Path(__file__).with_name("pdf.css")


class RefuseAll(URLFetcher):
    """Fetch nothing: every resource the document might name is refused."""

    def fetch(self, url, headers=None):
        raise ValueError(f"presence list rendering fetches nothing ({url[:80]})")


def render_presence_list(sheet: Sheet) -> bytes:
    html = current_app.jinja_env.get_template("activities/presence_pdf.html").render(sheet=sheet)
    fetcher = RefuseAll()
    stylesheet = CSS(string=STYLESHEET.read_text(encoding="utf-8"), url_fetcher=fetcher)
    return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf(stylesheets=[stylesheet])
