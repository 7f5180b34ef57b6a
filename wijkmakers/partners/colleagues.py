"""A partner contact's colleagues: enrolling one into a cohort or activity (their existing account, or a new
one with an invitation), and the coordinator moving a person to another organisation.

Rules in one place:
- A partner contact works for exactly one organisation (User.organisation_id) and only ever sees or
  changes people of that organisation. Every function here takes the organisation from the contact's own
  account, never from the request.
- An existing account may be enrolled only when it is active and of this organisation (or of none yet);
  any other account gets the same answer (NOT_YOURS), so nothing about it is revealed.
- A participation keeps the organisation the person belonged to at the time: moving a person does not
  rewrite their history.
"""
from dataclasses import dataclass
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from ..auth.models import KIND_PROFESSIONAL, TOKEN_INVITE, User, UserRole
from ..auth.services import AccountError, create_user, issue_token
from ..core.audit import record
from ..core.errors import DomainError
from ..core.permissions import PARTNERCONTACT
from ..core.search import LIKE_ESCAPE, like_pattern
from ..core.text import clean_text
from ..core.transaction import transactional
from ..extensions import db
from ..notifications.compose import absolute_url, send
from ..organisations.models import Organisation
from . import targets

INVITATION_DAYS = 7
MAX_NAME = 120
MAX_JOB_TITLE = 120
# One message for every account a contact may not touch, so nothing about it is revealed.
NOT_YOURS = ("Dit e-mailadres kun je niet aanmelden: het hoort bij een account dat niet onder jouw organisatie "
             "valt. Laat je collega zich zelf aanmelden, of neem contact op met Wijkmakers.")
NO_ORGANISATION = ("Je account is nog niet aan een organisatie gekoppeld. Vraag de coördinator van Wijkmakers om "
                   "dat te doen.")


def clean_email(raw: str | None, field: str | None = "email") -> str:
    """A valid e-mail address in lower case (syntax only, no DNS), or DomainError on ``field``."""
    value = (raw or "").strip()
    if not value:
        raise DomainError("Vul een e-mailadres in.", field)
    try:
        result = validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        raise DomainError(f"'{value[:80]}' is geen geldig e-mailadres. Controleer de schrijfwijze, zoals "
                          f"naam@organisatie.nl.", field) from exc
    return result.normalized.lower()


def own_organisation(contact: User) -> Organisation | None:
    """The organisation on the contact's own account, or None while it has none."""
    if contact.organisation_id is None:
        return None
    return contact.organisation


def contact_organisation(contact: User) -> Organisation:
    organisation = own_organisation(contact)
    if organisation is None:
        raise DomainError(NO_ORGANISATION)
    return organisation


def invite(user: User, organisation: Organisation | None, by: User, reason: str) -> None:
    """Queue an invitation with a single-use link to choose a password, valid for seven days."""
    token = issue_token(user, TOKEN_INVITE, timedelta(days=INVITATION_DAYS))
    send(user, "Je bent uitgenodigd voor Wijkmakers", "partners/mail_invitation.txt", organisation=organisation,
         by=by, link=absolute_url("auth.accept_invitation", token=token), days=INVITATION_DAYS, reason=reason)


# --------------------------------------------------------------------------------------------------
# Enrolling colleagues (partner contact)
# --------------------------------------------------------------------------------------------------

def check_may_enrol(existing: User | None, organisation: Organisation) -> None:
    """An existing account must be active and of this organisation (or of none yet). Checked before
    anything else about the person is looked at, so the answer never depends on them."""
    if existing is not None and (existing.anonymised_at is not None or not existing.active
                                 or existing.organisation_id not in (None, organisation.id)):
        raise DomainError(NOT_YOURS, "email")


def _colleague(organisation: Organisation, email: str, name: str | None, job_title: str | None,
               by: User, existing: User | None) -> tuple[User, bool]:
    """The colleague's account: existing (of this organisation, or of none yet) or new (invited)."""
    check_may_enrol(existing, organisation)
    if existing is not None:
        if existing.organisation_id is None:
            existing.organisation_id = organisation.id
            record(by.id, "organisation_joined_by_contact", "user", existing.id, organisation_id=organisation.id)
        if job_title and not existing.job_title:
            existing.job_title = job_title
        return existing, False
    name = " ".join((name or "").split())
    if not name:
        raise DomainError("Er is nog geen account met dit e-mailadres: vul ook de naam in, dan krijgt je collega "
                          "een uitnodiging.", "name")
    try:
        user = create_user(email, name, roles=("deelnemer",), kind=KIND_PROFESSIONAL,
                           organisation_id=organisation.id, job_title=job_title or None)
    except AccountError as exc:
        raise DomainError(str(exc), "email") from exc
    db.session.flush()
    return user, True


@transactional
def enrol_one(organisation: Organisation, contact: User, email: str, name: str | None, job_title: str | None,
              existing: User | None, target: targets.Target, invited_already: set[int] | None = None
              ) -> tuple[User, bool, bool]:
    """Find or create the colleague and enrol them (joining the caller's transaction).

    Returns (user, invited, linked). A new person (or one who never activated an invitation) gets an
    invitation that names the target instead of the service's own confirmation mail; an account that had
    no organisation yet is linked to this one and told so.
    """
    linked = existing is not None and existing.organisation_id is None
    user, created = _colleague(organisation, email, name, job_title, contact, existing)
    invite_now = created or not user.password_hash
    targets.enrol(target, user, by=contact, organisation_id=organisation.id, notify=not invite_now)
    if invite_now and (invited_already is None or user.id not in invited_already):
        invite(user, organisation, contact, reason=f"{contact.name} heeft je aangemeld voor {target.label}.")
        if invited_already is not None:
            invited_already.add(user.id)
    elif linked:
        send(user, "Je bent gekoppeld aan je organisatie bij Wijkmakers", "partners/mail_linked.txt",
             organisation=organisation, by=contact, target=target)
    record(contact.id, "staff_enrolled", "user", user.id, organisation_id=organisation.id, target=target.code,
           invited=invite_now)
    return user, invite_now, linked


@dataclass
class EnrolResult:
    user: User
    target: targets.Target
    invited: bool
    linked: bool = False


@transactional
def enrol_colleague(contact: User, *, email: str, name: str | None, job_title: str | None,
                    target_code: str) -> EnrolResult:
    """Enrol one colleague into a cohort or activity, inviting them if they have no account yet."""
    organisation = contact_organisation(contact)
    email = clean_email(email)
    name = clean_text(name, "de naam", MAX_NAME, field="name", single_line=True)
    job_title = clean_text(job_title, "de functie", MAX_JOB_TITLE, field="job_title", single_line=True)
    target = targets.TargetIndex(targets.open_targets()).find(target_code)
    if target is None:
        raise DomainError("Kies een leergang of activiteit uit de lijst.", "target")
    existing = db.session.scalar(select(User).where(User.email == email))
    check_may_enrol(existing, organisation)
    if existing is not None and targets.already_enrolled({(existing.id, target.code)}):
        raise DomainError(f"{existing.name} is al aangemeld voor {target.label}.", "email")
    try:
        user, invited, linked = enrol_one(organisation, contact, email, name, job_title, existing, target)
        db.session.flush()  # a clash with a simultaneous request shows here, not in the commit
    except DomainError as exc:
        # The learning and activities rules speak about the person: their message goes under the address.
        raise DomainError(exc.message, exc.field or "email") from exc
    except IntegrityError as exc:
        raise DomainError("Dit lukte niet omdat iemand anders tegelijk hetzelfde deed. Probeer het opnieuw.") from exc
    return EnrolResult(user, target, invited, linked)


# --------------------------------------------------------------------------------------------------
# Moving a person to another organisation (coordinator)
# --------------------------------------------------------------------------------------------------

def search_people(q: str | None, limit: int = 50) -> list[User]:
    """Coordinator search over all people, for 'organisatie wijzigen'."""
    q = (q or "").strip()
    if len(q) < 2:
        return []
    like = like_pattern(q)
    return list(db.session.scalars(
        select(User).where(User.anonymised_at.is_(None),
                           or_(func.lower(User.name).like(like, escape=LIKE_ESCAPE),
                               User.email.like(like, escape=LIKE_ESCAPE)))
        .order_by(User.name).limit(limit)))


@transactional
def change_organisation(user: User, organisation_id: int | None, by: User) -> bool:
    """Move a person to another organisation (or none). History keeps the old organisation.

    Returns True when a partner-contact role was taken away: contacts speak for one organisation, so
    after a move a coordinator links them again if they speak for the new one.
    """
    if user.anonymised_at is not None:
        raise DomainError("Deze persoon is geanonimiseerd.")
    if organisation_id is not None and db.session.get(Organisation, organisation_id) is None:
        raise DomainError("Kies een bestaande organisatie.", "organisation")
    if organisation_id == user.organisation_id:
        raise DomainError("Deze persoon hoort al bij deze organisatie.", "organisation")
    old = user.organisation_id
    dropped = user.has_role(PARTNERCONTACT)
    if dropped:
        user.roles = [r for r in user.roles if r.role != PARTNERCONTACT] or [UserRole(role="deelnemer")]
    user.organisation_id = organisation_id
    record(by.id, "organisation_changed", "user", user.id, from_organisation_id=old,
           to_organisation_id=organisation_id, partner_contact_removed=dropped)
    return dropped
