"""Certificate rules: when a certificate or proof of participation is issued, revoking, verification
codes, the data a PDF shows, and ZIPs of a cohort's certificates.

Every public function that changes something is one transaction: it commits, or raises a
CertificateError with a Dutch message for the view to show (after rolling back).
"""
import logging
import re
import secrets
import time
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from flask import current_app
from sqlalchemy import and_, bindparam, case, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, lazyload, selectinload

from ..activities.models import ONE_DAY_KINDS, STATUS_CANCELLED, Activity, Attendance
from ..auth.models import User
from ..core.audit import record
from ..core.timeutil import nl_date, nl_datetime, nl_time, utcnow
from ..extensions import db
from ..learning.models import (ENROLMENT_ACTIVE, ENROLMENT_COMPLETED, ENROLMENT_LABELS, Cohort, Enrolment,
                               Module, ProgrammeModule)
from ..notifications.services import queue_mail
from . import pdf
from .models import (BATCH_DONE, BATCH_FAILED, BATCH_RUNNING, CERT_PARTICIPATION, CERT_PROGRAMME, Certificate,
                     CertificateBatch, CertificateBatchFile)

log = logging.getLogger("wijkmakers.certificates")

# 32 symbols without look-alikes (no 0/O, 1/I): 5 bits each, 20 symbols = 100 bits from ``secrets``.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 20
CODE_GROUP = 5
MIN_REASON = 5
DEFAULT_SIGNATORY = "Het team van Wijkmakers"
# Cohorts up to this many certificates are zipped within the request; larger ones go through a batch.
ZIP_DIRECT_LIMIT = 20
BATCH_SECONDS_PER_STEP = 2.0
BATCH_KEEP = timedelta(days=1)


class CertificateError(ValueError):
    """A certificate rule was broken; the message is Dutch and shown to the user."""


class NotFound(CertificateError):
    """The object does not exist (or is not the caller's): the view answers 404."""


# -- codes -----------------------------------------------------------------------------------------
def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i:i + CODE_GROUP] for i in range(0, CODE_LENGTH, CODE_GROUP))


def normalise_code(value: str | None) -> str | None:
    """What someone typed or scanned, as stored: upper case, grouped by five. None if it cannot be a code."""
    compact = re.sub(r"[\s\-._]", "", (value or "").upper())
    if not compact or len(compact) > 40 or not compact.isalnum() or not compact.isascii():
        return None
    if len(compact) == CODE_LENGTH:
        return "-".join(compact[i:i + CODE_GROUP] for i in range(0, CODE_LENGTH, CODE_GROUP))
    return compact


def find_by_code(value: str | None) -> Certificate | None:
    code = normalise_code(value)
    if code is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == code))


def _render(template: str, **context) -> str:
    """A template without the request-bound context processors, so it renders in commands too."""
    return current_app.jinja_env.get_template(template).render(**context)


def _link(endpoint: str, **values) -> str:
    """An absolute link, also outside a request (signal handlers, commands, the benchmark)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config.get("BASE_URL", "").rstrip("/") + path


def verification_url(certificate: Certificate) -> str:
    return _link("certificates.verify", code=certificate.code)


# -- issuing ---------------------------------------------------------------------------------------
def _period(cohort: Cohort) -> str:
    start, end = cohort.starts_on.year, cohort.ends_on.year
    return str(start) if start == end else f"{start}-{end}"


def _insert(certificate: Certificate, unique_clause) -> tuple[Certificate, bool]:
    """Add ``certificate`` unless a valid one already exists; a concurrent insert loses gracefully.

    Nothing but reads happened before in this transaction, so on a conflict rolling back all of it is
    safe (and avoids pysqlite's savepoint quirks)."""
    db.session.add(certificate)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        existing = db.session.scalar(select(Certificate).where(unique_clause, Certificate.active.is_(True)))
        if existing is None:
            raise
        return existing, False
    return certificate, True


def _announce(certificate: Certificate, user: User) -> None:
    if user.anonymised_at is not None:
        return
    body = _render("certificates/mail_issued.txt", certificate=certificate, user=user,
                           mine_url=_link("certificates.mine"),
                           verify_url=verification_url(certificate))
    queue_mail(user.email, f"Je {certificate.kind_label.lower()}: {certificate.title}", body)


def issue_programme_certificate(enrolment_id: int, issued_by: User | None = None) -> tuple[Certificate, bool]:
    """The certificate of a programme. Returns (certificate, created); never two valid ones per enrolment.

    Automatic issue (issued_by None, after the completion signal) needs a completed enrolment and never
    overrides a revocation. An organiser may also issue to an active participant (completion recorded
    elsewhere) and after a revocation (a corrected certificate).
    """
    enrolment = db.session.scalar(select(Enrolment).options(joinedload(Enrolment.user))
                                  .where(Enrolment.id == enrolment_id))
    if enrolment is None:
        raise NotFound("Deze inschrijving bestaat niet.")
    allowed = (ENROLMENT_COMPLETED,) if issued_by is None else (ENROLMENT_COMPLETED, ENROLMENT_ACTIVE)
    if enrolment.status not in allowed:
        label = ENROLMENT_LABELS.get(enrolment.status, enrolment.status).lower()
        raise CertificateError(f"{enrolment.user.name} heeft de leergang niet afgerond (status: {label}); "
                               "daarom kan er geen certificaat worden uitgereikt.")
    certificates = db.session.scalars(select(Certificate).where(Certificate.enrolment_id == enrolment.id)).all()
    for existing in certificates:
        if existing.is_valid:
            return existing, False
    if certificates and issued_by is None:
        raise CertificateError("Het certificaat van deze inschrijving is ingetrokken; alleen een organisator "
                               "kan een nieuw certificaat uitreiken.")
    cohort = enrolment.cohort
    certificate = Certificate(user_id=enrolment.user_id, kind=CERT_PROGRAMME, enrolment_id=enrolment.id,
                              title=cohort.programme.name, holder_name=enrolment.user.name,
                              period=_period(cohort), code=new_code(),
                              issued_by_id=issued_by.id if issued_by else None)
    certificate, created = _insert(certificate, Certificate.enrolment_id == enrolment.id)
    if created:
        record(issued_by.id if issued_by else None, "certificate_issued", "certificate", certificate.id,
               code=certificate.code, enrolment_id=enrolment.id, automatic=issued_by is None)
        _announce(certificate, enrolment.user)
    db.session.commit()
    return certificate, created


def issue_participation_proof(user_id: int, activity_id: int, issued_by: User | None = None
                              ) -> tuple[Certificate, bool]:
    """A proof of participation for a one-day activity the person attended (attendance marked present).

    ``issued_by`` None: the participant asks for it themself. Course sessions never give one: a course
    ends in its certificate.
    """
    activity = db.session.get(Activity, activity_id)
    if activity is None:
        raise NotFound("Deze activiteit bestaat niet.")
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("Deze persoon bestaat niet.")
    if activity.kind not in ONE_DAY_KINDS:
        raise CertificateError("Voor een bijeenkomst van een leergang is er geen los bewijs van deelname: "
                               "je krijgt een certificaat als je de hele leergang afrondt.")
    if activity.status == STATUS_CANCELLED:
        raise CertificateError("Deze activiteit is geannuleerd; er is geen bewijs van deelname.")
    present = db.session.scalar(select(Attendance.id).where(Attendance.activity_id == activity.id,
                                                            Attendance.user_id == user.id,
                                                            Attendance.present.is_(True)))
    if present is None:
        who = "Je bent" if issued_by is None else f"{user.name} is"
        raise CertificateError(f"{who} bij deze activiteit niet als aanwezig geregistreerd. Een bewijs van "
                               "deelname is er alleen voor wie aanwezig was; klopt de presentielijst niet, "
                               "neem dan contact op met de organisatie.")
    certificates = db.session.scalars(select(Certificate).where(Certificate.activity_id == activity.id,
                                                                Certificate.user_id == user.id)).all()
    for existing in certificates:
        if existing.is_valid:
            return existing, False
    if certificates and issued_by is None:
        raise CertificateError("Je bewijs van deelname voor deze activiteit is ingetrokken. Neem contact op "
                               "met de organisatie als je denkt dat dit niet klopt.")
    certificate = Certificate(user_id=user.id, kind=CERT_PARTICIPATION, activity_id=activity.id,
                              title=activity.title, holder_name=user.name,
                              period=nl_date(activity.starts_at), code=new_code(),
                              issued_by_id=issued_by.id if issued_by else None)
    certificate, created = _insert(certificate, and_(Certificate.activity_id == activity.id,
                                                     Certificate.user_id == user.id))
    if created:
        record(issued_by.id if issued_by else user.id, "certificate_issued", "certificate", certificate.id,
               code=certificate.code, activity_id=activity.id, requested_by_participant=issued_by is None)
        if issued_by is not None:
            _announce(certificate, user)
    db.session.commit()
    return certificate, created


def issue_for_completed(cohort_id: int, issued_by: User | None) -> int:
    """Issue the missing certificates of every completed enrolment in a cohort; returns how many."""
    if db.session.get(Cohort, cohort_id) is None:
        raise NotFound("Deze groep bestaat niet.")
    has_any = select(Certificate.id).where(Certificate.enrolment_id == Enrolment.id).exists()
    ids = db.session.scalars(select(Enrolment.id).where(Enrolment.cohort_id == cohort_id,
                                                        Enrolment.status == ENROLMENT_COMPLETED, ~has_any)).all()
    created = 0
    for enrolment_id in ids:
        _, new = issue_programme_certificate(enrolment_id, issued_by=issued_by)
        created += new
    return created


def revoke(certificate_id: int, reason: str, revoked_by: User) -> Certificate:
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None:
        raise NotFound("Dit certificaat bestaat niet.")
    reason = " ".join((reason or "").split())
    if len(reason) < MIN_REASON:
        raise CertificateError("Geef een reden voor het intrekken (minstens vijf tekens); de deelnemer krijgt "
                               "die reden te zien.")
    if len(reason) > 300:
        raise CertificateError("Houd de reden korter dan 300 tekens.")
    claimed = db.session.execute(
        update(Certificate).where(Certificate.id == certificate.id, Certificate.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason=reason, revoked_by_id=revoked_by.id, active=None)
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        raise CertificateError("Dit certificaat is al ingetrokken.")
    record(revoked_by.id, "certificate_revoked", "certificate", certificate.id, code=certificate.code,
           reason=reason)
    db.session.refresh(certificate)
    user = db.session.get(User, certificate.user_id)
    if user is not None and user.anonymised_at is None:
        queue_mail(user.email, f"Je {certificate.kind_label.lower()} is ingetrokken",
                   _render("certificates/mail_revoked.txt", certificate=certificate, user=user))
    db.session.commit()
    return certificate


def forget_rendered(user_id: int) -> int:
    """Part of a privacy erasure (the caller's transaction, no commit). The people feature withdraws the
    person's certificates and removes the name from them; this removes the rendered copies (PDFs waiting
    in a cohort ZIP batch) that still carry the name. Returns the number of files removed."""
    return db.session.execute(CertificateBatchFile.__table__.delete().where(CertificateBatchFile.certificate_id.in_(
        select(Certificate.id).where(Certificate.user_id == user_id)))).rowcount


# -- what people see -------------------------------------------------------------------------------
def certificates_of(user: User) -> list[Certificate]:
    return db.session.scalars(_certificates_of_statement(), {"user_id": user.id}).all()


def proof_candidates(user: User) -> list[Activity]:
    """One-day activities this person attended that have no proof yet (valid or revoked)."""
    return db.session.scalars(_proof_candidates_statement(), {"user_id": user.id}).all()


# Every visit to /certificaten asks these two: built once, with bind parameters.
@cache
def _certificates_of_statement():
    return (select(Certificate).where(Certificate.user_id == bindparam("user_id"))
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc()))


@cache
def _proof_candidates_statement():
    user_id = bindparam("user_id")
    has_certificate = (select(Certificate.id).where(Certificate.activity_id == Activity.id,
                                                    Certificate.user_id == user_id).exists())
    return (select(Activity).join(Attendance, Attendance.activity_id == Activity.id)
            .where(Attendance.user_id == user_id, Attendance.present.is_(True), Activity.kind.in_(ONE_DAY_KINDS),
                   Activity.status != STATUS_CANCELLED, ~has_certificate)
            .order_by(Activity.starts_at.desc()))


def owned_certificate(certificate_id: int, user: User, organiser: bool) -> Certificate:
    """A certificate the user may download: their own valid one, or any for an organiser. Else NotFound."""
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or not (organiser or (certificate.user_id == user.id and certificate.is_valid)):
        raise NotFound("Dit certificaat bestaat niet.")
    return certificate


@dataclass
class CohortRow:
    cohort: Cohort
    completed: int
    valid: int


def cohort_overview() -> list[CohortRow]:
    completed = func.count(func.distinct(case((Enrolment.status == ENROLMENT_COMPLETED, Enrolment.id))))
    valid = func.count(func.distinct(Certificate.id))
    rows = db.session.execute(
        select(Cohort, completed, valid)
        .outerjoin(Enrolment, Enrolment.cohort_id == Cohort.id)
        .outerjoin(Certificate, (Certificate.enrolment_id == Enrolment.id) & Certificate.active.is_(True))
        .group_by(Cohort.id).order_by(Cohort.starts_on.desc(), Cohort.id.desc())
    ).all()
    return [CohortRow(cohort, n_completed, n_valid) for cohort, n_completed, n_valid in rows]


def cohort_members(cohort_id: int) -> tuple[Cohort, list[tuple[Enrolment, Certificate | None]]]:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        raise NotFound("Deze groep bestaat niet.")
    rows = db.session.execute(
        select(Enrolment, Certificate).options(joinedload(Enrolment.user))
        .outerjoin(Certificate, (Certificate.enrolment_id == Enrolment.id) & Certificate.active.is_(True))
        .join(User, User.id == Enrolment.user_id)
        .where(Enrolment.cohort_id == cohort_id).order_by(User.name, Enrolment.id)
    ).all()
    return cohort, [(enrolment, certificate) for enrolment, certificate in rows]


def recent_activities(limit: int = 15) -> list[tuple[Activity, int, int]]:
    """Past one-day activities with the number present and the number of valid proofs."""
    present = func.count(func.distinct(case((Attendance.present.is_(True), Attendance.id))))
    proofs = func.count(func.distinct(Certificate.id))
    return db.session.execute(
        select(Activity, present, proofs).options(lazyload(Activity.guides))
        .outerjoin(Attendance, Attendance.activity_id == Activity.id)
        .outerjoin(Certificate, (Certificate.activity_id == Activity.id) & Certificate.active.is_(True))
        .where(Activity.kind.in_(ONE_DAY_KINDS), Activity.starts_at < utcnow(), Activity.status != STATUS_CANCELLED)
        .group_by(Activity.id).order_by(Activity.starts_at.desc()).limit(limit)
    ).all()


def activity_attendees(activity_id: int) -> tuple[Activity, list[tuple[User, Certificate | None]]]:
    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.kind not in ONE_DAY_KINDS:
        raise NotFound("Deze activiteit bestaat niet.")
    rows = db.session.execute(
        select(User, Certificate).join(Attendance, Attendance.user_id == User.id)
        .outerjoin(Certificate, (Certificate.activity_id == activity.id) & (Certificate.user_id == User.id)
                   & Certificate.active.is_(True))
        .where(Attendance.activity_id == activity.id, Attendance.present.is_(True)).order_by(User.name)
    ).all()
    return activity, [(user, certificate) for user, certificate in rows]


def search_statement(query: str | None):
    """Certificates, newest first, optionally filtered by holder name or (part of the) code."""
    stmt = select(Certificate).order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    text = (query or "").strip()
    if text:
        like = f"%{text.lower()}%"
        code = normalise_code(text)
        clauses = [func.lower(Certificate.holder_name).like(like)]
        if code:
            clauses.append(Certificate.code.like(f"%{code}%"))
        stmt = stmt.where(or_(*clauses))
    return stmt


def get_certificate(certificate_id: int) -> Certificate:
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None:
        raise NotFound("Dit certificaat bestaat niet.")
    return certificate


# -- PDF -------------------------------------------------------------------------------------------
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


def start_batch(cohort_id: int, requested_by: User) -> CertificateBatch:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        raise NotFound("Deze groep bestaat niet.")
    certificates = cohort_certificates(cohort_id)
    if not certificates:
        raise CertificateError("Deze groep heeft nog geen geldige certificaten. Reik eerst de certificaten uit.")
    # Old batches (and their PDFs) are not kept: a new ZIP is quick to make.
    db.session.execute(CertificateBatch.__table__.delete().where(CertificateBatch.created_at < utcnow() - BATCH_KEEP))
    batch = CertificateBatch(cohort_id=cohort_id, requested_by_id=requested_by.id, total=len(certificates))
    db.session.add(batch)
    db.session.flush()
    db.session.execute(CertificateBatchFile.__table__.insert(), [
        {"batch_id": batch.id, "certificate_id": c.id, "filename": filename(c)} for c in certificates])
    record(requested_by.id, "certificate_batch_started", "cohort", cohort_id, batch_id=batch.id,
           total=len(certificates))
    db.session.commit()
    return batch


def get_batch(batch_id: int) -> CertificateBatch:
    batch = db.session.get(CertificateBatch, batch_id)
    if batch is None:
        raise NotFound("Deze bundel bestaat niet (meer).")
    return batch


def advance_batch(batch_id: int, seconds: float | None = None) -> CertificateBatch:
    """Render the next PDFs of a batch for about ``seconds``. Safe to call from two tabs at once: only the
    caller that claims the row works; the other just reports progress."""
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
        raise CertificateError("Deze bundel is nog niet klaar.")
    rows = db.session.execute(select(CertificateBatchFile.filename, CertificateBatchFile.content)
                              .where(CertificateBatchFile.batch_id == batch.id)
                              .order_by(CertificateBatchFile.id)).all()
    return cohort_zip_name(batch.cohort), pdf.write_zip([(name, content) for name, content in rows])
