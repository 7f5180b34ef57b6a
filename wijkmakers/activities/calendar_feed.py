"""The personal calendar feed: an unguessable address per person (made, renewed or stopped by its
owner) that calendar apps subscribe to, listing what the person takes part in or guides."""
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from ..auth.models import User
from ..core import audit
from ..core.timeutil import utcnow
from ..core.transaction import transactional
from ..extensions import db
from . import mail
from .ics import FeedItem
from .models import REG_WAITLISTED, Activity, ActivityGuide, Registration

FEED_HISTORY = timedelta(days=60)


@transactional
def new_calendar_token(user: User) -> str:
    """A fresh unguessable feed address; the previous one stops working at once."""
    user.calendar_token = secrets.token_urlsafe(32)
    audit.record(user.id, "calendar_feed.created", "user", user.id)
    return user.calendar_token


@transactional
def revoke_calendar_token(user: User) -> None:
    user.calendar_token = None
    audit.record(user.id, "calendar_feed.revoked", "user", user.id)


def user_for_calendar_token(token: str) -> User | None:
    if not token or len(token) > 64:
        return None
    user = db.session.scalar(select(User).where(User.calendar_token == token))
    return user if user is not None and user.is_active else None


def feed_items(user: User, now: datetime | None = None) -> list[FeedItem]:
    """What this person takes part in or guides, from two months back: two queries."""
    since = (now or utcnow()) - FEED_HISTORY
    regs = db.session.execute(
        select(Activity, Registration.status).join(Registration, Registration.activity_id == Activity.id)
        .where(Registration.user_id == user.id, Registration.active.is_(True), Activity.starts_at >= since)
        .order_by(Activity.starts_at)).all()
    guided = db.session.scalars(
        select(Activity).join(ActivityGuide, ActivityGuide.activity_id == Activity.id)
        .where(ActivityGuide.user_id == user.id, Activity.starts_at >= since).order_by(Activity.starts_at)).all()
    items, seen = [], set()
    for activity in guided:
        seen.add(activity.id)
        items.append(FeedItem(activity, mail.detail_link(activity), role_note="Je begeleidt deze activiteit."))
    for activity, status in regs:
        if activity.id not in seen:
            seen.add(activity.id)
            items.append(FeedItem(activity, mail.detail_link(activity), tentative=status == REG_WAITLISTED))
    items.sort(key=lambda item: item.activity.starts_at)
    return items
