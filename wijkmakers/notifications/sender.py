"""Delivering the outbox by SMTP.

Each run claims a batch of due messages before sending: on PostgreSQL with SELECT ... FOR UPDATE
SKIP LOCKED, elsewhere with a guarded UPDATE, so two senders (two app servers) never send one
message twice. A claim expires, so a crashed sender's messages are picked up again. A message is
marked sent only after the SMTP server accepted it; failures back off exponentially and a message
is never deleted.
"""
import smtplib
import socket
import uuid
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app
from sqlalchemy import case, func, select, update

from ..core.timeutil import utcnow
from ..extensions import db
from .models import OutboxMessage

CLAIM_SECONDS = 300
MAX_ATTEMPTS = 8


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, ... minutes, at most six hours."""
    return timedelta(minutes=min(2 ** (attempts - 1), 360))


def _due():
    now = utcnow()
    return (OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS,
            OutboxMessage.next_attempt_at <= now,
            (OutboxMessage.claimed_until.is_(None)) | (OutboxMessage.claimed_until < now))


def claim_batch(worker: str, limit: int) -> list[int]:
    until = utcnow() + timedelta(seconds=CLAIM_SECONDS)
    if db.engine.dialect.name == "postgresql":
        ids = db.session.scalars(select(OutboxMessage.id).where(*_due()).order_by(OutboxMessage.id)
                                 .limit(limit).with_for_update(skip_locked=True)).all()
        if ids:
            db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids))
                               .values(claimed_by=worker, claimed_until=until))
        db.session.commit()
        return list(ids)
    claimed = []
    candidates = db.session.scalars(select(OutboxMessage.id).where(*_due()).order_by(OutboxMessage.id)
                                    .limit(limit)).all()
    for message_id in candidates:
        won = db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id, *_due())
                                 .values(claimed_by=worker, claimed_until=until)).rowcount
        db.session.commit()
        if won == 1:
            claimed.append(message_id)
    return claimed


def build_email(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(idstring=f"outbox{message.id}", domain="wijkmakers")
    if message.reply_to:
        email["Reply-To"] = message.reply_to
    email.set_content(message.body)
    for attachment in message.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        subtype, _, params = subtype.partition(";")
        kwargs = {}
        if "method=" in params:
            kwargs["params"] = {"method": params.split("method=", 1)[1].strip()}
        email.add_attachment(attachment.content, maintype=maintype, subtype=subtype.strip(),
                             filename=attachment.filename, **kwargs)
    return email


def _connect() -> smtplib.SMTP:
    config = current_app.config
    timeout = config["MAIL_TIMEOUT"]
    if config["MAIL_USE_SSL"]:
        smtp = smtplib.SMTP_SSL(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout)
    else:
        smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout)
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
    if config["MAIL_USERNAME"]:
        smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
    return smtp


def send_due(limit: int = 100, worker: str | None = None) -> dict:
    """Send what is due; returns counts. Safe to run in several processes at once."""
    worker = worker or f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"
    ids = claim_batch(worker, limit)
    result = {"claimed": len(ids), "sent": 0, "failed": 0}
    if not ids:
        return result
    smtp = None
    try:
        for message_id in ids:
            message = db.session.get(OutboxMessage, message_id)
            try:
                if smtp is None:
                    smtp = _connect()
                smtp.send_message(build_email(message))
            except (OSError, smtplib.SMTPException) as exc:
                message.attempts += 1
                message.next_attempt_at = utcnow() + backoff(message.attempts)
                # The error class and text only; credentials never appear in SMTP errors we keep.
                message.last_error = f"{type(exc).__name__}: {exc}"[:500]
                message.claimed_until = None
                result["failed"] += 1
                if isinstance(exc, OSError | smtplib.SMTPServerDisconnected):
                    smtp = None
            else:
                message.attempts += 1
                message.sent_at = utcnow()
                message.claimed_until = None
                message.last_error = None
                result["sent"] += 1
            db.session.commit()
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
    return result


def outbox_counts() -> dict:
    row = db.session.execute(select(
        func.count(case((OutboxMessage.sent_at.is_not(None), 1))),
        func.count(case(((OutboxMessage.sent_at.is_(None)) & (OutboxMessage.attempts < MAX_ATTEMPTS), 1))),
        func.count(case(((OutboxMessage.sent_at.is_(None)) & (OutboxMessage.attempts >= MAX_ATTEMPTS), 1))),
    )).one()
    return {"sent": row[0], "pending": row[1], "failed": row[2]}
