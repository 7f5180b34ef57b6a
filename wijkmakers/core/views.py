"""Feature-free endpoints: health check, privacy statement and accessibility statement."""
from flask import Blueprint, jsonify, render_template
from sqlalchemy import text

from ..extensions import db
from .permissions import public

bp = Blueprint("core", __name__)


@bp.route("/healthz")
@public
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - report any database failure as unhealthy
        db.session.rollback()
        return jsonify(status="error", database="unreachable", detail=type(exc).__name__), 503
    return jsonify(status="ok", database="ok")


@bp.route("/toegankelijkheid")
@public
def accessibility():
    return render_template("core/accessibility.html")


@bp.route("/privacy")
@public
def privacy():
    return render_template("core/privacy.html")
