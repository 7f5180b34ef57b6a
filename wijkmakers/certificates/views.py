"""Certificates: my certificates, downloads, the public verification page and the organiser's pages."""
from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..core.errors import DomainError, NotFound, show_on_form
from ..core.pagination import paginate
from ..core.permissions import ORGANISATOR, public, roles_required
from ..core.templating import register_nav
from ..extensions import limiter
from . import documents, issuing, listings, pdf, revocation, verification
from .forms import ActionForm, CodeForm, RevokeForm, SearchForm
from .models import BATCH_DONE, BATCH_RUNNING

bp = Blueprint("certificates", __name__)

register_nav("certificates.mine", "Mijn certificaten", None)
register_nav("certificates.manage", "Certificaten", (ORGANISATOR,))


def _verify_limit() -> str:
    return current_app.config.get("CERTIFICATE_VERIFY_LIMIT", "30 per minute")


def _pdf_response(content: bytes, name: str, inline: bool = False) -> Response:
    response = Response(content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _zip_response(content: bytes, name: str) -> Response:
    response = Response(content, mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _flash(exc: DomainError) -> None:
    """A broken rule is told on the next page; a missing object stays missing (404)."""
    if isinstance(exc, NotFound):
        raise exc
    flash(exc.message, "error")


# -- public verification ---------------------------------------------------------------------------
@bp.route("/certificaat", defaults={"code": None})
@bp.route("/certificaat/<code>")
@public
@limiter.limit(_verify_limit, scope="certificate-verify")
def verify(code):
    form = CodeForm(request.args)
    if code is None:
        if request.args and form.validate():
            normalised = verification.normalise_code(form.code.data)
            if normalised:
                return redirect(url_for("certificates.verify", code=normalised))
            form.code.errors.append("Dit is geen geldige code. Een code bestaat uit letters en cijfers, "
                                    "zoals ABCDE-FGHJK-LMNPQ-RSTUV.")
        return render_template("certificates/verify_form.html", form=form)
    certificate = verification.find_by_code(code)
    status = 200 if certificate is not None else 404
    return render_template("certificates/verify.html", certificate=certificate, code=code[:60],
                           form=CodeForm(formdata=None)), status


# -- participants ----------------------------------------------------------------------------------
@bp.route("/certificaten")
def mine():
    return render_template("certificates/mine.html", certificates=listings.certificates_of(current_user),
                           candidates=listings.proof_candidates(current_user), form=ActionForm())


@bp.route("/certificaten/<int:certificate_id>/pdf")
def download(certificate_id):
    certificate = listings.owned_certificate(certificate_id, current_user,
                                             organiser=current_user.has_role(ORGANISATOR))
    return _pdf_response(documents.render_certificate(certificate), documents.filename(certificate))


@bp.route("/certificaten/bewijs/<int:activity_id>", methods=["POST"])
def request_proof(activity_id):
    try:
        certificate, created = issuing.issue_participation_proof(current_user.id, activity_id)
    except DomainError as exc:
        _flash(exc)
    else:
        flash("Je bewijs van deelname staat klaar." if created else "Je had dit bewijs van deelname al.", "success")
        return redirect(url_for("certificates.mine", _anchor=f"certificaat-{certificate.id}"))
    return redirect(url_for("certificates.mine"))


# -- organisers ------------------------------------------------------------------------------------
@bp.route("/certificaten/beheer")
@roles_required(ORGANISATOR)
def manage():
    form = SearchForm(request.args)
    query = form.q.data if form.validate() else None
    page = paginate(listings.search_statement(query), per_page=25)
    return render_template("certificates/manage.html", form=form, page=page,
                           cohorts=listings.cohort_overview(), activities=listings.recent_activities())


@bp.route("/certificaten/beheer/<int:certificate_id>")
@roles_required(ORGANISATOR)
def detail(certificate_id):
    certificate = listings.get_certificate(certificate_id)
    return render_template("certificates/detail.html", certificate=certificate, form=RevokeForm(),
                           verify_url=verification.verification_url(certificate))


@bp.route("/certificaten/beheer/<int:certificate_id>/intrekken", methods=["POST"])
@roles_required(ORGANISATOR)
def revoke(certificate_id):
    certificate = listings.get_certificate(certificate_id)
    if not certificate.is_valid:
        flash("Dit certificaat is al ingetrokken.", "error")
        return redirect(url_for("certificates.detail", certificate_id=certificate.id))
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            revocation.revoke(certificate.id, form.reason.data, current_user)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            flash(f"{certificate.kind_label} van {certificate.holder_name} is ingetrokken.", "success")
            return redirect(url_for("certificates.detail", certificate_id=certificate.id))
    return render_template("certificates/detail.html", certificate=certificate, form=form,
                           verify_url=verification.verification_url(certificate)), 422


@bp.route("/certificaten/beheer/groep/<int:cohort_id>")
@roles_required(ORGANISATOR)
def cohort(cohort_id):
    cohort, rows = listings.cohort_members(cohort_id)
    return render_template("certificates/cohort.html", cohort=cohort, rows=rows, form=ActionForm(),
                           direct_limit=documents.ZIP_DIRECT_LIMIT)


@bp.route("/certificaten/beheer/inschrijving/<int:enrolment_id>/uitreiken", methods=["POST"])
@roles_required(ORGANISATOR)
def issue_enrolment(enrolment_id):
    try:
        certificate, created = issuing.issue_programme_certificate(enrolment_id, issued_by=current_user)
    except DomainError as exc:
        _flash(exc)
        cohort_id = request.form.get("cohort_id", type=int)
        return redirect(url_for("certificates.cohort", cohort_id=cohort_id) if cohort_id
                        else url_for("certificates.manage"))
    flash(f"Certificaat uitgereikt aan {certificate.holder_name}." if created
          else f"{certificate.holder_name} had al een geldig certificaat.", "success")
    return redirect(url_for("certificates.cohort", cohort_id=certificate.enrolment.cohort_id))


@bp.route("/certificaten/beheer/groep/<int:cohort_id>/uitreiken", methods=["POST"])
@roles_required(ORGANISATOR)
def issue_cohort(cohort_id):
    try:
        created = issuing.issue_for_completed(cohort_id, current_user)
    except DomainError as exc:
        _flash(exc)
    else:
        flash(f"{created} certificaat uitgereikt." if created == 1 else f"{created} certificaten uitgereikt."
              if created else "Alle deelnemers die de leergang afrondden, hadden al een certificaat.", "success")
    return redirect(url_for("certificates.cohort", cohort_id=cohort_id))


@bp.route("/certificaten/beheer/groep/<int:cohort_id>/zip", methods=["POST"])
@roles_required(ORGANISATOR)
def cohort_zip(cohort_id):
    """Small cohorts: the ZIP in this response. Larger ones: a batch whose page shows the progress."""
    cohort = listings.get_cohort(cohort_id)
    certificates = documents.cohort_certificates(cohort_id)
    if certificates and len(certificates) <= documents.ZIP_DIRECT_LIMIT:
        files = documents.render_many(certificates)
        return _zip_response(pdf.write_zip(files), documents.cohort_zip_name(cohort))
    try:
        batch = documents.start_batch(cohort_id, current_user)  # refuses a cohort without valid certificates
    except DomainError as exc:
        _flash(exc)
        return redirect(url_for("certificates.cohort", cohort_id=cohort_id))
    return redirect(url_for("certificates.batch", batch_id=batch.id))


@bp.route("/certificaten/beheer/bundel/<int:batch_id>")
@roles_required(ORGANISATOR)
def batch(batch_id):
    """Each visit renders the next PDFs (about two seconds' worth), then the page reloads itself with a
    meta refresh until the ZIP is complete: progress without a background worker and without scripts."""
    batch = documents.advance_batch(batch_id)
    return render_template("certificates/batch.html", batch=batch, running=batch.status == BATCH_RUNNING,
                           done=batch.status == BATCH_DONE)


@bp.route("/certificaten/beheer/bundel/<int:batch_id>/zip")
@roles_required(ORGANISATOR)
def batch_zip(batch_id):
    try:
        name, content = documents.batch_zip(batch_id)
    except DomainError as exc:
        _flash(exc)
        return redirect(url_for("certificates.batch", batch_id=batch_id))
    return _zip_response(content, name)


@bp.route("/certificaten/beheer/activiteit/<int:activity_id>")
@roles_required(ORGANISATOR)
def activity(activity_id):
    activity, rows = listings.activity_attendees(activity_id)
    return render_template("certificates/activity.html", activity=activity, rows=rows, form=ActionForm())


@bp.route("/certificaten/beheer/activiteit/<int:activity_id>/<int:user_id>/uitreiken", methods=["POST"])
@roles_required(ORGANISATOR)
def issue_proof(activity_id, user_id):
    try:
        certificate, created = issuing.issue_participation_proof(user_id, activity_id, issued_by=current_user)
    except DomainError as exc:
        _flash(exc)
    else:
        flash(f"Bewijs van deelname uitgereikt aan {certificate.holder_name}." if created
              else f"{certificate.holder_name} had al een geldig bewijs van deelname.", "success")
    return redirect(url_for("certificates.activity", activity_id=activity_id))
