"""Learning: the participant's programme, modules and action plans; mentors' trainees; the organisers'
cohorts, sessions, requests and overview. Views are thin: they read the request, call a service, render."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..activities.models import KIND_SESSION, STATUS_CANCELLED, Activity
from ..core import spreadsheet
from ..core.markdown import render_markdown
from ..core.permissions import COORDINATOR, ORGANISATOR, roles_required
from ..core.templating import register_nav
from ..core.timeutil import local_today, to_local, utcnow
from ..extensions import db
from ..organisations.models import Organisation
from . import exports, services
from .forms import (ActionForm, CancelSessionForm, CohortFields, CohortForm, EmailForm, MentorForm, OutcomeForm,
                    PlacementForm, RejectForm, ResponseForm, RulesForm, SessionForm, WorkForm)
from .models import (ENROLMENT_ACTIVE, ENROLMENT_COMPLETED, ENROLMENT_LABELS, ENROLMENT_REQUESTED, PROGRESS_LABELS,
                     PROGRESS_NOT_STARTED, PROGRESS_STUDIED, Cohort, Enrolment, Phase, Programme)

bp = Blueprint("learning", __name__)

register_nav("learning.index", "Leren", None)
register_nav("learning.cohorts", "Leergangen", (ORGANISATOR, COORDINATOR))


@bp.app_context_processor
def _labels():
    return {"ENROLMENT_LABELS": ENROLMENT_LABELS, "PROGRESS_LABELS": PROGRESS_LABELS,
            "FLAG_LABELS": services.FLAG_LABELS}


def _organiser() -> bool:
    return current_user.has_role(ORGANISATOR)


def _fail(exc: services.LearningError) -> None:
    db.session.rollback()
    if isinstance(exc, services.NotFound):
        abort(404)
    flash(str(exc), "error")


def _checked_form(form) -> None:
    """A POST that only carries a CSRF token: refuse a stale or forged one."""
    if not form.validate_on_submit():
        abort(400)


# -- the participant -------------------------------------------------------------------------------
@bp.route("/leren")
def index():
    enrolments = services.my_enrolments(current_user)
    return render_template("learning/index.html", enrolments=enrolments,
                           requestable=services.requestable_cohorts(current_user),
                           is_mentor=services.mentors_anyone(current_user), form=ActionForm())


def _programme_context(enrolment: Enrolment) -> dict:
    cohort = enrolment.cohort
    facts = services.cohort_facts(cohort, user_ids=[enrolment.user_id])
    links = facts.modules
    progress = services.progress_of(enrolment.user_id, [link.module_id for link in links])
    mine = next((row for row in facts.rows + facts.requests if row.enrolment.id == enrolment.id), None)
    now = utcnow()
    upcoming = [s for s in facts.sessions if s.status != STATUS_CANCELLED and s.ends_at >= now]
    studied = sum(1 for link in links if progress.get(link.module_id) and
                  progress[link.module_id].status == PROGRESS_STUDIED)
    trainee = services.trainee_rows([enrolment.id]) if cohort.programme.phases else []
    attended = services.sessions_attended(enrolment.user_id, [s.id for s in facts.sessions])
    sessions_by_module: dict[int, list[Activity]] = {}
    for session in facts.sessions:
        sessions_by_module.setdefault(session.module_id, []).append(session)
    return {"enrolment": enrolment, "cohort": cohort, "programme": cohort.programme, "links": links,
            "progress": progress, "facts": facts, "mine": mine, "next_session": upcoming[0] if upcoming else None,
            "studied": studied, "percent": round(100 * studied / len(links)) if links else 0,
            "trainee": trainee[0] if trainee else None, "sessions_by_module": sessions_by_module,
            "attended": attended, "now": now,
            "PROGRESS_NOT_STARTED": PROGRESS_NOT_STARTED}


@bp.route("/leren/<int:enrolment_id>")
def my_programme(enrolment_id):
    try:
        enrolment = services.own_enrolment(enrolment_id, current_user)
    except services.NotFound:
        abort(404)
    return render_template("learning/programme.html", form=ActionForm(), **_programme_context(enrolment))


def _own_module(enrolment_id: int, slug: str):
    try:
        enrolment = services.own_enrolment(enrolment_id, current_user)
        link = services.module_in_programme(enrolment, slug)
    except services.NotFound:
        abort(404)
    return enrolment, link


@bp.route("/leren/<int:enrolment_id>/module/<slug>")
def module(enrolment_id, slug):
    enrolment, link = _own_module(enrolment_id, slug)
    if not services.can_study(enrolment):
        flash("De modules zijn te lezen zodra je inschrijving actief is.", "info")
        return redirect(url_for("learning.my_programme", enrolment_id=enrolment.id))
    return _render_module(enrolment, link)


def _render_module(enrolment, link, work_form=None, status=200):
    progress = services.progress_of(enrolment.user_id, [link.module_id]).get(link.module_id)
    if work_form is None:
        work_form = WorkForm(formdata=None, reflection=progress.reflection if progress else "",
                             action_plan=progress.action_plan if progress else "")
    sessions = db.session.scalars(
        select(Activity).where(Activity.cohort_id == enrolment.cohort_id, Activity.kind == KIND_SESSION,
                               Activity.module_id == link.module_id).order_by(Activity.starts_at)).all()
    links = services.programme_modules(enrolment.cohort.programme_id)
    position = next((i for i, other in enumerate(links) if other.id == link.id), 0)
    return render_template(
        "learning/module.html", enrolment=enrolment, link=link, module=link.module, progress=progress,
        body=render_markdown(link.module.body_markdown), sessions=sessions, work_form=work_form, form=ActionForm(),
        previous=links[position - 1] if position > 0 else None,
        next=links[position + 1] if position + 1 < len(links) else None, now=utcnow()), status


@bp.route("/leren/<int:enrolment_id>/module/<slug>/werk", methods=["POST"])
def save_work(enrolment_id, slug):
    enrolment, link = _own_module(enrolment_id, slug)
    form = WorkForm()
    if form.validate_on_submit():
        try:
            services.save_work(enrolment, link.module, reflection=form.reflection.data,
                               action_plan=form.action_plan.data)
        except services.LearningError as exc:
            _fail(exc)
        else:
            flash("Je reflectie en doe-opdracht zijn opgeslagen.", "success")
            return redirect(url_for("learning.module", enrolment_id=enrolment.id, slug=slug, _anchor="mijn-werk"))
        return redirect(url_for("learning.module", enrolment_id=enrolment.id, slug=slug))
    return _render_module(enrolment, link, work_form=form, status=422)


@bp.route("/leren/<int:enrolment_id>/module/<slug>/bestudeerd", methods=["POST"])
def mark_studied(enrolment_id, slug):
    enrolment, link = _own_module(enrolment_id, slug)
    _checked_form(ActionForm())
    studied = request.form.get("bestudeerd", "1") != "0"
    try:
        completed = services.set_studied(enrolment, link.module, studied)
    except services.LearningError as exc:
        _fail(exc)
        return redirect(url_for("learning.module", enrolment_id=enrolment.id, slug=slug))
    if enrolment.id in completed:
        flash(f"Gefeliciteerd! Je hebt {enrolment.cohort.programme.name} afgerond.", "success")
    elif studied:
        flash(f"'{link.module.title}' staat op bestudeerd.", "success")
    else:
        flash(f"'{link.module.title}' staat weer op bezig.", "success")
    return redirect(url_for("learning.my_programme", enrolment_id=enrolment.id, _anchor="modules"))


@bp.route("/leren/actieplannen")
def action_plans():
    plans = services.action_plans(current_user)
    forms = {p.id: OutcomeForm(formdata=None, prefix=f"p{p.id}", outcome=p.action_outcome) for p in plans}
    return render_template("learning/action_plans.html", plans=plans, forms=forms)


@bp.route("/leren/actieplannen/<int:progress_id>", methods=["POST"])
def save_outcome(progress_id):
    form = OutcomeForm(prefix=f"p{progress_id}")
    if form.validate_on_submit():
        try:
            services.save_outcome(progress_id, current_user, form.outcome.data)
        except services.LearningError as exc:
            _fail(exc)
        else:
            flash("Opgeslagen: wat er van je actieplan kwam.", "success")
            return redirect(url_for("learning.action_plans", _anchor=f"plan-{progress_id}"))
        return redirect(url_for("learning.action_plans"))
    plans = services.action_plans(current_user)
    if progress_id not in {p.id for p in plans}:
        abort(404)
    forms = {p.id: OutcomeForm(formdata=None, prefix=f"p{p.id}", outcome=p.action_outcome) for p in plans}
    forms[progress_id] = form
    return render_template("learning/action_plans.html", plans=plans, forms=forms), 422


@bp.route("/leren/groep/<int:cohort_id>/aanmelden", methods=["POST"])
def request_enrolment(cohort_id):
    _checked_form(ActionForm())
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        abort(404)
    try:
        enrolment = services.request_enrolment(cohort, current_user)
    except services.LearningError as exc:
        _fail(exc)
        return redirect(url_for("learning.index"))
    flash(f"Je aanmelding voor {cohort.label} is verstuurd. Je krijgt een e-mail zodra de organisatie "
          "erover heeft besloten.", "success")
    return redirect(url_for("learning.my_programme", enrolment_id=enrolment.id))


@bp.route("/leren/<int:enrolment_id>/stoppen", methods=["POST"])
def withdraw_self(enrolment_id):
    _checked_form(ActionForm())
    try:
        enrolment = services.own_enrolment(enrolment_id, current_user)
        was_request = enrolment.status == ENROLMENT_REQUESTED
        services.withdraw(enrolment, current_user)
    except services.LearningError as exc:
        _fail(exc)
        return redirect(url_for("learning.my_programme", enrolment_id=enrolment_id))
    flash("Je aanmelding is ingetrokken." if was_request else
          "Je bent gestopt met deze leergang. Je werk blijft bewaard.", "success")
    return redirect(url_for("learning.index"))


# -- mentors and reviewers ------------------------------------------------------------------------
@bp.route("/leren/trainees")
def trainees():
    sees_all = current_user.has_any_role(ORGANISATOR, COORDINATOR)
    rows = services.trainee_rows(mentor=None if sees_all else current_user)
    return render_template("learning/trainees.html", rows=rows, sees_all=sees_all)


def _reviewable(enrolment_id: int) -> Enrolment:
    try:
        return services.reviewable_enrolment(enrolment_id, current_user, organiser=_organiser(),
                                             viewer=current_user.has_role(COORDINATOR))
    except services.NotFound:
        abort(404)


@bp.route("/leren/deelnemer/<int:enrolment_id>")
def participant(enrolment_id):
    enrolment = _reviewable(enrolment_id)
    can_respond = _organiser() or services.is_mentor_of(current_user, enrolment)
    context = _programme_context(enrolment)
    forms = {link.module_id: ResponseForm(formdata=None, prefix=f"m{link.module_id}",
                                          response=(context["progress"].get(link.module_id).response
                                                    if context["progress"].get(link.module_id) else ""))
             for link in context["links"]}
    return render_template("learning/participant.html", can_respond=can_respond, response_forms=forms,
                           organiser=_organiser(), mentor_form=MentorForm(formdata=None,
                                                                          email=enrolment.mentor.email
                                                                          if enrolment.mentor else ""),
                           form=ActionForm(), **context)


@bp.route("/leren/deelnemer/<int:enrolment_id>/module/<int:module_id>/reactie", methods=["POST"])
def respond(enrolment_id, module_id):
    enrolment = _reviewable(enrolment_id)
    if not (_organiser() or services.is_mentor_of(current_user, enrolment)):
        abort(403)  # coordinators may read, not answer
    form = ResponseForm(prefix=f"m{module_id}")
    if form.validate_on_submit():
        try:
            services.respond(enrolment, module_id, form.response.data, current_user)
        except services.LearningError as exc:
            _fail(exc)
        else:
            flash("Je reactie is opgeslagen en de deelnemer krijgt een e-mail.", "success")
    else:
        flash("Schrijf een reactie van hoogstens 5.000 tekens.", "error")
    return redirect(url_for("learning.participant", enrolment_id=enrolment.id, _anchor=f"module-{module_id}"))


# -- organisers: programmes and cohorts ---------------------------------------------------------------
def _cohort(cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        abort(404)
    return cohort


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


@bp.route("/leergangen")
@roles_required(ORGANISATOR, COORDINATOR)
def cohorts():
    past = request.args.get("periode") == "afgelopen"
    return render_template("learning/cohorts.html", programmes=services.programmes(), past=past,
                           page=services.cohort_summaries(past=past), requests=services.open_requests(),
                           organiser=_organiser(), form=ActionForm(), today=local_today())


def _programme_choices():
    return [(p.id, p.name) for p in services.programmes()]


@bp.route("/leergangen/nieuw", methods=["GET", "POST"])
@roles_required(ORGANISATOR)
def cohort_new():
    problem = None
    form = CohortForm()
    form.programme_id.choices = _programme_choices()
    if request.method == "GET":
        wanted = request.args.get("leergang", type=int)
        if wanted in {value for value, _ in form.programme_id.choices}:
            form.programme_id.data = wanted
    if form.validate_on_submit():
        programme = db.session.get(Programme, form.programme_id.data)
        plan = None
        if form.plan_sessions.data:
            plan = services.SessionPlan(first_day=form.first_session.data, start=form.session_time.data,
                                        minutes=form.duration_minutes.data,
                                        interval_days=7 * form.interval_weeks.data, location=form.location.data)
        try:
            cohort = services.create_cohort(programme, name=form.name.data, starts_on=form.starts_on.data,
                                            ends_on=form.ends_on.data, capacity=form.capacity.data,
                                            open_for_requests=form.open_for_requests.data, by=current_user,
                                            plan=plan)
        except services.LearningError as exc:
            db.session.rollback()
            problem = str(exc)
        else:
            flash(f"De groep {cohort.label} is aangemaakt.", "success")
            return redirect(url_for("learning.cohort", cohort_id=cohort.id))
    status = 422 if form.errors or problem else 200
    return render_template("learning/cohort_form.html", form=form, cohort=None, problem=problem), status


@bp.route("/leergangen/groep/<int:cohort_id>/bewerken", methods=["GET", "POST"])
@roles_required(ORGANISATOR)
def cohort_edit(cohort_id):
    problem = None
    cohort = _cohort(cohort_id)
    form = CohortFields(obj=cohort)
    if form.validate_on_submit():
        try:
            services.update_cohort(cohort, name=form.name.data, starts_on=form.starts_on.data,
                                   ends_on=form.ends_on.data, capacity=form.capacity.data,
                                   open_for_requests=form.open_for_requests.data, by=current_user)
        except services.LearningError as exc:
            db.session.rollback()
            problem = str(exc)
            cohort = _cohort(cohort_id)
        else:
            flash("De groep is bijgewerkt.", "success")
            return redirect(url_for("learning.cohort", cohort_id=cohort.id))
    status = 422 if form.errors or problem else 200
    return render_template("learning/cohort_form.html", form=form, cohort=cohort, problem=problem), status


@bp.route("/leergangen/groep/<int:cohort_id>")
@roles_required(ORGANISATOR, COORDINATOR)
def cohort(cohort_id):
    cohort = _cohort(cohort_id)
    facts = services.cohort_facts(cohort)
    return render_template("learning/cohort.html", cohort=cohort, facts=facts, organiser=_organiser(),
                           form=ActionForm(), enrol_form=EmailForm(formdata=None), reject_form=RejectForm(),
                           seats_left=max(0, cohort.capacity - sum(
                               1 for r in facts.rows if r.enrolment.status in (ENROLMENT_ACTIVE, ENROLMENT_COMPLETED))),
                           ended=services.cohort_has_ended(cohort), presence=services.session_presence(cohort.id),
                           now=utcnow())


@bp.route("/leergangen/groep/<int:cohort_id>/overzicht.csv")
@roles_required(ORGANISATOR, COORDINATOR)
def cohort_export(cohort_id):
    cohort = _cohort(cohort_id)
    header, rows = services.overview_table(services.cohort_facts(cohort))
    response = Response(spreadsheet.to_csv(header, rows), mimetype=spreadsheet.CSV_MIME)
    response.headers["Content-Disposition"] = f'attachment; filename="{exports.filename(cohort.label)}.csv"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/leergangen/groep/<int:cohort_id>/afronding", methods=["POST"])
@roles_required(ORGANISATOR)
def cohort_evaluate(cohort_id):
    cohort = _cohort(cohort_id)
    _checked_form(ActionForm())
    completed = services.evaluate_cohort(cohort, by=current_user)
    if completed:
        flash(f"{len(completed)} deelnemer(s) voldoen aan de afrondingsregel en staan nu op afgerond.", "success")
    else:
        flash("Niemand anders voldoet op dit moment aan de afrondingsregel.", "info")
    return redirect(url_for("learning.cohort", cohort_id=cohort_id))


@bp.route("/leergangen/groep/<int:cohort_id>/inschrijven", methods=["POST"])
@roles_required(ORGANISATOR)
def cohort_enrol(cohort_id):
    cohort = _cohort(cohort_id)
    form = EmailForm()
    if not form.validate_on_submit():
        flash("; ".join(form.email.errors) or "Vul een geldig e-mailadres in.", "error")
        return redirect(url_for("learning.cohort", cohort_id=cohort_id, _anchor="inschrijven"))
    user = services.find_user_by_email(form.email.data)
    if user is None:
        flash("Er is geen account met dit e-mailadres. Laat de beheerder een account aanmaken, of laat de "
              "partnerorganisatie de persoon aanmelden.", "error")
        return redirect(url_for("learning.cohort", cohort_id=cohort_id, _anchor="inschrijven"))
    try:
        services.enrol(cohort, user, by=current_user)
    except services.LearningError as exc:
        _fail(exc)
    else:
        flash(f"{user.name} is ingeschreven en krijgt een e-mail.", "success")
    return redirect(url_for("learning.cohort", cohort_id=cohort_id))


def _after_decision(cohort_id: int) -> str:
    if request.form.get("terug") == "lijst":
        return url_for("learning.cohorts", _anchor="aanvragen")
    return url_for("learning.cohort", cohort_id=cohort_id)


def _decision(cohort_id, enrolment_id, action):
    cohort = _cohort(cohort_id)
    enrolment = _member(cohort, enrolment_id)
    name = enrolment.user.name
    try:
        action(enrolment)
    except services.LearningError as exc:
        _fail(exc)
        return None
    return name


@bp.route("/leergangen/groep/<int:cohort_id>/inschrijving/<int:enrolment_id>/goedkeuren", methods=["POST"])
@roles_required(ORGANISATOR)
def approve(cohort_id, enrolment_id):
    _checked_form(ActionForm())
    name = _decision(cohort_id, enrolment_id, lambda e: services.approve_request(e, current_user))
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
                     lambda e: services.reject_request(e, current_user, reason=form.reason.data or ""))
    if name:
        flash(f"De aanmelding van {name} is afgewezen.", "success")
    return redirect(_after_decision(cohort_id))


@bp.route("/leergangen/groep/<int:cohort_id>/inschrijving/<int:enrolment_id>/stoppen", methods=["POST"])
@roles_required(ORGANISATOR)
def withdraw(cohort_id, enrolment_id):
    _checked_form(ActionForm())
    name = _decision(cohort_id, enrolment_id, lambda e: services.withdraw(e, current_user))
    if name:
        flash(f"{name} staat nu op gestopt. Voortgang en aanwezigheid blijven bewaard.", "success")
    return redirect(url_for("learning.cohort", cohort_id=cohort_id))


@bp.route("/leergangen/groep/<int:cohort_id>/inschrijving/<int:enrolment_id>/mentor", methods=["POST"])
@roles_required(ORGANISATOR)
def mentor(cohort_id, enrolment_id):
    cohort = _cohort(cohort_id)
    enrolment = _member(cohort, enrolment_id)
    form = MentorForm()
    target = url_for("learning.participant", enrolment_id=enrolment.id, _anchor="mentor")
    if not form.validate_on_submit():
        flash("; ".join(form.email.errors) or "Vul een geldig e-mailadres in.", "error")
        return redirect(target)
    person = None
    if form.email.data:
        person = services.find_user_by_email(form.email.data)
        if person is None:
            flash("Er is geen account met dit e-mailadres.", "error")
            return redirect(target)
    try:
        services.set_mentor(enrolment, person, current_user)
    except services.LearningError as exc:
        _fail(exc)
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
    existing = services.placement_of(enrolment, phase)
    form = PlacementForm(formdata=request.form if request.method == "POST" else None,
                         organisation_id=existing.organisation_id if existing else None,
                         mentor_email=existing.mentor.email if existing and existing.mentor else "",
                         description=existing.description if existing else "",
                         completed=bool(existing and existing.completed_at))
    form.organisation_id.choices = [(None, "(nog geen organisatie)")] + [
        (o.id, o.name) for o in db.session.scalars(select(Organisation).order_by(Organisation.name))]
    if form.validate_on_submit():
        mentor_user = services.find_user_by_email(form.mentor_email.data) if form.mentor_email.data else None
        if form.mentor_email.data and mentor_user is None:
            form.mentor_email.errors.append("Er is geen account met dit e-mailadres.")
        else:
            try:
                services.save_placement(enrolment, phase, organisation_id=form.organisation_id.data,
                                        mentor=mentor_user, description=form.description.data or "",
                                        completed=form.completed.data, by=current_user)
            except services.LearningError as exc:
                _fail(exc)
            else:
                flash(f"De stage in fase {phase.number} is opgeslagen.", "success")
                return redirect(url_for("learning.participant", enrolment_id=enrolment.id, _anchor="fasen"))
    status = 422 if request.method == "POST" else 200
    return render_template("learning/placement.html", form=form, cohort=cohort, enrolment=enrolment,
                           phase=phase), status


@bp.route("/leergangen/leergang/<int:programme_id>", methods=["GET", "POST"])
@roles_required(ORGANISATOR)
def programme_rules(programme_id):
    programme = db.session.get(Programme, programme_id)
    if programme is None:
        abort(404)
    form = RulesForm(obj=programme)
    if form.validate_on_submit():
        try:
            services.update_rules(programme, require_all_modules=form.require_all_modules.data,
                                  min_attendance_pct=form.min_attendance_pct.data, by=current_user)
        except services.LearningError as exc:
            db.session.rollback()
            form.min_attendance_pct.errors.append(str(exc))
        else:
            flash(f"De afrondingsregel van {programme.name} is opgeslagen. Gebruik 'Afronding controleren' bij "
                  "een groep om de nieuwe regel op lopende deelnemers toe te passen.", "success")
            return redirect(url_for("learning.cohorts"))
    status = 422 if form.errors else 200
    return render_template("learning/rules.html", form=form, programme=programme,
                           links=services.programme_modules(programme.id)), status


# -- organisers: sessions and attendance -----------------------------------------------------------
def _session_form(cohort: Cohort, **data) -> SessionForm:
    form = SessionForm(**data)
    links = services.programme_modules(cohort.programme_id)
    form.module_id.choices = [(None, "(geen module)")] + [
        (link.module_id, f"{link.position}. {link.module.title}") for link in links]
    return form


@bp.route("/leergangen/groep/<int:cohort_id>/bijeenkomst/nieuw", methods=["GET", "POST"])
@roles_required(ORGANISATOR)
def session_new(cohort_id):
    problem = None
    cohort = _cohort(cohort_id)
    form = _session_form(cohort)
    if form.validate_on_submit():
        try:
            services.add_session(cohort, module_id=form.module_id.data, title=form.title.data, day=form.day.data,
                                 start=form.start.data, end=form.end.data, location=form.location.data,
                                 by=current_user)
        except services.LearningError as exc:
            db.session.rollback()
            problem = str(exc)
            cohort = _cohort(cohort_id)
        else:
            flash("De bijeenkomst is ingepland.", "success")
            return redirect(url_for("learning.cohort", cohort_id=cohort_id, _anchor="bijeenkomsten"))
    status = 422 if form.errors or problem else 200
    return render_template("learning/session_form.html", form=form, cohort=cohort, session=None,
                           problem=problem), status


@bp.route("/leergangen/groep/<int:cohort_id>/bijeenkomst/<int:activity_id>", methods=["GET", "POST"])
@roles_required(ORGANISATOR)
def session_edit(cohort_id, activity_id):
    problem = None
    cohort = _cohort(cohort_id)
    session = _session(cohort, activity_id)
    if request.method == "POST":
        form = _session_form(cohort)
    else:
        start, end = to_local(session.starts_at), to_local(session.ends_at)
        form = _session_form(cohort, formdata=None, module_id=session.module_id, title=session.title,
                             day=start.date(), start=start.time(), end=end.time(), location=session.location)
    if form.validate_on_submit():
        try:
            services.update_session(session, module_id=form.module_id.data, title=form.title.data,
                                    day=form.day.data, start=form.start.data, end=form.end.data,
                                    location=form.location.data, by=current_user)
        except services.LearningError as exc:
            db.session.rollback()
            problem = str(exc)
            cohort, session = _cohort(cohort_id), _session(_cohort(cohort_id), activity_id)
        else:
            flash("De bijeenkomst is bijgewerkt.", "success")
            return redirect(url_for("learning.cohort", cohort_id=cohort_id, _anchor="bijeenkomsten"))
    status = 422 if form.errors or problem else 200
    return render_template("learning/session_form.html", form=form, cohort=cohort, session=session,
                           cancel_form=CancelSessionForm(formdata=None), problem=problem), status


@bp.route("/leergangen/groep/<int:cohort_id>/bijeenkomst/<int:activity_id>/annuleren", methods=["POST"])
@roles_required(ORGANISATOR)
def session_cancel(cohort_id, activity_id):
    cohort = _cohort(cohort_id)
    session = _session(cohort, activity_id)
    form = CancelSessionForm()
    if form.validate_on_submit():
        try:
            completed = services.cancel_session(session, reason=form.reason.data, by=current_user)
        except services.LearningError as exc:
            _fail(exc)
            return redirect(url_for("learning.session_edit", cohort_id=cohort_id, activity_id=activity_id))
        flash("De bijeenkomst is geannuleerd; de deelnemers krijgen een e-mail."
              + (f" {len(completed)} deelnemer(s) hebben daardoor de leergang afgerond." if completed else ""),
              "success")
        return redirect(url_for("learning.cohort", cohort_id=cohort_id, _anchor="bijeenkomsten"))
    start, end = to_local(session.starts_at), to_local(session.ends_at)
    edit_form = _session_form(cohort, formdata=None, module_id=session.module_id, title=session.title,
                              day=start.date(), start=start.time(), end=end.time(), location=session.location)
    return render_template("learning/session_form.html", form=edit_form, cohort=cohort, session=session,
                           cancel_form=form), 422


@bp.route("/leergangen/groep/<int:cohort_id>/bijeenkomst/<int:activity_id>/presentie", methods=["GET", "POST"])
@roles_required(ORGANISATOR)
def session_attendance(cohort_id, activity_id):
    cohort = _cohort(cohort_id)
    session = _session(cohort, activity_id)
    form = ActionForm()
    if request.method == "POST":
        _checked_form(form)
        present = set()
        for value in request.form.getlist("aanwezig"):
            if not value.isdigit():
                abort(400)
            present.add(int(value))
        try:
            completed = services.record_session_attendance(session, present, current_user)
        except services.LearningError as exc:
            _fail(exc)
        else:
            flash(f"De presentie is opgeslagen: {len(present)} aanwezig."
                  + (f" {len(completed)} deelnemer(s) hebben daarmee de leergang afgerond." if completed else ""),
                  "success")
            return redirect(url_for("learning.cohort", cohort_id=cohort_id, _anchor="bijeenkomsten"))
        return redirect(url_for("learning.session_attendance", cohort_id=cohort_id, activity_id=activity_id))
    return render_template("learning/attendance.html", cohort=cohort, session=session, form=form,
                           people=services.attendance_list(session),
                           can_record=services.attendance_open(session))
