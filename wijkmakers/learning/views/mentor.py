"""Mentors and reviewers: the trainees list and one participant's work, with an answer per module.
Organisers and mentors answer; coordinators only read."""
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ...core.errors import DomainError, NotFound, show_on_form
from ...core.permissions import COORDINATOR, ORGANISATOR
from .. import mentoring, overview, study, traineeship
from ..forms import ActionForm, MentorForm, ResponseForm
from ..models import PROGRESS_NOT_STARTED, Enrolment
from . import bp
from .participant import send_work_file


def _organiser() -> bool:
    return current_user.has_role(ORGANISATOR)


@bp.route("/leren/wachtrij")
def waiting():
    organiser = _organiser()
    if not (organiser or mentoring.mentors_anyone(current_user)):
        abort(403)
    return render_template("learning/waiting.html", page=mentoring.waiting_work(current_user, organiser),
                           organiser=organiser)


@bp.route("/leren/trainees")
def trainees():
    sees_all = current_user.has_any_role(ORGANISATOR, COORDINATOR)
    rows = traineeship.trainee_rows(mentor=None if sees_all else current_user)
    return render_template("learning/trainees.html", rows=rows, sees_all=sees_all)


def _reviewable(enrolment_id: int) -> Enrolment:
    return mentoring.reviewable_enrolment(enrolment_id, current_user, organiser=_organiser(),
                                          viewer=current_user.has_role(COORDINATOR))


def _participant_page(enrolment: Enrolment, module_id: int | None = None, shown: ResponseForm | None = None,
                      status: int = 200):
    context = overview.programme_overview(enrolment)
    progress = context["progress"]
    forms = {link.module_id: ResponseForm(formdata=None, prefix=f"m{link.module_id}",
                                          response=progress[link.module_id].response
                                          if link.module_id in progress else "")
             for link in context["links"]}
    if shown is not None:
        if module_id not in forms:
            abort(404)
        forms[module_id] = shown
    mentor_form = MentorForm(formdata=None, email=enrolment.mentor.email if enrolment.mentor else "")
    return render_template("learning/participant.html",
                           can_respond=_organiser() or mentoring.is_mentor_of(current_user, enrolment),
                           response_forms=forms, shown_form=shown, organiser=_organiser(), mentor_form=mentor_form,
                           work_files=study.work_file_names([p.id for p in progress.values()]),
                           form=ActionForm(), PROGRESS_NOT_STARTED=PROGRESS_NOT_STARTED, **context), status


@bp.route("/leren/deelnemer/<int:enrolment_id>/module/<int:module_id>/bestand")
def participant_work_file(enrolment_id, module_id):
    enrolment = _reviewable(enrolment_id)
    return send_work_file(study.work_file(enrolment.user_id, module_id))


@bp.route("/leren/deelnemer/<int:enrolment_id>")
def participant(enrolment_id):
    return _participant_page(_reviewable(enrolment_id))


@bp.route("/leren/deelnemer/<int:enrolment_id>/module/<int:module_id>/reactie", methods=["POST"])
def respond(enrolment_id, module_id):
    enrolment = _reviewable(enrolment_id)
    if not (_organiser() or mentoring.is_mentor_of(current_user, enrolment)):
        abort(403)  # coordinators may read, not answer
    form = ResponseForm(prefix=f"m{module_id}")
    if form.validate_on_submit():
        try:
            mentoring.respond(enrolment, module_id, form.response.data, current_user)
        except NotFound:
            raise  # nothing written yet to answer: 404
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            flash("Je reactie is opgeslagen en de deelnemer krijgt een e-mail.", "success")
            return redirect(url_for("learning.participant", enrolment_id=enrolment.id,
                                    _anchor=f"module-{module_id}"))
    return _participant_page(enrolment, module_id, form, 422)
