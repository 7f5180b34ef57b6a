"""For organisers: the planning list, creating and editing activities and series, registrations of one
activity (adding and removing people, the participant list as CSV/XLSX, one message to all participants),
go decisions, cancellations and the feedback results."""
from datetime import datetime, timedelta

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ...core.errors import DomainError, form_page, show_on_form
from ...core.pagination import paginate
from ...core import spreadsheet
from ...core.permissions import ORGANISATOR, roles_required
from ...core.timeutil import local_to_utc, to_local
from ...extensions import db
from .. import feedback as evaluation
from .. import newcomers, overview, participants, planning, signups
from ..forms import ActionForm, ActivityForm, AddPersonForm, CancelActivityForm, MailParticipantsForm, SeriesForm
from ..models import ACTIVITY_KINDS, KIND_WALK, REG_CONFIRMED, REG_LABELS, REG_WAITLISTED, Activity, Registration
from . import PUBLIC_KINDS, activity_or_404, bp, public_activity_or_404


@bp.route("/activiteiten")
@roles_required(ORGANISATOR)
def manage():
    past = request.args.get("periode") == "afgelopen"
    kind = request.args.get("soort", "")
    kind = kind if kind in ACTIVITY_KINDS else ""
    page = overview.manage_page(past=past, kind=kind or None)
    return render_template("activities/manage.html", page=page, rows=page.items,
                           decisions=overview.walks_needing_decision(), form=ActionForm(), past=past, kind=kind,
                           kinds=list(ACTIVITY_KINDS.items()))


def _form_data(form: ActivityForm) -> dict:
    starts = local_to_utc(datetime.combine(form.date.data, form.start_time.data))
    deadline_hours = (form.deadline_hours.data if form.deadline_hours.data is not None
                      else planning.DEFAULT_DEADLINE_HOURS)
    return {
        "kind": form.kind.data, "title": form.title.data, "theme": form.theme.data or None,
        "description": form.description.data or "", "neighbourhood": form.neighbourhood.data or None,
        "meeting_point": form.meeting_point.data or None, "location": form.location.data or None,
        "starts_at": starts, "ends_at": local_to_utc(datetime.combine(form.date.data, form.end_time.data)),
        "signup_deadline": starts - timedelta(hours=deadline_hours), "capacity": form.capacity.data,
        "speakers": form.speakers.data or None, "practical_notes": form.practical_notes.data or "",
    }


def _flash_warnings(activity: Activity) -> None:
    for warning in planning.duo_warnings(activity):
        flash(warning, "warning")


@bp.route("/activiteiten/nieuw", methods=["GET", "POST"])
@roles_required(ORGANISATOR)
def create():
    form = ActivityForm()
    form.set_guides(planning.guide_candidates())
    if form.validate_on_submit():
        try:
            activity = planning.save_activity(None, _form_data(form), [form.guide1.data, form.guide2.data],
                                              current_user)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            flash("De activiteit staat in de agenda.", "success")
            _flash_warnings(activity)
            return redirect(url_for("activities.registrations", activity_id=activity.id))
    return form_page("activities/form.html", form=form, activity=None)


@bp.route("/activiteiten/<int:activity_id>/bewerken", methods=["GET", "POST"])
@roles_required(ORGANISATOR)
def edit(activity_id):
    activity = public_activity_or_404(activity_id)
    form = ActivityForm(obj=activity)
    form.set_guides(planning.guide_candidates())
    if request.method == "GET":
        local_start, local_end = to_local(activity.starts_at), to_local(activity.ends_at)
        form.date.data, form.start_time.data = local_start.date(), local_start.time()
        form.end_time.data = local_end.time()
        form.deadline_hours.data = max(0, int((activity.starts_at - signups.deadline_of(activity))
                                              .total_seconds() // 3600))
        guide_ids = [g.user_id for g in activity.guides]
        form.guide1.data = guide_ids[0] if guide_ids else None
        form.guide2.data = guide_ids[1] if len(guide_ids) > 1 else None
    if form.validate_on_submit():
        try:
            planning.save_activity(activity, _form_data(form), [form.guide1.data, form.guide2.data], current_user)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            flash("De activiteit is bijgewerkt.", "success")
            _flash_warnings(activity)
            return redirect(url_for("activities.registrations", activity_id=activity.id))
    return form_page("activities/form.html", form=form, activity=activity)


@bp.route("/activiteiten/<int:activity_id>/annuleren", methods=["GET", "POST"])
@roles_required(ORGANISATOR)
def cancel_activity(activity_id):
    activity = public_activity_or_404(activity_id)
    form = CancelActivityForm()
    if form.validate_on_submit():
        try:
            mailed = planning.cancel_activity(activity, form.reason.data, current_user)
        except DomainError as exc:
            if exc.field is None:  # the activity itself cannot be cancelled (any more): back to the list
                flash(exc.message, "error")
                return redirect(url_for("activities.manage"))
            show_on_form(form, exc)
        else:
            flash(f"De activiteit is geannuleerd; {mailed} {'persoon krijgt' if mailed == 1 else 'mensen krijgen'} "
                  "bericht.", "success")
            return redirect(url_for("activities.manage"))
    confirmed = sum(1 for r in signups.registrations_for(activity) if r.status == REG_CONFIRMED)
    return form_page("activities/cancel.html", form=form, activity=activity, confirmed=confirmed,
                     alternative=planning.next_planned_walk(activity) if activity.kind == KIND_WALK else None)


@bp.route("/activiteiten/<int:activity_id>/doorgaan", methods=["POST"])
@roles_required(ORGANISATOR)
def decide_go(activity_id):
    activity = public_activity_or_404(activity_id)
    try:
        planning.decide_go(activity, current_user)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash(f"{activity.title} gaat door.", "success")
    return redirect(url_for("activities.manage"))


@bp.route("/activiteiten/reeks", methods=["GET", "POST"])
@roles_required(ORGANISATOR)
def series():
    form = SeriesForm()
    form.set_guides(planning.guide_candidates())
    if form.validate_on_submit():
        try:
            created = planning.create_series(form.theme_list(), form.first_date.data, form.months.data,
                                             form.start_time.data, form.end_time.data, form.hood_list(),
                                             form.meeting_point.data or None, form.capacity.data, current_user,
                                             guide_ids=[form.guide1.data, form.guide2.data])
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            flash(f"{len(created)} wijkwandelingen ingepland; je kunt ze elk apart bewerken.", "success")
            if created:
                _flash_warnings(created[0])
            return redirect(url_for("activities.manage"))
    return form_page("activities/series.html", form=form)


@bp.route("/activiteiten/<int:activity_id>/aanmeldingen", methods=["GET", "POST"])
@roles_required(ORGANISATOR)
def registrations(activity_id):
    activity = activity_or_404(activity_id)
    if request.method == "POST" and not signups.is_public_activity(activity):
        abort(404)  # course sessions: enrolment goes through the learning feature
    form = AddPersonForm()
    if form.validate_on_submit():
        try:
            registration = signups.add_person(activity, form.name.data or "", form.email.data, form.phone.data,
                                              current_user, kind=form.kind.data)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            status = REG_LABELS[registration.status].lower()
            flash(f"{registration.user.name} is aangemeld ({status}).", "success")
            return redirect(url_for("activities.registrations", activity_id=activity.id))
    regs = signups.registrations_for(activity)
    return form_page("activities/registrations.html", activity=activity, registrations=regs,
                     ranks=signups.waitlist_ranks(regs), form=form, action=ActionForm(),
                     REG_LABELS=REG_LABELS, history=signups.registration_history(activity),
                     EVENT_LABELS=signups.EVENT_LABELS, pending=newcomers.pending_newcomers(activity),
                     stated=newcomers.stated_organisations(activity),
                     confirmed=sum(1 for r in regs if r.status == REG_CONFIRMED),
                     waiting=sum(1 for r in regs if r.status == REG_WAITLISTED),
                     warnings=planning.duo_warnings(activity), public=signups.is_public_activity(activity))


@bp.route("/activiteiten/<int:activity_id>/aanmeldingen/<int:registration_id>/verwijderen", methods=["POST"])
@roles_required(ORGANISATOR)
def remove_registration(activity_id, registration_id):
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.activity_id != activity_id:
        abort(404)
    try:
        promoted = signups.cancel_registration(registration, by=current_user)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        message = f"{registration.user.name} is afgemeld."
        if promoted is not None:
            message += f" {promoted.user.name} is doorgeschoven van de wachtlijst en krijgt bericht."
        flash(message, "success")
    return redirect(url_for("activities.registrations", activity_id=activity_id))


@bp.route("/activiteiten/<int:activity_id>/deelnemers.<fmt>")
@roles_required(ORGANISATOR)
def export_participants(activity_id, fmt):
    activity = public_activity_or_404(activity_id)
    if fmt not in participants.LIST_FORMATS:
        abort(404)
    content, rows = participants.participant_file(activity, fmt)
    participants.log_participant_export(activity, current_user, fmt, rows)
    mimetype = spreadsheet.XLSX_MIME if fmt == "xlsx" else spreadsheet.CSV_MIME
    return Response(content, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="deelnemers-activiteit-{activity.id}.{fmt}"',
        "Cache-Control": "no-store"})


def _mailing_message(mailing: participants.Mailing) -> str:
    queued, missing = mailing.queued, mailing.without_address
    message = f"Je bericht is klaargezet voor verzending aan {queued} {'deelnemer' if queued == 1 else 'deelnemers'}."
    if missing:
        message += (f" {missing} {'deelnemer heeft' if missing == 1 else 'deelnemers hebben'} geen e-mailadres "
                    "en kreeg het bericht niet; neem zelf contact op.")
    return message


@bp.route("/activiteiten/<int:activity_id>/deelnemers-mailen", methods=["GET", "POST"])
@roles_required(ORGANISATOR)
def mail_participants(activity_id):
    activity = public_activity_or_404(activity_id)
    form = MailParticipantsForm()
    if form.validate_on_submit():
        try:
            mailing = participants.mail_participants(activity, form.subject.data, form.text.data, current_user,
                                                     form.recipients.data)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            flash(_mailing_message(mailing), "success")
            return redirect(url_for("activities.registrations", activity_id=activity.id))
    counts = {choice: len(participants.recipients(activity, choice)) for choice in participants.RECIPIENT_CHOICES}
    return form_page("activities/mail_participants.html", form=form, activity=activity, counts=counts)


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
    activity = activity_or_404(activity_id)
    return render_template("activities/feedback_results.html", activity=activity,
                           results=evaluation.results_for(activity))
