"""An append-only audit trail: who did what to which record, and when."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .timeutil import utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None]
    details: Mapped[dict] = mapped_column(JSON, default=dict)


# Dutch labels for the audit log and the person's data export; an unknown action shows its code.
ACTION_LABELS = {
    "activity.cancelled": "Activiteit afgelast", "activity.created": "Activiteit aangemaakt",
    "activity.updated": "Activiteit gewijzigd", "activity.go_decision": "Activiteit gaat door",
    "activity.series_created": "Reeks activiteiten aangemaakt",
    "api.token_created": "API-sleutel aangemaakt", "api.token_revoked": "API-sleutel ingetrokken",
    "attendance.present": "Aanwezig gemeld", "attendance.absent": "Afwezig gemeld",
    "audit_log_viewed": "Logboek bekeken",
    "calendar_feed.created": "Persoonlijke agenda-koppeling aangemaakt",
    "calendar_feed.revoked": "Persoonlijke agenda-koppeling ingetrokken",
    "certificate_batch_started": "Certificaten van een groep klaargezet",
    "certificate_issued": "Certificaat uitgereikt",
    "certificate_revoked": "Certificaat ingetrokken",
    "cohort_changed": "Groep gewijzigd", "cohort_created": "Groep aangemaakt",
    "enrolled": "Ingeschreven", "enrolment_approved": "Inschrijving goedgekeurd",
    "enrolment_completed": "Leergang afgerond", "enrolment_rejected": "Inschrijving afgewezen",
    "enrolment_requested": "Inschrijving aangevraagd", "enrolment_withdrawn": "Uitgeschreven",
    "erasure_declined": "Verzoek om wissen afgewezen", "erasure_requested": "Verzoek om wissen ingediend",
    "mentor_set": "Begeleider gekozen", "newcomer.confirmed": "E-mailadres bevestigd bij aanmelding",
    "organisation_changed": "Organisatie gewijzigd", "organisation_created": "Organisatie aangemaakt",
    "organisation_updated": "Organisatie bijgewerkt",
    "organisation_joined_by_contact": "Aan organisatie gekoppeld door contactpersoon",
    "outbox.retry": "E-mail opnieuw verstuurd", "outbox.retry_failed": "Mislukte e-mails opnieuw verstuurd",
    "partner_contact_linked": "Contactpersoon van partner gemaakt",
    "partner_contact_unlinked": "Niet langer contactpersoon van partner",
    "person_erased": "Persoon gewist", "placement_saved": "Stageplek vastgelegd",
    "programme_rules_changed": "Regels van de leergang gewijzigd",
    "progress_response": "Reactie op reflectie gegeven", "registration.added": "Aangemeld door organisator",
    "reporting.export": "Cijfers geëxporteerd", "roles_changed": "Rollen gewijzigd",
    "session_attendance": "Aanwezigheid bijeenkomst vastgelegd", "session_cancelled": "Bijeenkomst afgelast",
    "session_changed": "Bijeenkomst gewijzigd", "session_created": "Bijeenkomst gepland",
    "staff_enrolled": "Aangemeld door partnerorganisatie", "staff_imported": "Personeelslijst verwerkt",
}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def record(actor_id: int | None, action: str, object_type: str, object_id: int | None = None,
           **details) -> AuditEvent:
    """Add an audit event to the current transaction (the caller commits)."""
    event = AuditEvent(actor_id=actor_id, action=action, object_type=object_type,
                       object_id=object_id, details=details)
    db.session.add(event)
    return event
