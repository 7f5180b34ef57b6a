"""Follow-ups: three months after an action plan, ask what became of it, and record the answer (also as an
update of the initiative made from the plan, if there is one)."""
import calendar
from datetime import datetime

from sqlalchemy import select, update

from ..auth.models import User
from ..core.errors import DomainError
from ..core.text import clean_text
from ..core.timeutil import nl_date, utcnow
from ..core.transaction import transactional
from ..extensions import db
from ..learning.models import Module, ModuleProgress
from ..notifications.compose import absolute_url, render_text
from ..notifications.services import queue_mail
from .initiatives import MAX_UPDATE, initiative_of_progress, own_progress, post_update
from .models import INITIATIVE_STATUSES, UPDATE_FOLLOWUP

FOLLOWUP_MONTHS = 3


def months_before(moment: datetime, months: int) -> datetime:
    """The same wall-clock moment ``months`` calendar months earlier (31 May - 3 months = 28/29 Feb)."""
    month_index = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def due_followups(now: datetime | None = None):
    cutoff = months_before(now or utcnow(), FOLLOWUP_MONTHS)
    return (select(ModuleProgress.id, User.email, User.name, Module.title, ModuleProgress.action_plan,
                   ModuleProgress.action_plan_at)
            .join(User, User.id == ModuleProgress.user_id).join(Module, Module.id == ModuleProgress.module_id)
            .where(ModuleProgress.action_plan != "", ModuleProgress.action_plan_at.is_not(None),
                   ModuleProgress.action_plan_at <= cutoff, ModuleProgress.followup_sent_at.is_(None),
                   ModuleProgress.action_outcome == "",
                   User.active.is_(True), User.anonymised_at.is_(None), User.email.is_not(None), User.email != "")
            .order_by(ModuleProgress.id))


def send_followups(now: datetime | None = None, limit: int | None = None) -> int:
    """Mail everyone whose action plan is three months old (once: followup_sent_at). Returns the count.

    Each mail is its own transaction (``_send_followup``) with a guarded UPDATE, so a rerun (or a second
    run at the same time) never sends a follow-up twice, and a crash halfway loses nothing already sent.
    """
    now = now or utcnow()
    stmt = due_followups(now)
    if limit:
        stmt = stmt.limit(limit)
    rows = db.session.execute(stmt).all()
    return sum(_send_followup(row, now) for row in rows)


@transactional
def _send_followup(row, now: datetime) -> bool:
    progress_id, email, name, module_title, action_plan, written_at = row
    claimed = db.session.execute(
        update(ModuleProgress).where(ModuleProgress.id == progress_id, ModuleProgress.followup_sent_at.is_(None))
        .values(followup_sent_at=now)).rowcount
    if claimed != 1:
        return False  # another run got there first
    queue_mail(email, f"Wat is er geworden van je plan bij '{module_title}'?"[:200],
               render_text("network/mail_followup.txt", name=name, module_title=module_title,
                           action_plan=action_plan, written_on=nl_date(written_at),
                           link=absolute_url("network.followup", progress_id=progress_id)))
    return True


@transactional
def record_followup(user: User, progress_id: int, outcome: str, status: str | None = None) -> ModuleProgress:
    """Record what became of an action plan: into ModuleProgress.action_outcome, and as an update of the
    initiative made from it (if there is one)."""
    progress = own_progress(user, progress_id)
    outcome = clean_text(outcome, "wat er van je plan is gekomen", MAX_UPDATE, field="outcome", required=True,
                         minimum=3)
    if status and status not in INITIATIVE_STATUSES:
        raise DomainError("Kies een stand van zaken uit de lijst.", "status")
    progress.action_outcome, progress.action_outcome_at = outcome, utcnow()
    initiative = initiative_of_progress(progress.id)
    if initiative is not None:
        new_status = status if status and status != initiative.status else None
        if new_status:
            initiative.status = new_status
        post_update(initiative, outcome, new_status, UPDATE_FOLLOWUP)
    return progress
