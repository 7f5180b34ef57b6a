"""The person's API keys (never the key itself, which is not stored), for their data export."""
from sqlalchemy import select

from ..core.personal_data import register
from ..extensions import db
from .models import ApiToken


@register("api_sleutels", "API-sleutels", tables=("api_token",), order=90, labels={
    "naam": "Naam", "begin": "Begint met", "aangemaakt": "Aangemaakt", "verloopt": "Verloopt",
    "laatst_gebruikt": "Laatst gebruikt", "ingetrokken": "Ingetrokken"})
def api_tokens(user) -> list[dict]:
    rows = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at))
    return [{"naam": t.name, "begin": t.prefix, "aangemaakt": t.created_at, "verloopt": t.expires_at,
             "laatst_gebruikt": t.last_used_at, "ingetrokken": t.revoked_at} for t in rows]
