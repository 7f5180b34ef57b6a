"""Newcomers: people without an account sign up from the agenda, confirm their e-mail address with a
link, and only then get a seat or a place on the waiting list (so nobody can fill a walk with made-up
addresses). Organisers see who is still pending and which organisation they typed.
"""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..auth.models import KIND_LABELS, TOKEN_CONFIRM, TOKEN_RESET, User
from ..auth.services import consume_token, create_user, issue_token, normalise_email, user_by_email
from ..core import audit
from ..core.errors import DomainError, NotFound
from ..core.permissions import DEELNEMER
from ..core.timeutil import utcnow
from ..core.transaction import transactional
from ..extensions import db
from ..notifications import compose
from ..organisations.services import non_partner_named
from . import mail
from .models import Activity, NewcomerSignup, Registration
from .signups import SignupError, is_public_activity, register, signup_open, waitlist_rank

CONFIRM_VALID = timedelta(days=2)


def start_newcomer_signup(activity: Activity, name: str, email: str, kind: str,
                          organisation_name: str | None = None) -> None:
    """Remember the sign-up and mail a confirmation link. The seat (or waiting-list place) is taken
    when the address is confirmed.

    The answer is the same whether or not an account with this address exists (no account probing):
    an existing account is never changed here; its owner just gets the link too.
    """
    try:
        _start_newcomer_signup(activity, name, email, kind, organisation_name)
    except IntegrityError:
        # The same address, at the same moment, from another request: its account exists now, so the
        # second attempt (a transaction of its own again) finds it.
        _start_newcomer_signup(activity, name, email, kind, organisation_name)


@transactional
def _start_newcomer_signup(activity: Activity, name: str, email: str, kind: str,
                           organisation_name: str | None) -> None:
    if not is_public_activity(activity):
        raise NotFound()
    if not signup_open(activity):
        raise DomainError("Aanmelden voor deze activiteit is niet meer mogelijk.")
    email = normalise_email(email)
    name = (name or "").strip()
    if not email or not name:
        raise DomainError("Vul je naam en e-mailadres in.", field="name" if not name else "email")
    if kind not in KIND_LABELS:
        raise DomainError("Kies of je bewoner of professional bent.", field="kind")
    user = user_by_email(email)
    if user is None:
        user = create_user(email, name, roles=[DEELNEMER], kind=kind)
        db.session.flush()
    if not user.is_active:
        return  # a deactivated account gets nothing, and the visitor sees the usual answer
    pending = db.session.scalar(select(NewcomerSignup).where(
        NewcomerSignup.user_id == user.id, NewcomerSignup.activity_id == activity.id,
        NewcomerSignup.completed_at.is_(None)))
    if pending is None:
        pending = NewcomerSignup(user_id=user.id, activity_id=activity.id)
        db.session.add(pending)
    pending.organisation_name = (organisation_name or "").strip()[:160] or None
    token = issue_token(user, TOKEN_CONFIRM, CONFIRM_VALID)
    compose.send(user, f"Bevestig je aanmelding: {activity.title}", "activities/mail_confirm.txt", name=name,
                 activity=activity, place=mail.place(activity),
                 link=compose.absolute_url("activities.confirm_email", token=token), days=CONFIRM_VALID.days)


@dataclass
class NewcomerOutcome:
    activity: Activity
    registration: Registration | None
    message: str | None
    rank: int | None = None


@transactional
def confirm_newcomer(token: str) -> tuple[User, list[NewcomerOutcome], str | None]:
    """Use a confirmation link: the address is confirmed and every pending sign-up of this person becomes
    a registration (seat or waiting list). Returns the person, the outcomes and, for someone without a
    password yet, a link to choose one."""
    user = consume_token(token, TOKEN_CONFIRM)
    if user is None:
        raise DomainError("Deze link is verlopen of al gebruikt. Meld je opnieuw aan via de agenda; "
                          "je krijgt dan een nieuwe link.")
    now = utcnow()
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now
    pendings = db.session.scalars(select(NewcomerSignup).options(joinedload(NewcomerSignup.activity))
                                  .where(NewcomerSignup.user_id == user.id, NewcomerSignup.completed_at.is_(None))
                                  .order_by(NewcomerSignup.id)).all()
    outcomes = []
    for pending in pendings:
        if user.organisation_id is None and pending.organisation_name:
            organisation = non_partner_named(pending.organisation_name)
            if organisation is not None:
                user.organisation_id = organisation.id
                db.session.flush()
        try:
            registration = register(pending.activity, user, None, notify=True)
        except SignupError as exc:  # refused before anything was written: this sign-up only is explained
            pending.outcome = exc.message[:300]
            outcomes.append(NewcomerOutcome(pending.activity, None, exc.message))
        else:
            pending.registration_id = registration.id
            outcomes.append(NewcomerOutcome(pending.activity, registration, None, waitlist_rank(registration)))
        pending.completed_at = now
    password_link = None
    if not user.password_hash:
        password_link = compose.absolute_url("auth.reset_password",
                                             token=issue_token(user, TOKEN_RESET, CONFIRM_VALID))
    audit.record(user.id, "newcomer.confirmed", "user", user.id, signups=len(outcomes))
    return user, outcomes, password_link


def pending_newcomers(activity: Activity) -> list[tuple[NewcomerSignup, str]]:
    """Sign-ups from the agenda still waiting for the e-mail confirmation."""
    return db.session.execute(
        select(NewcomerSignup, User.name).join(User, User.id == NewcomerSignup.user_id)
        .where(NewcomerSignup.activity_id == activity.id, NewcomerSignup.completed_at.is_(None))
        .order_by(NewcomerSignup.created_at)).all()


def stated_organisations(activity: Activity) -> dict[int, str]:
    """user id -> the organisation name a newcomer typed (shown to organisers next to the registration)."""
    rows = db.session.execute(select(NewcomerSignup.user_id, NewcomerSignup.organisation_name).where(
        NewcomerSignup.activity_id == activity.id, NewcomerSignup.organisation_name.is_not(None)))
    return {user_id: name for user_id, name in rows}
