"""Events of the learning feature that higher features subscribe to (arrows point down)."""
from blinker import Namespace

_signals = Namespace()

# Sent after an enrolment is marked completed and that is committed (completion.announce, called by the
# call that owned the transaction): sender=None, enrolment_id=int.
enrolment_completed = _signals.signal("enrolment-completed")
