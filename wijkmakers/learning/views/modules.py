"""Organisers write module texts in the browser: the list, a new module, the editor with a preview, every
saved version with its differences, and restoring one."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ...core.errors import DomainError, NotFound, form_page, show_on_form
from ...core.permissions import ORGANISATOR, roles_required
from .. import module_texts as texts
from ..forms import ActionForm, ModuleTextForm
from . import bp, flash_refusal


def _text(form: ModuleTextForm) -> texts.ModuleText:
    return texts.ModuleText(title=form.title.data, theme=form.theme.data, study_hours=form.study_hours.data,
                            learning_goals=texts.goals_from(form.learning_goals.data), body=form.body.data)


def _previewing() -> bool:
    return request.form.get("actie") == "voorbeeld"


@bp.route("/leergangen/modules")
@roles_required(ORGANISATOR)
def modules():
    return render_template("learning/modules.html", modules=texts.modules())


@bp.route("/leergangen/modules/nieuw", methods=["GET", "POST"])
@roles_required(ORGANISATOR)
def module_new():
    form = ModuleTextForm()
    preview = None
    if form.validate_on_submit():
        try:
            if _previewing():
                preview = texts.preview(texts.checked(_text(form)))
            else:
                module = texts.create_module(_text(form), by=current_user)
                flash(f"De module {module.title} is aangemaakt. Voeg hem toe aan een leergang bij 'Modules kiezen "
                      "en ordenen'.", "success")
                return redirect(url_for("learning.modules"))
        except DomainError as exc:
            show_on_form(form, exc)
    if preview is not None:
        return render_template("learning/module_editor.html", form=form, module=None, preview=preview)
    return form_page("learning/module_editor.html", form=form, module=None, preview=None)


@bp.route("/leergangen/modules/<int:module_id>/bewerken", methods=["GET", "POST"])
@roles_required(ORGANISATOR)
def module_edit(module_id):
    module = texts.module_or_404(module_id)
    form = ModuleTextForm(data={} if request.method == "POST" else {
        "title": module.title, "theme": module.theme, "study_hours": module.study_hours,
        "learning_goals": "\n".join(module.learning_goals or []), "body": module.body_markdown})
    preview = None
    if form.validate_on_submit():
        try:
            if _previewing():
                preview = texts.preview(texts.checked(_text(form)))
            else:
                version = texts.save_text(module, _text(form), by=current_user)
                flash(f"Versie {version.number} van {module.title} is opgeslagen." if version
                      else "Er was niets veranderd; er is geen nieuwe versie gemaakt.", "success")
                return redirect(url_for("learning.module_versions", module_id=module.id))
        except DomainError as exc:
            show_on_form(form, exc)
    if preview is not None:
        return render_template("learning/module_editor.html", form=form, module=module, preview=preview)
    return form_page("learning/module_editor.html", form=form, module=module, preview=None)


@bp.route("/leergangen/modules/<int:module_id>/versies")
@roles_required(ORGANISATOR)
def module_versions(module_id):
    module = texts.module_or_404(module_id)
    return render_template("learning/module_versions.html", module=module, versions=texts.versions(module),
                           labels=texts.ORIGIN_LABELS)


@bp.route("/leergangen/modules/<int:module_id>/versies/<int:version_id>")
@roles_required(ORGANISATOR)
def module_version(module_id, version_id):
    module = texts.module_or_404(module_id)
    history = texts.versions(module)
    index = next((i for i, v in enumerate(history) if v.id == version_id), None)
    if index is None:
        raise NotFound()
    version = history[index]
    older = history[index + 1] if index + 1 < len(history) else None
    return render_template("learning/module_version.html", module=module, version=version, older=older,
                           rows=texts.difference(older, version), labels=texts.ORIGIN_LABELS, form=ActionForm(),
                           current=index == 0)


@bp.route("/leergangen/modules/<int:module_id>/versies/<int:version_id>/terugzetten", methods=["POST"])
@roles_required(ORGANISATOR)
def module_restore(module_id, version_id):
    module = texts.module_or_404(module_id)
    try:
        version = texts.restore(module, version_id, by=current_user)
    except DomainError as exc:
        flash_refusal(exc)
    else:
        flash(f"De tekst is teruggezet; dat is nu versie {version.number}.", "success")
    return redirect(url_for("learning.module_versions", module_id=module.id))
