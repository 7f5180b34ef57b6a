"""The organisers' pages (coordinators may look): programmes and their completion rule, cohorts, sessions
and attendance, requests, enrolling by e-mail, mentors and placements, the overview and its CSV."""
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ...activities.models import KIND_SESSION, Activity
from ...core import spreadsheet
from ...core.errors import DomainError, form_page, show_on_form
from ...core.permissions import COORDINATOR, ORGANISATOR, roles_required
from ...core.timeutil import local_today, to_local, utcnow
from ...extensions import db
from .. import cohorts as planning
from .. import completion, exports, mentoring, session_attendance, traineeship
from .. import enrolment as enrolments
from ..forms import (ActionForm, CancelSessionForm, CohortFields, CohortForm, EmailForm, MentorForm, PlacementForm,
                     RejectForm, SessionForm)
from ..models import ENROLMENT_ACTIVE, ENROLMENT_COMPLETED, Cohort, Enrolment, Phase, Programme
from ..programmes import programme_modules, programmes
from . import bp, flash_refusal


def _organiser() -> bool:
    return current_user.has_role(ORGANISATOR)


def _cohort(cohort_id: int) -> Cohort:
    return db.get_or_404(Cohort, cohort_id)


def _member(cohort: Cohort, enrolment_id: int) -> Enrolment:
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.cohort_id != cohort.id:
        abort(404)
    return enrolment


def _session(cohort: Cohort, activity_id: int) -> Activity:
    session = db.session.get(Activity, activity_id)
    if session is None or session.cohort_id != cohort.id or session.kind != KIND_SESSION:
        abort(404)
    return session


# -- cohorts -------------------------------------------------------------------------------------------
@bp.route("/leergangen")
@roles_required(ORGANISATOR, COORDINATOR)
def cohorts():
    past = request.args.get("periode") == "afgelopen"
    return render_template("learning/cohorts.html", programmes=programmes(include_archived=True), past=past,
                           page=planning.cohort_summaries(past=past), requests=planning.open_requests(),
                           organiser=_organiser(), form=ActionForm(), today=local_today())


@bp.route("/leergangen/nieuw", methods=["GET", "POST"])
@roles_required(ORGANISATOR)
def cohort_new():
    form = CohortForm()
    form.programme_id.choices = [(p.id, p.name) for p in programmes()]
    if request.method == "GET":
        wanted = request.args.get("leergang", type=int)
        if wanted in {value for value, _ in form.programme_id.choices}:
            form.programme_id.data = wanted
        return render_template("learning/cohort_form.html", form=form, cohort=None)
    if form.validate_on_submit():
        programme = db.session.get(Programme, form.programme_id.data)
        plan = None
        if form.plan_sessions.data:
            plan = planning.SessionPlan(first_day=form.first_session.data, start=form.session_time.data,
                                        minutes=form.duration_minutes.data,
                                        interval_days=7 * form.interval_weeks.data, location=form.location.data)
        try:
            cohort = planning.create_cohort(programme, name=form.name.data, starts_on=form.starts_on.data,
                                            ends_on=form.ends_on.data, capacity=form.capacity.data,
                                            open_for_requests=form.open_for_requests.data, by=current_user,
                                            plan=plan)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            flash(f"De groep {cohort.label} is aangemaakt.", "success")
            return redirect(url_for("learning.cohort", cohort_id=cohort.id))
    return form_page("learning/cohort_form.html", form=form, cohort=None)


@bp.route("/leergangen/groep/<int:cohort_id>/bewerken", methods=["GET", "POST"])
@roles_required(ORGANISATOR)
def cohort_edit(cohort_id):
    cohort = _cohort(cohort_id)
    form = CohortFields(obj=cohort)
    if request.method == "GET":
        return render_template("learning/cohort_form.html", form=form, cohort=cohort)
    if form.validate_on_submit():
        try:
            planning.update_cohort(cohort, name=form.name.data, starts_on=form.starts_on.data,
                                   ends_on=form.ends_on.data, capacity=form.capacity.data,
                                   open_for_requests=form.open_for_requests.data, by=current_user)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            flash("De groep is bijgewerkt.", "success")
            return redirect(url_for("learning.cohort", cohort_id=cohort.id))
    return form_page("learning/cohort_form.html", form=form, cohort=cohort)


@bp.route("/leergangen/groep/<int:cohort_id>")
@roles_required(ORGANISATOR, COORDINATOR)
def cohort(cohort_id):
    cohort = _cohort(cohort_id)
    facts = completion.cohort_facts(cohort)
    seated = sum(1 for r in facts.rows if r.enrolment.status in (ENROLMENT_ACTIVE, ENROLMENT_COMPLETED))
    return render_template("learning/cohort.html", cohort=cohort, facts=facts, organiser=_organiser(),
                           form=ActionForm(), enrol_form=EmailForm(formdata=None), reject_form=RejectForm(),
                           seats_left=max(0, cohort.capacity - seated), ended=enrolments.cohort_has_ended(cohort),
                           presence=session_attendance.session_presence(cohort.id), now=utcnow())


@bp.route("/leergangen/groep/<int:cohort_id>/overzicht.csv")
@roles_required(ORGANISATOR, COORDINATOR)
def cohort_export(cohort_id):
    cohort = _cohort(cohort_id)
    header, rows = exports.overview_table(completion.cohort_facts(cohort))
    response = Response(spreadsheet.to_csv(header, rows), mimetype=spreadsheet.CSV_MIME)
    response.headers["Content-Disposition"] = f'attachment; filename="{exports.filename(cohort.label)}.csv"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/leergangen/groep/<int:cohort_id>/afronding", methods=["POST"])
@roles_required(ORGANISATOR)
def cohort_evaluate(cohort_id):
    cohort = _cohort(cohort_id)
    completed = completion.evaluate_cohort(cohort, by=current_user)
    if completed:
        flash(f"{len(completed)} deelnemer(s) voldoen aan de afrondingsregel en staan nu op afgerond.", "success")
    else:
        flash("Niemand anders voldoet op dit moment aan de afrondingsregel.", "info")
    return redirect(url_for("learning.cohort", cohort_id=cohort_id))


# -- enrolments: by e-mail, requests, withdrawing, mentor and placements --------------------------------
@bp.route("/leergangen/groep/<int:cohort_id>/inschrijven", methods=["POST"])
@roles_required(ORGANISATOR)
def cohort_enrol(cohort_id):
    cohort = _cohort(cohort_id)
    form = EmailForm()
    if not form.validate_on_submit():
        flash("; ".join(form.email.errors) or "Vul een geldig e-mailadres in.", "error")
        return redirect(url_for("learning.cohort", cohort_id=cohort_id, _anchor="inschrijven"))
    user = enrolments.find_user_by_email(form.email.data)
    if user is None:
        flash("Er is geen account met dit e-mailadres. Laat de beheerder een account aanmaken, of laat de "
              "partnerorganisatie de persoon aanmelden.", "error")
        return redirect(url_for("learning.cohort", cohort_id=cohort_id, _anchor="inschrijven"))
    try:
        enrolments.enrol(cohort, user, by=current_user)
    except DomainError as exc:
        flash_refusal(exc)
    else:
        flash(f"{user.name} is ingeschreven en krijgt een e-mail.", "success")
    return redirect(url_for("learning.cohort", cohort_id=cohort_id))


def _after_decision(cohort_id: int) -> str:
    if request.form.get("terug") == "lijst":
        return url_for("learning.cohorts", _anchor="aanvragen")
    return url_for("learning.cohort", cohort_id=cohort_id)


def _decision(cohort_id, enrolment_id, action) -> str | None:
    """Run ``action`` on the cohort's enrolment; the person's name, or None (the refusal is flashed)."""
    enrolment = _member(_cohort(cohort_id), enrolment_id)
    name = enrolment.user.name
    try:
        action(enrolment)
    except DomainError as exc:
        flash_refusal(exc)
        return None
    return name


@bp.route("/leergangen/groep/<int:cohort_id>/inschrijving/<int:enrolment_id>/goedkeuren", methods=["POST"])
@roles_required(ORGANISATOR)
def approve(cohort_id, enrolment_id):
    name = _decision(cohort_id, enrolment_id, lambda e: enrolments.approve_request(e, current_user))
    if name:
        flash(f"De aanmelding van {name} is goedgekeurd.", "success")
    return redirect(_after_decision(cohort_id))


@bp.route("/leergangen/groep/<int:cohort_id>/inschrijving/<int:enrolment_id>/afwijzen", methods=["POST"])
@roles_required(ORGANISATOR)
def reject(cohort_id, enrolment_id):
    form = RejectForm()
    if not form.validate_on_submit():
        flash("De toelichting mag hoogstens 500 tekens hebben.", "error")
        return redirect(url_for("learning.cohort", cohort_id=cohort_id))
    name = _decision(cohort_id, enrolment_id,
                     lambda e: enrolments.reject_request(e, current_user, reason=form.reason.data or ""))
    if name:
        flash(f"De aanmelding van {name} is afgewezen.", "success")
    return redirect(_after_decision(cohort_id))


@bp.route("/leergangen/groep/<int:cohort_id>/inschrijving/<int:enrolment_id>/stoppen", methods=["POST"])
@roles_required(ORGANISATOR)
def withdraw(cohort_id, enrolment_id):
    name = _decision(cohort_id, enrolment_id, lambda e: enrolments.withdraw(e, current_user))
    if name:
        flash(f"{name} staat nu op gestopt. Voortgang en aanwezigheid blijven bewaard.", "success")
    return redirect(url_for("learning.cohort", cohort_id=cohort_id))


@bp.route("/leergangen/groep/<int:cohort_id>/inschrijving/<int:enrolment_id>/mentor", methods=["POST"])
@roles_required(ORGANISATOR)
def mentor(cohort_id, enrolment_id):
    enrolment = _member(_cohort(cohort_id), enrolment_id)
    form = MentorForm()
    target = url_for("learning.participant", enrolment_id=enrolment.id, _anchor="mentor")
    if not form.validate_on_submit():
        flash("; ".join(form.email.errors) or "Vul een geldig e-mailadres in.", "error")
        return redirect(target)
    try:
        person = mentoring.set_mentor(enrolment, form.email.data, current_user)
    except DomainError as exc:
        flash_refusal(exc)
    else:
        flash(f"{person.name} is nu de mentor." if person else "De mentor is verwijderd.", "success")
    return redirect(target)


@bp.route("/leergangen/groep/<int:cohort_id>/inschrijving/<int:enrolment_id>/stage/<int:phase_id>",
          methods=["GET", "POST"])
@roles_required(ORGANISATOR)
def placement(cohort_id, enrolment_id, phase_id):
    cohort = _cohort(cohort_id)
    enrolment = _member(cohort, enrolment_id)
    phase = db.session.get(Phase, phase_id)
    if phase is None or phase.programme_id != cohort.programme_id:
        abort(404)
    existing = traineeship.placement_of(enrolment, phase)
    form = PlacementForm(formdata=request.form if request.method == "POST" else None,
                         organisation_id=existing.organisation_id if existing else None,
                         mentor_email=existing.mentor.email if existing and existing.mentor else "",
                         description=existing.description if existing else "",
                         completed=bool(existing and existing.completed_at))
    form.organisation_id.choices = [(None, "(nog geen organisatie)"), *traineeship.organisation_choices()]
    if request.method == "GET":
        return render_template("learning/placement.html", form=form, cohort=cohort, enrolment=enrolment, phase=phase)
    if form.validate_on_submit():
        try:
            traineeship.save_placement(enrolment, phase, organisation_id=form.organisation_id.data,
                                       mentor_email=form.mentor_email.data, description=form.description.data or "",
                                       completed=form.completed.data, by=current_user)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            flash(f"De stage in fase {phase.number} is opgeslagen.", "success")
            return redirect(url_for("learning.participant", enrolment_id=enrolment.id, _anchor="fasen"))
    return form_page("learning/placement.html", form=form, cohort=cohort, enrolment=enrolment,
                     phase=phase)


# -- sessions and attendance ---------------------------------------------------------------------------
def _session_form(cohort: Cohort, **data) -> SessionForm:
    form = SessionForm(**data)
    form.module_id.choices = [(None, "(geen module)")] + [
        (link.module_id, f"{link.position}. {link.module.title}") for link in programme_modules(cohort.programme_id)]
    return form


def _edit_form_of(cohort: Cohort, session: Activity) -> SessionForm:
    start, end = to_local(session.starts_at), to_local(session.ends_at)
    return _session_form(cohort, formdata=None, module_id=session.module_id, title=session.title,
                         day=start.date(), start=start.time(), end=end.time(), location=session.location)


@bp.route("/leergangen/groep/<int:cohort_id>/bijeenkomst/nieuw", methods=["GET", "POST"])
@roles_required(ORGANISATOR)
def session_new(cohort_id):
    cohort = _cohort(cohort_id)
    form = _session_form(cohort)
    if request.method == "GET":
        return render_template("learning/session_form.html", form=form, cohort=cohort, session=None)
    if form.validate_on_submit():
        try:
            planning.add_session(cohort, module_id=form.module_id.data, title=form.title.data, day=form.day.data,
                                 start=form.start.data, end=form.end.data, location=form.location.data,
                                 by=current_user)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            flash("De bijeenkomst is ingepland.", "success")
            return redirect(url_for("learning.cohort", cohort_id=cohort_id, _anchor="bijeenkomsten"))
    return form_page("learning/session_form.html", form=form, cohort=cohort, session=None)


@bp.route("/leergangen/groep/<int:cohort_id>/bijeenkomst/<int:activity_id>", methods=["GET", "POST"])
@roles_required(ORGANISATOR)
def session_edit(cohort_id, activity_id):
    cohort = _cohort(cohort_id)
    session = _session(cohort, activity_id)
    if request.method == "GET":
        return render_template("learning/session_form.html", form=_edit_form_of(cohort, session), cohort=cohort,
                               session=session, cancel_form=CancelSessionForm(formdata=None))
    form = _session_form(cohort)
    if form.validate_on_submit():
        try:
            planning.update_session(session, module_id=form.module_id.data, title=form.title.data,
                                    day=form.day.data, start=form.start.data, end=form.end.data,
                                    location=form.location.data, by=current_user)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            flash("De bijeenkomst is bijgewerkt.", "success")
            return redirect(url_for("learning.cohort", cohort_id=cohort_id, _anchor="bijeenkomsten"))
    return form_page("learning/session_form.html", form=form, cohort=cohort, session=session,
                     cancel_form=CancelSessionForm(formdata=None))


@bp.route("/leergangen/groep/<int:cohort_id>/bijeenkomst/<int:activity_id>/annuleren", methods=["POST"])
@roles_required(ORGANISATOR)
def session_cancel(cohort_id, activity_id):
    cohort = _cohort(cohort_id)
    session = _session(cohort, activity_id)
    form = CancelSessionForm()
    if form.validate_on_submit():
        try:
            completed = planning.cancel_session(session, reason=form.reason.data, by=current_user)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            flash("De bijeenkomst is geannuleerd; de deelnemers krijgen een e-mail."
                  + (f" {len(completed)} deelnemer(s) hebben daardoor de leergang afgerond." if completed else ""),
                  "success")
            return redirect(url_for("learning.cohort", cohort_id=cohort_id, _anchor="bijeenkomsten"))
    return render_template("learning/session_form.html", form=_edit_form_of(cohort, session), cohort=cohort,
                           session=session, cancel_form=form), 422


# The function is not called session_attendance (the module of that name is used here); the endpoint is.
@bp.route("/leergangen/groep/<int:cohort_id>/bijeenkomst/<int:activity_id>/presentie", methods=["GET", "POST"],
          endpoint="session_attendance")
@roles_required(ORGANISATOR)
def attendance_page(cohort_id, activity_id):
    cohort = _cohort(cohort_id)
    session = _session(cohort, activity_id)
    if request.method == "POST":
        present = set()
        for value in request.form.getlist("aanwezig"):
            if not value.isdigit():
                abort(400)
            present.add(int(value))
        try:
            completed = session_attendance.record_session_attendance(session, present, current_user)
        except DomainError as exc:
            flash_refusal(exc)
            return redirect(url_for("learning.session_attendance", cohort_id=cohort_id, activity_id=activity_id))
        flash(f"De presentie is opgeslagen: {len(present)} aanwezig."
              + (f" {len(completed)} deelnemer(s) hebben daarmee de leergang afgerond." if completed else ""),
              "success")
        return redirect(url_for("learning.cohort", cohort_id=cohort_id, _anchor="bijeenkomsten"))
    return render_template("learning/attendance.html", cohort=cohort, session=session, form=ActionForm(),
                           people=session_attendance.attendance_list(session),
                           can_record=session_attendance.attendance_open(session))
