"""Reactions to account events (arrows point down: auth knows nothing of activities)."""
from sqlalchemy import delete, update

from ..auth.signals import person_erased
from ..extensions import db
from .models import Feedback, NewcomerSignup, RegistrationEvent


@person_erased.connect
def forget_activity_details(sender, user_id: int | None = None, **extra) -> None:
    """Erasure, inside the caller's transaction: pending sign-ups go, the typed organisation names and
    outcomes too, notes on their registration history, and their feedback's text and link to them (the
    mark stays for the activity's average). Registrations and attendance stay for the figures; walk-ins'
    names and phone numbers live on the person's own row, which people.privacy anonymises."""
    if user_id is None:
        return
    db.session.execute(delete(NewcomerSignup).where(NewcomerSignup.user_id == user_id,
                                                    NewcomerSignup.completed_at.is_(None)))
    db.session.execute(update(NewcomerSignup).where(NewcomerSignup.user_id == user_id)
                       .values(organisation_name=None, outcome=None))
    db.session.execute(update(RegistrationEvent).where(RegistrationEvent.user_id == user_id).values(note=None))
    db.session.execute(update(Feedback).where(Feedback.user_id == user_id).values(comment="", user_id=None))
