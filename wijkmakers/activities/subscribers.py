"""Reactions to account events (arrows point down: auth knows nothing of activities)."""
from sqlalchemy import delete, update

from ..auth.signals import person_erased
from ..extensions import db
from .models import NewcomerSignup


@person_erased.connect
def forget_newcomer_details(sender, user_id: int | None = None, **extra) -> None:
    """Erasure, inside the caller's transaction: pending sign-ups go, the typed organisation names too."""
    if user_id is None:
        return
    db.session.execute(delete(NewcomerSignup).where(NewcomerSignup.user_id == user_id,
                                                    NewcomerSignup.completed_at.is_(None)))
    db.session.execute(update(NewcomerSignup).where(NewcomerSignup.user_id == user_id)
                       .values(organisation_name=None))
