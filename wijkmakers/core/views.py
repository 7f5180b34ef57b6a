"""Feature-free endpoints: health check, privacy statement and accessibility statement."""
from flask import Blueprint, jsonify, render_template
from sqlalchemy import text

from ..extensions import db
from .limitstore import limit_storage
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
    # Readiness: a rate limit storage (Redis) that cannot be reached makes the app degraded, not down: the
    # limits go on in memory per process (core/limitstore.py).
    storage = limit_storage()
    storage_status = storage.status() if storage is not None else "ok"
    if storage_status != "ok":
        return jsonify(status="degraded", database="ok", rate_limit_storage=storage_status,
                       degraded=["rate_limit_storage"],
                       detail="rate_limit_storage unreachable: in-memory limits per process")
    return jsonify(status="ok", database="ok", rate_limit_storage="ok")


@bp.route("/toegankelijkheid")
@public
def accessibility():
    return render_template("core/accessibility.html")


@bp.route("/privacy")
@public
def privacy():
    return render_template("core/privacy.html")
