"""Erasure of a person's network data (privacy request), keeping the figures of past years intact."""
from sqlalchemy import delete, or_, select, update

from ..core.transaction import transactional
from ..extensions import db
from .models import (AbuseReport, ContactRequest, Initiative, InitiativeFollower, InitiativeUpdate, NetworkBlock,
                     NetworkProfile, NetworkProfileTheme)


@transactional
def erase_network_data(user_id: int) -> dict:
    """Remove a person's network data (privacy request): the profile, the content of every message they
    sent or received, their blocks and follows, and the personal parts of their initiatives (author,
    title, text, updates). What remains (status, theme, neighbourhood, counts) keeps the figures of past
    years intact. Run by the coordinator's erasure of a person (see subscribers.py), inside that
    transaction. Returns counts of what was touched."""
    profile_ids = select(NetworkProfile.id).where(NetworkProfile.user_id == user_id).scalar_subquery()
    db.session.execute(delete(NetworkProfileTheme).where(NetworkProfileTheme.profile_id.in_(profile_ids)))
    profiles = db.session.execute(delete(NetworkProfile).where(NetworkProfile.user_id == user_id)).rowcount
    sent = db.session.execute(update(ContactRequest).where(ContactRequest.sender_id == user_id)
                              .values(sender_id=None, sender_name="", message="", reply="")).rowcount
    got = db.session.execute(update(ContactRequest).where(ContactRequest.recipient_id == user_id)
                             .values(recipient_id=None, message="", reply="")).rowcount
    blocks = db.session.execute(delete(NetworkBlock).where(
        or_(NetworkBlock.blocker_id == user_id, NetworkBlock.blocked_id == user_id))).rowcount
    db.session.execute(update(AbuseReport).where(AbuseReport.reporter_id == user_id)
                       .values(reporter_id=None, reason="", handled_note=""))
    db.session.execute(update(AbuseReport).where(AbuseReport.reported_id == user_id)
                       .values(reported_id=None, reason="", handled_note=""))
    own = select(Initiative.id).where(Initiative.author_id == user_id).scalar_subquery()
    db.session.execute(update(InitiativeUpdate).where(InitiativeUpdate.initiative_id.in_(own)).values(body=""))
    follows = db.session.execute(delete(InitiativeFollower).where(
        or_(InitiativeFollower.user_id == user_id, InitiativeFollower.initiative_id.in_(own)))).rowcount
    initiatives = db.session.execute(update(Initiative).where(Initiative.author_id == user_id)
                                     .values(author_id=None, progress_id=None, title="(verwijderd)",
                                             summary="")).rowcount
    return {"profiles": profiles, "requests": sent + got, "blocks": blocks, "follows": follows,
            "initiatives": initiatives}
