"""The person's certificates and proofs of participation, for their data export."""
from sqlalchemy import select

from ..core.personal_data import register
from ..extensions import db
from .models import Certificate


@register("certificaten", "Certificaten en bewijzen van deelname", tables=("certificate",), order=30, labels={
    "soort": "Soort", "titel": "Voor", "periode": "Periode", "naam_op_certificaat": "Naam op het document",
    "code": "Controlecode", "uitgegeven": "Uitgereikt op", "ingetrokken": "Ingetrokken op",
    "reden_intrekking": "Reden van intrekking"})
def certificates(user) -> list[dict]:
    rows = db.session.scalars(select(Certificate).where(Certificate.user_id == user.id)
                              .order_by(Certificate.issued_at, Certificate.id))
    return [{"soort": c.kind_label, "titel": c.title, "periode": c.period, "naam_op_certificaat": c.holder_name,
             "code": c.code, "uitgegeven": c.issued_at, "ingetrokken": c.revoked_at,
             "reden_intrekking": c.revoked_reason} for c in rows]
