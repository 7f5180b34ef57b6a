"""Agenda, sign-ups, planning by organisers and attendance lists for guides."""
from datetime import datetime, timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..auth.models import NEIGHBOURHOODS, User
from ..core.pagination import paginate
from ..core.permissions import ORGANISATOR, public, roles_required
from ..core.templating import PUBLIC, register_nav
from ..core.timeutil import local_to_utc, to_local
from ..extensions import db
from . import services
from .forms import ActionForm, ActivityForm, AddPersonForm, CancelActivityForm, SeriesForm, WalkInForm
from .ics import activity_ics
from .models import ACTIVITY_KINDS, KIND_SESSION, REG_CONFIRMED, REG_LABELS, Activity, Registration

bp = Blueprint("activities", __name__)

register_nav("activities.agenda", "Agenda", PUBLIC)
register_nav("activities.mine", "Mijn aanmeldingen", None)
register_nav("activities.manage", "Activiteiten plannen", (ORGANISATOR,))


def _activity_or_404(activity_id: int) -> Activity:
    activity = db.session.get(Activity, activity_id)
    if activity is None:
        abort(404)
    return activity


def _public_activity_or_404(activity_id: int) -> Activity:
    activity = _activity_or_404(activity_id)
    if activity.cohort_id is not None or activity.kind == KIND_SESSION:
        abort(404)  # course sessions belong to their cohort, not to the public agenda
    return activity


# --------------------------------------------------------------------------------------------------
# Public agenda
# --------------------------------------------------------------------------------------------------

@bp.route("/agenda")
@public
def agenda():
    kind = request.args.get("soort", "")
    kind = kind if kind in ACTIVITY_KINDS and kind != KIND_SESSION else ""
    hood = request.args.get("wijk", "")
    hood = hood if hood in NEIGHBOURHOODS else ""
    month_raw = request.args.get("maand", "")
    month = services.parse_month(month_raw)
    page = paginate(services.agenda_query(kind or None, hood or None, month), per_page=20)
    kinds = [(k, v) for k, v in ACTIVITY_KINDS.items() if k != KIND_SESSION]
    return render_template("activities/agenda.html", page=page, kinds=kinds, neighbourhoods=NEIGHBOURHOODS,
                           kind=kind, hood=hood, month=f"{month[0]:04d}-{month[1]:02d}" if month else "",
                           bad_month=bool(month_raw) and month is None)


@bp.route("/agenda/<int:activity_id>")
@public
def detail(activity_id):
    activity = _public_activity_or_404(activity_id)
    registration = rank = None
    if current_user.is_authenticated:
        registration = services.active_registration(activity.id, current_user.id)
        rank = services.waitlist_rank(registration) if registration else None
    guides = [g.user.name for g in activity.guides]
    return render_template("activities/detail.html", activity=activity, registration=registration, rank=rank,
                           seats_left=services.seats_left(activity), guides=guides, form=ActionForm(),
                           is_guide=current_user.is_authenticated and services.is_guide(activity, current_user),
                           REG_LABELS=REG_LABELS, signup_closed=_signup_closed(activity))


def _signup_closed(activity: Activity) -> bool:
    from ..core.timeutil import utcnow
    return activity.is_cancelled or utcnow() > (activity.signup_deadline or activity.starts_at)


@bp.route("/agenda/<int:activity_id>.ics")
@public
def ics(activity_id):
    activity = _public_activity_or_404(activity_id)
    body = activity_ics(activity, url=url_for("activities.detail", activity_id=activity.id, _external=True))
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="activiteit-{activity.id}.ics"'})


@bp.route("/agenda/<int:activity_id>/aanmelden", methods=["POST"])
def signup(activity_id):
    activity = _public_activity_or_404(activity_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        registration = services.register(activity, current_user, by=current_user)
    except services.SignupError as exc:
        flash(str(exc), "error")
    else:
        if registration.status == REG_CONFIRMED:
            flash("Je bent aangemeld. Je krijgt een bevestiging per e-mail.", "success")
        else:
            flash(f"De activiteit is vol: je staat op de wachtlijst (plaats "
                  f"{services.waitlist_rank(registration)}).", "success")
    return redirect(url_for("activities.detail", activity_id=activity.id))


@bp.route("/agenda/<int:activity_id>/afmelden", methods=["POST"])
def cancel(activity_id):
    activity = _activity_or_404(activity_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    registration = services.active_registration(activity.id, current_user.id)
    if registration is None:
        flash("Je was niet aangemeld voor deze activiteit.", "error")
    else:
        try:
            services.cancel_registration(registration, by=current_user)
            flash("Je bent afgemeld.", "success")
        except services.SignupError as exc:
            flash(str(exc), "error")
    if activity.cohort_id is not None:
        return redirect(url_for("activities.mine"))
    return redirect(url_for("activities.detail", activity_id=activity.id))


@bp.route("/mijn-aanmeldingen")
def mine():
    registrations = services.registrations_of_user(current_user.id)
    return render_template("activities/mine.html", registrations=registrations,
                           ranks=services.waitlist_ranks(registrations), REG_LABELS=REG_LABELS)


# --------------------------------------------------------------------------------------------------
# Planning by organisers
# --------------------------------------------------------------------------------------------------

@bp.route("/activiteiten")
@roles_required(ORGANISATOR)
def manage():
    return render_template("activities/manage.html", rows=services.manage_overview())


def _form_data(form: ActivityForm) -> dict:
    starts = local_to_utc(datetime.combine(form.date.data, form.start_time.data))
    return {
        "kind": form.kind.data, "title": form.title.data, "theme": form.theme.data or None,
        "description": form.description.data or "", "neighbourhood": form.neighbourhood.data or None,
        "meeting_point": form.meeting_point.data or None, "location": form.location.data or None,
        "starts_at": starts, "ends_at": local_to_utc(datetime.combine(form.date.data, form.end_time.data)),
        "signup_deadline": starts - timedelta(hours=12), "capacity": form.capacity.data,
        "speakers": form.speakers.data or None, "practical_notes": form.practical_notes.data or "",
    }


@bp.route("/activiteiten/nieuw", methods=["GET", "POST"])
@roles_required(ORGANISATOR)
def create():
    form = ActivityForm()
    form.set_guides(services.guide_candidates())
    if form.validate_on_submit():
        activity = services.save_activity(None, _form_data(form), [form.guide1.data, form.guide2.data],
                                          current_user)
        flash("De activiteit staat in de agenda.", "success")
        return redirect(url_for("activities.registrations", activity_id=activity.id))
    return render_template("activities/form.html", form=form, activity=None)


@bp.route("/activiteiten/<int:activity_id>/bewerken", methods=["GET", "POST"])
@roles_required(ORGANISATOR)
def edit(activity_id):
    activity = _activity_or_404(activity_id)
    form = ActivityForm(obj=activity)
    form.set_guides(services.guide_candidates())
    if request.method == "GET":
        local_start, local_end = to_local(activity.starts_at), to_local(activity.ends_at)
        form.date.data, form.start_time.data = local_start.date(), local_start.time()
        form.end_time.data = local_end.time()
        guide_ids = [g.user_id for g in activity.guides]
        form.guide1.data = guide_ids[0] if guide_ids else None
        form.guide2.data = guide_ids[1] if len(guide_ids) > 1 else None
    if form.validate_on_submit():
        try:
            services.save_activity(activity, _form_data(form), [form.guide1.data, form.guide2.data],
                                   current_user)
        except services.SignupError as exc:
            db.session.rollback()
            form.capacity.errors.append(str(exc))
        else:
            flash("De activiteit is bijgewerkt.", "success")
            return redirect(url_for("activities.registrations", activity_id=activity.id))
    return render_template("activities/form.html", form=form, activity=activity)


@bp.route("/activiteiten/<int:activity_id>/annuleren", methods=["GET", "POST"])
@roles_required(ORGANISATOR)
def cancel_activity(activity_id):
    activity = _activity_or_404(activity_id)
    form = CancelActivityForm()
    if form.validate_on_submit():
        try:
            mailed = services.cancel_activity(activity, form.reason.data, current_user)
        except services.SignupError as exc:
            flash(str(exc), "error")
        else:
            flash(f"De activiteit is geannuleerd; {mailed} deelnemers krijgen bericht.", "success")
        return redirect(url_for("activities.manage"))
    return render_template("activities/cancel.html", form=form, activity=activity)


@bp.route("/activiteiten/reeks", methods=["GET", "POST"])
@roles_required(ORGANISATOR)
def series():
    form = SeriesForm()
    if form.validate_on_submit():
        created = services.create_series(form.theme_list(), form.first_date.data, form.months.data,
                                         form.start_time.data, form.end_time.data, form.hood_list(),
                                         form.meeting_point.data or None, form.capacity.data, current_user)
        flash(f"{len(created)} wijkwandelingen ingepland; je kunt ze elk apart bewerken.", "success")
        return redirect(url_for("activities.manage"))
    return render_template("activities/series.html", form=form)


@bp.route("/activiteiten/<int:activity_id>/aanmeldingen", methods=["GET", "POST"])
@roles_required(ORGANISATOR)
def registrations(activity_id):
    activity = _activity_or_404(activity_id)
    form = AddPersonForm()
    if form.validate_on_submit():
        try:
            registration = services.add_person(activity, form.name.data or "", form.email.data,
                                               form.phone.data, current_user)
        except services.SignupError as exc:
            db.session.rollback()
            form.email.errors.append(str(exc))
        else:
            flash(f"{registration.user.name} is aangemeld ({REG_LABELS[registration.status].lower()}).",
                  "success")
            return redirect(url_for("activities.registrations", activity_id=activity.id))
    regs = services.registrations_for(activity)
    return render_template("activities/registrations.html", activity=activity, registrations=regs,
                           ranks=services.waitlist_ranks(regs), form=form, action=ActionForm(),
                           REG_LABELS=REG_LABELS)


@bp.route("/activiteiten/<int:activity_id>/aanmeldingen/<int:registration_id>/verwijderen", methods=["POST"])
@roles_required(ORGANISATOR)
def remove_registration(activity_id, registration_id):
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.activity_id != activity_id:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        promoted = services.cancel_registration(registration, by=current_user)
    except services.SignupError as exc:
        flash(str(exc), "error")
    else:
        message = f"{registration.user.name} is afgemeld."
        if promoted is not None:
            message += f" {promoted.user.name} is doorgeschoven van de wachtlijst."
        flash(message, "success")
    return redirect(url_for("activities.registrations", activity_id=activity_id))


# --------------------------------------------------------------------------------------------------
# Attendance (organisers and the guides of this activity)
# --------------------------------------------------------------------------------------------------

def _attendance_activity(activity_id: int) -> Activity:
    activity = _activity_or_404(activity_id)
    if not services.can_take_attendance(activity, current_user):
        abort(403)
    return activity


@bp.route("/agenda/<int:activity_id>/aanwezigheid", methods=["GET", "POST"])
def attendance(activity_id):
    activity = _attendance_activity(activity_id)
    form = WalkInForm()
    if form.validate_on_submit():
        try:
            services.walk_in(activity, form.name.data, form.email.data, form.kind.data, current_user)
        except services.SignupError as exc:
            db.session.rollback()
            form.name.errors.append(str(exc))
        else:
            flash(f"{form.name.data} is als inloper aanwezig gemeld.", "success")
            return redirect(url_for("activities.attendance", activity_id=activity.id))
    regs = [r for r in services.registrations_for(activity) if r.status == REG_CONFIRMED]
    marks = services.attendance_of(activity)
    registered_ids = {r.user_id for r in regs}
    walk_ins = [a for a in marks.values() if a.walk_in and a.user_id not in registered_ids]
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_([a.user_id for a in walk_ins])))} \
        if walk_ins else {}
    present = sum(1 for a in marks.values() if a.present)
    return render_template("activities/attendance.html", activity=activity, registrations=regs, marks=marks,
                           walk_ins=walk_ins, walk_in_users=users, present=present, form=form,
                           action=ActionForm())


@bp.route("/agenda/<int:activity_id>/aanwezigheid/<int:user_id>/<mark>",
          methods=["POST"])
def mark(activity_id, user_id, mark):
    if mark not in ("aanwezig", "afwezig"):
        abort(404)
    activity = _attendance_activity(activity_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    person = services.confirmed_person(activity, user_id)
    if person is None:
        existing = services.attendance_of(activity).get(user_id)
        person = db.session.get(User, user_id) if existing is not None and existing.walk_in else None
    if person is None:
        abort(404)
    services.mark_attendance(activity, person, mark == "aanwezig", current_user)
    flash(f"{person.name}: {mark}.", "success")
    return redirect(url_for("activities.attendance", activity_id=activity.id) + f"#persoon-{user_id}")
