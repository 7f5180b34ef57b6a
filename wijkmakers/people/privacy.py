"""Privacy rules: what we hold about a person (export), erasure requests and the erasure itself, which keeps
past figures unchanged, and the audit log that shows who did what."""
from sqlalchemy import delete, select

from ..activities.models import Activity, Attendance, Feedback, Registration
from ..auth.models import AuthToken, User, UserRole
from ..auth.signals import ERASED_NAME, person_erased
from ..certificates.models import Certificate
from ..core.audit import AuditEvent, record
from ..core.errors import DomainError, NotFound
from ..core.timeutil import utcnow
from ..core.transaction import transactional
from ..extensions import db
from ..learning.models import Cohort, Enrolment, Module, ModuleProgress
from ..notifications.services import forget_mail_of



def _iso(value):
    return value.isoformat() if value is not None else None


def personal_data(user: User) -> dict:
    """Everything the portal holds about ``user``, in plain JSON-able structures (a fixed set of queries)."""
    enrolments = db.session.execute(
        select(Enrolment, Cohort).join(Cohort, Cohort.id == Enrolment.cohort_id).where(Enrolment.user_id == user.id)
    ).all()
    progress = db.session.execute(
        select(ModuleProgress, Module.title).join(Module, Module.id == ModuleProgress.module_id)
        .where(ModuleProgress.user_id == user.id)
    ).all()
    registrations = db.session.execute(
        select(Registration, Activity.title, Activity.starts_at).join(Activity, Activity.id == Registration.activity_id)
        .where(Registration.user_id == user.id).order_by(Activity.starts_at)
    ).all()
    attendance = db.session.execute(
        select(Attendance, Activity.title, Activity.starts_at).join(Activity, Activity.id == Attendance.activity_id)
        .where(Attendance.user_id == user.id).order_by(Activity.starts_at)
    ).all()
    feedback = db.session.execute(
        select(Feedback, Activity.title).join(Activity, Activity.id == Feedback.activity_id)
        .where(Feedback.user_id == user.id)
    ).all()
    certificates = db.session.scalars(select(Certificate).where(Certificate.user_id == user.id)).all()
    return {
        "account": {
            "naam": user.name, "e-mailadres": user.email, "telefoon": user.phone, "soort": user.kind,
            "functie": user.job_title, "organisatie": user.organisation.name if user.organisation else None,
            "wijk": user.neighbourhood, "rollen": sorted(user.role_keys), "aangemaakt": _iso(user.created_at),
            "laatst_ingelogd": _iso(user.last_login_at), "e-mail_bevestigd": _iso(user.email_confirmed_at),
            "verwijdering_aangevraagd": _iso(user.erasure_requested_at),
        },
        "inschrijvingen": [
            {"leergang": cohort.label, "status": e.status, "sinds": _iso(e.created_at),
             "afgerond": _iso(e.completed_at), "gestopt": _iso(e.withdrawn_at)} for e, cohort in enrolments],
        "modules": [
            {"module": title, "status": p.status, "bestudeerd": _iso(p.studied_at), "reflectie": p.reflection,
             "doe_opdracht": p.action_plan, "wat_ervan_kwam": p.action_outcome, "reactie_begeleiding": p.response}
            for p, title in progress],
        "aanmeldingen": [
            {"activiteit": title, "datum": _iso(starts), "status": r.status, "aangemeld": _iso(r.created_at)}
            for r, title, starts in registrations],
        "aanwezigheid": [
            {"activiteit": title, "datum": _iso(starts), "aanwezig": a.present} for a, title, starts in attendance],
        "evaluaties": [{"activiteit": title, "cijfer": f.mark, "opmerking": f.comment} for f, title in feedback],
        "certificaten": [
            {"titel": c.title, "code": c.code, "uitgegeven": _iso(c.issued_at), "ingetrokken": _iso(c.revoked_at)}
            for c in certificates],
    }


@transactional
def request_erasure(user: User) -> None:
    if user.erasure_requested_at is None:
        user.erasure_requested_at = utcnow()
        record(user.id, "erasure_requested", "user", user.id)


def pending_person(user_id: int) -> User:
    """A person with an open erasure request; anyone else is NotFound."""
    user = db.session.get(User, user_id)
    if user is None or user.erasure_requested_at is None or user.anonymised_at is not None:
        raise NotFound()
    return user


@transactional
def withdraw_erasure_request(user: User, by: User) -> None:
    user.erasure_requested_at = None
    record(by.id, "erasure_declined", "user", user.id)


def pending_erasure_requests() -> list[User]:
    return db.session.scalars(
        select(User).where(User.erasure_requested_at.is_not(None), User.anonymised_at.is_(None))
        .order_by(User.erasure_requested_at)).all()


@transactional
def erase_person(user: User, by: User) -> None:
    """Anonymise a person in one transaction, with what every feature's ``person_erased`` subscriber
    removes (network profile and messages, reflections, import rows, tokens, ...).

    The signal goes first, while the person's row still holds the name and address the receivers look
    for; then the outbox forgets their mail and the row itself is anonymised. Registrations, attendance,
    enrolments and certificates stay (linked to the anonymous record, with kind, organisation and
    neighbourhood), so the statistics of past years do not change and a certificate stays genuine;
    everything that identifies the person or that they wrote is removed. tests/people/test_erasure_complete.py
    proves it for every column of every table.
    """
    if user.anonymised_at is not None:
        raise DomainError("Deze persoon is al geanonimiseerd.")
    if user.id == by.id:
        raise DomainError("Je kunt je eigen gegevens niet zelf wissen; een andere coördinator doet dat.")
    uid = user.id
    person_erased.send(None, user_id=uid)
    forget_mail_of(user.email, user.name)
    user.name = ERASED_NAME
    user.email = None
    user.password_hash = None
    user.phone = None
    user.job_title = None
    user.calendar_token = None
    user.checkin_code = None
    user.active = False
    user.anonymised_at = utcnow()
    db.session.execute(delete(UserRole).where(UserRole.user_id == uid))
    db.session.execute(delete(AuthToken).where(AuthToken.user_id == uid))
    record(by.id, "person_erased", "user", uid)
    db.session.expire(user, ["roles"])  # deleted above with a bulk DELETE


@transactional
def audit_log(viewer: User, limit: int = 200) -> list[tuple[AuditEvent, str | None]]:
    """The latest audit events with the actor's name; looking at them is itself recorded."""
    record(viewer.id, "audit_log_viewed", "audit_event")
    return db.session.execute(
        select(AuditEvent, User.name).outerjoin(User, User.id == AuditEvent.actor_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    ).all()
