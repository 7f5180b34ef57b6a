"""The participant's pages: their enrolments, a programme, a module with their work, their action plans,
asking for a seat and stopping."""
import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from ...core.errors import DomainError, show_on_form
from ...core.markdown import render_markdown
from ...core.timeutil import utcnow
from ...extensions import db
from .. import enrolment as enrolments
from .. import mentoring, module_texts, overview, study
from ..forms import ActionForm, OutcomeForm, WorkForm
from ..models import ENROLMENT_REQUESTED, PROGRESS_NOT_STARTED, Cohort
from . import bp, flash_refusal
from .modules import send_worksheet


@bp.route("/leren")
def index():
    return render_template("learning/index.html", enrolments=overview.my_enrolments(current_user),
                           requestable=enrolments.requestable_cohorts(current_user),
                           is_mentor=mentoring.mentors_anyone(current_user), form=ActionForm())


@bp.route("/leren/<int:enrolment_id>")
def my_programme(enrolment_id):
    enrolment = overview.own_enrolment(enrolment_id, current_user)
    return render_template("learning/programme.html", form=ActionForm(), PROGRESS_NOT_STARTED=PROGRESS_NOT_STARTED,
                           **overview.programme_overview(enrolment))


def _own_module(enrolment_id: int, slug: str):
    enrolment = overview.own_enrolment(enrolment_id, current_user)
    return enrolment, study.module_in_programme(enrolment, slug)


@bp.route("/leren/<int:enrolment_id>/module/<slug>")
def module(enrolment_id, slug):
    enrolment, link = _own_module(enrolment_id, slug)
    if not study.can_study(enrolment):
        flash("De modules zijn te lezen zodra je inschrijving actief is.", "info")
        return redirect(url_for("learning.my_programme", enrolment_id=enrolment.id))
    return _render_module(enrolment, link)


def _render_module(enrolment, link, work_form=None, status=200):
    page = overview.module_overview(enrolment, link)
    progress = page["progress"]
    if work_form is None:
        work_form = WorkForm(formdata=None, reflection=progress.reflection if progress else "",
                             action_plan=progress.action_plan if progress else "")
    return render_template(
        "learning/module.html", enrolment=enrolment, link=link, module=link.module,
        body=render_markdown(link.module.body_markdown), work_form=work_form, form=ActionForm(), now=utcnow(),
        work_file=study.work_file(enrolment.user_id, link.module_id), sheets=module_texts.worksheets(link.module_id),
        **page), status


def send_work_file(file):
    """A handed-in file as a download (never shown inline: it comes from a participant)."""
    if file is None:
        abort(404)
    return send_file(io.BytesIO(file.content), mimetype=file.content_type, as_attachment=True,
                     download_name=file.filename, max_age=0)


@bp.route("/leren/<int:enrolment_id>/module/<slug>/werkblad/<int:worksheet_id>")
def worksheet(enrolment_id, slug, worksheet_id):
    _, link = _own_module(enrolment_id, slug)
    return send_worksheet(module_texts.worksheet_of(link.module_id, worksheet_id))


@bp.route("/leren/<int:enrolment_id>/module/<slug>/bestand")
def own_work_file(enrolment_id, slug):
    enrolment, link = _own_module(enrolment_id, slug)
    return send_work_file(study.work_file(enrolment.user_id, link.module_id))


@bp.route("/leren/<int:enrolment_id>/module/<slug>/werk", methods=["POST"])
def save_work(enrolment_id, slug):
    enrolment, link = _own_module(enrolment_id, slug)
    form = WorkForm()
    finish = request.form.get("afronden") == "1"
    if form.validate_on_submit():
        upload = form.bestand.data
        work = {"reflection": form.reflection.data, "action_plan": form.action_plan.data,
                "upload": (upload.filename, upload.read(study.WORK_FILE_MAX_BYTES + 1))
                if upload and upload.filename else None, "remove_file": form.bestand_weg.data}
        try:
            completed = (study.save_and_finish(enrolment, link.module, **work) if finish
                         else study.save_work(enrolment, link.module, **work))
        except DomainError as exc:
            if exc.field is None:  # the enrolment is not active: the module page is not theirs to see now
                flash_refusal(exc)
                return redirect(url_for("learning.module", enrolment_id=enrolment.id, slug=slug))
            show_on_form(form, exc)
        else:
            if not finish:
                flash("Je reflectie en doe-opdracht zijn opgeslagen.", "success")
                return redirect(url_for("learning.module", enrolment_id=enrolment.id, slug=slug,
                                        _anchor="mijn-werk"))
            if enrolment.id in completed:
                flash(f"Gefeliciteerd! Je hebt {enrolment.cohort.programme.name} afgerond.", "success")
            else:
                flash(f"Je werk is opgeslagen en '{link.module.title}' staat op bestudeerd.", "success")
            return redirect(url_for("learning.my_programme", enrolment_id=enrolment.id, _anchor="modules"))
    return _render_module(enrolment, link, work_form=form, status=422)


@bp.route("/leren/<int:enrolment_id>/module/<slug>/bestudeerd", methods=["POST"])
def mark_studied(enrolment_id, slug):
    enrolment, link = _own_module(enrolment_id, slug)
    studied = request.form.get("bestudeerd", "1") != "0"
    try:
        completed = study.set_studied(enrolment, link.module, studied)
    except DomainError as exc:
        flash_refusal(exc)
        return redirect(url_for("learning.module", enrolment_id=enrolment.id, slug=slug))
    if enrolment.id in completed:
        flash(f"Gefeliciteerd! Je hebt {enrolment.cohort.programme.name} afgerond.", "success")
    elif studied:
        flash(f"'{link.module.title}' staat op bestudeerd.", "success")
    else:
        flash(f"'{link.module.title}' staat weer op bezig.", "success")
    return redirect(url_for("learning.my_programme", enrolment_id=enrolment.id, _anchor="modules"))


def _render_action_plans(shown: OutcomeForm | None = None, progress_id: int | None = None, status: int = 200):
    plans = study.action_plans(current_user)
    if progress_id is not None and progress_id not in {p.id for p in plans}:
        abort(404)
    forms = {p.id: OutcomeForm(formdata=None, prefix=f"p{p.id}", outcome=p.action_outcome) for p in plans}
    if shown is not None:
        forms[progress_id] = shown
    return render_template("learning/action_plans.html", plans=plans, forms=forms), status


@bp.route("/leren/actieplannen")
def action_plans():
    return _render_action_plans()


@bp.route("/leren/actieplannen/<int:progress_id>", methods=["POST"])
def save_outcome(progress_id):
    form = OutcomeForm(prefix=f"p{progress_id}")
    if form.validate_on_submit():
        try:
            study.save_outcome(progress_id, current_user, form.outcome.data)
        except DomainError as exc:
            if exc.field is None:  # no plan yet: nothing on this form to correct
                flash_refusal(exc)
                return redirect(url_for("learning.action_plans"))
            show_on_form(form, exc)
        else:
            flash("Opgeslagen: wat er van je actieplan kwam.", "success")
            return redirect(url_for("learning.action_plans", _anchor=f"plan-{progress_id}"))
    return _render_action_plans(form, progress_id, 422)


@bp.route("/leren/groep/<int:cohort_id>/aanmelden", methods=["POST"])
def request_enrolment(cohort_id):
    cohort = db.get_or_404(Cohort, cohort_id)
    try:
        enrolment = enrolments.request_enrolment(cohort, current_user)
    except DomainError as exc:
        flash_refusal(exc)
        return redirect(url_for("learning.index"))
    flash(f"Je aanmelding voor {cohort.label} is verstuurd. Je krijgt een e-mail zodra de organisatie "
          "erover heeft besloten.", "success")
    return redirect(url_for("learning.my_programme", enrolment_id=enrolment.id))


@bp.route("/leren/<int:enrolment_id>/stoppen", methods=["POST"])
def withdraw_self(enrolment_id):
    enrolment = overview.own_enrolment(enrolment_id, current_user)
    was_request = enrolment.status == ENROLMENT_REQUESTED
    try:
        enrolments.withdraw(enrolment, current_user)
    except DomainError as exc:
        flash_refusal(exc)
        return redirect(url_for("learning.my_programme", enrolment_id=enrolment_id))
    flash("Je aanmelding is ingetrokken." if was_request else
          "Je bent gestopt met deze leergang. Je werk blijft bewaard.", "success")
    return redirect(url_for("learning.index"))
