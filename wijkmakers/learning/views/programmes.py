"""Organisers set up programmes in the browser: details and kind, modules and their order, a traineeship's
phases, the completion rule (with what a change means for running groups), archiving."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ...core.errors import DomainError, form_page, show_on_form
from ...core.permissions import ORGANISATOR, roles_required
from ...core.timeutil import local_today
from .. import completion
from .. import programmes as setup
from ..forms import ActionForm, PhaseForm, ProgrammeForm, RulesForm, modules_form
from ..models import Programme
from . import bp, flash_refusal


def _details(form: ProgrammeForm) -> setup.ProgrammeDetails:
    return setup.ProgrammeDetails(name=form.name.data, kind=form.kind.data, description=form.description.data,
                                  audience=form.audience.data, duration_months=form.duration_months.data)


def _page(programme: Programme, rules: RulesForm | None = None, effects=None, phase_form: PhaseForm | None = None,
          status: int = 200):
    return render_template(
        "learning/programme_setup.html", programme=programme, rules=rules or RulesForm(obj=programme),
        effects=effects, links=setup.programme_modules(programme.id), phase_form=phase_form or PhaseForm(),
        action=ActionForm(), has_cohorts=setup.has_cohorts(programme)), status


@bp.route("/leergangen/leergang/nieuw", methods=["GET", "POST"])
@roles_required(ORGANISATOR)
def programme_new():
    form = ProgrammeForm()
    if form.validate_on_submit():
        try:
            programme = setup.create_programme(_details(form), by=current_user)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            flash(f"De leergang {programme.name} is aangemaakt. Kies nu de modules en hun volgorde.", "success")
            return redirect(url_for("learning.programme_modules", programme_id=programme.id))
    return form_page("learning/programme_form.html", form=form, programme=None)


@bp.route("/leergangen/leergang/<int:programme_id>/bewerken", methods=["GET", "POST"])
@roles_required(ORGANISATOR)
def programme_edit(programme_id):
    programme = setup.programme_or_404(programme_id)
    form = ProgrammeForm(obj=programme)
    if form.validate_on_submit():
        try:
            setup.update_programme(programme, _details(form), by=current_user)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            flash("De gegevens van de leergang zijn opgeslagen.", "success")
            return redirect(url_for("learning.programme_rules", programme_id=programme.id))
    return form_page("learning/programme_form.html", form=form, programme=programme)


@bp.route("/leergangen/leergang/<int:programme_id>/modules", methods=["GET", "POST"])
@roles_required(ORGANISATOR)
def programme_modules(programme_id):
    programme = setup.programme_or_404(programme_id)
    modules = setup.available_modules()
    phases = programme.phases if programme.is_traineeship else []
    form = modules_form(modules, phases, links=programme.modules,
                        formdata=request.form if request.method == "POST" else None)
    if form.validate_on_submit():
        choices = [setup.ModuleChoice(m.id, form[f"m{m.id}_plaats"].data,
                                      int(form[f"m{m.id}_fase"].data) if phases and form[f"m{m.id}_fase"].data
                                      else None)
                   for m in modules if form[f"m{m.id}"].data]
        try:
            setup.set_modules(programme, choices, by=current_user)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            flash(f"De modules van {programme.name} zijn opgeslagen ({len(choices)} modules).", "success")
            return redirect(url_for("learning.programme_rules", programme_id=programme.id))
    return form_page("learning/programme_modules.html", form=form, programme=programme, modules=modules,
                     phases=phases)


@bp.route("/leergangen/leergang/<int:programme_id>", methods=["GET", "POST"])
@roles_required(ORGANISATOR)
def programme_rules(programme_id):
    programme = setup.programme_or_404(programme_id)
    form = RulesForm(obj=programme)
    if request.method == "GET" or not form.validate_on_submit():
        return _page(programme, form, status=422 if request.method == "POST" else 200)
    rule = {"require_all_modules": form.require_all_modules.data, "min_attendance_pct": form.min_attendance_pct.data}
    effects = completion.rule_effects(programme, **rule, today=local_today())
    if effects and form.confirm.data != "ja":
        form.confirm.data = "ja"  # asked once: the organiser sees what changes, then saves
        return _page(programme, form, effects)
    try:
        completion.update_rules(programme, **rule, by=current_user)
    except DomainError as exc:
        show_on_form(form, exc)
        return _page(programme, form, status=422)
    flash(f"De afrondingsregel van {programme.name} is opgeslagen. Gebruik 'Afronding controleren' bij een groep "
          "om de nieuwe regel op lopende deelnemers toe te passen.", "success")
    return redirect(url_for("learning.programme_rules", programme_id=programme.id))


@bp.route("/leergangen/leergang/<int:programme_id>/fasen", methods=["POST"])
@roles_required(ORGANISATOR)
def phase_add(programme_id):
    programme = setup.programme_or_404(programme_id)
    form = PhaseForm()
    if form.validate_on_submit():
        try:
            phase = setup.add_phase(programme, form.title.data, form.description.data, form.has_placement.data,
                                    by=current_user)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            flash(f"Fase {phase.number} ({phase.title}) is toegevoegd.", "success")
            return redirect(url_for("learning.programme_rules", programme_id=programme.id, _anchor="fasen"))
    return _page(programme, phase_form=form, status=422)


@bp.route("/leergangen/leergang/<int:programme_id>/fasen/<int:phase_id>/verwijderen", methods=["POST"])
@roles_required(ORGANISATOR)
def phase_remove(programme_id, phase_id):
    programme = setup.programme_or_404(programme_id)
    try:
        setup.remove_phase(programme, phase_id, by=current_user)
    except DomainError as exc:
        flash_refusal(exc)
    else:
        flash("De fase is verwijderd.", "success")
    return redirect(url_for("learning.programme_rules", programme_id=programme.id, _anchor="fasen"))


@bp.route("/leergangen/leergang/<int:programme_id>/archiveren", methods=["POST"])
@roles_required(ORGANISATOR)
def programme_archive(programme_id):
    programme = setup.programme_or_404(programme_id)
    archived = request.form.get("terugzetten") != "1"
    setup.archive_programme(programme, by=current_user, archived=archived)
    flash(f"{programme.name} is gearchiveerd: er kunnen geen nieuwe groepen meer bij; lopende groepen gaan door."
          if archived else f"{programme.name} is teruggezet.", "success")
    return redirect(url_for("learning.cohorts"))
