"""Pages of the activities feature, one module per audience, all on the one blueprint ``bp``:

- public: the agenda, an activity's page and .ics, signing up and off, newcomers, the personal feed;
- participant: my sign-ups and code, my calendar link, feedback after an activity;
- organiser: planning, series, registrations, decisions, cancellations, feedback results;
- guide: the presence list (organisers and the guides of that activity).

Views stay thin: a POST calls one @transactional service function; a DomainError lands on the form (422)
or in a flash message. CSRF is checked globally (CSRFProtect).
"""
from flask import Blueprint, abort

from ...core.permissions import ORGANISATOR
from ...core.templating import PUBLIC, register_nav
from ...extensions import db
from ..models import ACTIVITY_KINDS, KIND_SESSION, Activity
from ..signups import is_public_activity

bp = Blueprint("activities", __name__)

register_nav("activities.agenda", "Agenda", PUBLIC)
register_nav("activities.mine", "Mijn aanmeldingen", None)
register_nav("activities.manage", "Activiteiten plannen", (ORGANISATOR,))

PUBLIC_KINDS = [(k, v) for k, v in ACTIVITY_KINDS.items() if k != KIND_SESSION]


def activity_or_404(activity_id: int) -> Activity:
    activity = db.session.get(Activity, activity_id)
    if activity is None:
        abort(404)
    return activity


def public_activity_or_404(activity_id: int) -> Activity:
    activity = activity_or_404(activity_id)
    if not is_public_activity(activity):
        abort(404)  # course sessions belong to their cohort, not to the public agenda
    return activity


from . import guide, organiser, participant, public  # noqa: E402,F401 - register the routes on bp
