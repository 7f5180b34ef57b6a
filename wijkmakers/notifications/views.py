"""The beheerder's view of the outbox: what waits, what went out, what failed and why."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ..core.permissions import BEHEERDER, roles_required
from ..core.templating import register_nav
from ..extensions import db
from . import services
from .forms import ActionForm

bp = Blueprint("notifications", __name__)

register_nav("notifications.outbox", "Verzendlijst", (BEHEERDER,))


@bp.route("/beheer/verzendlijst")
@roles_required(BEHEERDER)
def outbox():
    return render_template("notifications/outbox.html", counts=services.outbox_counts(),
                           problems=services.recent_problems())


@bp.route("/beheer/verzendlijst/opnieuw", methods=["POST"])
@roles_required(BEHEERDER)
def retry_failed():
    if not ActionForm().validate_on_submit():
        abort(400)
    count = services.retry_failed(current_user.id)
    if count:
        what = "1 mislukt bericht staat" if count == 1 else f"{count} mislukte berichten staan"
        flash(f"{what} weer klaar voor de volgende verzendronde.", "success")
    else:
        flash("Er waren geen mislukte berichten.", "info")
    return redirect(url_for("notifications.outbox"))


@bp.route("/beheer/verzendlijst/<int:message_id>/opnieuw", methods=["POST"])
@roles_required(BEHEERDER)
def retry_message(message_id):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.retry_message(message_id, current_user.id)
    except services.NotFound:
        db.session.rollback()
        abort(404)
    except services.OutboxError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        flash(f"Bericht {message_id} staat weer klaar voor de volgende verzendronde.", "success")
    return redirect(url_for("notifications.outbox"))
