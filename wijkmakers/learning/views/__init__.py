"""Learning's pages, on one blueprint ``bp``, by audience: the participant's programme, modules and action
plans (participant.py); mentors' and reviewers' view of a trainee (mentor.py); the organisers' cohorts,
sessions, requests and overview (organiser.py). Views are thin: they read the request, call one service
function (which commits or rolls back itself), and render; a DomainError goes on the form it belongs to
(422) or, for a button, into a flashed message."""
from flask import Blueprint, flash

from ...core.errors import DomainError, NotFound
from ...core.permissions import COORDINATOR, ORGANISATOR
from ...core.templating import register_nav
from ..completion import FLAG_LABELS
from ..models import ENROLMENT_LABELS, PROGRESS_LABELS

bp = Blueprint("learning", __name__)

register_nav("learning.index", "Leren", None)
register_nav("learning.cohorts", "Leergangen", (ORGANISATOR, COORDINATOR))


@bp.app_context_processor
def _labels():
    return {"ENROLMENT_LABELS": ENROLMENT_LABELS, "PROGRESS_LABELS": PROGRESS_LABELS, "FLAG_LABELS": FLAG_LABELS}


def flash_refusal(exc: DomainError) -> None:
    """A button's refusal: its sentence on the page the person is sent back to. NotFound stays a 404."""
    if isinstance(exc, NotFound):
        raise exc
    flash(exc.message, "error")


from . import mentor, modules, organiser, participant, programmes  # noqa: E402, F401 - the routes register on bp
