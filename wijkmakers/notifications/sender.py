"""Delivering the outbox by SMTP.

A run claims a batch of due messages before it sends anything: on PostgreSQL with
``SELECT ... FOR UPDATE SKIP LOCKED``, on SQLite (one writer at a time) with a guarded UPDATE that only
takes a row nobody holds. So two senders (two app servers, or a cron job next to a service) never send
one message twice. A claim lasts a few minutes and is renewed just before each message goes out; the
claim of a sender that crashed expires and another sender takes the message over.

A message is marked sent only after the SMTP server accepted it. A failure backs off exponentially
(next_attempt_at); after ``OUTBOX_MAX_ATTEMPTS`` attempts, or at once when the server refuses the
recipient for good (5xx), the message is marked failed (failed_at) and kept for the beheerder, who can
send it again. The sender never deletes a message.

At-least-once: if the server accepted a message but the database could not record that, the message
goes out again later. Its Message-ID is stable, so mail systems can recognise the duplicate.
"""
import base64
import logging
import os
import re
import smtplib
import socket
import ssl
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage, Message
from email.utils import format_datetime, parseaddr

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm.exc import StaleDataError

from ..core.timeutil import utcnow
from ..extensions import db
from .models import OutboxMessage

log = logging.getLogger("wijkmakers.notifications")

CLAIM_SECONDS = 300
DEFAULT_MAX_ATTEMPTS = 12  # with the back-off below: about twenty hours of trying
BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)
ERROR_LENGTH = 500


@dataclass
class SendResult:
    claimed: int = 0
    sent: int = 0
    deferred: int = 0  # not sent now, tried again later
    failed: int = 0  # given up: kept and marked failed

    def as_dict(self) -> dict:
        return {"claimed": self.claimed, "sent": self.sent, "deferred": self.deferred, "failed": self.failed}


def max_attempts() -> int:
    return max(1, int(current_app.config.get("OUTBOX_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS)))


def backoff(attempts: int) -> timedelta:
    """The wait after the n-th failed attempt: 1, 2, 4, 8 ... minutes, at most six hours."""
    return min(BACKOFF_FIRST * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


def default_worker_name() -> str:
    return f"{socket.gethostname()[:50]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


# -- claiming ---------------------------------------------------------------------------------------

def _due(now: datetime):
    return (OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None),
            OutboxMessage.next_attempt_at <= now,
            OutboxMessage.claimed_until.is_(None) | (OutboxMessage.claimed_until < now))


def claim_batch(worker: str, limit: int) -> list[int]:
    """Take up to ``limit`` due messages for ``worker``; no other sender gets them while the claim lasts."""
    now = utcnow()
    until = now + timedelta(seconds=CLAIM_SECONDS)
    oldest_first = select(OutboxMessage.id).where(*_due(now)).order_by(OutboxMessage.next_attempt_at,
                                                                       OutboxMessage.id).limit(limit)
    try:
        if db.engine.dialect.name == "postgresql":
            # Rows another sender is claiming right now are skipped instead of waited for.
            ids = list(db.session.scalars(oldest_first.with_for_update(skip_locked=True)))
            if ids:
                db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids))
                                   .values(claimed_by=worker, claimed_until=until))
        else:
            # SQLite has one writer at a time: each guarded UPDATE takes a row only if it is still free
            # and unsent, so a row that another sender took since our SELECT changes nothing.
            ids = []
            for message_id in db.session.scalars(oldest_first).all():
                won = db.session.execute(
                    update(OutboxMessage).where(OutboxMessage.id == message_id, *_due(now))
                    .values(claimed_by=worker, claimed_until=until)
                    .execution_options(synchronize_session=False)).rowcount
                if won == 1:
                    ids.append(message_id)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return ids


def _renew_claim(message_id: int, worker: str) -> bool:
    """Just before sending: is the message still ours and unsent? Extends the claim if so."""
    until = utcnow() + timedelta(seconds=CLAIM_SECONDS)
    still_ours = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.claimed_by == worker,
               OutboxMessage.claimed_until.is_not(None), OutboxMessage.sent_at.is_(None),
               OutboxMessage.failed_at.is_(None))
        .values(claimed_until=until).execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return still_ours == 1


# -- building the e-mail ----------------------------------------------------------------------------

def _one_line(value: str) -> str:
    return " ".join((value or "").split())


def _sender_domain(sender: str) -> str:
    address = parseaddr(sender)[1]
    return address.rpartition("@")[2] or "wijkmakers.local"


def message_id_header(message: OutboxMessage, sender: str) -> str:
    """Stable per outbox row, so a message that is sent again can be recognised as the same one."""
    stamp = (message.created_at or utcnow()).strftime("%Y%m%d%H%M%S")
    return f"<outbox.{message.id}.{stamp}@{_sender_domain(sender)}>"


def _attachment_type(content_type: str, content: bytes) -> tuple[str, str, dict]:
    header = Message()
    header["Content-Type"] = content_type or "application/octet-stream"
    maintype, subtype = header.get_content_maintype(), header.get_content_subtype()
    params = {key.lower(): value for key, value in (header.get_params() or [])[1:]}
    if (maintype, subtype) == ("text", "calendar") and "method" not in params:
        # Calendar programs need the iTIP method (REQUEST, CANCEL) on the part to act on an invitation.
        found = re.search(rb"^METHOD:([A-Za-z-]+)\s*$", content, re.MULTILINE)
        if found:
            params["method"] = found.group(1).decode("ascii").upper()
    if maintype == "text" and "charset" not in params:
        params["charset"] = "utf-8"
    return maintype, subtype, params


def build_email(message: OutboxMessage) -> EmailMessage:
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    email = EmailMessage()
    email["From"] = sender
    email["To"] = _one_line(message.recipient)
    email["Subject"] = _one_line(message.subject)
    email["Date"] = format_datetime(utcnow().replace(tzinfo=timezone.utc))
    email["Message-ID"] = message_id_header(message, sender)
    if message.reply_to:
        email["Reply-To"] = _one_line(message.reply_to)
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body or "")
    for attachment in message.attachments:
        maintype, subtype, params = _attachment_type(attachment.content_type, attachment.content)
        email.add_attachment(attachment.content, maintype=maintype, subtype=subtype,
                             filename=attachment.filename, params=params)
    return email


# -- talking SMTP -----------------------------------------------------------------------------------

def _connect() -> smtplib.SMTP:
    config = current_app.config
    host, port, timeout = config["MAIL_SERVER"], int(config["MAIL_PORT"]), float(config["MAIL_TIMEOUT"])
    if config.get("MAIL_USE_SSL"):
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    try:
        if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    except BaseException:
        _close(smtp)
        raise
    return smtp


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is None:
        return
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def _secrets() -> list[str]:
    """The strings that must never be stored or logged: the password and its encodings in AUTH."""
    config = current_app.config
    password = config.get("MAIL_PASSWORD") or ""
    if not password:
        return []
    user = config.get("MAIL_USERNAME") or ""
    found = [password]
    for raw in (password, f"\0{user}\0{password}"):
        found.append(base64.b64encode(raw.encode()).decode())
    return sorted(found, key=len, reverse=True)


def scrub(text: str) -> str:
    for secret in _secrets():
        text = text.replace(secret, "***")
    return _one_line(text)[:ERROR_LENGTH]


def describe_error(exc: BaseException) -> str:
    """A short, password-free description of what went wrong, for last_error and the log."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        details = "; ".join(f"{address}: {code} {_text(reply)}" for address, (code, reply) in exc.recipients.items())
        text = f"{type(exc).__name__}: {details}"
    elif isinstance(exc, smtplib.SMTPResponseException):
        text = f"{type(exc).__name__}: {exc.smtp_code} {_text(exc.smtp_error)}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    return scrub(text)


def _text(reply) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _is_permanent(exc: BaseException) -> bool:
    """The server refused this recipient or this message for good: trying again will not help."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    return isinstance(exc, ValueError | UnicodeError)  # a message we cannot even build


# -- bookkeeping ------------------------------------------------------------------------------------

def _record_failure(message: OutboxMessage, exc: BaseException, result: SendResult, permanent: bool = False):
    now = utcnow()
    message.attempts += 1
    message.last_attempt_at = now
    message.last_error = describe_error(exc)
    message.claimed_until = None
    if permanent or message.attempts >= max_attempts():
        message.failed_at = now
        result.failed += 1
        log.error("outbox message %s failed for good after %s attempt(s): %s",
                  message.id, message.attempts, message.last_error)
    else:
        message.next_attempt_at = now + backoff(message.attempts)
        result.deferred += 1
        log.warning("outbox message %s not sent (attempt %s), next try %s: %s",
                    message.id, message.attempts, message.next_attempt_at.isoformat(timespec="seconds"),
                    message.last_error)


def _record_sent(message: OutboxMessage, result: SendResult) -> None:
    now = utcnow()
    message.attempts += 1
    message.last_attempt_at = now
    message.sent_at = now
    message.claimed_until = None
    message.last_error = None
    result.sent += 1


def _defer_unreachable(ids: list[int], worker: str, exc: BaseException, result: SendResult) -> None:
    """The server cannot be reached: every message still held in this batch waits for the next try."""
    for message in db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.id.in_(ids), OutboxMessage.claimed_by == worker, OutboxMessage.sent_at.is_(None),
            OutboxMessage.failed_at.is_(None))):
        _record_failure(message, exc, result)
    db.session.commit()


def _commit_outcome(message_id: int) -> None:
    try:
        db.session.commit()
    except StaleDataError:
        # The row was deleted while we sent it (a person's data erased meanwhile): nothing to record.
        db.session.rollback()
        log.info("outbox message %s was deleted while it was being sent", message_id)


def send_due(limit: int = 100, worker: str | None = None) -> SendResult:
    """Send what is due now, oldest first. Safe to run in several processes at once."""
    worker = worker or default_worker_name()
    ids = claim_batch(worker, limit)
    result = SendResult(claimed=len(ids))
    smtp = None
    try:
        for index, message_id in enumerate(ids):
            if not _renew_claim(message_id, worker):
                continue  # our claim expired and another sender took it, or it was deleted
            message = db.session.get(OutboxMessage, message_id)
            if message is None:
                continue
            try:
                email = build_email(message)
            except (ValueError, TypeError, UnicodeError) as exc:
                _record_failure(message, exc, result, permanent=True)
                db.session.commit()
                continue
            if smtp is None:
                try:
                    smtp = _connect()
                except (OSError, smtplib.SMTPException) as exc:
                    _defer_unreachable(ids[index:], worker, exc, result)
                    break
            try:
                smtp.send_message(email)
            except (OSError, smtplib.SMTPException, ValueError) as exc:
                _record_failure(message, exc, result, permanent=_is_permanent(exc))
                if not isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPDataError):
                    _close(smtp)  # the connection's state is unknown: start afresh for the next one
                    smtp = None
            else:
                _record_sent(message, result)
            _commit_outcome(message_id)
    finally:
        _close(smtp)
    if result.claimed:
        log.info("outbox run by %s: %s", worker, result.as_dict())
    return result
