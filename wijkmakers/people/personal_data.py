"""The audit events about the person or done by them, for their data export (labels in core/audit.py)."""
from sqlalchemy import and_, or_, select

from ..core.audit import AuditEvent, action_label
from ..core.personal_data import register
from ..extensions import db

MAX_EVENTS = 1000


@register("logboek", "Logboek: wat er met je gegevens gebeurde", tables=("audit_event",), order=99, labels={
    "wanneer": "Wanneer", "wat": "Wat", "door": "Door"})
def audit_events(user) -> list[dict]:
    rows = db.session.scalars(select(AuditEvent).where(or_(
        AuditEvent.actor_id == user.id,
        and_(AuditEvent.object_type == "user", AuditEvent.object_id == user.id)))
        .order_by(AuditEvent.at, AuditEvent.id).limit(MAX_EVENTS))
    return [{"wanneer": e.at, "wat": action_label(e.action),
             "door": "Jijzelf" if e.actor_id == user.id else ("Het portaal" if e.actor_id is None
                                                               else "Een medewerker van Wijkmakers")}
            for e in rows]
