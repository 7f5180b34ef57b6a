"""Partners: coordinators manage organisations and contacts; partner contacts enrol and follow their staff.

Partner-contact pages never take an organisation id from the URL: the organisation is always the one
on the contact's own account, and any person or upload id in a URL is checked against it (404).
"""
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from ..auth.models import User
from ..core import spreadsheet
from ..core.errors import DomainError, form_page, render_error, show_on_form
from ..core.permissions import COORDINATOR, PARTNERCONTACT, roles_required
from ..core.templating import register_nav
from ..core.timeutil import local_today
from ..extensions import db
from ..organisations.models import ORGANISATION_TYPES, Organisation
from . import colleagues, exports, importer, overview, partnerships, staff_import, targets
from .forms import (ContactForm, EnrolForm, ImportForm, MoveForm, OrganisationFilterForm, OrganisationForm,
                    PersonSearchForm, SearchForm)
from .models import IMPORT_PREVIEW

bp = Blueprint("partners", __name__)

register_nav("partners.dashboard", "Mijn organisatie", (PARTNERCONTACT,))
register_nav("partners.organisations", "Partners", (COORDINATOR,))

TEMPLATE_HEADER = ("e-mail", "naam", "functie", "aanmelden voor")
TEMPLATE_EXAMPLE = (("a.jansen@organisatie.nl", "Anna Jansen", "wijkwerker", ""),
                    ("m.bakker@organisatie.nl", "Mohamed Bakker", "opbouwwerker", ""))


def _int_arg(name: str, low: int, high: int) -> int | None:
    value = request.args.get(name, "")
    if not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if low <= number <= high else None


# ------------------------------------------------------------------------------------------------
# Coordinator
# ------------------------------------------------------------------------------------------------

@bp.route("/partners")
@roles_required(COORDINATOR)
def organisations():
    years = partnerships.organisation_years()
    form = OrganisationFilterForm(request.args)
    form.jaar.choices = [("", "Alle organisaties")] + [(str(y), str(y)) for y in years]
    year = _int_arg("jaar", 1990, 2100)
    type_ = request.args.get("soort") if request.args.get("soort") in ORGANISATION_TYPES else None
    page = partnerships.list_organisations(year=year, type_=type_, name=request.args.get("naam"))
    return render_template("partners/organisations.html", page=page, form=form, year=year, type_=type_,
                           today=local_today(), search=PersonSearchForm())


@bp.route("/partners/nieuw", methods=["GET", "POST"])
@roles_required(COORDINATOR)
def new_organisation():
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation = partnerships.save_organisation(
                None, name=form.name.data, type_=form.type.data, partner_since=form.partner_since.data,
                partner_until=form.partner_until.data, website=form.website.data, notes=form.notes.data,
                by=current_user)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            flash(f"{organisation.name} is toegevoegd.", "success")
            return redirect(url_for("partners.organisation", organisation_id=organisation.id))
    return form_page("partners/organisation_form.html", form=form, organisation=None)


@bp.route("/partners/<int:organisation_id>", methods=["GET", "POST"])
@roles_required(COORDINATOR)
def organisation(organisation_id):
    organisation = partnerships.get_organisation(organisation_id)
    form = OrganisationForm(obj=organisation)
    if form.validate_on_submit():
        try:
            partnerships.save_organisation(
                organisation, name=form.name.data, type_=form.type.data, partner_since=form.partner_since.data,
                partner_until=form.partner_until.data, website=form.website.data, notes=form.notes.data,
                by=current_user)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            flash("De gegevens zijn opgeslagen.", "success")
            return redirect(url_for("partners.organisation", organisation_id=organisation.id))
    return _organisation_page(organisation, form, ContactForm(prefix="contact"),
                              422 if request.method == "POST" else 200)


def _organisation_page(organisation, form, contact_form, status=200):
    members, total = partnerships.organisation_members(organisation.id)
    return render_template("partners/organisation_form.html", form=form, organisation=organisation,
                           contacts=partnerships.organisation_contacts(organisation.id), contact_form=contact_form,
                           members=members, members_total=total), status


@bp.route("/partners/<int:organisation_id>/contactpersonen", methods=["POST"])
@roles_required(COORDINATOR)
def link_contact(organisation_id):
    organisation = partnerships.get_organisation(organisation_id)
    contact_form = ContactForm(prefix="contact")
    if contact_form.validate_on_submit():
        try:
            user, invited = partnerships.link_contact(organisation, email=contact_form.email.data,
                                                      name=contact_form.name.data, by=current_user)
        except DomainError as exc:
            show_on_form(contact_form, exc)
        else:
            flash(f"{user.name} is contactpersoon van {organisation.name}."
                  + (" Er is een uitnodiging gestuurd." if invited else ""), "success")
            return redirect(url_for("partners.organisation", organisation_id=organisation.id))
    return _organisation_page(organisation, OrganisationForm(obj=organisation), contact_form, 422)


@bp.route("/partners/<int:organisation_id>/contactpersonen/<int:user_id>/ontkoppelen", methods=["POST"])
@roles_required(COORDINATOR)
def unlink_contact(organisation_id, user_id):
    organisation = partnerships.get_organisation(organisation_id)
    user = partnerships.unlink_contact(organisation, user_id, by=current_user)  # NotFound: 404
    flash(f"{user.name} is geen contactpersoon meer van {organisation.name}.", "success")
    return redirect(url_for("partners.organisation", organisation_id=organisation.id))


@bp.route("/partners/<int:organisation_id>/overzicht")
@roles_required(COORDINATOR)
def organisation_overview(organisation_id):
    organisation = partnerships.get_organisation(organisation_id)
    form = SearchForm(request.args)
    found = overview.organisation_overview(organisation, q=form.q.data)
    return render_template("partners/dashboard.html", overview=found, form=form, coordinator_view=True)


@bp.route("/partners/personen")
@roles_required(COORDINATOR)
def people():
    form = PersonSearchForm(request.args)
    results = colleagues.search_people(form.q.data)
    return render_template("partners/people.html", form=form, results=results)


@bp.route("/partners/personen/<int:user_id>/organisatie", methods=["GET", "POST"])
@roles_required(COORDINATOR)
def move_person(user_id):
    person = db.session.get(User, user_id)
    if person is None or person.anonymised_at is not None:
        abort(404)
    form = MoveForm()
    form.organisation.choices = [("", "Geen organisatie")] + [
        (str(i), n) for i, n in partnerships.organisation_choices()]
    if request.method == "GET":
        form.organisation.data = str(person.organisation_id or "")
    if form.validate_on_submit():
        raw = form.organisation.data or ""
        if raw and not raw.isdigit():
            form.organisation.errors.append("Kies een organisatie uit de lijst.")
        else:
            try:
                dropped = colleagues.change_organisation(person, int(raw) if raw else None, by=current_user)
            except DomainError as exc:
                show_on_form(form, exc)
            else:
                flash(f"De organisatie van {person.name} is gewijzigd. Eerdere deelname blijft bij de organisatie "
                      f"van dat moment." + (" De rol partnercontact is vervallen." if dropped else ""), "success")
                return redirect(url_for("partners.move_person", user_id=person.id))
    return form_page("partners/move.html", person=person, form=form,
                     history=overview.participation_history(person.id))


# ------------------------------------------------------------------------------------------------
# Partner contact
# ------------------------------------------------------------------------------------------------

def _own_organisation() -> Organisation | None:
    return colleagues.own_organisation(current_user)


def _no_organisation():
    return render_template("partners/no_organisation.html"), 200


@bp.route("/mijn-organisatie")
@roles_required(PARTNERCONTACT)
def dashboard():
    organisation = _own_organisation()
    if organisation is None:
        return _no_organisation()
    form = SearchForm(request.args)
    found = overview.organisation_overview(organisation, q=form.q.data)
    return render_template("partners/dashboard.html", overview=found, form=form, coordinator_view=False)


@bp.route("/mijn-organisatie/export.<fmt>")
@roles_required(PARTNERCONTACT)
def export(fmt):
    organisation = _own_organisation()
    if organisation is None or fmt not in ("csv", "xlsx", "json"):
        abort(404)
    rows = overview.overview_table(overview.organisation_overview(organisation, q=request.args.get("q")))
    if fmt == "json":
        payload = {"organisatie": organisation.name,
                   "medewerkers": [dict(zip(overview.EXPORT_HEADER, row, strict=True)) for row in rows]}
        response = current_app.response_class(current_app.json.dumps(payload), mimetype="application/json")
    elif fmt == "csv":
        response = Response(spreadsheet.to_csv(overview.EXPORT_HEADER, rows), mimetype=spreadsheet.CSV_MIME)
    else:
        response = Response(exports.to_xlsx(overview.EXPORT_HEADER, rows, widths=overview.EXPORT_WIDTHS),
                            mimetype=spreadsheet.XLSX_MIME)
    if fmt != "json":
        filename = f"wijkmakers-medewerkers-{local_today():%Y-%m-%d}.{fmt}"
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/mijn-organisatie/medewerkers/<int:user_id>")
@roles_required(PARTNERCONTACT)
def staff_member(user_id):
    organisation = _own_organisation()
    if organisation is None:
        abort(404)
    found = overview.staff_member(organisation, user_id)
    if found is None:
        abort(404)
    person, history = found
    return render_template("partners/staff_member.html", organisation=organisation, person=person, history=history)


@bp.route("/mijn-organisatie/aanmelden", methods=["GET", "POST"])
@roles_required(PARTNERCONTACT)
def enrol():
    organisation = _own_organisation()
    if organisation is None:
        return _no_organisation()
    index = targets.TargetIndex(targets.open_targets())
    form = EnrolForm()
    form.target.choices = index.choices()
    if request.method == "GET" and request.args.get("voor"):
        form.target.data = request.args["voor"]
    if form.validate_on_submit():
        try:
            result = colleagues.enrol_colleague(current_user, email=form.email.data, job_title=form.job_title.data,
                                                target_code=form.target.data)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            if result.invitation_sent:
                # The same answer for every address outside the organisation: nothing about it is revealed.
                flash(colleagues.invitation_sent_message(result.email, organisation, result.target), "success")
                return redirect(url_for("partners.invitations"))
            message = f"{result.user.name} is aangemeld voor {result.target.label}."
            if result.invited:
                message += " Er is een uitnodiging gestuurd om een wachtwoord te kiezen (7 dagen geldig)."
            flash(message, "success")
            return redirect(url_for("partners.dashboard"))
    return form_page("partners/enrol.html", form=form, organisation=organisation, index=index)


def _import_form(index, formdata=True) -> ImportForm:
    form = ImportForm() if formdata else ImportForm(formdata=None)
    form.target.choices = [("", "Staat per rij in het bestand")] + [
        (code, label) for group in index.choices().values() for code, label in group]
    return form


def _max_rows() -> int:
    return current_app.config.get("PARTNER_IMPORT_MAX_ROWS", importer.DEFAULT_MAX_ROWS)


def _max_mb() -> int:
    return current_app.config.get("PARTNER_IMPORT_MAX_BYTES", importer.DEFAULT_MAX_BYTES) // (1024 * 1024)


def _render_upload(form, index, organisation, status=200):
    return render_template("partners/import.html", form=form, index=index, organisation=organisation,
                           max_rows=_max_rows(), max_mb=_max_mb()), status


@bp.route("/mijn-organisatie/import", methods=["GET", "POST"])
@roles_required(PARTNERCONTACT)
def import_upload():
    organisation = _own_organisation()
    if organisation is None:
        return _no_organisation()
    index = targets.TargetIndex(targets.open_targets())
    form = _import_form(index)
    if request.method == "POST":
        if form.validate_on_submit():
            upload = form.file.data
            if upload is None or not getattr(upload, "filename", ""):
                form.file.errors.append("Kies een bestand om te uploaden.")
            elif form.target.data and index.find(form.target.data) is None:
                form.target.errors.append("Kies een leergang of activiteit uit de lijst.")
            else:
                limit = current_app.config.get("PARTNER_IMPORT_MAX_BYTES", importer.DEFAULT_MAX_BYTES)
                data = upload.stream.read(limit + 1)
                try:
                    batch = staff_import.start_import(current_user, upload.filename, data, form.target.data or None)
                except DomainError as exc:
                    show_on_form(form, exc)
                else:
                    return redirect(url_for("partners.import_preview", token=batch.token))
        return _render_upload(form, index, organisation, 422)
    return _render_upload(form, index, organisation)


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_exc):
    # Larger than the app-wide MAX_CONTENT_LENGTH: explain it on the upload page itself.
    if request.endpoint == "partners.import_upload" and current_user.is_authenticated \
            and current_user.has_role(PARTNERCONTACT) and _own_organisation() is not None:
        index = targets.TargetIndex(targets.open_targets())
        form = _import_form(index, formdata=False)
        form.file.errors = [f"Het bestand is te groot. Kies een bestand van hoogstens {_max_mb()} MB met "
                            f"hoogstens {_max_rows()} medewerkers."]
        return _render_upload(form, index, _own_organisation(), 413)
    return render_error(413)


@bp.route("/mijn-organisatie/import/voorbeeld.<fmt>")
@roles_required(PARTNERCONTACT)
def import_template(fmt):
    if fmt == "csv":
        return Response(spreadsheet.to_csv(TEMPLATE_HEADER, TEMPLATE_EXAMPLE), mimetype=spreadsheet.CSV_MIME,
                        headers={"Content-Disposition": 'attachment; filename="wijkmakers-aanmelden-voorbeeld.csv"'})
    if fmt == "xlsx":
        return Response(exports.to_xlsx(TEMPLATE_HEADER, TEMPLATE_EXAMPLE, sheet_title="Medewerkers",
                                        widths=(32, 28, 22, 20)),
                        mimetype=spreadsheet.XLSX_MIME,
                        headers={"Content-Disposition": 'attachment; filename="wijkmakers-aanmelden-voorbeeld.xlsx"'})
    abort(404)


@bp.route("/mijn-organisatie/import/<token>", methods=["GET", "POST"])
@roles_required(PARTNERCONTACT)
def import_preview(token):
    batch = staff_import.get_import(token, current_user)
    if batch is None:
        abort(404)
    organisation = _own_organisation()
    if batch.status != IMPORT_PREVIEW:
        flash(f"Dit bestand is verwerkt: {batch.committed_count} aanmeldingen.", "success")
        return redirect(url_for("partners.dashboard"))
    if request.method == "POST":
        try:
            count = staff_import.commit_import(batch, current_user)
        except staff_import.ImportRejected as exc:
            check = exc.check or staff_import.check_import(batch)
            return render_template("partners/import_preview.html", batch=batch, check=check,
                                   organisation=organisation, error=exc.message), 422
        flash(f"Klaar: {count} rij{'en' if count != 1 else ''} verwerkt. Collega's van je organisatie zijn aangemeld; "
              f"wie er nog niet bij hoort, krijgt een uitnodiging en wordt pas na akkoord gekoppeld en aangemeld.",
              "success")
        return redirect(url_for("partners.dashboard"))
    check = staff_import.check_import(batch)
    return render_template("partners/import_preview.html", batch=batch, check=check, organisation=organisation,
                           error=None)



# The invitations' routes (the contact's list, the invited person's page) live on the same blueprint.
from . import invitation_views  # noqa: E402,F401
