"""Reactions to account events (arrows point down: auth knows nothing of the network)."""
from ..auth.signals import person_erased
from .erasure import erase_network_data


@person_erased.connect
def erase_network_profile(sender, user_id: int | None = None, **extra) -> None:
    """Erasure, inside the caller's transaction: what erase_network_data covers goes with the person."""
    if user_id is None:
        return
    erase_network_data(user_id)
