"""The network: opt-in directory, contact requests, initiatives, follow-ups and figures.

Reciprocity: the directory and the initiatives are for people who opted in themselves, plus organisers,
guides and coordinators. Everyone else who is logged in gets an invitation to opt in (and sees nobody);
anonymous visitors are sent to the log-in page. One's own profile, messages, initiatives and follow-ups
stay reachable for their owner.
"""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..auth.models import NEIGHBOURHOODS
from ..core.pagination import page_number
from ..core.permissions import COORDINATOR, ORGANISATOR, roles_required
from ..core.templating import register_nav
from ..extensions import db
from . import services
from .forms import (AnswerForm, DirectoryFilterForm, FollowupForm, InitiativeForm, MessageForm, ProfileForm,
                    ReportForm, ResolveForm, UpdateForm)
from .models import INITIATIVE_STATUSES, KIND_HELP

bp = Blueprint("network", __name__)

register_nav("network.directory", "Netwerk", None)
register_nav("network.initiatives", "Initiatieven", None)
register_nav("network.figures", "Netwerkcijfers", (ORGANISATOR, COORDINATOR))


def _join_page(status: int = 403, reason: str | None = None):
    """What someone who did not opt in sees instead of the network."""
    profile = services.profile_of(current_user.id)
    return render_template("network/join.html", profile=profile, reason=reason), status


def _not_found(exc: services.NotFound):
    db.session.rollback()
    abort(404)


def _theme_select(field, empty_label: str):
    field.choices = [("", empty_label)] + [(t, t[0].upper() + t[1:]) for t in services.theme_choices()]


# --------------------------------------------------------------------------------------------------
# Directory and profiles
# --------------------------------------------------------------------------------------------------

@bp.route("/netwerk")
def directory():
    if not services.is_member(current_user):
        return _join_page(200)
    form = DirectoryFilterForm(request.args)
    themes = services.theme_choices()
    form.thema.choices = [("", "Alle thema's")] + [(t, t[0].upper() + t[1:]) for t in themes]
    cohorts = services.cohort_choices()
    form.cohort.choices = [("", "Alle groepen")] + [(str(i), label) for i, label in cohorts]
    filters = services.parse_directory_filters(request.args, themes, {i for i, _ in cohorts})
    bad_year = bool(request.args.get("jaar", "").strip()) and filters.year is None
    page = services.search_directory(filters, page_number())
    return render_template("network/directory.html", form=form, filters=filters, page=page,
                           cohorts=services.cohorts_of(page.items), bad_year=bad_year,
                           own=services.profile_of(current_user.id))


@bp.route("/netwerk/mensen/<int:profile_id>")
def person(profile_id):
    if not services.is_member(current_user):
        return _join_page()
    try:
        profile = services.listed_profile(profile_id)
    except services.NotFound as exc:
        return _not_found(exc)
    return _person_page(profile, MessageForm())


def _person_page(profile, form, status=200):
    return render_template(
        "network/person.html", profile=profile, form=form,
        cohorts=services.cohorts_of([profile]).get(profile.user_id, []),
        years=services.activity_years(profile.user_id) if profile.show_participation else [],
        own=profile.user_id == current_user.id,
        left=max(0, services.contact_limit() - services.sent_today(current_user.id))), status


@bp.route("/netwerk/mensen/<int:profile_id>/bericht", methods=["POST"])
def contact(profile_id):
    if not services.is_member(current_user):
        return _join_page()
    try:
        profile = services.listed_profile(profile_id)
    except services.NotFound as exc:
        return _not_found(exc)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            services.send_contact_request(current_user, profile.user_id, form.message.data)
        except services.NotFound as exc:
            return _not_found(exc)
        except services.NetworkError as exc:
            form.message.errors.append(str(exc))
        else:
            flash(f"Je bericht aan {profile.display_name} is verstuurd. Je hoort het als er een antwoord is.",
                  "success")
            return redirect(url_for("network.person", profile_id=profile.id))
    return _person_page(profile, form, 400)


@bp.route("/netwerk/mijn-profiel", methods=["GET", "POST"])
def my_profile():
    profile = services.profile_of(current_user.id)
    shown = profile or services.new_profile_for(current_user)
    form = ProfileForm(obj=shown)
    form.themes.choices = [(t, t[0].upper() + t[1:]) for t in services.theme_choices()]
    if request.method == "GET":
        form.themes.data = [t.theme for t in shown.themes] if profile else []
        form.neighbourhood.data = shown.neighbourhood or ""
    if form.validate_on_submit():
        was_listed = bool(profile and profile.opted_in)
        try:
            services.save_profile(
                current_user, display_name=form.display_name.data, neighbourhood=form.neighbourhood.data or None,
                themes=form.themes.data or [], tags=form.tags.data, working_on=form.working_on.data,
                introduction=form.introduction.data, show_organisation=form.show_organisation.data,
                show_kind=form.show_kind.data, show_participation=form.show_participation.data,
                accepts_contact=form.accepts_contact.data)
        except services.NetworkError as exc:
            db.session.rollback()
            form.display_name.errors.append(str(exc))
        else:
            flash("Je profiel is opgeslagen." if was_listed else
                  "Welkom in het netwerk! Je profiel is nu zichtbaar voor andere deelnemers.", "success")
            return redirect(url_for("network.my_profile"))
    return render_template("network/my_profile.html", form=form, profile=profile,
                           initiatives=services.my_initiatives(current_user),
                           plans=services.own_action_plans(current_user)), 400 if form.errors else 200


@bp.route("/netwerk/mijn-profiel/verbergen", methods=["POST"])
def withdraw():
    if services.withdraw(current_user):
        flash("Je profiel en je initiatieven zijn nu verborgen voor anderen. Je kunt ze altijd weer aanzetten.",
              "success")
    return redirect(url_for("network.my_profile"))


@bp.route("/netwerk/mijn-profiel/verwijderen", methods=["POST"])
def delete_profile():
    if services.delete_profile(current_user):
        flash("Je netwerkprofiel is verwijderd.", "success")
    return redirect(url_for("network.my_profile"))


# --------------------------------------------------------------------------------------------------
# Messages
# --------------------------------------------------------------------------------------------------

@bp.route("/netwerk/berichten")
def inbox():
    received = services.received(current_user)
    return render_template("network/inbox.html", received=received, sent=services.sent_by(current_user),
                           blocks=services.blocks_of(current_user), shown_status=services.shown_status)


@bp.route("/netwerk/berichten/<int:request_id>", methods=["GET", "POST"])
def message(request_id):
    try:
        contact_request = services.request_for(current_user, request_id)
    except services.NotFound as exc:
        return _not_found(exc)
    incoming = contact_request.recipient_id == current_user.id
    form = AnswerForm()
    if request.method == "POST":
        if not incoming:
            abort(404)
        if form.validate_on_submit():
            try:
                services.answer_request(current_user, request_id, form.reply.data)
            except services.NetworkError as exc:
                form.reply.errors.append(str(exc))
            else:
                flash("Je antwoord is verstuurd, met je e-mailadres erbij.", "success")
                return redirect(url_for("network.message", request_id=request_id))
    sender_profile = None
    if incoming and contact_request.sender_id:
        sender_profile = services.profile_of(contact_request.sender_id)
        if sender_profile is not None and not sender_profile.opted_in:
            sender_profile = None
    return render_template("network/message.html", item=contact_request, incoming=incoming, form=form,
                           sender_profile=sender_profile, status=services.shown_status(contact_request, current_user),
                           kind_help=KIND_HELP), 400 if form.errors else 200


@bp.route("/netwerk/berichten/<int:request_id>/archiveren", methods=["POST"])
def decline(request_id):
    try:
        services.decline_request(current_user, request_id)
    except services.NotFound as exc:
        return _not_found(exc)
    flash("Het bericht is gearchiveerd. De afzender krijgt daar geen bericht over.", "success")
    return redirect(url_for("network.inbox"))


@bp.route("/netwerk/berichten/<int:request_id>/blokkeren", methods=["POST"])
def block(request_id):
    try:
        services.block_sender(current_user, request_id)
    except services.NotFound as exc:
        return _not_found(exc)
    except services.NetworkError as exc:
        flash(str(exc), "error")
        return redirect(url_for("network.message", request_id=request_id))
    flash("De afzender is geblokkeerd. Nieuwe berichten van deze persoon komen niet meer bij je aan; "
          "de afzender hoort daar niets over.", "success")
    return redirect(url_for("network.inbox"))


@bp.route("/netwerk/berichten/<int:request_id>/melden", methods=["GET", "POST"])
def report(request_id):
    try:
        contact_request = services.request_for(current_user, request_id)
    except services.NotFound as exc:
        return _not_found(exc)
    if contact_request.recipient_id != current_user.id:
        abort(404)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            services.report_abuse(current_user, request_id, form.reason.data, also_block=form.also_block.data)
        except services.NetworkError as exc:
            form.reason.errors.append(str(exc))
        else:
            flash("Dank je voor je melding. De organisatie van Wijkmakers kijkt ernaar.", "success")
            return redirect(url_for("network.inbox"))
    return render_template("network/report.html", item=contact_request, form=form), 400 if form.errors else 200


@bp.route("/netwerk/blokkades/<int:block_id>/opheffen", methods=["POST"])
def unblock(block_id):
    try:
        block_row = services.unblock(current_user, block_id)
    except services.NotFound as exc:
        return _not_found(exc)
    flash(f"{block_row.blocked_name or 'Deze persoon'} is niet meer geblokkeerd.", "success")
    return redirect(url_for("network.inbox"))


@bp.route("/netwerk/meldingen")
@roles_required(ORGANISATOR)
def reports():
    include_handled = request.args.get("alle") == "1"
    return render_template("network/reports.html", reports=services.reports(include_handled),
                           include_handled=include_handled, form=ResolveForm())


@bp.route("/netwerk/meldingen/<int:report_id>", methods=["POST"])
@roles_required(ORGANISATOR)
def resolve_report(report_id):
    form = ResolveForm()
    if not form.validate_on_submit():
        flash("De notitie is te lang; gebruik hoogstens 2000 tekens.", "error")
        return redirect(url_for("network.reports"))
    try:
        services.resolve_report(current_user, report_id, form.note.data, hide_profile=form.hide_profile.data)
    except services.NotFound as exc:
        return _not_found(exc)
    except services.NetworkError as exc:
        flash(str(exc), "error")
    else:
        flash("De melding is afgehandeld.", "success")
    return redirect(url_for("network.reports"))


# --------------------------------------------------------------------------------------------------
# Initiatives
# --------------------------------------------------------------------------------------------------

@bp.route("/netwerk/initiatieven")
def initiatives():
    if not services.is_member(current_user):
        return _join_page(200)
    themes = services.theme_choices()
    filters = services.parse_initiative_filters(request.args, themes)
    page = services.list_initiatives(filters, current_user, page_number())
    return render_template("network/initiatives.html", page=page, filters=filters, themes=themes,
                           statuses=INITIATIVE_STATUSES, listed=services.is_listed(current_user),
                           neighbourhoods=NEIGHBOURHOODS)


def _initiative_form(form: InitiativeForm) -> InitiativeForm:
    _theme_select(form.theme, "Geen bepaald thema")
    return form


@bp.route("/netwerk/initiatieven/nieuw", methods=["GET", "POST"])
def new_initiative():
    if not services.is_listed(current_user):
        return _join_page(reason="initiative")
    plan = None
    plan_id = request.values.get("plan", "")
    if plan_id:
        if not plan_id.isdigit():
            abort(404)
        try:
            plan = services.own_progress(current_user, int(plan_id))
        except services.NotFound as exc:
            return _not_found(exc)
    form = _initiative_form(InitiativeForm())
    if request.method == "GET" and plan is not None:
        form.summary.data = plan.action_plan
        form.title.data = f"Doe-opdracht: {plan.module.title}"[:services.MAX_TITLE]
        form.theme.data = (plan.module.theme or "").strip().lower()
        profile = services.profile_of(current_user.id)
        form.neighbourhood.data = profile.neighbourhood if profile else ""
    if form.validate_on_submit():
        try:
            initiative = services.create_initiative(
                current_user, title=form.title.data, neighbourhood=form.neighbourhood.data or None,
                theme=form.theme.data or None, status=form.status.data, summary=form.summary.data,
                progress_id=plan.id if plan is not None else None)
        except services.NetworkError as exc:
            db.session.rollback()
            form.title.errors.append(str(exc))
        else:
            flash("Je initiatief staat in het netwerk. Anderen kunnen het nu volgen en hulp aanbieden.", "success")
            return redirect(url_for("network.initiative", initiative_id=initiative.id))
    return render_template("network/initiative_form.html", form=form, plan=plan, initiative=None,
                           plans=[] if plan else services.own_action_plans(current_user)), \
        400 if form.errors else 200


@bp.route("/netwerk/initiatieven/<int:initiative_id>")
def initiative(initiative_id):
    return _initiative_page(initiative_id)


def _initiative_page(initiative_id, help_form=None, update_form=None, status=200):
    try:
        row = services.visible_initiative(initiative_id, current_user)
    except services.NotFound as exc:
        return _not_found(exc)
    own = row.initiative.author_id == current_user.id
    if not own and not services.is_member(current_user):
        return _join_page()
    return render_template(
        "network/initiative.html", row=row, item=row.initiative, own=own,
        listed=services.is_listed(current_user) if own else True,
        following=services.is_following(current_user, initiative_id) if not own else False,
        help_form=help_form or MessageForm(), update_form=update_form or UpdateForm()), status


@bp.route("/netwerk/initiatieven/<int:initiative_id>/bewerken", methods=["GET", "POST"])
def edit_initiative(initiative_id):
    try:
        item = services.own_initiative(initiative_id, current_user)
    except services.NotFound as exc:
        return _not_found(exc)
    form = _initiative_form(InitiativeForm(obj=item))
    if request.method == "GET":
        form.theme.data, form.neighbourhood.data = item.theme or "", item.neighbourhood or ""
    if form.validate_on_submit():
        try:
            services.update_initiative(current_user, initiative_id, title=form.title.data,
                                       neighbourhood=form.neighbourhood.data or None, theme=form.theme.data or None,
                                       status=form.status.data, summary=form.summary.data)
        except services.NetworkError as exc:
            db.session.rollback()
            form.title.errors.append(str(exc))
        else:
            flash("Je initiatief is bijgewerkt.", "success")
            return redirect(url_for("network.initiative", initiative_id=initiative_id))
    return render_template("network/initiative_form.html", form=form, plan=None, initiative=item, plans=[]), \
        400 if form.errors else 200


@bp.route("/netwerk/initiatieven/<int:initiative_id>/verwijderen", methods=["POST"])
def delete_initiative(initiative_id):
    try:
        services.delete_initiative(current_user, initiative_id)
    except services.NotFound as exc:
        return _not_found(exc)
    flash("Je initiatief is verwijderd.", "success")
    return redirect(url_for("network.my_profile"))


@bp.route("/netwerk/initiatieven/<int:initiative_id>/updates", methods=["POST"])
def add_update(initiative_id):
    try:
        services.own_initiative(initiative_id, current_user)
    except services.NotFound as exc:
        return _not_found(exc)
    form = UpdateForm()
    if form.validate_on_submit():
        try:
            services.add_update(current_user, initiative_id, form.body.data, form.status.data or None)
        except services.NetworkError as exc:
            form.body.errors.append(str(exc))
        else:
            flash("Je update staat erbij; volgers krijgen hem per e-mail.", "success")
            return redirect(url_for("network.initiative", initiative_id=initiative_id))
    return _initiative_page(initiative_id, update_form=form, status=400)


@bp.route("/netwerk/initiatieven/<int:initiative_id>/volgen", methods=["POST"])
def follow(initiative_id):
    if not services.is_member(current_user):
        return _join_page()
    try:
        services.follow(current_user, initiative_id)
    except services.NotFound as exc:
        return _not_found(exc)
    except services.NetworkError as exc:
        flash(str(exc), "error")
    else:
        flash("Je volgt dit initiatief. Nieuwe updates krijg je per e-mail.", "success")
    return redirect(url_for("network.initiative", initiative_id=initiative_id))


@bp.route("/netwerk/initiatieven/<int:initiative_id>/ontvolgen", methods=["POST"])
def unfollow(initiative_id):
    services.unfollow(current_user, initiative_id)
    flash("Je volgt dit initiatief niet meer.", "success")
    if not services.is_member(current_user):
        return redirect(url_for("network.inbox"))
    return redirect(url_for("network.initiative", initiative_id=initiative_id))


@bp.route("/netwerk/initiatieven/<int:initiative_id>/hulp", methods=["POST"])
def offer_help(initiative_id):
    if not services.is_member(current_user):
        return _join_page()
    form = MessageForm()
    if form.validate_on_submit():
        try:
            services.offer_help(current_user, initiative_id, form.message.data)
        except services.NotFound as exc:
            return _not_found(exc)
        except services.NetworkError as exc:
            form.message.errors.append(str(exc))
        else:
            flash("Je hulpaanbod is verstuurd. Je hoort het als er een antwoord is.", "success")
            return redirect(url_for("network.initiative", initiative_id=initiative_id))
    return _initiative_page(initiative_id, help_form=form, status=400)


# --------------------------------------------------------------------------------------------------
# Follow-up of an action plan
# --------------------------------------------------------------------------------------------------

@bp.route("/netwerk/opvolging/<int:progress_id>", methods=["GET", "POST"])
def followup(progress_id):
    try:
        progress = services.own_progress(current_user, progress_id)
    except services.NotFound as exc:
        return _not_found(exc)
    linked = services.initiative_of_progress(progress.id)
    form = FollowupForm()
    if request.method == "GET" and progress.action_outcome:
        form.outcome.data = progress.action_outcome
    if form.validate_on_submit():
        try:
            services.record_followup(current_user, progress_id, form.outcome.data, form.status.data or None)
        except services.NetworkError as exc:
            form.outcome.errors.append(str(exc))
        else:
            flash("Dank je! Je antwoord is bewaard" + (" en staat als update bij je initiatief." if linked else "."),
                  "success")
            return redirect(url_for("network.followup", progress_id=progress_id))
    return render_template("network/followup.html", progress=progress, form=form, initiative=linked,
                           listed=services.is_listed(current_user)), 400 if form.errors else 200


# --------------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------------

@bp.route("/netwerk/cijfers")
@roles_required(ORGANISATOR, COORDINATOR)
def figures():
    raw = request.args.get("jaar", "").strip()
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else None
    return render_template("network/figures.html", figures=services.network_figures(year), year=year,
                           bad_year=bool(raw) and year is None, statuses=INITIATIVE_STATUSES)
