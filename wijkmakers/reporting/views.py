"""Statistics pages, charts and exports for coordinators (organisers see the aggregated figures too)."""
from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user
from markupsafe import Markup

from ..core import spreadsheet
from ..core.pagination import page_number
from ..core.permissions import COORDINATOR, ORGANISATOR, roles_required
from ..core.templating import register_nav
from ..core.timeutil import local_today
from . import exports
from .chart_data import CHART_KEYS
from .charts import render_svg
from .figure_cache import cached_entry, cached_statistics
from .filters import export_filters, parse_filters, within_years
from .forms import filters_form
from .participation import report_years
from .person_export import participation_export
from .walks import all_walk_lines, walk_lines, walk_themes

bp = Blueprint("reporting", __name__)
register_nav("reporting.statistics", "Cijfers", (COORDINATOR, ORGANISATOR))

VIEW_ROLES = (COORDINATOR, ORGANISATOR)
FIGURE_FORMATS = ("csv", "csv-puntkomma", "xlsx", "pdf")
PERSON_FORMATS = ("csv", "csv-puntkomma", "xlsx")
LIST_FORMATS = PERSON_FORMATS


@bp.app_template_filter("report_number")
def report_number(value, decimals: int = 0) -> str:
    """1234 -> '1.234', 12.5 -> '12,5' (Dutch notation)."""
    if value is None:
        return ""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _filters():
    return parse_filters(request.args)


def _download(content: bytes, mimetype: str, filename: str) -> Response:
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _filename(name: str, fmt: str) -> str:
    extension = "csv" if fmt.startswith("csv") else fmt
    suffix = "-puntkomma" if fmt == "csv-puntkomma" else ""
    return f"wijkmakers-{name}-{local_today().isoformat()}{suffix}.{extension}"


@bp.route("/cijfers")
@roles_required(*VIEW_ROLES)
def statistics():
    filters, errors = _filters()
    entry = cached_entry(filters)
    stats, args = entry.statistics, entry.statistics.filters.as_args()
    within_years(filters, stats.years, errors)  # the monthly chart then shows the latest year
    return render_template("reporting/statistics.html", stats=stats, errors=errors, args=args,
                           sections=_statistics_sections(entry, args),
                           can_export_people=current_user.has_role(COORDINATOR))


def _statistics_sections(entry, args) -> dict:
    """The filter form and the tables of the statistics page, rendered once per set of cached figures.
    They show only the figures and the (normalised) filters, the same for every viewer; rendering their
    few hundred cells and options again for each request cost more than the rest of the page."""
    sections = entry.extras.get("sections")
    if sections is None:
        stats = entry.statistics
        form = filters_form(stats.filters, stats.years, "Jaar van de grafiek per maand")
        sections = entry.extras["sections"] = {  # Jinja's output, escaped by autoescaping
            name: Markup(render_template(f"reporting/_statistics_{name}.html", stats=stats, form=form,  # noqa: S704
                                         args=args))
            for name in ("filters", "figures", "walks_charts")}
    return sections


@bp.route("/cijfers/wandelingen")
@roles_required(*VIEW_ROLES)
def walks():
    filters, errors = _filters()
    years = report_years()
    filters = within_years(filters, years, errors)
    page = walk_lines(filters, page_number())
    themes = walk_themes(filters)
    form = filters_form(filters, years, "Jaar", all_years="Alle jaren")
    return render_template("reporting/walks.html", page=page, themes=themes, form=form, errors=errors,
                           filters=filters, args=filters.as_args())


@bp.route("/cijfers/wandelingen/export/<fmt>")
@roles_required(*VIEW_ROLES)
def export_walks(fmt):
    """The per-walk list of /cijfers/wandelingen (all pages) as CSV or XLSX, under the same filters."""
    if fmt not in LIST_FORMATS:
        abort(404)
    filters = export_filters(request.args)
    lines = all_walk_lines(filters)
    if fmt == "xlsx":
        content, mimetype = exports.walk_list_xlsx(lines), spreadsheet.XLSX_MIME
    else:
        content, mimetype = exports.walk_list_csv(lines, fmt), spreadsheet.CSV_MIME
    exports.log_export(current_user, "wandelingen", fmt, filters, rows=len(lines))
    return _download(content, mimetype, _filename("wandelingen", fmt))


@bp.route("/cijfers/grafiek/<name>.svg")
@roles_required(*VIEW_ROLES)
def chart(name):
    if name not in CHART_KEYS:
        abort(404)
    filters, _ = _filters()
    entry = cached_entry(filters)
    svg = entry.extras.get(name)
    if svg is None:
        svg = entry.extras[name] = render_svg(entry.statistics.charts[name])
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, max-age=60"
    response.headers["Content-Disposition"] = f'inline; filename="wijkmakers-grafiek-{name}.svg"'
    return response


@bp.route("/cijfers/export/<fmt>")
@roles_required(*VIEW_ROLES)
def export_figures(fmt):
    if fmt not in FIGURE_FORMATS:
        abort(404)
    stats = cached_statistics(export_filters(request.args))
    if fmt == "pdf":
        from .pdf import render_pdf  # WeasyPrint loads slowly; only when a PDF is asked for

        content, mimetype = render_pdf(stats), exports.PDF_MIME
    elif fmt == "xlsx":
        content, mimetype = exports.figures_xlsx(stats), spreadsheet.XLSX_MIME
    else:
        content, mimetype = exports.figures_csv(stats, fmt), spreadsheet.CSV_MIME
    exports.log_export(current_user, "jaarcijfers", fmt, stats.filters, rows=len(stats.rows))
    return _download(content, mimetype, _filename("cijfers", fmt))


@bp.route("/cijfers/export/deelnames/<fmt>")
@roles_required(COORDINATOR)
def export_participations(fmt):
    if fmt not in PERSON_FORMATS:
        abort(404)
    filters = export_filters(request.args)
    export = participation_export(filters)
    if fmt == "xlsx":
        content, mimetype = exports.participations_xlsx(export), spreadsheet.XLSX_MIME
    else:
        content, mimetype = exports.participations_csv(export, fmt), spreadsheet.CSV_MIME
    exports.log_export(current_user, "deelnames_per_persoon", fmt, filters, rows=len(export))
    return _download(content, mimetype, _filename("deelnames", fmt))
