"""Certificates and proofs of participation, verifiable by an unguessable code."""
from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..extensions import db

CERT_PROGRAMME = "certificaat"
CERT_PARTICIPATION = "bewijs_van_deelname"
CERT_LABELS = {CERT_PROGRAMME: "Certificaat", CERT_PARTICIPATION: "Bewijs van deelname"}


class Certificate(db.Model):
    __tablename__ = "certificate"
    # ``active`` is TRUE while the certificate is valid and NULL once revoked. NULLs never collide in a
    # unique constraint, so the database itself allows at most one valid certificate per enrolment and
    # one valid proof per person per activity (SQLite and PostgreSQL alike), while revoked ones stay as
    # history. Concurrent issuing (two completion signals at once) cannot create a second one.
    __table_args__ = (
        UniqueConstraint("enrolment_id", "active", name="one_valid_per_enrolment"),
        UniqueConstraint("activity_id", "user_id", "active", name="one_valid_per_activity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    enrolment_id: Mapped[int | None] = mapped_column(ForeignKey("enrolment.id", ondelete="SET NULL"), index=True)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id", ondelete="SET NULL"), index=True)
    # What is certified, frozen at issue time so later renames do not alter a certificate.
    title: Mapped[str] = mapped_column(String(200))
    holder_name: Mapped[str] = mapped_column(String(120))
    period: Mapped[str | None] = mapped_column(String(80))
    # Stored upper-case in groups (XXXXX-XXXXX-XXXXX-XXXXX); looked up case-insensitively.
    code: Mapped[str] = mapped_column(String(40), unique=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    active: Mapped[bool | None] = mapped_column(default=True)
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(String(300))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    user = relationship("User", foreign_keys=[user_id])
    enrolment = relationship("Enrolment")
    activity = relationship("Activity")
    issued_by = relationship("User", foreign_keys=[issued_by_id])
    revoked_by = relationship("User", foreign_keys=[revoked_by_id])

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    @property
    def kind_label(self) -> str:
        return CERT_LABELS.get(self.kind, self.kind)

    @property
    def holder_erased(self) -> bool:
        """The holder had their data erased: the certificate stays genuine, without their name."""
        return self.user is not None and self.user.anonymised_at is not None


BATCH_RUNNING = "bezig"
BATCH_DONE = "klaar"
BATCH_FAILED = "mislukt"


class CertificateBatch(db.Model):
    """A ZIP of a cohort's certificates, built in chunks by the page that shows its progress.

    No background worker is needed: each visit of the progress page renders the next chunk (a claim on
    the row keeps two open tabs from rendering the same chunk), and the finished PDFs wait in
    certificate_batch_file until the ZIP is downloaded.
    """

    __tablename__ = "certificate_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    status: Mapped[str] = mapped_column(String(20), default=BATCH_RUNNING)
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    claimed_until: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(String(300))

    cohort = relationship("Cohort")

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(100 * self.done / self.total)


class CertificateBatchFile(db.Model):
    __tablename__ = "certificate_batch_file"
    __table_args__ = (UniqueConstraint("batch_id", "certificate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("certificate_batch.id", ondelete="CASCADE"), index=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificate.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    # NULL until rendered; deferred so progress queries never drag the PDFs along.
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
