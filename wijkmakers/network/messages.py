"""Contact requests between people in the network, answers, blocks and reports of abuse.

Rules:
- A contact request (or an offer of help on an initiative) goes to the recipient through the outbox,
  without the sender's address. Only the recipient's answer reveals their address to the sender.
- A sender may send at most ``NETWORK_CONTACT_LIMIT_PER_DAY`` (default 5) requests per 24 hours.
- A request from a sender the recipient blocked is accepted as if sent, but never delivered; the sender
  never learns about a block, a refusal or a decline.
"""
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import contains_eager, selectinload

from ..auth.models import User, UserRole
from ..core.errors import DomainError, NotFound
from ..core.locking import lock_row
from ..core.permissions import ORGANISATOR, ROLE_LABELS
from ..core.text import clean_text
from ..core.timeutil import utcnow
from ..core.transaction import transactional
from ..extensions import db
from ..notifications.compose import absolute_url, render_text
from ..notifications.services import queue_mail
from .models import (KIND_CONTACT, KIND_HELP, REQUEST_ANSWERED, REQUEST_DECLINED, REQUEST_OPEN, REQUEST_REFUSED,
                     AbuseReport, ContactRequest, Initiative, NetworkBlock, NetworkProfile)
from .profiles import STAFF_ROLES, is_member, listed, profile_of

DEFAULT_CONTACT_LIMIT = 5
MIN_MESSAGE = 10
MAX_MESSAGE = 1000
MAX_REPLY = 2000
MAX_REASON = 2000


def contact_limit() -> int:
    return int(current_app.config.get("NETWORK_CONTACT_LIMIT_PER_DAY", DEFAULT_CONTACT_LIMIT))


def _sender_name(user: User) -> str:
    profile = profile_of(user.id)
    if profile is not None and profile.opted_in:
        return profile.display_name
    staff = [ROLE_LABELS[r].lower() for r in STAFF_ROLES if user.has_role(r)]
    return f"{user.name} ({staff[0]} bij Wijkmakers)" if staff else user.name


def is_blocked(blocker_id: int, sender_id: int) -> bool:
    return bool(db.session.scalar(select(NetworkBlock.id).where(NetworkBlock.blocker_id == blocker_id,
                                                                NetworkBlock.blocked_id == sender_id)))


def sent_today(sender_id: int, now: datetime | None = None) -> int:
    since = (now or utcnow()) - timedelta(days=1)
    return db.session.scalar(select(func.count()).select_from(ContactRequest)
                             .where(ContactRequest.sender_id == sender_id, ContactRequest.created_at > since)) or 0


@transactional
def send_contact_request(sender: User, recipient_id: int, message: str, *, initiative: Initiative | None = None,
                         now: datetime | None = None) -> ContactRequest:
    """Send a short message to someone in the network.

    The recipient gets a mail through the outbox without the sender's address. A request from a sender
    the recipient blocked is stored as refused and never delivered; the sender is not told.
    """
    now = now or utcnow()
    if not is_member(sender):
        raise DomainError("Zet eerst je eigen netwerkprofiel aan; daarna kun je anderen een bericht sturen.")
    if recipient_id == sender.id:
        raise DomainError("Je kunt jezelf geen bericht sturen.")
    recipient_profile = db.session.scalar(
        select(NetworkProfile).join(NetworkProfile.user).options(contains_eager(NetworkProfile.user))
        .where(NetworkProfile.user_id == recipient_id, listed()))
    if recipient_profile is None:
        raise NotFound("Deze persoon staat niet (meer) in het netwerk.")
    if not recipient_profile.accepts_contact and initiative is None:
        raise DomainError(f"{recipient_profile.display_name} ontvangt op dit moment geen contactverzoeken.")
    message = clean_text(message, "je bericht", MAX_MESSAGE, field="message", required=True, minimum=MIN_MESSAGE)
    kind = KIND_HELP if initiative is not None else KIND_CONTACT

    # Serialise the sender's requests, so two requests at once cannot both slip under the limit.
    lock_row(User, sender.id)
    pending = db.session.scalar(
        select(ContactRequest.id).where(ContactRequest.sender_id == sender.id,
                                        ContactRequest.recipient_id == recipient_id,
                                        ContactRequest.kind == kind,
                                        ContactRequest.initiative_id.is_(None) if initiative is None
                                        else ContactRequest.initiative_id == initiative.id,
                                        ContactRequest.status.in_((REQUEST_OPEN, REQUEST_REFUSED))))
    if pending is not None:
        raise DomainError("Je hebt deze persoon hierover al een bericht gestuurd dat nog open staat. "
                          "Wacht op een antwoord.", "message")
    blocked = is_blocked(recipient_id, sender.id)
    request = ContactRequest(kind=kind, sender_id=sender.id, recipient_id=recipient_id,
                             initiative_id=initiative.id if initiative else None, sender_name=_sender_name(sender),
                             message=message, status=REQUEST_REFUSED if blocked else REQUEST_OPEN, created_at=now)
    db.session.add(request)
    db.session.flush()
    limit = contact_limit()
    if sent_today(sender.id, now) > limit:
        raise DomainError(f"Je hebt de afgelopen 24 uur al {limit} berichten in het netwerk verstuurd. Dat is "
                          f"het maximum per dag, zodat niemand overspoeld raakt. Probeer het morgen opnieuw.",
                          "message")
    if not blocked:
        recipient = recipient_profile.user
        subject = (f"Hulpaanbod voor je initiatief '{initiative.title}'" if initiative is not None
                   else "Iemand wil contact met je via het Wijkmakers-netwerk")
        queue_mail(recipient.email, subject[:200], render_text(
            "network/mail_contact.txt", request=request, recipient_name=recipient_profile.display_name,
            initiative=initiative, link=absolute_url("network.message", request_id=request.id)))
    return request


def received(user: User) -> list[ContactRequest]:
    """Requests to this person that were delivered (refused ones never show), newest first."""
    return db.session.scalars(
        select(ContactRequest).options(selectinload(ContactRequest.initiative))
        .where(ContactRequest.recipient_id == user.id, ContactRequest.status != REQUEST_REFUSED)
        .order_by(ContactRequest.created_at.desc(), ContactRequest.id.desc()).limit(200)).all()


def sent_by(user: User) -> list[tuple[ContactRequest, str | None]]:
    """The person's own requests with the name the recipient shows in the network (None if gone)."""
    rows = db.session.execute(
        select(ContactRequest, NetworkProfile.display_name)
        .outerjoin(NetworkProfile, NetworkProfile.user_id == ContactRequest.recipient_id)
        .options(selectinload(ContactRequest.initiative))
        .where(ContactRequest.sender_id == user.id)
        .order_by(ContactRequest.created_at.desc(), ContactRequest.id.desc()).limit(200)).all()
    return [(r, name) for r, name in rows]


def request_for(user: User, request_id: int) -> ContactRequest:
    """A request the user sent or (delivered) received; anything else is NotFound."""
    request = db.session.get(ContactRequest, request_id)
    if request is None:
        raise NotFound("Dit bericht bestaat niet.")
    if request.sender_id == user.id:
        return request
    if request.recipient_id == user.id and request.status != REQUEST_REFUSED:
        return request
    raise NotFound("Dit bericht bestaat niet.")


def received_request(user: User, request_id: int) -> ContactRequest:
    """A request delivered to the user; anything else (also one they sent) is NotFound."""
    request = request_for(user, request_id)
    if request.recipient_id != user.id:
        raise NotFound("Dit bericht bestaat niet.")
    return request


def shown_status(request: ContactRequest, viewer: User) -> str:
    """What the viewer may know: a sender never learns about a refusal or a decline."""
    if request.recipient_id == viewer.id:
        return {REQUEST_OPEN: "Nieuw", REQUEST_ANSWERED: "Beantwoord", REQUEST_DECLINED: "Niet beantwoord"}.get(
            request.status, request.status)
    return "Beantwoord" if request.status == REQUEST_ANSWERED else "Verstuurd"


@transactional
def answer_request(user: User, request_id: int, reply: str) -> ContactRequest:
    """Answer a request; only now does the requester get the responder's e-mail address."""
    request = received_request(user, request_id)
    if request.status != REQUEST_OPEN:
        raise DomainError("Dit bericht heb je al beantwoord of gearchiveerd.")
    reply = clean_text(reply, "je antwoord", MAX_REPLY, field="reply", required=True, minimum=2)
    claimed = db.session.execute(
        update(ContactRequest).where(ContactRequest.id == request.id, ContactRequest.status == REQUEST_OPEN)
        .values(status=REQUEST_ANSWERED, reply=reply, answered_at=utcnow())).rowcount
    if claimed != 1:
        raise DomainError("Dit bericht heb je al beantwoord of gearchiveerd.")
    profile = profile_of(user.id)
    responder_name = profile.display_name if profile is not None else user.name
    sender = db.session.get(User, request.sender_id) if request.sender_id else None
    if sender is not None and sender.is_active:
        queue_mail(sender.email, f"{responder_name} antwoordt op je bericht via het Wijkmakers-netwerk"[:200],
                   render_text("network/mail_answer.txt", request=request, reply=reply,
                               responder_name=responder_name, responder_email=user.email,
                               link=absolute_url("network.message", request_id=request.id)),
                   reply_to=user.email)
    db.session.refresh(request)  # the guarded UPDATE above went around the ORM
    return request


@transactional
def decline_request(user: User, request_id: int) -> ContactRequest:
    """Leave a request unanswered (archive it); the sender is not told."""
    request = received_request(user, request_id)
    if request.status == REQUEST_OPEN:
        request.status, request.declined_at = REQUEST_DECLINED, utcnow()
    return request


@transactional
def block_sender(user: User, request_id: int) -> NetworkBlock | None:
    """Block the sender of a received request: their future requests are silently refused."""
    request = received_request(user, request_id)
    if request.sender_id is None:
        raise DomainError("Deze afzender bestaat niet meer; blokkeren is niet nodig.")
    block = _block(user, request.sender_id, request.sender_name)
    if request.status == REQUEST_OPEN:
        request.status, request.declined_at = REQUEST_DECLINED, utcnow()
    return block


def _block(user: User, other_id: int, name: str) -> NetworkBlock:
    block = db.session.scalar(select(NetworkBlock).where(NetworkBlock.blocker_id == user.id,
                                                         NetworkBlock.blocked_id == other_id))
    if block is None:
        block = NetworkBlock(blocker_id=user.id, blocked_id=other_id, blocked_name=name[:120])
        db.session.add(block)
        # Earlier open requests of the blocked person disappear from the inbox too.
        db.session.execute(update(ContactRequest).where(ContactRequest.recipient_id == user.id,
                                                        ContactRequest.sender_id == other_id,
                                                        ContactRequest.status == REQUEST_OPEN)
                           .values(status=REQUEST_DECLINED, declined_at=utcnow()))
    return block


def blocks_of(user: User) -> list[NetworkBlock]:
    return db.session.scalars(select(NetworkBlock).where(NetworkBlock.blocker_id == user.id)
                              .order_by(NetworkBlock.created_at.desc())).all()


@transactional
def unblock(user: User, block_id: int) -> NetworkBlock:
    block = db.session.get(NetworkBlock, block_id)
    if block is None or block.blocker_id != user.id:
        raise NotFound("Deze blokkade bestaat niet.")
    db.session.delete(block)
    return block


@transactional
def report_abuse(user: User, request_id: int, reason: str, also_block: bool = True) -> AbuseReport:
    """Report a received message to the organisers (and block its sender, by default)."""
    request = received_request(user, request_id)
    reason = clean_text(reason, "wat er niet in orde is", MAX_REASON, field="reason", required=True, minimum=5)
    report = AbuseReport(reporter_id=user.id, reported_id=request.sender_id, request_id=request.id, reason=reason)
    db.session.add(report)
    if also_block and request.sender_id is not None:
        _block(user, request.sender_id, request.sender_name)
        if request.status == REQUEST_OPEN:
            request.status, request.declined_at = REQUEST_DECLINED, utcnow()
    db.session.flush()
    organisers = db.session.scalars(
        select(User.email).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == ORGANISATOR, User.active.is_(True), User.anonymised_at.is_(None),
               User.email.is_not(None))).all()
    body = render_text("network/mail_report.txt", link=absolute_url("network.reports"))
    for email in dict.fromkeys(organisers):
        queue_mail(email, "Nieuwe melding in het Wijkmakers-netwerk", body)
    return report


def reports(include_handled: bool = False) -> list[AbuseReport]:
    stmt = (select(AbuseReport)
            .options(selectinload(AbuseReport.reporter), selectinload(AbuseReport.reported),
                     selectinload(AbuseReport.request), selectinload(AbuseReport.handled_by))
            .order_by(AbuseReport.handled_at.is_not(None), AbuseReport.created_at.desc()).limit(200))
    if not include_handled:
        stmt = stmt.where(AbuseReport.handled_at.is_(None))
    return db.session.scalars(stmt).all()


@transactional
def resolve_report(by: User, report_id: int, note: str, hide_profile: bool = False) -> AbuseReport:
    report = db.session.get(AbuseReport, report_id)
    if report is None:
        raise NotFound("Deze melding bestaat niet.")
    if report.handled_at is not None:
        raise DomainError("Deze melding is al afgehandeld.")
    report.handled_note = clean_text(note, "een korte notitie", MAX_REASON, field="note")
    report.handled_at, report.handled_by_id = utcnow(), by.id
    if hide_profile and report.reported_id is not None:
        db.session.execute(update(NetworkProfile).where(NetworkProfile.user_id == report.reported_id,
                                                        NetworkProfile.opted_in.is_(True))
                           .values(opted_in=False, withdrawn_at=utcnow()))
    return report
