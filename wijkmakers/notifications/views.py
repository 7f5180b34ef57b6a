"""The beheerder's view of the outbox: what waits, what went out, what failed and why."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from ..core.errors import DomainError, NotFound
from ..core.permissions import BEHEERDER, roles_required
from ..core.templating import register_nav
from . import services

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
    try:
        services.retry_message(message_id, current_user.id)
    except NotFound:
        raise
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash(f"Bericht {message_id} staat weer klaar voor de volgende verzendronde.", "success")
    return redirect(url_for("notifications.outbox"))
