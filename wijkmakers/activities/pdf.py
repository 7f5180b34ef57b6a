"""The printable presence list (PDF, WeasyPrint), for walks where phones are not at hand.

System fonts through fontconfig and the stylesheet from this package; core.pdf's fetcher keeps rendering
off the network.
"""
from pathlib import Path

from flask import current_app

from ..core.pdf import write_pdf

from .attendance import Sheet

STYLESHEET = Path(__file__).with_name("pdf.css")


def render_presence_list(sheet: Sheet) -> bytes:
    html = current_app.jinja_env.get_template("activities/presence_pdf.html").render(sheet=sheet)
    return write_pdf(html, STYLESHEET)
