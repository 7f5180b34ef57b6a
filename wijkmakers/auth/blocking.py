"""Blocking and unblocking accounts (a beheerder's act): a blocked person cannot log in, every session of
theirs ends at once, outstanding links stop working, and they get no mail except the notice of the block
(auth.subscribers withholds the rest from the outbox)."""
from ..core.audit import record
from ..core.errors import DomainError
from ..core.timeutil import utcnow
from ..core.transaction import transactional
from ..extensions import db
from ..notifications.compose import send
from ..notifications.services import discard_pending_mail
from .models import AuthToken, User


@transactional
def block_user(user: User, by: User) -> None:
    if user.id == by.id:
        raise DomainError("Je kunt je eigen account niet blokkeren; vraag een andere beheerder.")
    if user.anonymised_at is not None:
        raise DomainError("Dit account is gewist en kan niet worden geblokkeerd.")
    if user.blocked_at is not None:
        raise DomainError(f"Het account van {user.name} is al geblokkeerd.")
    user.blocked_at = utcnow()
    user.end_sessions()
    db.session.execute(AuthToken.__table__.delete().where(AuthToken.user_id == user.id,
                                                          AuthToken.used_at.is_(None)))
    discard_pending_mail(user.email)
    send(user, "Je account bij Wijkmakers is geblokkeerd", "auth/mail_blocked.txt", always=True)
    record(by.id, "account_blocked", "user", user.id)


@transactional
def unblock_user(user: User, by: User) -> None:
    if user.blocked_at is None:
        raise DomainError(f"Het account van {user.name} is niet geblokkeerd.")
    user.blocked_at = None
    db.session.flush()  # the outbox asks the database whether the address is still blocked
    send(user, "Je account bij Wijkmakers is weer open", "auth/mail_unblocked.txt")
    record(by.id, "account_unblocked", "user", user.id)
