"""Privacy rules: erasure requests and the erasure itself, which keeps past figures unchanged, and the audit
log that shows who did what. What we hold about a person (the export) is people.export."""
from sqlalchemy import delete, select

from ..auth.models import AuthToken, User, UserRole
from ..auth.signals import ERASED_NAME, person_erased
from ..core.audit import AuditEvent, record
from ..core.errors import DomainError, NotFound
from ..core.timeutil import utcnow
from ..core.transaction import transactional
from ..extensions import db
from ..notifications.services import forget_mail_of



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
