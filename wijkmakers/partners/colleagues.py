"""A partner contact's colleagues: enrolling one into a cohort or activity, and the coordinator moving a
person to another organisation.

Rules in one place:
- A partner contact works for exactly one organisation (User.organisation_id) and only ever sees or
  changes people of that organisation. Every function here takes the organisation from the contact's own
  account, never from the request.
- Consent before linking: only an active account already of this organisation is enrolled at once. Every
  other address (an account without an organisation, an unknown address, an account of another
  organisation) gets an invitation (partners.invitations) and exactly the same answer, so nothing about
  it is revealed; the person is linked and enrolled only when they accept.
- A participation keeps the organisation the person belonged to at the time: moving a person does not
  rewrite their history.
"""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from ..auth.models import TOKEN_INVITE, User, UserRole
from ..auth.services import clean_email, issue_token
from ..core.audit import record
from ..core.errors import DomainError
from ..core.permissions import PARTNERCONTACT
from ..core.search import LIKE_ESCAPE, like_pattern
from ..core.text import clean_text
from ..core.transaction import transactional
from ..extensions import db
from ..notifications.compose import absolute_url, send
from ..organisations.models import Organisation
from . import invitations, targets

INVITATION_DAYS = 7
MAX_NAME = 120
MAX_JOB_TITLE = 120
NO_ORGANISATION = ("Je account is nog niet aan een organisatie gekoppeld. Vraag de coördinator van Wijkmakers om "
                   "dat te doen.")



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

def is_colleague(existing: User | None, organisation: Organisation) -> bool:
    """An active, not erased account of this organisation: the only kind enrolled without an invitation."""
    return (existing is not None and existing.anonymised_at is None and existing.active
            and existing.organisation_id == organisation.id)


@transactional
def enrol_one(organisation: Organisation, contact: User, user: User, job_title: str | None,
              target: targets.Target, invited_already: set[int] | None = None) -> bool:
    """Enrol a colleague of this organisation (joining the caller's transaction). Returns whether they got
    an invitation to choose a password (an account that was never activated) instead of the service's
    own confirmation mail."""
    if not is_colleague(user, organisation):  # pragma: no cover - callers send everyone else an invitation
        raise DomainError("Deze persoon hoort niet bij je organisatie.", "email")
    if job_title and not user.job_title:
        user.job_title = job_title
    invite_now = not user.password_hash
    targets.enrol(target, user, by=contact, organisation_id=organisation.id, notify=not invite_now)
    if invite_now and (invited_already is None or user.id not in invited_already):
        invite(user, organisation, contact, reason=f"{contact.name} heeft je aangemeld voor {target.label}.")
        if invited_already is not None:
            invited_already.add(user.id)
    record(contact.id, "staff_enrolled", "user", user.id, organisation_id=organisation.id, target=target.code,
           invited=invite_now)
    return invite_now


@dataclass
class EnrolResult:
    target: targets.Target
    user: User | None = None  # None: an invitation was sent instead (the person decides)
    invited: bool = False  # a colleague who never activated their account got a new password link
    email: str = ""

    @property
    def invitation_sent(self) -> bool:
        return self.user is None


INVITATION_SENT = ("Uitnodiging verstuurd naar {email}. Pas als deze persoon de uitnodiging accepteert, wordt die "
                   "aan {organisation} gekoppeld en aangemeld voor {target}. De uitnodiging is {days} dagen geldig.")


def invitation_sent_message(email: str, organisation: Organisation, target: targets.Target) -> str:
    """The one answer for every address outside the organisation, whatever it is."""
    return INVITATION_SENT.format(email=email, organisation=organisation.name, target=target.label,
                                  days=invitations.INVITATION_DAYS)


@transactional
def enrol_colleague(contact: User, *, email: str, job_title: str | None, target_code: str) -> EnrolResult:
    """Enrol a colleague of the contact's organisation into a cohort or activity; invite anyone else."""
    organisation = contact_organisation(contact)
    email = clean_email(email)
    job_title = clean_text(job_title, "de functie", MAX_JOB_TITLE, field="job_title", single_line=True)
    target = targets.TargetIndex(targets.open_targets()).find(target_code)
    if target is None:
        raise DomainError("Kies een leergang of activiteit uit de lijst.", "target")
    existing = db.session.scalar(select(User).where(User.email == email))
    if not is_colleague(existing, organisation):
        try:
            invitations.invite(contact, organisation, email, existing, target)
            db.session.flush()
        except IntegrityError as exc:  # the same address invited at the same moment by a colleague
            raise DomainError("Dit lukte niet omdat iemand anders tegelijk hetzelfde deed. Probeer het "
                              "opnieuw.") from exc
        return EnrolResult(target, email=email)
    if targets.already_enrolled({(existing.id, target.code)}):
        raise DomainError(f"{existing.name} is al aangemeld voor {target.label}.", "email")
    try:
        invited = enrol_one(organisation, contact, existing, job_title, target)
        db.session.flush()  # a clash with a simultaneous request shows here, not in the commit
    except DomainError as exc:
        # The learning and activities rules speak about the person: their message goes under the address.
        raise DomainError(exc.message, exc.field or "email") from exc
    except IntegrityError as exc:
        raise DomainError("Dit lukte niet omdat iemand anders tegelijk hetzelfde deed. Probeer het opnieuw.") from exc
    return EnrolResult(target, existing, invited, email)


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
