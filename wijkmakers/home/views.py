from flask import Blueprint, render_template
from flask_login import current_user

from ..core.permissions import (BEGELEIDER, BEHEERDER, COORDINATOR, DEELNEMER, ORGANISATOR,
                                PARTNERCONTACT, public)
from ..core.pagecache import cached_for_visitors
from . import services

bp = Blueprint("home", __name__)


@bp.route("/")
@public
@cached_for_visitors
def index():
    if not current_user.is_authenticated:
        return render_template("home/landing.html", upcoming=services.upcoming_public())
    panels = {}
    if current_user.has_role(DEELNEMER) or not current_user.role_keys:
        panels["participant"] = services.participant_panel(current_user)
    if current_user.has_role(BEGELEIDER):
        panels["guide"] = services.guide_panel(current_user)
    if current_user.has_role(ORGANISATOR):
        panels["organiser"] = services.organiser_panel()
    if current_user.has_role(PARTNERCONTACT):
        panels["partner"] = services.partner_panel(current_user)
    if current_user.has_role(COORDINATOR):
        panels["coordinator"] = services.coordinator_panel()
    if current_user.has_role(BEHEERDER):
        panels["admin"] = services.admin_panel()
    return render_template("home/dashboard.html", panels=panels)
