"""Demo rows for the partners feature: a colleague who moved on, so history per organisation shows."""
from datetime import datetime

from sqlalchemy import select

from ..auth.models import User
from ..core.audit import record
from ..extensions import db
from ..learning.models import ENROLMENT_COMPLETED, Enrolment
from ..organisations.models import Organisation

FROM_ORGANISATION = "Woonstichting Noorderhuis"
TO_ORGANISATION = "Welzijn in de Wijk Groningen"


def load_demo_partners(now: datetime) -> None:
    """Move one Noorderhuis graduate to Welzijn in de Wijk.

    Their completed leergang stays recorded under Noorderhuis (Enrolment.organisation_id), so
    partner@ still sees it on the Noorderhuis dashboard (marked "Niet meer bij ...") and partner2@
    (Welzijn in de Wijk) sees the person but none of that earlier history.
    """
    source = db.session.scalar(select(Organisation).where(Organisation.name == FROM_ORGANISATION))
    target = db.session.scalar(select(Organisation).where(Organisation.name == TO_ORGANISATION))
    if source is None or target is None:
        return
    mover = db.session.scalar(
        select(User).join(Enrolment, Enrolment.user_id == User.id)
        .where(Enrolment.organisation_id == source.id, Enrolment.status == ENROLMENT_COMPLETED,
               User.organisation_id == source.id, User.password_hash.is_(None))
        .order_by(User.id).limit(1))
    if mover is None:
        return
    mover.organisation_id = target.id
    record(None, "organisation_changed", "user", mover.id, from_organisation_id=source.id,
           to_organisation_id=target.id, partner_contact_removed=False, demo=True, at=now.isoformat())
    db.session.flush()
