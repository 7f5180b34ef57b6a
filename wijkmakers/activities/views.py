"""Agenda, sign-ups (also for newcomers), planning by organisers, attendance lists for guides, the
personal calendar feed and feedback. Views stay thin: the rules live in services, attendance and
feedback."""
from datetime import datetime, timedelta

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user

from ..auth.models import NEIGHBOURHOODS, User
from ..core.pagecache import cached_for_visitors, shared_section
from ..core.pagination import paginate
from ..core.permissions import ORGANISATOR, public, roles_required
from ..core.templating import PUBLIC, register_nav
from ..core.timeutil import local_to_utc, to_local, utcnow
from ..extensions import db, limiter
from . import attendance as presence
from . import feedback as evaluation
from . import mail, services
from .forms import (ActionForm, ActivityForm, AddPersonForm, CancelActivityForm, CodeForm, FeedbackForm,
                    NewcomerForm, SeriesForm, WalkInForm)
from .ics import activity_ics, feed_ics
from .models import ACTIVITY_KINDS, KIND_SESSION, REG_CONFIRMED, REG_LABELS, REG_WAITLISTED, Activity, Registration

bp = Blueprint("activities", __name__)

register_nav("activities.agenda", "Agenda", PUBLIC)
register_nav("activities.mine", "Mijn aanmeldingen", None)
register_nav("activities.manage", "Activiteiten plannen", (ORGANISATOR,))

PUBLIC_KINDS = [(k, v) for k, v in ACTIVITY_KINDS.items() if k != KIND_SESSION]


def _activity_or_404(activity_id: int) -> Activity:
    activity = db.session.get(Activity, activity_id)
    if activity is None:
        abort(404)
    return activity


def _public_activity_or_404(activity_id: int) -> Activity:
    activity = _activity_or_404(activity_id)
    if not services.is_public_activity(activity):
        abort(404)  # course sessions belong to their cohort, not to the public agenda
    return activity


def _checked(form) -> None:
    if not form.validate_on_submit():
        abort(400)


def _newcomer_limit() -> str:
    return current_app.config.get("NEWCOMER_SIGNUP_LIMIT", "10 per hour")


def _newcomer_mail_limit() -> str:
    return current_app.config.get("NEWCOMER_MAILS_PER_ADDRESS", "5 per day")


def _newcomer_email_key() -> str:
    # Per e-mail address as well, so nobody can flood someone's mailbox from many network addresses.
    return "newcomer-email:" + (request.form.get("email") or "").strip().lower()[:254]


# --------------------------------------------------------------------------------------------------
# Public agenda
# --------------------------------------------------------------------------------------------------

@bp.route("/agenda")
@public
@cached_for_visitors
def agenda():
    kind = request.args.get("soort", "")
    kind = kind if kind in ACTIVITY_KINDS and kind != KIND_SESSION else ""
    hood = request.args.get("wijk", "")
    hood = hood if hood in NEIGHBOURHOODS else ""
    month_raw = request.args.get("maand", "")
    month = services.parse_month(month_raw)

    def content():
        page = paginate(services.agenda_query(kind or None, hood or None, month), per_page=20)
        return render_template("activities/_agenda_content.html", page=page, kinds=PUBLIC_KINDS,
                               neighbourhoods=NEIGHBOURHOODS, kind=kind, hood=hood,
                               month=f"{month[0]:04d}-{month[1]:02d}" if month else "",
                               bad_month=bool(month_raw) and month is None)

    # organisers see their changes at once; for everyone else seats left may lag a few seconds, as for visitors
    return render_template("activities/agenda.html",
                           content=shared_section("agenda", content, fresh=services.is_organiser(current_user)))


@bp.route("/agenda/<int:activity_id>")
@public
@cached_for_visitors
def detail(activity_id):
    activity = _public_activity_or_404(activity_id)
    registration = rank = None
    if current_user.is_authenticated:
        registration = services.active_registration(activity.id, current_user.id)
        rank = services.waitlist_rank(registration)
    guides = [g.user.name for g in activity.guides]
    return render_template("activities/detail.html", activity=activity, registration=registration, rank=rank,
                           seats_left=services.seats_left(activity), guides=guides, form=ActionForm(),
                           is_guide=current_user.is_authenticated and services.is_guide(activity, current_user),
                           is_organiser=services.is_organiser(current_user) if current_user.is_authenticated
                           else False,
                           REG_LABELS=REG_LABELS, signup_closed=not services.signup_open(activity),
                           deadline=services.deadline_of(activity), now=utcnow())


@bp.route("/agenda/<int:activity_id>.ics")
@public
def ics(activity_id):
    activity = _public_activity_or_404(activity_id)
    body = activity_ics(activity, url=mail.detail_link(activity))
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="activiteit-{activity.id}.ics"'})


@bp.route("/agenda/<int:activity_id>/aanmelden", methods=["POST"])
def signup(activity_id):
    activity = _public_activity_or_404(activity_id)
    _checked(ActionForm())
    try:
        registration = services.register(activity, current_user, by=current_user)
    except services.SignupError as exc:
        flash(str(exc), "error")
    else:
        if registration.status == REG_CONFIRMED:
            flash("Je bent aangemeld. Je krijgt een bevestiging per e-mail.", "success")
        else:
            flash(f"De activiteit is vol: je staat op de wachtlijst (plaats "
                  f"{services.waitlist_rank(registration)}). Komt er een plek vrij, dan krijg je bericht.",
                  "success")
    return redirect(url_for("activities.detail", activity_id=activity.id))


@bp.route("/agenda/<int:activity_id>/afmelden", methods=["POST"])
def cancel(activity_id):
    activity = _activity_or_404(activity_id)
    _checked(ActionForm())
    registration = services.active_registration(activity.id, current_user.id)
    if registration is None:
        flash("Je was niet aangemeld voor deze activiteit.", "error")
    else:
        try:
            services.cancel_registration(registration, by=current_user)
            flash("Je bent afgemeld.", "success")
        except services.SignupError as exc:
            flash(str(exc), "error")
    if not services.is_public_activity(activity) or request.form.get("terug") == "mijn":
        return redirect(url_for("activities.mine"))
    return redirect(url_for("activities.detail", activity_id=activity.id))


# --------------------------------------------------------------------------------------------------
# Newcomers
# --------------------------------------------------------------------------------------------------

@bp.route("/agenda/<int:activity_id>/aanmelden-zonder-account", methods=["GET", "POST"])
@public
@limiter.limit(_newcomer_limit, methods=["POST"], scope="newcomer-signup")
@limiter.limit(_newcomer_mail_limit, methods=["POST"], key_func=_newcomer_email_key, scope="newcomer-email")
def signup_newcomer(activity_id):
    activity = _public_activity_or_404(activity_id)
    if current_user.is_authenticated:
        return redirect(url_for("activities.detail", activity_id=activity.id))
    form = NewcomerForm()
    closed = not services.signup_open(activity)
    if not closed and form.validate_on_submit():
        if form.website.data:  # a bot filled in the hidden field: answer as usual, do nothing
            return render_template("activities/newcomer_sent.html", activity=activity)
        try:
            services.start_newcomer_signup(activity, form.name.data, form.email.data, form.kind.data,
                                           form.organisation.data)
        except services.SignupError as exc:
            form.email.errors.append(str(exc))
        else:
            return render_template("activities/newcomer_sent.html", activity=activity)
    return render_template("activities/newcomer.html", activity=activity, form=form, closed=closed,
                           seats_left=services.seats_left(activity))


@bp.route("/aanmelding-bevestigen/<token>", methods=["GET", "POST"])
@public
@limiter.limit("30 per hour", methods=["POST"], scope="newcomer-confirm")
def confirm_email(token):
    """GET shows a button, POST uses the link: mail scanners that open links do not use it up."""
    form = ActionForm()
    if request.method == "POST":
        _checked(form)
        try:
            user, outcomes, password_link = services.confirm_newcomer(token)
        except services.SignupError as exc:
            return render_template("activities/confirm.html", form=form, error=str(exc)), 410
        if not current_user.is_authenticated or current_user.id == user.id:
            login_user(user)
        return render_template("activities/confirmed.html", user=user, outcomes=outcomes,
                               password_link=password_link, REG_LABELS=REG_LABELS)
    return render_template("activities/confirm.html", form=form, error=None)


# --------------------------------------------------------------------------------------------------
# My sign-ups, my code, my calendar
# --------------------------------------------------------------------------------------------------

@bp.route("/mijn-aanmeldingen")
def mine():
    registrations = services.registrations_of_user(current_user.id, active_only=True)
    now = utcnow()
    upcoming = [r for r in reversed(registrations) if r.activity.ends_at >= now]  # soonest first
    past = [r for r in registrations if r.activity.ends_at < now][:30]
    code = presence.ensure_checkin_code(current_user)
    return render_template("activities/mine.html", upcoming=upcoming, past=past,
                           ranks=services.waitlist_ranks(upcoming), REG_LABELS=REG_LABELS, now=now,
                           code=presence.format_code(code), qr=presence.qr_svg_data_uri(code), form=ActionForm(),
                           guided=services.upcoming_for_guide(current_user, now),
                           public=services.is_public_activity)


@bp.route("/mijn-aanmeldingen/agenda-koppeling", methods=["GET", "POST"])
def calendar_link():
    form = ActionForm()
    if request.method == "POST":
        _checked(form)
        if request.form.get("actie") == "stoppen":
            services.revoke_calendar_token(current_user)
            flash("De agenda-koppeling is gestopt. Het oude adres werkt niet meer.", "success")
        else:
            renewing = bool(current_user.calendar_token)
            services.new_calendar_token(current_user)
            flash("Er is een nieuw adres voor je agenda; het oude werkt niet meer." if renewing
                  else "Je agenda-koppeling is klaar. Kopieer het adres naar je agenda-app.", "success")
        return redirect(url_for("activities.calendar_link"))
    feed_url = (current_app.config["BASE_URL"] + url_for("activities.calendar_feed", token=current_user.calendar_token)
                if current_user.calendar_token else None)
    return render_template("activities/calendar.html", form=form, feed_url=feed_url)


@bp.route("/agenda/persoonlijk/<token>.ics")
@public
def calendar_feed(token):
    user = services.user_for_calendar_token(token)
    if user is None:
        abort(404)
    body = feed_ics(services.feed_items(user), name="Wijkmakers: mijn activiteiten")
    return Response(body, mimetype="text/calendar",
                    headers={"Cache-Control": "private, max-age=900", "X-Robots-Tag": "noindex"})


# --------------------------------------------------------------------------------------------------
# Planning by organisers
# --------------------------------------------------------------------------------------------------

@bp.route("/activiteiten")
@roles_required(ORGANISATOR)
def manage():
    past = request.args.get("periode") == "afgelopen"
    kind = request.args.get("soort", "")
    kind = kind if kind in ACTIVITY_KINDS else ""
    page = services.manage_page(past=past, kind=kind or None)
    return render_template("activities/manage.html", page=page, rows=page.items,
                           decisions=services.walks_needing_decision(), form=ActionForm(), past=past, kind=kind,
                           kinds=list(ACTIVITY_KINDS.items()))


def _form_data(form: ActivityForm) -> dict:
    starts = local_to_utc(datetime.combine(form.date.data, form.start_time.data))
    return {
        "kind": form.kind.data, "title": form.title.data, "theme": form.theme.data or None,
        "description": form.description.data or "", "neighbourhood": form.neighbourhood.data or None,
        "meeting_point": form.meeting_point.data or None, "location": form.location.data or None,
        "starts_at": starts, "ends_at": local_to_utc(datetime.combine(form.date.data, form.end_time.data)),
        "signup_deadline": starts - timedelta(hours=form.deadline_hours.data if form.deadline_hours.data is not None
                                               else services.DEFAULT_DEADLINE_HOURS), "capacity": form.capacity.data,
        "speakers": form.speakers.data or None, "practical_notes": form.practical_notes.data or "",
    }


def _flash_warnings(activity: Activity) -> None:
    for warning in services.duo_warnings(activity):
        flash(warning, "warning")


@bp.route("/activiteiten/nieuw", methods=["GET", "POST"])
@roles_required(ORGANISATOR)
def create():
    form = ActivityForm()
    form.set_guides(services.guide_candidates())
    if form.validate_on_submit():
        try:
            activity = services.save_activity(None, _form_data(form), [form.guide1.data, form.guide2.data],
                                              current_user)
        except services.SignupError as exc:
            form.guide1.errors.append(str(exc))
        else:
            flash("De activiteit staat in de agenda.", "success")
            _flash_warnings(activity)
            return redirect(url_for("activities.registrations", activity_id=activity.id))
    return render_template("activities/form.html", form=form, activity=None)


@bp.route("/activiteiten/<int:activity_id>/bewerken", methods=["GET", "POST"])
@roles_required(ORGANISATOR)
def edit(activity_id):
    activity = _public_activity_or_404(activity_id)
    form = ActivityForm(obj=activity)
    form.set_guides(services.guide_candidates())
    if request.method == "GET":
        local_start, local_end = to_local(activity.starts_at), to_local(activity.ends_at)
        form.date.data, form.start_time.data = local_start.date(), local_start.time()
        form.end_time.data = local_end.time()
        form.deadline_hours.data = max(0, int((activity.starts_at - services.deadline_of(activity))
                                              .total_seconds() // 3600))
        guide_ids = [g.user_id for g in activity.guides]
        form.guide1.data = guide_ids[0] if guide_ids else None
        form.guide2.data = guide_ids[1] if len(guide_ids) > 1 else None
    if form.validate_on_submit():
        try:
            services.save_activity(activity, _form_data(form), [form.guide1.data, form.guide2.data], current_user)
        except services.SignupError as exc:
            target = form.capacity if "capaciteit" in str(exc) else form.guide1
            target.errors.append(str(exc))
        else:
            flash("De activiteit is bijgewerkt.", "success")
            _flash_warnings(activity)
            return redirect(url_for("activities.registrations", activity_id=activity.id))
    return render_template("activities/form.html", form=form, activity=activity)


@bp.route("/activiteiten/<int:activity_id>/annuleren", methods=["GET", "POST"])
@roles_required(ORGANISATOR)
def cancel_activity(activity_id):
    activity = _public_activity_or_404(activity_id)
    form = CancelActivityForm()
    if form.validate_on_submit():
        try:
            mailed = services.cancel_activity(activity, form.reason.data, current_user)
        except services.SignupError as exc:
            flash(str(exc), "error")
        else:
            flash(f"De activiteit is geannuleerd; {mailed} {'persoon krijgt' if mailed == 1 else 'mensen krijgen'} "
                  "bericht.", "success")
        return redirect(url_for("activities.manage"))
    confirmed = sum(1 for r in services.registrations_for(activity) if r.status == REG_CONFIRMED)
    return render_template("activities/cancel.html", form=form, activity=activity, confirmed=confirmed,
                           alternative=services.next_planned_walk(activity) if activity.kind == "wijkwandeling"
                           else None)


@bp.route("/activiteiten/<int:activity_id>/doorgaan", methods=["POST"])
@roles_required(ORGANISATOR)
def decide_go(activity_id):
    activity = _public_activity_or_404(activity_id)
    _checked(ActionForm())
    try:
        services.decide_go(activity, current_user)
    except services.SignupError as exc:
        flash(str(exc), "error")
    else:
        flash(f"{activity.title} gaat door.", "success")
    return redirect(url_for("activities.manage"))


@bp.route("/activiteiten/reeks", methods=["GET", "POST"])
@roles_required(ORGANISATOR)
def series():
    form = SeriesForm()
    form.set_guides(services.guide_candidates())
    if form.validate_on_submit():
        try:
            created = services.create_series(form.theme_list(), form.first_date.data, form.months.data,
                                             form.start_time.data, form.end_time.data, form.hood_list(),
                                             form.meeting_point.data or None, form.capacity.data, current_user,
                                             guide_ids=[form.guide1.data, form.guide2.data])
        except services.SignupError as exc:
            form.guide1.errors.append(str(exc))
        else:
            flash(f"{len(created)} wijkwandelingen ingepland; je kunt ze elk apart bewerken.", "success")
            if created:
                _flash_warnings(created[0])
            return redirect(url_for("activities.manage"))
    return render_template("activities/series.html", form=form)


@bp.route("/activiteiten/<int:activity_id>/aanmeldingen", methods=["GET", "POST"])
@roles_required(ORGANISATOR)
def registrations(activity_id):
    activity = _activity_or_404(activity_id)
    if request.method == "POST" and not services.is_public_activity(activity):
        abort(404)  # course sessions: enrolment goes through the learning feature
    form = AddPersonForm()
    if form.validate_on_submit():
        try:
            registration = services.add_person(activity, form.name.data or "", form.email.data, form.phone.data,
                                               current_user, kind=form.kind.data)
        except services.SignupError as exc:
            form.email.errors.append(str(exc))
        else:
            status = REG_LABELS[registration.status].lower()
            flash(f"{registration.user.name} is aangemeld ({status}).", "success")
            return redirect(url_for("activities.registrations", activity_id=activity.id))
    regs = services.registrations_for(activity)
    return render_template("activities/registrations.html", activity=activity, registrations=regs,
                           ranks=services.waitlist_ranks(regs), form=form, action=ActionForm(),
                           REG_LABELS=REG_LABELS, history=services.registration_history(activity),
                           EVENT_LABELS=services.EVENT_LABELS, pending=services.pending_newcomers(activity),
                           stated=services.stated_organisations(activity),
                           confirmed=sum(1 for r in regs if r.status == REG_CONFIRMED),
                           waiting=sum(1 for r in regs if r.status == REG_WAITLISTED),
                           warnings=services.duo_warnings(activity), public=services.is_public_activity(activity))


@bp.route("/activiteiten/<int:activity_id>/aanmeldingen/<int:registration_id>/verwijderen", methods=["POST"])
@roles_required(ORGANISATOR)
def remove_registration(activity_id, registration_id):
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.activity_id != activity_id:
        abort(404)
    _checked(ActionForm())
    try:
        promoted = services.cancel_registration(registration, by=current_user)
    except services.SignupError as exc:
        flash(str(exc), "error")
    else:
        message = f"{registration.user.name} is afgemeld."
        if promoted is not None:
            message += f" {promoted.user.name} is doorgeschoven van de wachtlijst en krijgt bericht."
        flash(message, "success")
    return redirect(url_for("activities.registrations", activity_id=activity_id))


# --------------------------------------------------------------------------------------------------
# Attendance (organisers and the guides of this activity)
# --------------------------------------------------------------------------------------------------

def _attendance_activity(activity_id: int) -> Activity:
    activity = _activity_or_404(activity_id)
    if not presence.can_take_attendance(activity, current_user):
        abort(403)
    if not services.is_public_activity(activity):
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
        except services.SignupError as exc:
            form.name.errors.append(str(exc))
        else:
            flash(f"{person.name} is aanwezig gemeld.", "success")
            return _back_to_list(activity, f"#persoon-{person.id}")
    rows = presence.presence_list(activity)
    present = sum(1 for r in rows if r.mark is not None and r.mark.present)
    unmarked = sum(1 for r in rows if r.mark is None)
    return render_template("activities/attendance.html", activity=activity, rows=rows, present=present,
                           unmarked=unmarked, form=form, code_form=CodeForm(formdata=None), action=ActionForm(),
                           started=activity.starts_at <= utcnow())


@bp.route("/agenda/<int:activity_id>/aanwezigheid/<int:user_id>/<mark>", methods=["POST"])
def mark(activity_id, user_id, mark):
    if mark not in ("aanwezig", "afwezig"):
        abort(404)
    activity = _attendance_activity(activity_id)
    _checked(ActionForm())
    person = presence.markable_person(activity, user_id)
    if person is None:
        abort(404)
    try:
        presence.mark_attendance(activity, person, mark == "aanwezig", current_user)
    except services.SignupError as exc:
        flash(str(exc), "error")
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
        except services.SignupError as exc:
            flash(str(exc), "error")
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
    _checked(ActionForm())
    try:
        count = presence.mark_remaining_absent(activity, current_user)
    except services.SignupError as exc:
        flash(str(exc), "error")
    else:
        flash(f"{count} {'persoon' if count == 1 else 'mensen'} als niet gekomen gemeld.", "success")
    return _back_to_list(activity)


@bp.route("/agenda/<int:activity_id>/presentielijst.pdf")
def attendance_pdf(activity_id):
    activity = _attendance_activity(activity_id)
    from .pdf import render_presence_list  # WeasyPrint loads only when someone prints

    pdf = render_presence_list(presence.presence_sheet(activity))
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="presentielijst-{activity.id}.pdf"',
                             "Cache-Control": "private, no-store"})


# --------------------------------------------------------------------------------------------------
# Feedback
# --------------------------------------------------------------------------------------------------

@bp.route("/agenda/<int:activity_id>/evaluatie", methods=["GET", "POST"])
def feedback(activity_id):
    activity = _public_activity_or_404(activity_id)
    state = evaluation.feedback_state(activity, current_user)
    if not state.allowed:
        return render_template("activities/feedback_closed.html", activity=activity, reason=state.reason), 403
    form = FeedbackForm()
    if request.method == "GET" and state.existing is not None:
        form.mark.data = str(state.existing.mark)
        form.comment.data = state.existing.comment
    if form.validate_on_submit():
        try:
            evaluation.save_feedback(activity, current_user, int(form.mark.data), form.comment.data)
        except services.SignupError as exc:
            form.mark.errors.append(str(exc))
        else:
            flash("Bedankt voor je beoordeling!", "success")
            return redirect(url_for("activities.mine"))
    return render_template("activities/feedback.html", activity=activity, form=form, existing=state.existing)


@bp.route("/activiteiten/evaluaties")
@roles_required(ORGANISATOR)
def feedback_overview():
    kind = request.args.get("soort", "")
    kind = kind if kind in ACTIVITY_KINDS else ""
    page = paginate(evaluation.results_by_activity_query(kind or None), per_page=30, scalars=False)
    return render_template("activities/feedback_overview.html", by_kind=evaluation.results_by_kind(), page=page,
                           kinds=PUBLIC_KINDS, kind=kind, ACTIVITY_KINDS=ACTIVITY_KINDS)


@bp.route("/activiteiten/<int:activity_id>/evaluaties")
@roles_required(ORGANISATOR)
def feedback_results(activity_id):
    activity = _activity_or_404(activity_id)
    return render_template("activities/feedback_results.html", activity=activity,
                           results=evaluation.results_for(activity))
