"""Reactions to account events (arrows point down: auth knows nothing of the API)."""
from sqlalchemy import delete

from ..auth.signals import person_erased
from ..extensions import db
from .models import ApiToken


@person_erased.connect
def forget_api_tokens(sender, user_id: int | None = None, **extra) -> None:
    """Erasure, inside the caller's transaction: the person's API tokens (and their names) go."""
    if user_id is not None:
        db.session.execute(delete(ApiToken).where(ApiToken.user_id == user_id))
