"""Reactions to account events (arrows point down: auth knows nothing of partners)."""
from ..auth.signals import person_erased
from .invitations import erase_for


@person_erased.connect
def erase_partner_invitations(sender, user_id: int | None = None, **extra) -> None:
    """Erasure, inside the caller's transaction: invitations addressed to the person go."""
    if user_id is None:
        return
    erase_for(user_id)
