"""Charts as self-contained SVG (pygal), to paste into a report or embed in the PDF.

pygal puts a configuration <script> (and, by default, script tags pointing at a CDN) into every SVG.
These charts are static pictures: ``js=[]`` drops the CDN scripts, and the remaining inline script and
the generator comments are removed after rendering, so the SVG references nothing outside itself. It is
served as image/svg+xml with its own strict Content-Security-Policy (core.security.SVG_CSP) and shown
through <img>, which never runs scripts anyway. Each chart on a page has its data as a <table> too.
"""
import base64
import re

import pygal
from pygal.style import Style

from .chart_data import Chart

# Distinguishable colours with enough contrast on white, in a fixed order per series.
PALETTE = ("#0d4f8b", "#2f7d32", "#b35900", "#6a3d9a", "#b3261e", "#00796b", "#5d4037", "#c2185b",
           "#455a64", "#827717", "#8a96a3", "#4a5560")

STYLE = Style(
    background="#ffffff", plot_background="#ffffff", foreground="#1b1f24", foreground_strong="#1b1f24",
    foreground_subtle="#8a96a3", opacity="1", opacity_hover="1", transition="none", colors=PALETTE,
    font_family="'Open Sans', 'DejaVu Sans', Arial, sans-serif", label_font_size=13, major_label_font_size=13,
    legend_font_size=13, title_font_size=16, value_font_size=12, tooltip_font_size=12,
)

_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL | re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def _dutch_number(value) -> str:
    if value is None:
        return ""
    return f"{value:,.0f}".replace(",", ".")


LEGEND_COLUMNS = 3


def render_svg(chart: Chart, width: int = 860, height: int = 400) -> str:
    """The chart as an SVG document (text), without scripts or external references."""
    series = max(1, len(chart.series))
    legend_rows = -(-series // LEGEND_COLUMNS)
    height += 24 * legend_rows  # room for every legend entry below the plot
    # pygal reserves floor(series / columns) legend rows; an incomplete last row needs its own space.
    margin_bottom = 16 + (24 if series % LEGEND_COLUMNS else 0)
    graph = pygal.StackedBar(
        style=STYLE, js=[], disable_xml_declaration=False, width=width, height=height, explicit_size=True,
        title=chart.title, x_title=chart.x_title, y_title=chart.unit.capitalize(), legend_at_bottom=True,
        legend_at_bottom_columns=LEGEND_COLUMNS, show_legend=True, print_values=False, tooltip_fancy_mode=False,
        value_formatter=_dutch_number, no_data_text="Geen gegevens", truncate_legend=-1, margin=16,
        margin_bottom=margin_bottom, spacing=12, show_minor_x_labels=True, min_scale=4, max_scale=10,
    )
    graph.x_labels = chart.x_labels
    for label, values in chart.series:
        graph.add(label, values)
    svg = graph.render(is_unicode=True)
    svg = _COMMENT.sub("", _SCRIPT.sub("", svg))
    if "<script" in svg.lower():  # never ship a chart that could still run something
        raise ValueError("chart still contains a script element")
    return svg


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
