"""The partner feature's own table: uploaded staff lists between preview and commit. Organisations
themselves live in wijkmakers.organisations, below every feature."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.timeutil import utcnow
from ..extensions import db

IMPORT_PREVIEW = "voorbeeld"
IMPORT_COMMITTED = "verwerkt"


class StaffImport(db.Model):
    """An uploaded staff list, parsed and kept server-side between preview and commit.

    The rows are stored as parsed (never the raw file), keyed by an unguessable token and bound to
    the organisation and the partner contact who uploaded it.
    """

    __tablename__ = "staff_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    # The target chosen in the form ("L12" cohort, "A34" activity), used for rows without their own.
    default_target: Mapped[str | None] = mapped_column(String(20))
    # [{"line": 2, "email": ..., "name": ..., "job_title": ..., "target": ...}, ...]
    rows: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default=IMPORT_PREVIEW)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    committed_at: Mapped[datetime | None]
    committed_count: Mapped[int | None]
