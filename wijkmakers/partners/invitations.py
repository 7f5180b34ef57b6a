"""Consent before linking: a partner contact invites a person to join the organisation; the account is linked
(and enrolled for what the contact chose) only when the person accepts.

Rules in one place:
- Every address outside the contact's own organisation gets an invitation row, whatever it is: an account
  without an organisation, an unknown address, an account of another organisation (or an inactive or erased
  one). The contact gets the same answer and sees the same row on the list, so nothing about the address is
  revealed. Only the first two get a mail: an account of another organisation (or an inactive one) gets no
  mail at all, so the person is not bothered and the contact learns nothing; its row simply expires.
- Only the SHA-256 of the token is stored; the token itself is only in the mail. A token works once: the
  row is deleted when the invitation is accepted, declined or withdrawn (claimed by a DELETE, so of two
  simultaneous answers only one counts). Expired rows are purged when new invitations are made.
- Accepting: an existing account must be logged in as itself; a new address sets a name and password, and
  only then is the account created (through auth.services.create_user). Declining needs only the link.
- The audit log gets ids only: no address, no token.
"""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, or_, select

from ..auth.models import KIND_PROFESSIONAL, User
from ..auth.services import create_user, user_by_email
from ..core.audit import record
from ..core.errors import DomainError, NotFound
from ..core.timeutil import utcnow
from ..core.transaction import transactional
from ..extensions import db
from ..notifications.compose import absolute_url, send
from ..organisations.models import Organisation
from . import targets
from .models import PartnerInvitation

INVITATION_DAYS = 7
MAX_TOKEN = 100
SUBJECT = "Uitnodiging om je aan te sluiten bij je organisatie op Wijkmakers"
OTHER_ORGANISATION = ("Je account is al gekoppeld aan een andere organisatie. Vraag de coördinator van Wijkmakers "
                      "om je organisatie te wijzigen.")


class InvitationGone(DomainError):
    """The token is unknown, expired or already used (410)."""

    def __init__(self):
        super().__init__("Deze uitnodiging is verlopen, ingetrokken of al beantwoord.")


class WrongAccount(DomainError):
    """Someone else is logged in than the invited person (403)."""

    def __init__(self):
        super().__init__("Deze uitnodiging is voor iemand anders.")


@dataclass
class Recipient:
    """An address without an account, for the mail composer."""

    email: str
    name: str | None = None
    anonymised_at: None = None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def purge_expired() -> None:
    db.session.execute(delete(PartnerInvitation).where(PartnerInvitation.expires_at < utcnow()))


def _mailable(existing: User | None) -> bool:
    """Unknown addresses and active accounts without an organisation get the mail; nobody else."""
    return existing is None or (existing.organisation_id is None and existing.active
                                and existing.anonymised_at is None)


@transactional
def invite(contact: User, organisation: Organisation, email: str, existing: User | None,
           target: targets.Target | None) -> PartnerInvitation:
    """Invite ``email`` (already clean) to join ``organisation``; an open invitation for the same address
    is replaced by this one (new link, new seven days)."""
    purge_expired()
    db.session.execute(delete(PartnerInvitation).where(PartnerInvitation.organisation_id == organisation.id,
                                                       PartnerInvitation.email == email))
    token = secrets.token_urlsafe(32)
    now = utcnow()
    invitation = PartnerInvitation(organisation_id=organisation.id, email=email,
                                   user_id=existing.id if existing is not None else None, invited_by_id=contact.id,
                                   target_code=target.code if target is not None else None,
                                   token_hash=hash_token(token), created_at=now,
                                   expires_at=now + timedelta(days=INVITATION_DAYS))
    db.session.add(invitation)
    db.session.flush()
    if _mailable(existing):
        send(existing or Recipient(email), SUBJECT, "partners/mail_organisation_invitation.txt",
             organisation=organisation, by=contact, target=target, days=INVITATION_DAYS,
             new_address=existing is None,
             link=absolute_url("partners.invitation", token=token))
    record(contact.id, "partner_invitation_sent", "partner_invitation", invitation.id,
           organisation_id=organisation.id, target=invitation.target_code)
    return invitation


def open_invitations(organisation: Organisation) -> list[PartnerInvitation]:
    return list(db.session.scalars(
        select(PartnerInvitation).where(PartnerInvitation.organisation_id == organisation.id,
                                        PartnerInvitation.expires_at >= utcnow())
        .order_by(PartnerInvitation.created_at.desc(), PartnerInvitation.id.desc())))


def target_labels(invitations: list[PartnerInvitation]) -> dict[str, str]:
    """What each invitation enrols into, for the list ("L12" -> the cohort's label)."""
    index = targets.TargetIndex(targets.open_targets()) if any(i.target_code for i in invitations) else None
    labels = {}
    for invitation in invitations:
        code = invitation.target_code
        if code and index is not None:
            found = index.find(code)
            labels[code] = found.label if found is not None else "niet meer open voor aanmelding"
    return labels


@transactional
def withdraw(contact: User, organisation: Organisation, invitation_id: int) -> PartnerInvitation:
    """The contact withdraws an open invitation of their own organisation; anything else is NotFound."""
    invitation = db.session.get(PartnerInvitation, invitation_id)
    if invitation is None or invitation.organisation_id != organisation.id:
        raise NotFound()
    db.session.execute(delete(PartnerInvitation).where(PartnerInvitation.id == invitation.id))
    record(contact.id, "partner_invitation_withdrawn", "partner_invitation", invitation_id,
           organisation_id=organisation.id)
    return invitation


def find_open(token: str | None) -> PartnerInvitation | None:
    """The open invitation of this token, or None (unknown, expired, answered)."""
    if not token or len(token) > MAX_TOKEN:
        return None
    invitation = db.session.scalar(select(PartnerInvitation).where(PartnerInvitation.token_hash == hash_token(token)))
    if invitation is None or invitation.expires_at < utcnow():
        return None
    return invitation


def invited_account(invitation: PartnerInvitation) -> User | None:
    """The account of the invited address now (it may have been made since the invitation)."""
    return user_by_email(invitation.email)


def _claim(token: str) -> PartnerInvitation:
    """Take the invitation out of the table: of two simultaneous answers only one gets it."""
    invitation = find_open(token)
    if invitation is None:
        raise InvitationGone()
    claimed = db.session.execute(delete(PartnerInvitation).where(PartnerInvitation.id == invitation.id)).rowcount
    if claimed != 1:
        raise InvitationGone()
    return invitation


def _enrol_for_target(invitation: PartnerInvitation, user: User) -> targets.Target | None:
    """Enrol the person for what the contact chose, when it is still open with a seat; None otherwise (the
    link itself stands: the person can still sign up on their own)."""
    if not invitation.target_code:
        return None
    target = targets.TargetIndex(targets.open_targets()).find(invitation.target_code)
    if target is None:
        return None
    if targets.already_enrolled({(user.id, target.code)}):
        return target
    if target.seats_left() <= 0:
        return None
    by = db.session.get(User, invitation.invited_by_id) if invitation.invited_by_id else None
    try:
        targets.enrol(target, user, by=by, organisation_id=invitation.organisation_id)
    except DomainError:
        return None
    return target


@dataclass
class Accepted:
    user: User
    organisation: Organisation
    target: targets.Target | None
    wanted_target: bool


def _link(invitation: PartnerInvitation, user: User, created: bool) -> Accepted:
    if user.organisation_id is None:
        user.organisation_id = invitation.organisation_id
    record(user.id, "partner_invitation_accepted", "user", user.id, organisation_id=invitation.organisation_id,
           invited_by_id=invitation.invited_by_id, invitation_id=invitation.id, new_account=created)
    db.session.flush()
    target = _enrol_for_target(invitation, user)
    organisation = db.session.get(Organisation, invitation.organisation_id)
    return Accepted(user, organisation, target, bool(invitation.target_code))


@transactional
def accept_as(token: str, user: User) -> Accepted:
    """The logged-in ``user`` accepts; they must be the invited account (WrongAccount otherwise)."""
    invitation = find_open(token)
    if invitation is None:
        raise InvitationGone()
    account = invited_account(invitation)
    if account is None or account.id != user.id:
        raise WrongAccount()
    if user.organisation_id not in (None, invitation.organisation_id):
        raise DomainError(OTHER_ORGANISATION)
    return _link(_claim(token), user, created=False)


@transactional
def accept_new(token: str, name: str, password: str) -> Accepted:
    """A new address accepts: the account is created now, with the chosen name and password."""
    invitation = find_open(token)
    if invitation is None:
        raise InvitationGone()
    if invited_account(invitation) is not None:
        raise WrongAccount()
    name = " ".join((name or "").split())
    if not name:
        raise DomainError("Vul je naam in.", "name")
    user = create_user(invitation.email, name, roles=("deelnemer",), password=password, kind=KIND_PROFESSIONAL,
                       organisation_id=invitation.organisation_id, email_confirmed_at=utcnow())
    db.session.flush()
    return _link(_claim(token), user, created=True)


@transactional
def decline(token: str) -> None:
    """Anyone with the link declines; nothing is linked and the contact only sees the invitation go."""
    invitation = _claim(token)
    record(invitation.user_id, "partner_invitation_declined", "partner_invitation", invitation.id,
           organisation_id=invitation.organisation_id)


def erase_for(user_id: int, address: str | None) -> None:
    """A person is erased: invitations to their account or their address go (inside the caller's
    transaction), also one sent to the address before the account existed."""
    addressed = PartnerInvitation.user_id == user_id
    if address:
        addressed = or_(addressed, PartnerInvitation.email == address.strip().lower())
    db.session.execute(delete(PartnerInvitation).where(addressed))
