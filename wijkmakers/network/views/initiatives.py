"""Pages about initiatives (listing, publishing, updates, following, offering help) and the follow-up
of an action plan three months on."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ...auth.models import NEIGHBOURHOODS
from ...core.errors import DomainError, NotFound, show_on_form
from ...core.pagination import page_number
from .. import followups, profiles
from .. import initiatives as initiative_service
from ..forms import FollowupForm, InitiativeForm, MessageForm, UpdateForm
from ..models import INITIATIVE_STATUSES
from . import bp, join_page, shown, theme_select


@bp.route("/netwerk/initiatieven")
def initiatives():
    if not profiles.is_member(current_user):
        return join_page(200)
    themes = profiles.theme_choices()
    filters = initiative_service.parse_initiative_filters(request.args, themes)
    page = initiative_service.list_initiatives(filters, current_user, page_number())
    return render_template("network/initiatives.html", page=page, filters=filters, themes=themes,
                           statuses=INITIATIVE_STATUSES, listed=profiles.is_listed(current_user),
                           neighbourhoods=NEIGHBOURHOODS)


def _initiative_form(form: InitiativeForm) -> InitiativeForm:
    theme_select(form.theme, "Geen bepaald thema")
    return form


@bp.route("/netwerk/initiatieven/nieuw", methods=["GET", "POST"])
def new_initiative():
    if not profiles.is_listed(current_user):
        return join_page(reason="initiative")
    plan = None
    plan_id = request.values.get("plan", "")
    if plan_id:
        if not plan_id.isdigit():
            raise NotFound()
        plan = initiative_service.own_progress(current_user, int(plan_id))
    form = _initiative_form(InitiativeForm())
    if request.method == "GET" and plan is not None:
        form.summary.data = plan.action_plan
        form.title.data = f"Doe-opdracht: {plan.module.title}"[:initiative_service.MAX_TITLE]
        form.theme.data = (plan.module.theme or "").strip().lower()
        profile = profiles.profile_of(current_user.id)
        form.neighbourhood.data = profile.neighbourhood if profile else ""
    if form.validate_on_submit():
        try:
            initiative = initiative_service.create_initiative(
                current_user, title=form.title.data, neighbourhood=form.neighbourhood.data or None,
                theme=form.theme.data or None, status=form.status.data, summary=form.summary.data,
                progress_id=plan.id if plan is not None else None)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            flash("Je initiatief staat in het netwerk. Anderen kunnen het nu volgen en hulp aanbieden.", "success")
            return redirect(url_for("network.initiative", initiative_id=initiative.id))
    return render_template("network/initiative_form.html", form=form, plan=plan, initiative=None,
                           plans=[] if plan else initiative_service.own_action_plans(current_user)), shown(form)


@bp.route("/netwerk/initiatieven/<int:initiative_id>")
def initiative(initiative_id):
    return _initiative_page(initiative_id)


def _initiative_page(initiative_id, help_form=None, update_form=None):
    row = initiative_service.visible_initiative(initiative_id, current_user)
    own = row.initiative.author_id == current_user.id
    if not own and not profiles.is_member(current_user):
        return join_page()
    status = 422 if (help_form and help_form.errors) or (update_form and update_form.errors) else 200
    return render_template(
        "network/initiative.html", row=row, item=row.initiative, own=own,
        listed=profiles.is_listed(current_user) if own else True,
        following=initiative_service.is_following(current_user, initiative_id) if not own else False,
        help_form=help_form or MessageForm(), update_form=update_form or UpdateForm()), status


@bp.route("/netwerk/initiatieven/<int:initiative_id>/bewerken", methods=["GET", "POST"])
def edit_initiative(initiative_id):
    item = initiative_service.own_initiative(initiative_id, current_user)
    form = _initiative_form(InitiativeForm(obj=item))
    if request.method == "GET":
        form.theme.data, form.neighbourhood.data = item.theme or "", item.neighbourhood or ""
    if form.validate_on_submit():
        try:
            initiative_service.update_initiative(
                current_user, initiative_id, title=form.title.data, neighbourhood=form.neighbourhood.data or None,
                theme=form.theme.data or None, status=form.status.data, summary=form.summary.data)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            flash("Je initiatief is bijgewerkt.", "success")
            return redirect(url_for("network.initiative", initiative_id=initiative_id))
    return render_template("network/initiative_form.html", form=form, plan=None, initiative=item, plans=[]), \
        shown(form)


@bp.route("/netwerk/initiatieven/<int:initiative_id>/verwijderen", methods=["POST"])
def delete_initiative(initiative_id):
    initiative_service.delete_initiative(current_user, initiative_id)
    flash("Je initiatief is verwijderd.", "success")
    return redirect(url_for("network.my_profile"))


@bp.route("/netwerk/initiatieven/<int:initiative_id>/updates", methods=["POST"])
def add_update(initiative_id):
    initiative_service.own_initiative(initiative_id, current_user)
    form = UpdateForm()
    if form.validate_on_submit():
        try:
            initiative_service.add_update(current_user, initiative_id, form.body.data, form.status.data or None)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            flash("Je update staat erbij; volgers krijgen hem per e-mail.", "success")
            return redirect(url_for("network.initiative", initiative_id=initiative_id))
    return _initiative_page(initiative_id, update_form=form)


@bp.route("/netwerk/initiatieven/<int:initiative_id>/volgen", methods=["POST"])
def follow(initiative_id):
    if not profiles.is_member(current_user):
        return join_page()
    try:
        initiative_service.follow(current_user, initiative_id)
    except NotFound:
        raise
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash("Je volgt dit initiatief. Nieuwe updates krijg je per e-mail.", "success")
    return redirect(url_for("network.initiative", initiative_id=initiative_id))


@bp.route("/netwerk/initiatieven/<int:initiative_id>/ontvolgen", methods=["POST"])
def unfollow(initiative_id):
    initiative_service.unfollow(current_user, initiative_id)
    flash("Je volgt dit initiatief niet meer.", "success")
    if not profiles.is_member(current_user):
        return redirect(url_for("network.inbox"))
    return redirect(url_for("network.initiative", initiative_id=initiative_id))


@bp.route("/netwerk/initiatieven/<int:initiative_id>/hulp", methods=["POST"])
def offer_help(initiative_id):
    if not profiles.is_member(current_user):
        return join_page()
    form = MessageForm()
    if form.validate_on_submit():
        try:
            initiative_service.offer_help(current_user, initiative_id, form.message.data)
        except NotFound:
            raise
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            flash("Je hulpaanbod is verstuurd. Je hoort het als er een antwoord is.", "success")
            return redirect(url_for("network.initiative", initiative_id=initiative_id))
    return _initiative_page(initiative_id, help_form=form)


# --------------------------------------------------------------------------------------------------
# Follow-up of an action plan
# --------------------------------------------------------------------------------------------------

@bp.route("/netwerk/opvolging/<int:progress_id>", methods=["GET", "POST"])
def followup(progress_id):
    progress = initiative_service.own_progress(current_user, progress_id)
    linked = initiative_service.initiative_of_progress(progress.id)
    form = FollowupForm()
    if request.method == "GET" and progress.action_outcome:
        form.outcome.data = progress.action_outcome
    if form.validate_on_submit():
        try:
            followups.record_followup(current_user, progress_id, form.outcome.data, form.status.data or None)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            flash("Dank je! Je antwoord is bewaard" + (" en staat als update bij je initiatief." if linked else "."),
                  "success")
            return redirect(url_for("network.followup", progress_id=progress_id))
    return render_template("network/followup.html", progress=progress, form=form, initiative=linked,
                           listed=profiles.is_listed(current_user)), shown(form)
