"""The read-only JSON API under /api/v1 (GET only) and the page where coordinators manage their keys.

The API needs no CSRF exemption: it accepts only GET. Errors under /api/ come back as JSON from
core.errors ({"error": {"status", "title", "message"}}).
"""
from dataclasses import asdict

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from ..activities.agenda import parse_month
from ..core.errors import DomainError, render_error, show_on_form
from ..core.permissions import COORDINATOR, public, roles_required
from ..core.templating import register_nav
from ..core.timeutil import utcnow
from ..extensions import limiter
from ..reporting.figure_cache import cached_statistics
from ..reporting.filters import parse_filters
from . import openapi, parameters, services
from .forms import RevokeForm, TokenForm

bp = Blueprint("api", __name__)
register_nav("api.tokens", "API-sleutels", (COORDINATOR,))

def _api_limit() -> str:
    """Requests per client address to the JSON API (setting API_RATE_LIMIT)."""
    return current_app.config.get("API_RATE_LIMIT", "120 per minute")


def _json(payload, status: int = 200, cache: str = "no-store", cors: bool = False):
    response = jsonify(payload)
    response.status_code = status
    response.headers["Cache-Control"] = cache
    if cors:  # public data without credentials: other sites may show the agenda
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _bad_request(message: str):
    return render_error(400, message)


@bp.route("/api/v1/openapi.json", endpoint="openapi")
@public
def openapi_document():
    return _json(openapi.document(current_app.config["BASE_URL"]), cache="public, max-age=3600", cors=True)


@bp.route("/api/v1/docs")
@public
def docs():
    return render_template("api/docs.html", document=openapi.document(current_app.config["BASE_URL"]))


@bp.route("/api/v1/agenda")
@public
@limiter.shared_limit(_api_limit, scope="api")
def agenda():
    params = parameters.query("agenda")
    month = parse_month(params["maand"]) if params["maand"] else None
    kind, neighbourhood, limit, offset = params["soort"], params["wijk"], params["limit"], params["offset"]
    total, activities = services.public_agenda(kind, neighbourhood, month, limit, offset)
    has_detail = "activities.detail" in current_app.view_functions
    items = [services.agenda_item(a, url_for("activities.detail", activity_id=a.id, _external=True)
                                  if has_detail else None) for a in activities]
    return _json({"total": total, "limit": limit, "offset": offset, "items": items},
                 cache="public, max-age=300", cors=True)


@bp.route("/api/v1/figures")
@public  # no session needed: the bearer token below is the credential
@limiter.shared_limit(_api_limit, scope="api")
def figures():
    token = services.authenticate(request.headers.get("Authorization"))
    if token is None:
        response = render_error(401, "Geef een geldige API-sleutel mee in de header "
                                     "'Authorization: Bearer wm_...'. Een coördinator maakt sleutels aan "
                                     "op de pagina API-sleutels; ingetrokken of verlopen sleutels werken niet.")
        response[0].headers["WWW-Authenticate"] = 'Bearer realm="wijkmakers"'
        return response
    if "jaar" in request.args:
        return _bad_request("De jaarcijfers bevatten alle jaren; laat 'jaar' weg.")
    parameters.query("figures")
    filters, errors = parse_filters(request.args)
    if errors:  # the document and parse_filters name the same choices; this is a second lock
        return _bad_request(" ".join(errors.values()))
    stats = cached_statistics(filters)
    return _json({
        "generated_at": services.iso_local(stats.generated_at),
        "filters": stats.filters.as_args(include_year=False),
        "definitions": [{"term": term, "text": text} for term, text in stats.definitions],
        "years": stats.years,
        "rows": [{"key": r.key, "number": r.number, "label": r.label, "unit": r.unit,
                  "values": {str(y): r.value(y) for y in stats.years}, "total": r.total,
                  "definition": r.definition, "filters_apply": r.filters_apply} for r in stats.rows],
        "walks": {"per_year": [{**asdict(w), "average": w.average} for w in stats.walks],
                  "total": {**asdict(stats.walks_total), "average": stats.walks_total.average}},
    })


@bp.route("/api-sleutels", methods=["GET", "POST"])
@roles_required(COORDINATOR)
def tokens():
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        try:
            new_token = services.create_token(current_user, form.name.data, form.validity_days())
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            form = TokenForm(formdata=None)
    response = current_app.make_response((render_template(
        "api/tokens.html", form=form, revoke_form=RevokeForm(), tokens=services.tokens_of(current_user),
        new_token=new_token, now=utcnow()), 422 if form.errors else 200))
    response.headers["Cache-Control"] = "no-store"  # a new token is on this page once
    return response


@bp.route("/api-sleutels/<int:token_id>/intrekken", methods=["POST"])
@roles_required(COORDINATOR)
def revoke_token(token_id):
    row = services.revoke_token(current_user, token_id)
    flash(f"De sleutel '{row.name}' is ingetrokken; hij werkt niet meer.", "success")
    return redirect(url_for("api.tokens"))
