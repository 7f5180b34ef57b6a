"""Withdrawing documents: an organiser revokes a certificate or proof with a reason (the holder is told; the
public verification page then says "revoked", never why), and an erased person's name and rendered copies
go while the certificates stay valid."""
from sqlalchemy import select, update

from ..auth.models import User
from ..auth.signals import ERASED_NAME
from ..core.audit import record
from ..core.errors import DomainError, NotFound
from ..core.text import clean_text
from ..core.timeutil import utcnow
from ..core.transaction import transactional
from ..extensions import db
from ..notifications.compose import send
from .models import Certificate, CertificateBatchFile

MIN_REASON = 5
MAX_REASON = 300


@transactional
def revoke(certificate_id: int, reason: str, revoked_by: User) -> Certificate:
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None:
        raise NotFound("Dit certificaat bestaat niet.")
    reason = clean_text(reason, "de reden", MAX_REASON, field="reason", single_line=True)
    if len(reason) < MIN_REASON:
        raise DomainError("Geef een reden voor het intrekken (minstens vijf tekens); de deelnemer krijgt die reden "
                          "te zien.", "reason")
    claimed = db.session.execute(
        update(Certificate).where(Certificate.id == certificate.id, Certificate.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason=reason, revoked_by_id=revoked_by.id, active=None)
    ).rowcount
    if claimed != 1:
        raise DomainError("Dit certificaat is al ingetrokken.")
    record(revoked_by.id, "certificate_revoked", "certificate", certificate.id, code=certificate.code,
           reason=reason)
    db.session.refresh(certificate)
    user = db.session.get(User, certificate.user_id)
    if user is not None:
        send(user, f"Je {certificate.kind_label.lower()} is ingetrokken", "certificates/mail_revoked.txt",
             certificate=certificate)
    return certificate


@transactional
def forget_holder(user_id: int) -> int:
    """Part of a privacy erasure (joins the caller's transaction). The person's certificates stay valid
    (erasure is not revocation) but lose the holder's name; the rendered copies (PDFs waiting in a cohort
    ZIP batch) that still carry the name go. Returns the number of files removed."""
    db.session.execute(update(Certificate).where(Certificate.user_id == user_id).values(holder_name=ERASED_NAME))
    return db.session.execute(CertificateBatchFile.__table__.delete().where(CertificateBatchFile.certificate_id.in_(
        select(Certificate.id).where(Certificate.user_id == user_id)))).rowcount
