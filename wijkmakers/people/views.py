import json

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_login import current_user

from ..core.errors import DomainError, show_on_form
from ..core.permissions import BEHEERDER, COORDINATOR, roles_required
from ..core.templating import register_nav
from . import details, export, privacy
from .forms import ConfirmForm, ErasureForm, ProfileForm

bp = Blueprint("people", __name__)
register_nav("people.profile", "Mijn gegevens", None)
register_nav("people.erasure_requests", "Privacyverzoeken", (COORDINATOR,))


@bp.route("/mijn-gegevens", methods=["GET", "POST"])
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        try:
            details.update_own_details(current_user, name=form.name.data, kind=form.kind.data,
                                       neighbourhood=form.neighbourhood.data, job_title=form.job_title.data,
                                       phone=form.phone.data)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            flash("Je gegevens zijn opgeslagen.", "success")
            return redirect(url_for("people.profile"))
    return render_template("people/profile.html", form=form), 422 if form.errors else 200


@bp.route("/mijn-gegevens/overzicht")
def my_data():
    return render_template("people/my_data.html", sections=export.readable(current_user),
                           erasure_form=ErasureForm())


@bp.route("/mijn-gegevens/download.json")
def my_data_json():
    payload = json.dumps(export.as_json(current_user), ensure_ascii=False, indent=2)
    return Response(payload, mimetype="application/json",
                    headers={"Content-Disposition": "attachment; filename=mijn-gegevens-wijkmakers.json"})


@bp.route("/mijn-gegevens/verwijderen", methods=["POST"])
def request_erasure():
    form = ErasureForm()
    if not form.validate_on_submit():  # the confirmation box was not ticked
        return render_template("people/my_data.html", sections=export.readable(current_user),
                               erasure_form=form), 422
    privacy.request_erasure(current_user)
    flash("Je verzoek om je gegevens te wissen is ontvangen. Een coördinator handelt het binnen vier weken af; "
          "je krijgt geen e-mails meer over nieuwe activiteiten.", "success")
    return redirect(url_for("people.my_data"))


@bp.route("/beheer/privacyverzoeken")
@roles_required(COORDINATOR)
def erasure_requests():
    return render_template("people/erasure_requests.html", requests=privacy.pending_erasure_requests(),
                           form=ConfirmForm())


@bp.route("/beheer/privacyverzoeken/<int:user_id>/wissen", methods=["POST"])
@roles_required(COORDINATOR)
def erase(user_id):
    user = privacy.pending_person(user_id)
    try:
        privacy.erase_person(user, current_user)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash("De persoon is geanonimiseerd. De cijfers van eerdere jaren blijven gelijk.", "success")
    return redirect(url_for("people.erasure_requests"))


@bp.route("/beheer/privacyverzoeken/<int:user_id>/afwijzen", methods=["POST"])
@roles_required(COORDINATOR)
def decline(user_id):
    privacy.withdraw_erasure_request(privacy.pending_person(user_id), current_user)
    flash("Het verzoek is afgewezen en uit de lijst gehaald.", "success")
    return redirect(url_for("people.erasure_requests"))


@bp.route("/beheer/auditlog")
@roles_required(COORDINATOR, BEHEERDER)
def audit_log():
    return render_template("people/audit_log.html", events=privacy.audit_log(current_user))
