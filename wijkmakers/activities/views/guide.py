"""The presence list, for organisers and the guides of this very activity: marks, walk-ins, check-in with
a personal code, no-shows and a printable list."""
from flask import Response, abort, flash, redirect, url_for
from flask_login import current_user

from ...auth.models import User
from ...core.errors import DomainError, form_page, show_on_form
from ...core.timeutil import utcnow
from ...extensions import db
from .. import attendance as presence
from ..forms import ActionForm, CodeForm, WalkInForm
from ..models import Activity
from ..signups import is_public_activity
from . import activity_or_404, bp


def _attendance_activity(activity_id: int) -> Activity:
    activity = activity_or_404(activity_id)
    if not presence.can_take_attendance(activity, current_user):
        abort(403)
    if not is_public_activity(activity):
        abort(404)  # course sessions: the learning feature's presence list
    return activity


def _back_to_list(activity: Activity, anchor: str = "") -> Response:
    return redirect(url_for("activities.attendance", activity_id=activity.id) + anchor)


@bp.route("/agenda/<int:activity_id>/aanwezigheid", methods=["GET", "POST"])
def attendance(activity_id):
    activity = _attendance_activity(activity_id)
    form = WalkInForm()
    if form.validate_on_submit():
        try:
            _mark, person = presence.walk_in(activity, form.name.data, form.email.data, form.kind.data, current_user)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            flash(f"{person.name} is aanwezig gemeld.", "success")
            return _back_to_list(activity, f"#persoon-{person.id}")
    rows = presence.presence_list(activity)
    present = sum(1 for r in rows if r.mark is not None and r.mark.present)
    unmarked = sum(1 for r in rows if r.mark is None)
    return form_page("activities/attendance.html", activity=activity, rows=rows, present=present,
                     unmarked=unmarked, form=form, code_form=CodeForm(formdata=None), action=ActionForm(),
                     started=activity.starts_at <= utcnow())


@bp.route("/agenda/<int:activity_id>/aanwezigheid/<int:user_id>/<mark>", methods=["POST"])
def mark(activity_id, user_id, mark):
    if mark not in ("aanwezig", "afwezig"):
        abort(404)
    activity = _attendance_activity(activity_id)
    person = presence.markable_person(activity, user_id)
    if person is None:
        abort(404)
    try:
        presence.mark_attendance(activity, person, mark == "aanwezig", current_user)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash(f"{person.name}: {mark}.", "success")
    return _back_to_list(activity, f"#persoon-{user_id}")


@bp.route("/agenda/<int:activity_id>/aanwezigheid/code", methods=["POST"])
def checkin(activity_id):
    activity = _attendance_activity(activity_id)
    form = CodeForm()
    if form.validate_on_submit():
        try:
            mark = presence.check_in(activity, form.code.data, current_user)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            person = db.session.get(User, mark.user_id)
            flash(f"{person.name} is aanwezig gemeld.", "success")
            return _back_to_list(activity, f"#persoon-{person.id}")
    else:
        flash(" ".join(e for errors in form.errors.values() for e in errors) or "Vul de code in.", "error")
    return _back_to_list(activity, "#met-code")


@bp.route("/agenda/<int:activity_id>/aanwezigheid/niet-gekomen", methods=["POST"])
def mark_rest_absent(activity_id):
    activity = _attendance_activity(activity_id)
    try:
        count = presence.mark_remaining_absent(activity, current_user)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash(f"{count} {'persoon' if count == 1 else 'mensen'} als niet gekomen gemeld.", "success")
    return _back_to_list(activity)


@bp.route("/agenda/<int:activity_id>/presentielijst.pdf")
def attendance_pdf(activity_id):
    activity = _attendance_activity(activity_id)
    from ..pdf import render_presence_list  # WeasyPrint loads only when someone prints

    pdf = render_presence_list(presence.presence_sheet(activity))
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="presentielijst-{activity.id}.pdf"',
                             "Cache-Control": "private, no-store"})
