"""Putting mail in the outbox. Delivery lives in notifications.sender."""
from dataclasses import dataclass

from ..extensions import db
from .models import OutboxAttachment, OutboxMessage


@dataclass
class Attachment:
    filename: str
    content_type: str
    content: bytes


def queue_mail(recipient: str | None, subject: str, body: str,
               attachments: list[Attachment] | tuple = (), reply_to: str | None = None) -> OutboxMessage | None:
    """Add a message to the current transaction; it is sent only if that transaction commits.

    People without an e-mail address (signed up by phone) get nothing, silently.
    """
    if not recipient:
        return None
    message = OutboxMessage(recipient=recipient, subject=subject, body=body, reply_to=reply_to)
    message.attachments = [
        OutboxAttachment(filename=a.filename, content_type=a.content_type, content=a.content)
        for a in attachments
    ]
    db.session.add(message)
    return message
