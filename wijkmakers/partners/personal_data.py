"""Staff lists that hold the person (or that they uploaded), for their data export."""
from sqlalchemy import or_, select

from ..core.personal_data import register
from ..extensions import db
from ..organisations.models import Organisation
from .models import IMPORT_COMMITTED, PartnerInvitation, StaffImport

STATUS_LABELS = {IMPORT_COMMITTED: "Verwerkt"}


@register("personeelslijsten", "Personeelslijsten van partnerorganisaties", tables=("staff_import",), order=60,
          labels={"bestand": "Bestand", "geupload": "Geüpload op", "status": "Status", "door_jou": "Door jou geüpload",
                  "regels": "Aantal regels", "jouw_regel": "Wat er over jou in staat"})
def staff_imports(user) -> list[dict]:
    address = (user.email or "").strip().lower()
    rows = []
    for batch in db.session.scalars(select(StaffImport).order_by(StaffImport.created_at)):
        own_rows = [r for r in batch.rows or [] if address and str(r.get("email") or "").strip().lower() == address]
        if batch.created_by_id != user.id and not own_rows:
            continue
        rows.append({"bestand": batch.filename, "geupload": batch.created_at,
                     "status": STATUS_LABELS.get(batch.status, "Voorbeeld, niet verwerkt"),
                     "door_jou": batch.created_by_id == user.id, "regels": len(batch.rows or []),
                     "jouw_regel": [", ".join(f"{k}: {v}" for k, v in r.items() if k != "line" and v)
                                    for r in own_rows]})
    return rows


@register("organisatie_uitnodigingen", "Uitnodigingen van partnerorganisaties", tables=("partner_invitation",),
          order=61, labels={"organisatie": "Organisatie", "verstuurd": "Verstuurd op", "geldig_tot": "Geldig tot"})
def partner_invitations(user) -> list[dict]:
    address = (user.email or "").strip().lower()
    addressed = PartnerInvitation.user_id == user.id
    if address:
        addressed = or_(addressed, PartnerInvitation.email == address)
    return [{"organisatie": name, "verstuurd": invitation.created_at, "geldig_tot": invitation.expires_at}
            for invitation, name in db.session.execute(
                select(PartnerInvitation, Organisation.name)
                .join(Organisation, Organisation.id == PartnerInvitation.organisation_id)
                .where(addressed).order_by(PartnerInvitation.created_at))]
