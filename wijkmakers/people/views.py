import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ..auth.models import User
from ..core.audit import record
from ..core.permissions import BEHEERDER, COORDINATOR, roles_required
from ..core.templating import register_nav
from ..extensions import db
from . import services
from .forms import ConfirmForm, ErasureForm, ProfileForm

bp = Blueprint("people", __name__)
register_nav("people.profile", "Mijn gegevens", None)
register_nav("people.erasure_requests", "Privacyverzoeken", (COORDINATOR,))


@bp.route("/mijn-gegevens", methods=["GET", "POST"])
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        current_user.name = form.name.data
        current_user.kind = form.kind.data
        current_user.neighbourhood = form.neighbourhood.data or None
        current_user.job_title = form.job_title.data or None
        current_user.phone = form.phone.data or None
        db.session.commit()
        flash("Je gegevens zijn opgeslagen.", "success")
        return redirect(url_for("people.profile"))
    return render_template("people/profile.html", form=form)


@bp.route("/mijn-gegevens/overzicht")
def my_data():
    return render_template("people/my_data.html", data=services.personal_data(current_user),
                           erasure_form=ErasureForm())


@bp.route("/mijn-gegevens/download.json")
def my_data_json():
    payload = json.dumps(services.personal_data(current_user), ensure_ascii=False, indent=2)
    return Response(payload, mimetype="application/json",
                    headers={"Content-Disposition": "attachment; filename=mijn-gegevens-wijkmakers.json"})


@bp.route("/mijn-gegevens/verwijderen", methods=["POST"])
def request_erasure():
    form = ErasureForm()
    if not form.validate_on_submit():
        return render_template("people/my_data.html", data=services.personal_data(current_user),
                               erasure_form=form), 400
    services.request_erasure(current_user)
    flash("Je verzoek om je gegevens te wissen is ontvangen. Een coördinator handelt het binnen vier weken af; "
          "je krijgt geen e-mails meer over nieuwe activiteiten.", "success")
    return redirect(url_for("people.my_data"))


@bp.route("/beheer/privacyverzoeken")
@roles_required(COORDINATOR)
def erasure_requests():
    return render_template("people/erasure_requests.html", requests=services.pending_erasure_requests(),
                           form=ConfirmForm())


def _pending_person(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.erasure_requested_at is None or user.anonymised_at is not None:
        abort(404)
    return user


@bp.route("/beheer/privacyverzoeken/<int:user_id>/wissen", methods=["POST"])
@roles_required(COORDINATOR)
def erase(user_id):
    user = _pending_person(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.erase_person(user, current_user)
    except services.PrivacyError as exc:
        flash(str(exc), "error")
    else:
        flash("De persoon is geanonimiseerd. De cijfers van eerdere jaren blijven gelijk.", "success")
    return redirect(url_for("people.erasure_requests"))


@bp.route("/beheer/privacyverzoeken/<int:user_id>/afwijzen", methods=["POST"])
@roles_required(COORDINATOR)
def decline(user_id):
    user = _pending_person(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.withdraw_erasure_request(user, current_user)
    flash("Het verzoek is afgewezen en uit de lijst gehaald.", "success")
    return redirect(url_for("people.erasure_requests"))


@bp.route("/beheer/auditlog")
@roles_required(COORDINATOR, BEHEERDER)
def audit_log():
    record(current_user.id, "audit_log_viewed", "audit_event")
    db.session.commit()
    return render_template("people/audit_log.html", events=services.audit_events())

