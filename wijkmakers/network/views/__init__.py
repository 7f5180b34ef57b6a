"""The network: opt-in directory, contact requests, initiatives, follow-ups and figures.

Reciprocity: the directory and the initiatives are for people who opted in themselves, plus organisers,
guides and coordinators. Everyone else who is logged in gets an invitation to opt in (and sees nobody);
anonymous visitors are sent to the log-in page. One's own profile, messages, initiatives and follow-ups
stay reachable for their owner. A NotFound from a service becomes the 404 page (core.errors).

The pages by audience: ``people`` (directory, own profile, messages), ``initiatives`` (initiatives and
follow-ups of action plans), ``organisers`` (reports of abuse, figures).
"""
from flask import Blueprint, render_template
from flask_login import current_user

from ...core.permissions import COORDINATOR, ORGANISATOR
from ...core.templating import register_nav
from .. import profiles

bp = Blueprint("network", __name__)

register_nav("network.directory", "Netwerk", None)
register_nav("network.initiatives", "Initiatieven", None)
register_nav("network.figures", "Netwerkcijfers", (ORGANISATOR, COORDINATOR))


def join_page(status: int = 403, reason: str | None = None):
    """What someone who did not opt in sees instead of the network."""
    profile = profiles.profile_of(current_user.id)
    return render_template("network/join.html", profile=profile, reason=reason), status


def theme_select(field, empty_label: str | None = None):
    themes = [(t, t[0].upper() + t[1:]) for t in profiles.theme_choices()]
    field.choices = themes if empty_label is None else [("", empty_label)] + themes


def shown(form, status: int = 200) -> int:
    """A re-shown form answers 422 when it holds errors (invalid input or a broken rule)."""
    return 422 if form.errors else status


from . import initiatives, organisers, people  # noqa: E402,F401  (they register their routes on bp)
