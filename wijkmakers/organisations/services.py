"""Finding the organisation a person named, without ever granting a partnership by accident."""
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from .models import Organisation

NAME_LIMIT = 160


def non_partner_named(name: str) -> Organisation | None:
    """The organisation a person typed: an existing non-partner one, or a new one of type 'overig'.

    A partner organisation is never linked from an unverified name: its partner contact would see the
    person as staff, and the partner figures would count them. The caller keeps the typed name.
    """
    name = " ".join(name.split())[:NAME_LIMIT]
    if not name:
        return None
    organisation = db.session.scalar(select(Organisation).where(func.lower(Organisation.name) == name.lower()))
    if organisation is not None:
        return None if organisation.partner_since is not None else organisation
    organisation = Organisation(name=name, type="overig")
    db.session.add(organisation)
    try:
        db.session.flush()
    except IntegrityError:  # pragma: no cover - created at the same moment by another newcomer
        return None
    return organisation
