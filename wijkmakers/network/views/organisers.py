"""Pages for organisers and coordinators: reports of abuse, and the network in numbers."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ...core.errors import DomainError, NotFound
from ...core.permissions import COORDINATOR, ORGANISATOR, roles_required
from .. import figures as figure_service
from .. import messages
from ..forms import ResolveForm
from ..models import INITIATIVE_STATUSES
from . import bp


@bp.route("/netwerk/meldingen")
@roles_required(ORGANISATOR)
def reports():
    include_handled = request.args.get("alle") == "1"
    return render_template("network/reports.html", reports=messages.reports(include_handled),
                           include_handled=include_handled, form=ResolveForm())


@bp.route("/netwerk/meldingen/<int:report_id>", methods=["POST"])
@roles_required(ORGANISATOR)
def resolve_report(report_id):
    form = ResolveForm()
    try:
        messages.resolve_report(current_user, report_id, form.note.data, hide_profile=form.hide_profile.data)
    except NotFound:
        raise
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash("De melding is afgehandeld.", "success")
    return redirect(url_for("network.reports"))


@bp.route("/netwerk/cijfers")
@roles_required(ORGANISATOR, COORDINATOR)
def figures():
    raw = request.args.get("jaar", "").strip()
    year = int(raw) if raw.isascii() and raw.isdigit() and 2000 <= int(raw) <= 2100 else None
    return render_template("network/figures.html", figures=figure_service.network_figures(year), year=year,
                           bad_year=bool(raw) and year is None, statuses=INITIATIVE_STATUSES)

