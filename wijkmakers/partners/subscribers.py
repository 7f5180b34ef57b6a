"""Reactions to account events (arrows point down: auth knows nothing of partners)."""
from sqlalchemy import delete, select

from ..auth.models import User
from ..auth.signals import person_erased
from ..extensions import db
from .invitations import erase_for
from .models import StaffImport


@person_erased.connect
def erase_partner_invitations(sender, user_id: int | None = None, **extra) -> None:
    """Erasure, inside the caller's transaction: invitations addressed to the person go."""
    if user_id is None:
        return
    person = db.session.get(User, user_id)
    erase_for(user_id, person.email if person else None)


@person_erased.connect
def forget_import_rows(sender, user_id: int | None = None, **extra) -> None:
    """Erasure, inside the caller's transaction (sent before the person's row is anonymised, so the
    address can still be read): lists the person uploaded go whole; in other organisations' lists the
    rows with their address go (and rows with their name but no address, which could never be enrolled)."""
    if user_id is None:
        return
    db.session.execute(delete(StaffImport).where(StaffImport.created_by_id == user_id))
    person = db.session.get(User, user_id)
    if person is None:
        return
    address = (person.email or "").strip().lower()
    name = (person.name or "").strip().lower()
    for batch in db.session.scalars(select(StaffImport)):
        kept = [row for row in batch.rows or []
                if not _is_person(row, address, name)]
        if len(kept) != len(batch.rows or []):
            batch.rows = kept


def _is_person(row: dict, address: str, name: str) -> bool:
    row_address = str(row.get("email") or "").strip().lower()
    row_name = str(row.get("name") or "").strip().lower()
    if row_address:
        return bool(address) and row_address == address
    return bool(name) and row_name == name
