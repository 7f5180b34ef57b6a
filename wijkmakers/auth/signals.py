"""Account events that features subscribe to (arrows point down: auth knows no feature)."""
from blinker import Namespace

_signals = Namespace()

# The name an erased person's records carry from then on (user.name, certificate.holder_name).
ERASED_NAME = "Verwijderde persoon"

# Sent inside the erasure transaction, BEFORE the person's own row is anonymised: sender=None,
# user_id=int. The user row still holds the name and e-mail address, so a receiver can find what it must
# delete (e.g. import rows that carry the address). Each feature's subscribers.py removes or anonymises
# the personal parts of its own records in the same session; it never commits.
person_erased = _signals.signal("person-erased")
