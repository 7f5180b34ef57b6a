"""Pages for people in the network: the directory, one's own profile, and messages between people."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ...core.errors import DomainError, NotFound, show_on_form
from ...core.pagination import page_number
from .. import directory as directory_service
from .. import initiatives as initiative_service
from .. import messages, profiles
from ..forms import AnswerForm, DirectoryFilterForm, MessageForm, ProfileForm, ReportForm
from ..models import KIND_HELP
from . import bp, join_page, shown, theme_select

# --------------------------------------------------------------------------------------------------
# Directory and profiles
# --------------------------------------------------------------------------------------------------


@bp.route("/netwerk")
def directory():
    if not profiles.is_member(current_user):
        return join_page(200)
    form = DirectoryFilterForm(request.args)
    themes = profiles.theme_choices()
    form.thema.choices = [("", "Alle thema's")] + [(t, t[0].upper() + t[1:]) for t in themes]
    cohorts = directory_service.cohort_choices()
    form.cohort.choices = [("", "Alle groepen")] + [(str(i), label) for i, label in cohorts]
    filters = directory_service.parse_directory_filters(request.args, themes, {i for i, _ in cohorts})
    bad_year = bool(request.args.get("jaar", "").strip()) and filters.year is None
    page = directory_service.search_directory(filters, page_number())
    return render_template("network/directory.html", form=form, filters=filters, page=page,
                           cohorts=directory_service.cohorts_of(page.items), bad_year=bad_year,
                           own=profiles.profile_of(current_user.id))


@bp.route("/netwerk/mensen/<int:profile_id>")
def person(profile_id):
    if not profiles.is_member(current_user):
        return join_page()
    return _person_page(profiles.listed_profile(profile_id), MessageForm())


def _person_page(profile, form):
    return render_template(
        "network/person.html", profile=profile, form=form,
        cohorts=directory_service.cohorts_of([profile]).get(profile.user_id, []),
        years=directory_service.activity_years(profile.user_id) if profile.show_participation else [],
        own=profile.user_id == current_user.id,
        left=max(0, messages.contact_limit() - messages.sent_today(current_user.id))), shown(form)


@bp.route("/netwerk/mensen/<int:profile_id>/bericht", methods=["POST"])
def contact(profile_id):
    if not profiles.is_member(current_user):
        return join_page()
    profile = profiles.listed_profile(profile_id)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            messages.send_contact_request(current_user, profile.user_id, form.message.data)
        except NotFound:
            raise
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            flash(f"Je bericht aan {profile.display_name} is verstuurd. Je hoort het als er een antwoord is.",
                  "success")
            return redirect(url_for("network.person", profile_id=profile.id))
    return _person_page(profile, form)


@bp.route("/netwerk/mijn-profiel", methods=["GET", "POST"])
def my_profile():
    profile = profiles.profile_of(current_user.id)
    current = profile or profiles.new_profile_for(current_user)
    form = ProfileForm(obj=current)
    theme_select(form.themes)
    if request.method == "GET":
        form.themes.data = [t.theme for t in current.themes] if profile else []
        form.neighbourhood.data = current.neighbourhood or ""
    if form.validate_on_submit():
        was_listed = bool(profile and profile.opted_in)
        try:
            profiles.save_profile(
                current_user, display_name=form.display_name.data, neighbourhood=form.neighbourhood.data or None,
                themes=form.themes.data or [], tags=form.tags.data, working_on=form.working_on.data,
                introduction=form.introduction.data, show_organisation=form.show_organisation.data,
                show_kind=form.show_kind.data, show_participation=form.show_participation.data,
                accepts_contact=form.accepts_contact.data)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            flash("Je profiel is opgeslagen." if was_listed else
                  "Welkom in het netwerk! Je profiel is nu zichtbaar voor andere deelnemers.", "success")
            return redirect(url_for("network.my_profile"))
    return render_template("network/my_profile.html", form=form, profile=profile,
                           initiatives=initiative_service.my_initiatives(current_user),
                           plans=initiative_service.own_action_plans(current_user)), shown(form)


@bp.route("/netwerk/mijn-profiel/verbergen", methods=["POST"])
def withdraw():
    if profiles.withdraw(current_user):
        flash("Je profiel en je initiatieven zijn nu verborgen voor anderen. Je kunt ze altijd weer aanzetten.",
              "success")
    return redirect(url_for("network.my_profile"))


@bp.route("/netwerk/mijn-profiel/verwijderen", methods=["POST"])
def delete_profile():
    if profiles.delete_profile(current_user):
        flash("Je netwerkprofiel is verwijderd.", "success")
    return redirect(url_for("network.my_profile"))


# --------------------------------------------------------------------------------------------------
# Messages
# --------------------------------------------------------------------------------------------------

@bp.route("/netwerk/berichten")
def inbox():
    return render_template("network/inbox.html", received=messages.received(current_user),
                           sent=messages.sent_by(current_user), blocks=messages.blocks_of(current_user),
                           shown_status=messages.shown_status)


@bp.route("/netwerk/berichten/<int:request_id>", methods=["GET", "POST"])
def message(request_id):
    contact_request = messages.request_for(current_user, request_id)
    incoming = contact_request.recipient_id == current_user.id
    form = AnswerForm()
    if request.method == "POST":
        if not incoming:
            raise NotFound()
        if form.validate_on_submit():
            try:
                messages.answer_request(current_user, request_id, form.reply.data)
            except DomainError as exc:
                show_on_form(form, exc)
            else:
                flash("Je antwoord is verstuurd, met je e-mailadres erbij.", "success")
                return redirect(url_for("network.message", request_id=request_id))
    sender_profile = None
    if incoming and contact_request.sender_id:
        sender_profile = profiles.profile_of(contact_request.sender_id)
        if sender_profile is not None and not sender_profile.opted_in:
            sender_profile = None
    return render_template("network/message.html", item=contact_request, incoming=incoming, form=form,
                           sender_profile=sender_profile, status=messages.shown_status(contact_request, current_user),
                           kind_help=KIND_HELP), shown(form)


@bp.route("/netwerk/berichten/<int:request_id>/archiveren", methods=["POST"])
def decline(request_id):
    messages.decline_request(current_user, request_id)
    flash("Het bericht is gearchiveerd. De afzender krijgt daar geen bericht over.", "success")
    return redirect(url_for("network.inbox"))


@bp.route("/netwerk/berichten/<int:request_id>/blokkeren", methods=["POST"])
def block(request_id):
    try:
        messages.block_sender(current_user, request_id)
    except NotFound:
        raise
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(url_for("network.message", request_id=request_id))
    flash("De afzender is geblokkeerd. Nieuwe berichten van deze persoon komen niet meer bij je aan; "
          "de afzender hoort daar niets over.", "success")
    return redirect(url_for("network.inbox"))


@bp.route("/netwerk/berichten/<int:request_id>/melden", methods=["GET", "POST"])
def report(request_id):
    contact_request = messages.received_request(current_user, request_id)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            messages.report_abuse(current_user, request_id, form.reason.data, also_block=form.also_block.data)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            flash("Dank je voor je melding. De organisatie van Wijkmakers kijkt ernaar.", "success")
            return redirect(url_for("network.inbox"))
    return render_template("network/report.html", item=contact_request, form=form), shown(form)


@bp.route("/netwerk/blokkades/<int:block_id>/opheffen", methods=["POST"])
def unblock(block_id):
    block_row = messages.unblock(current_user, block_id)
    flash(f"{block_row.blocked_name or 'Deze persoon'} is niet meer geblokkeerd.", "success")
    return redirect(url_for("network.inbox"))
