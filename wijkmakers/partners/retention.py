"""How long uploaded staff lists are kept: they hold names and addresses of people who may never get an
account, so every list (previewed or committed) goes STAFF_IMPORT_RETENTION_DAYS after the upload."""
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete

from ..core.timeutil import utcnow
from ..core.transaction import transactional
from ..extensions import db
from .models import StaffImport

DEFAULT_RETENTION_DAYS = 7


def retention_days() -> int:
    return max(0, int(current_app.config.get("STAFF_IMPORT_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)))


@transactional
def purge_imports(now: datetime | None = None, days: int | None = None) -> int:
    """Delete the staff lists uploaded more than ``days`` (default: the setting) ago. Returns how many."""
    cutoff = (now or utcnow()) - timedelta(days=retention_days() if days is None else days)
    return db.session.execute(delete(StaffImport).where(StaffImport.created_at < cutoff)).rowcount
