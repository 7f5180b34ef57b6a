"""Account events that features subscribe to (arrows point down: auth knows no feature)."""
from blinker import Namespace

_signals = Namespace()

# Sent inside the erasure transaction, before commit: sender=None, user_id=int. Subscribers remove
# the personal parts of their own records (network profile, messages, ...) in the same session.
person_erased = _signals.signal("person-erased")
