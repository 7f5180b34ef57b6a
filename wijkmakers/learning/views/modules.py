"""Organisers write module texts in the browser: the list, a new module, the editor with a preview, every
saved version with its differences, restoring one, and the module's worksheets."""
import io

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from ...core.errors import DomainError, NotFound, form_page, show_on_form
from ...core.permissions import ORGANISATOR, roles_required
from .. import module_texts as texts
from ..forms import ActionForm, ModuleTextForm, WorksheetForm
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
    return _editor(None, form, preview)


@bp.route("/leergangen/modules/<int:module_id>/bewerken", methods=["GET", "POST"])
@roles_required(ORGANISATOR)
def module_edit(module_id):
    module = texts.module_or_404(module_id)
    form = ModuleTextForm(data={} if request.method == "POST" else _current(module))
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
    return _editor(module, form, preview)


def _editor(module, form: ModuleTextForm, preview=None, sheet_form: WorksheetForm | None = None):
    context = {"form": form, "module": module, "preview": preview, "sheet_form": sheet_form or WorksheetForm(),
               "sheets": texts.worksheets(module.id) if module else [], "action": ActionForm()}
    if preview is not None:
        return render_template("learning/module_editor.html", **context)
    return form_page("learning/module_editor.html", **context)


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


@bp.route("/leergangen/modules/<int:module_id>/werkbladen", methods=["POST"])
@roles_required(ORGANISATOR)
def worksheet_add(module_id):
    module = texts.module_or_404(module_id)
    sheet_form = WorksheetForm()
    if sheet_form.validate_on_submit():
        upload = sheet_form.bestand.data
        try:
            sheet = texts.add_worksheet(module, sheet_form.title.data,
                                        (upload.filename, upload.read(texts.WORKSHEET_MAX_BYTES + 1))
                                        if upload and upload.filename else None, by=current_user)
        except DomainError as exc:
            show_on_form(sheet_form, exc)
        else:
            flash(f"Het werkblad {sheet.title} is toegevoegd.", "success")
            return redirect(url_for("learning.module_edit", module_id=module.id, _anchor="werkbladen"))
    return _editor(module, ModuleTextForm(formdata=None, data=_current(module)), sheet_form=sheet_form)


def _current(module) -> dict:
    return {"title": module.title, "theme": module.theme, "study_hours": module.study_hours,
            "learning_goals": "\n".join(module.learning_goals or []), "body": module.body_markdown}


@bp.route("/leergangen/modules/<int:module_id>/werkbladen/<int:worksheet_id>/verwijderen", methods=["POST"])
@roles_required(ORGANISATOR)
def worksheet_remove(module_id, worksheet_id):
    module = texts.module_or_404(module_id)
    texts.remove_worksheet(module, worksheet_id, by=current_user)
    flash("Het werkblad is verwijderd.", "success")
    return redirect(url_for("learning.module_edit", module_id=module.id, _anchor="werkbladen"))


@bp.route("/leergangen/modules/<int:module_id>/werkbladen/<int:worksheet_id>")
@roles_required(ORGANISATOR)
def worksheet_download(module_id, worksheet_id):
    return send_worksheet(texts.worksheet_of(module_id, worksheet_id))


def send_worksheet(sheet):
    return send_file(io.BytesIO(sheet.content), mimetype=sheet.content_type, as_attachment=True,
                     download_name=sheet.filename, max_age=0)
