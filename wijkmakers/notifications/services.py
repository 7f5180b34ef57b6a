"""The outbox: services put mail in it inside their own transaction; `flask outbox send` delivers it
(see notifications.sender). Here also the beheerder's overview and the retry of failed messages."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from blinker import Namespace
from sqlalchemy import case, delete, func, or_, select, update
from sqlalchemy.orm import lazyload

from ..core.audit import record
from ..core.errors import DomainError, NotFound
from ..core.timeutil import utcnow
from ..core.transaction import transactional
from ..extensions import db
from .models import OutboxAttachment, OutboxMessage


@dataclass
class Attachment:
    filename: str
    content_type: str
    content: bytes


_signals = Namespace()

# Asked before a message is queued, with sender=None, address=str: a receiver returns True to withhold
# mail to that address (auth withholds mail to blocked accounts). A signal rather than an import, so the
# outbox knows no rule of a higher layer (ARCHITECTURE.md).
withhold_mail = _signals.signal("withhold-mail")


def is_withheld(address: str) -> bool:
    return any(answer is True for _receiver, answer in withhold_mail.send(None, address=address))


def queue_mail(recipient: str | None, subject: str, body: str,
               attachments: list[Attachment] | tuple = (), reply_to: str | None = None,
               always: bool = False) -> OutboxMessage | None:
    """Add a message to the current transaction; it is sent only if that transaction commits.

    People without an e-mail address (signed up by phone) get nothing, silently; nor does an address
    that a ``withhold_mail`` receiver holds back, unless ``always`` (the notice that tells them so).
    """
    if not recipient:
        return None
    if not always and is_withheld(recipient):
        return None
    message = OutboxMessage(recipient=recipient, subject=subject, body=body, reply_to=reply_to)
    message.attachments = [
        OutboxAttachment(filename=a.filename, content_type=a.content_type, content=a.content)
        for a in attachments
    ]
    db.session.add(message)
    return message


def discard_pending_mail(address: str | None) -> int:
    """Drop the unsent mail to ``address`` (in the caller's transaction); returns how many."""
    if not address:
        return 0
    return db.session.execute(delete(OutboxMessage).where(OutboxMessage.recipient == address,
                                                          OutboxMessage.sent_at.is_(None))
                              .execution_options(synchronize_session=False)).rowcount


# -- the beheerder's overview -----------------------------------------------------------------------

_UNSENT = OutboxMessage.sent_at.is_(None)
_PENDING = _UNSENT & OutboxMessage.failed_at.is_(None)
_FAILED = _UNSENT & OutboxMessage.failed_at.is_not(None)


@dataclass
class OutboxCounts:
    pending: int
    retrying: int  # pending, with at least one failed attempt behind it
    sent: int
    failed: int
    oldest_pending: datetime | None


def outbox_counts() -> OutboxCounts:
    """All counts in one aggregate query."""
    row = db.session.execute(select(
        func.count(case((_PENDING, 1))),
        func.count(case((_PENDING & (OutboxMessage.attempts > 0), 1))),
        func.count(case((OutboxMessage.sent_at.is_not(None), 1))),
        func.count(case((_FAILED, 1))),
        func.min(case((_PENDING, OutboxMessage.created_at))),
    )).one()
    return OutboxCounts(pending=row[0], retrying=row[1], sent=row[2], failed=row[3], oldest_pending=row[4])


def recent_problems(limit: int = 20) -> list[OutboxMessage]:
    """Unsent messages that went wrong at least once, the most recent attempt first."""
    return list(db.session.scalars(
        select(OutboxMessage).options(lazyload(OutboxMessage.attachments))
        .where(_UNSENT, OutboxMessage.last_error.is_not(None))
        .order_by(OutboxMessage.last_attempt_at.desc(), OutboxMessage.id.desc()).limit(limit)))


# -- sending again ----------------------------------------------------------------------------------

@transactional
def retry_message(message_id: int, actor_id: int | None) -> OutboxMessage:
    """Put one unsent message back in line with a fresh set of attempts, to go out on the next run."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFound("Dit bericht bestaat niet.")
    if message.sent_at is not None:
        raise DomainError("Dit bericht is al verstuurd; het wordt niet nog een keer verzonden.")
    message.failed_at = None
    message.attempts = 0
    message.next_attempt_at = utcnow()
    record(actor_id, "outbox.retry", "outbox_message", message.id)
    return message


@transactional
def retry_failed(actor_id: int | None) -> int:
    """Put every failed message back in line; returns how many."""
    count = db.session.execute(
        update(OutboxMessage).where(_FAILED)
        .values(failed_at=None, attempts=0, next_attempt_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    if count:
        record(actor_id, "outbox.retry_failed", "outbox_message", None, count=count)
    return count


@transactional
def purge_sent(older_than_days: int) -> int:
    """Delete messages that were sent more than ``older_than_days`` days ago (never an unsent one)."""
    if older_than_days < 1:
        raise DomainError("Geef een aantal dagen van 1 of meer.")
    old = select(OutboxMessage.id).where(OutboxMessage.sent_at.is_not(None),
                                         OutboxMessage.sent_at < utcnow() - timedelta(days=older_than_days))
    db.session.execute(delete(OutboxAttachment).where(OutboxAttachment.message_id.in_(old))
                       .execution_options(synchronize_session=False))
    count = db.session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(old))
                               .execution_options(synchronize_session=False)).rowcount
    return count


# A name shorter than this is too likely to occur in unrelated mail to be searched for.
MIN_NAME_TO_SEARCH = 5


@transactional
def forget_mail_of(address: str | None, name: str | None) -> int:
    """Part of a privacy erasure (joins the caller's transaction; called by people.privacy, as the outbox
    sits below every feature): every message to the person, sent or not, and every message whose subject or
    body names them or their address (a partner contact's notice, a contact request) goes, with its
    attachments. Returns the number of messages removed."""
    conditions = []
    if address:
        conditions += [OutboxMessage.recipient == address, OutboxMessage.reply_to == address,
                       OutboxMessage.body.contains(address, autoescape=True)]
    if name and len(name.strip()) >= MIN_NAME_TO_SEARCH:
        conditions += [OutboxMessage.subject.contains(name.strip(), autoescape=True),
                       OutboxMessage.body.contains(name.strip(), autoescape=True)]
    if not conditions:
        return 0
    doomed = select(OutboxMessage.id).where(or_(*conditions))
    db.session.execute(delete(OutboxAttachment).where(OutboxAttachment.message_id.in_(doomed)))
    return db.session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(doomed)),
                              execution_options={"synchronize_session": False}).rowcount
