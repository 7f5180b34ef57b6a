"""The partner feature's own tables: uploaded staff lists between preview and commit, and invitations to
join an organisation. Organisations themselves live in wijkmakers.organisations, below every feature."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..extensions import db
from ..organisations.models import Organisation

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


class PartnerInvitation(db.Model):
    """An open invitation to join a partner organisation; the link is made only when the person accepts.

    Only the SHA-256 of the token is kept (the token itself is only in the mail). The row is deleted
    when the invitation is accepted, declined or withdrawn, and expired rows are purged. ``user_id`` is
    the account the address belonged to when it was invited (None for an unknown address), so the
    person's erasure removes their invitations; acceptance looks the address up again.
    """

    __tablename__ = "partner_invitation"
    __table_args__ = (UniqueConstraint("organisation_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    # What the contact wanted to enrol the person into ("L12" cohort, "A34" activity), tried on acceptance.
    target_code: Mapped[str | None] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)

    organisation: Mapped[Organisation] = relationship(lazy="joined", innerjoin=True)
    invited_by = relationship("User", foreign_keys=[invited_by_id], lazy="selectin")
