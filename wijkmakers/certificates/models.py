"""Certificates and proofs of participation, verifiable by an unguessable code."""
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..extensions import db

CERT_PROGRAMME = "certificaat"
CERT_PARTICIPATION = "bewijs_van_deelname"


class Certificate(db.Model):
    __tablename__ = "certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    enrolment_id: Mapped[int | None] = mapped_column(ForeignKey("enrolment.id", ondelete="SET NULL"), index=True)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id", ondelete="SET NULL"), index=True)
    # What is certified, frozen at issue time so later renames do not alter a certificate.
    title: Mapped[str] = mapped_column(String(200))
    holder_name: Mapped[str] = mapped_column(String(120))
    period: Mapped[str | None] = mapped_column(String(80))
    code: Mapped[str] = mapped_column(String(40), unique=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(String(300))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    user = relationship("User", foreign_keys=[user_id])
    enrolment = relationship("Enrolment")
    activity = relationship("Activity")

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None
