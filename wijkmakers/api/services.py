"""API tokens (create, revoke, authenticate) and the public agenda for the JSON API."""
import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select

from ..activities.models import ACTIVITY_KINDS, KIND_SESSION, Activity
from ..activities.agenda import agenda_query
from ..auth.models import User
from ..core.audit import record
from ..core.errors import DomainError, NotFound
from ..core.permissions import COORDINATOR
from ..core.timeutil import to_local, utcnow
from ..core.transaction import transactional
from ..extensions import db
from .models import ApiToken

TOKEN_PREFIX = "wm_"  # noqa: S105 - a public marker, not a secret
VALIDITY_DAYS = {"90": 90, "365": 365}
MAX_ACTIVE_TOKENS = 10
# Writing "last used" on every request would turn reads into writes; once per few minutes is enough.
LAST_USED_GRANULARITY = timedelta(minutes=5)
# The kinds on the public agenda of the website (activities.agenda.agenda_query): all but course sessions.
PUBLIC_KINDS = tuple(k for k in ACTIVITY_KINDS if k != KIND_SESSION)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def tokens_of(user: User) -> list[ApiToken]:
    return db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                              .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc())).all()


@transactional
def create_token(user: User, name: str, validity_days: int | None, now: datetime | None = None) -> str:
    """A new token for ``user``; returns the token itself, which is shown once and never stored."""
    now = now or utcnow()
    name = (name or "").strip()
    if not name:
        raise DomainError("Geef de sleutel een naam, zodat je later weet waarvoor hij is.", "name")
    active = db.session.scalars(select(ApiToken.id).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))).all()
    if len(active) >= MAX_ACTIVE_TOKENS:
        raise DomainError(f"Je hebt al {MAX_ACTIVE_TOKENS} actieve sleutels. Trek er eerst een in.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name[:80], prefix=token[:8], token_hash=hash_token(token), created_at=now,
                   expires_at=now + timedelta(days=validity_days) if validity_days else None)
    db.session.add(row)
    db.session.flush()
    record(user.id, "api.token_created", "api_token", row.id, prefix=row.prefix)
    return token


@transactional
def revoke_token(user: User, token_id: int, now: datetime | None = None) -> ApiToken:
    """Revoke one of ``user``'s own tokens; NotFound when it is not theirs."""
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        raise NotFound("Deze sleutel bestaat niet.")
    if row.revoked_at is None:
        row.revoked_at = now or utcnow()
        record(user.id, "api.token_revoked", "api_token", row.id, prefix=row.prefix)
    return row


@transactional
def authenticate(header: str | None, now: datetime | None = None) -> ApiToken | None:
    """The valid token in an ``Authorization: Bearer ...`` header, or None. The owner must still be an
    active coordinator: losing the role switches their tokens off."""
    now = now or utcnow()
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None or not row.is_valid(now):
        return None
    user = row.user
    if user is None or not user.is_active or not user.has_role(COORDINATOR):
        return None
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_GRANULARITY:
        row.last_used_at = now
    return row


# -- agenda --------------------------------------------------------------------------------------------
def iso_local(value: datetime | None) -> str | None:
    return to_local(value).isoformat() if value is not None else None


def public_agenda(kind: str | None = None, neighbourhood: str | None = None, month: tuple[int, int] | None = None,
                  limit: int = 50, offset: int = 0):
    """The public agenda of the website (activities feature), one page of it: (total, activities)."""
    stmt = agenda_query(kind=kind, neighbourhood=neighbourhood, month=month)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    activities = db.session.scalars(stmt.limit(limit).offset(offset)).all()
    return total, activities


def agenda_item(activity: Activity, detail_url: str | None) -> dict:
    """What the public may know about an activity: no names, no registrations."""
    deadline = activity.signup_deadline
    return {
        "id": activity.id,
        "kind": activity.kind,
        "kind_label": activity.kind_label,
        "title": activity.title,
        "theme": activity.theme,
        "description": activity.description or "",
        "starts_at": iso_local(activity.starts_at),
        "ends_at": iso_local(activity.ends_at),
        "location": activity.location,
        "meeting_point": activity.meeting_point,
        "neighbourhood": activity.neighbourhood,
        "capacity": activity.capacity,
        "seats_free": activity.seats_free,
        "full": activity.seats_free == 0,
        "signup_deadline": iso_local(deadline),
        "signup_open": deadline is None or deadline > utcnow(),
        "url": detail_url,
    }
