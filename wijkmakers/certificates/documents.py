"""Certificate documents: what each PDF shows, rendering one or many, and a cohort's ZIP (directly for a
small cohort, through a batch rendered a few seconds per page visit for a large one).

Rules in one place:
- The data for many documents is loaded in a fixed number of queries (document_contexts).
- A batch keeps its PDFs in the database until it is a day old; advancing it commits after every PDF on
  purpose (progress survives, and two tabs never render the same file): see advance_batch.
"""
import logging
import re
import time
import unicodedata
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import selectinload

from ..activities.models import Activity
from ..auth.models import User
from ..core.audit import record
from ..core.errors import DomainError, NotFound
from ..core.timeutil import nl_date, nl_datetime, nl_time, utcnow
from ..core.transaction import transactional
from ..extensions import db
from ..learning.models import Cohort, Enrolment, Module, ProgrammeModule
from . import pdf
from .listings import get_cohort
from .models import (BATCH_DONE, BATCH_FAILED, BATCH_RUNNING, CERT_PROGRAMME, Certificate, CertificateBatch,
                     CertificateBatchFile)
from .verification import verification_url

log = logging.getLogger("wijkmakers.certificates")

DEFAULT_SIGNATORY = "Het team van Wijkmakers"
# Cohorts up to this many certificates are zipped within the request; larger ones go through a batch.
ZIP_DIRECT_LIMIT = 20
BATCH_SECONDS_PER_STEP = 2.0
BATCH_KEEP = timedelta(days=1)


# -- what a document shows -------------------------------------------------------------------------
def _signatory(certificate: Certificate) -> str:
    issuer = certificate.issued_by
    if issuer is not None and issuer.anonymised_at is None:
        return issuer.name
    return current_app.config.get("CERTIFICATE_SIGNATORY") or DEFAULT_SIGNATORY


def _place(activity: Activity) -> str | None:
    place = activity.location or activity.meeting_point
    if activity.neighbourhood and (not place or activity.neighbourhood not in place):
        place = f"{place} ({activity.neighbourhood})" if place else activity.neighbourhood
    return place


def document_contexts(certificates: list[Certificate]) -> list[dict]:
    """What each PDF shows, for many certificates in a fixed number of queries."""
    ids = [c.id for c in certificates]
    if not ids:
        return []
    loaded = {c.id: c for c in db.session.scalars(
        select(Certificate).where(Certificate.id.in_(ids))
        .options(selectinload(Certificate.enrolment).joinedload(Enrolment.cohort),
                 selectinload(Certificate.activity), selectinload(Certificate.issued_by)))}
    programme_ids = {c.enrolment.cohort.programme_id for c in loaded.values() if c.enrolment is not None}
    modules: dict[int, list[dict]] = {}
    if programme_ids:
        rows = db.session.execute(
            select(ProgrammeModule.programme_id, ProgrammeModule.position, Module.title, Module.study_hours)
            .join(Module, Module.id == ProgrammeModule.module_id)
            .where(ProgrammeModule.programme_id.in_(programme_ids)).order_by(ProgrammeModule.position))
        for programme_id, position, title, hours in rows:
            modules.setdefault(programme_id, []).append({"position": position, "title": title, "hours": hours})
    return [_context(loaded[i], modules) for i in ids]


def _context(certificate: Certificate, modules: dict[int, list[dict]]) -> dict:
    url = verification_url(certificate)
    context = {
        "heading": certificate.kind_label, "title": certificate.title, "holder_name": certificate.holder_name,
        "period": certificate.period, "code": certificate.code, "verify_url": url, "qr": pdf.qr_data_uri(url),
        "issued_iso": certificate.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "revoked": nl_date(certificate.revoked_at) if certificate.revoked_at else None,
        "organiser": _signatory(certificate), "modules": [], "total_hours": 0, "facts": [],
    }
    facts = context["facts"]
    if certificate.kind == CERT_PROGRAMME:
        context["statement"] = "heeft met goed gevolg afgerond:"
        enrolment = certificate.enrolment
        if enrolment is not None:
            cohort = enrolment.cohort
            context["modules"] = modules.get(cohort.programme_id, [])
            context["total_hours"] = sum(m["hours"] for m in context["modules"])
            facts.append(("Groep", cohort.name))
            facts.append(("Periode", f"{nl_date(cohort.starts_on)} – {nl_date(cohort.ends_on)}"))
            if enrolment.completed_at:
                facts.append(("Afgerond op", nl_date(enrolment.completed_at)))
            if context["total_hours"]:
                facts.append(("Studiebelasting", f"{context['total_hours']} uur"))
    else:
        context["statement"] = "heeft deelgenomen aan:"
        activity = certificate.activity
        if activity is not None:
            facts.append(("Soort activiteit", activity.kind_label))
            if activity.theme and activity.theme not in certificate.title:
                facts.append(("Thema", activity.theme))
            facts.append(("Datum", nl_datetime(activity.starts_at, "EEEE d MMMM y")))
            facts.append(("Tijd", f"{nl_time(activity.starts_at)} – {nl_time(activity.ends_at)} uur"))
            if _place(activity):
                facts.append(("Plaats", _place(activity)))
        context["period"] = None  # the date is in the facts
    facts.append(("Uitgereikt op", nl_date(certificate.issued_at)))
    return context


def render_certificate(certificate: Certificate) -> bytes:
    return pdf.render_pdf(document_contexts([certificate])[0])


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60] or "certificaat"


def filename(certificate: Certificate) -> str:
    kind = "certificaat" if certificate.kind == CERT_PROGRAMME else "bewijs-van-deelname"
    return f"{kind}-{_slug(certificate.holder_name)}-{certificate.code}.pdf"


# -- ZIP of a cohort -------------------------------------------------------------------------------
def cohort_certificates(cohort_id: int) -> list[Certificate]:
    return db.session.scalars(
        select(Certificate).join(Enrolment, Enrolment.id == Certificate.enrolment_id)
        .where(Enrolment.cohort_id == cohort_id, Certificate.active.is_(True))
        .order_by(Certificate.holder_name, Certificate.id)).all()


def render_many(certificates: list[Certificate], workers: int = 1) -> list[tuple[str, bytes]]:
    """(filename, PDF) for each certificate; the data in a fixed number of queries."""
    contents = pdf.render_pdfs(document_contexts(certificates), workers=workers)
    return [(filename(certificate), content) for certificate, content in zip(certificates, contents, strict=True)]


def cohort_zip_name(cohort: Cohort) -> str:
    return f"certificaten-{_slug(cohort.label)}.zip"


@transactional
def start_batch(cohort_id: int, requested_by: User) -> CertificateBatch:
    get_cohort(cohort_id)
    certificates = cohort_certificates(cohort_id)
    if not certificates:
        raise DomainError("Deze groep heeft nog geen geldige certificaten. Reik eerst de certificaten uit.")
    # Old batches (and their PDFs) are not kept: a new ZIP is quick to make.
    db.session.execute(CertificateBatch.__table__.delete().where(CertificateBatch.created_at < utcnow() - BATCH_KEEP))
    batch = CertificateBatch(cohort_id=cohort_id, requested_by_id=requested_by.id, total=len(certificates))
    db.session.add(batch)
    db.session.flush()
    db.session.execute(CertificateBatchFile.__table__.insert(), [
        {"batch_id": batch.id, "certificate_id": c.id, "filename": filename(c)} for c in certificates])
    record(requested_by.id, "certificate_batch_started", "cohort", cohort_id, batch_id=batch.id,
           total=len(certificates))
    return batch


def get_batch(batch_id: int) -> CertificateBatch:
    batch = db.session.get(CertificateBatch, batch_id)
    if batch is None:
        raise NotFound("Deze bundel bestaat niet (meer).")
    return batch


def advance_batch(batch_id: int, seconds: float | None = None) -> CertificateBatch:
    """Render the next PDFs of a batch for about ``seconds``. Safe to call from two tabs at once: only the
    caller that claims the row works; the other just reports progress.

    Deliberately not @transactional: it commits the claim at once (so another tab sees it) and then each
    PDF as it is rendered (so the progress a page shows survives a failure or a closed tab); a failure
    rolls back only the PDF in hand and marks the batch failed."""
    seconds = BATCH_SECONDS_PER_STEP if seconds is None else seconds
    batch = get_batch(batch_id)
    if batch.status != BATCH_RUNNING:
        return batch
    now = utcnow()
    claimed = db.session.execute(
        update(CertificateBatch)
        .where(CertificateBatch.id == batch.id, CertificateBatch.status == BATCH_RUNNING,
               or_(CertificateBatch.claimed_until.is_(None), CertificateBatch.claimed_until < now))
        .values(claimed_until=now + timedelta(seconds=max(30.0, seconds * 10)))
    ).rowcount
    db.session.commit()
    if claimed != 1:
        db.session.refresh(batch)
        return batch
    try:
        started = time.perf_counter()
        while True:  # at least one PDF per visit, then as many as fit in ``seconds``
            item = db.session.scalar(select(CertificateBatchFile)
                                     .where(CertificateBatchFile.batch_id == batch.id,
                                            CertificateBatchFile.content.is_(None))
                                     .order_by(CertificateBatchFile.id).limit(1))
            if item is None:
                break
            certificate = db.session.get(Certificate, item.certificate_id)
            item.content = pdf.render_pdf(document_contexts([certificate])[0])
            batch.done += 1
            db.session.commit()
            if time.perf_counter() - started >= seconds:
                break
        remaining = db.session.scalar(select(func.count()).select_from(CertificateBatchFile)
                                      .where(CertificateBatchFile.batch_id == batch.id,
                                             CertificateBatchFile.content.is_(None)))
        if not remaining:
            batch.status, batch.finished_at = BATCH_DONE, utcnow()
        batch.claimed_until = None
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        log.exception("certificate batch %s failed", batch_id)
        db.session.execute(update(CertificateBatch).where(CertificateBatch.id == batch_id)
                           .values(status=BATCH_FAILED, claimed_until=None, error=type(exc).__name__))
        db.session.commit()
        db.session.refresh(batch)
    return batch


def batch_zip(batch_id: int) -> tuple[str, bytes]:
    batch = get_batch(batch_id)
    if batch.status != BATCH_DONE:
        raise DomainError("Deze bundel is nog niet klaar.")
    rows = db.session.execute(select(CertificateBatchFile.filename, CertificateBatchFile.content)
                              .where(CertificateBatchFile.batch_id == batch.id)
                              .order_by(CertificateBatchFile.id)).all()
    return cohort_zip_name(batch.cohort), pdf.write_zip([(name, content) for name, content in rows])
