"""The e-mail the portal sent or will send to the person, for their data export."""
from sqlalchemy import select

from ..core.personal_data import register
from ..extensions import db
from .models import OutboxMessage


@register("e-mails", "E-mails aan jou", tables=("outbox_message", "outbox_attachment"), order=95, labels={
    "onderwerp": "Onderwerp", "klaargezet": "Klaargezet", "verstuurd": "Verstuurd", "tekst": "Tekst"})
def mails(user) -> list[dict]:
    if not user.email:
        return []
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == user.email)
                              .order_by(OutboxMessage.created_at, OutboxMessage.id))
    return [{"onderwerp": m.subject, "klaargezet": m.created_at, "verstuurd": m.sent_at, "tekst": m.body}
            for m in rows]
