"""Auth's reactions to signals: its own person_erased (sent by people.privacy, a higher layer) and the
outbox's question whether mail to an address must be withheld (notifications, a lower layer)."""
from sqlalchemy import select

from ..extensions import db
from ..notifications.services import withhold_mail
from .models import User
from .signals import person_erased


@person_erased.connect
def end_sessions_of_erased(sender, user_id: int | None = None, **extra) -> None:
    """Erasure, inside the caller's transaction: every session and remember-me cookie stops working."""
    if user_id is None:
        return
    user = db.session.get(User, user_id)
    if user is not None:
        user.end_sessions()


@withhold_mail.connect
def withhold_mail_to_blocked(sender, address: str | None = None, **extra) -> bool:
    """A blocked account gets no mail (auth.blocking sends the notice of the block with always=True)."""
    if not address:
        return False
    return db.session.scalar(
        select(User.id).where(User.email == address.strip().lower(), User.blocked_at.is_not(None)).limit(1)
    ) is not None
