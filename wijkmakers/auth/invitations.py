"""Accounts an administrator opens for staff: the account is made without a password and the person
chooses one through a single-use link (the same invitation token partners use for colleagues), so no
administrator ever knows or sends someone else's password."""
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from ..core.audit import record
from ..core.errors import DomainError
from ..core.permissions import BEHEERDER
from ..core.timeutil import utcnow
from ..core.transaction import transactional
from ..extensions import db
from ..notifications.compose import absolute_url, send
from .models import TOKEN_INVITE, User, UserRole
from .services import clean_email, create_user, issue_token

INVITATION_DAYS = 7


@transactional
def invite_account(email: str, name: str, roles: list[str], by: User) -> User:
    """Open an account with these roles and mail its owner a link to choose a password."""
    name = " ".join((name or "").split())
    if not name:
        raise DomainError("Vul een naam in.", "name")
    if not roles:
        raise DomainError("Kies minstens één rol.", "roles")
    user = create_user(clean_email(email), name, roles)
    db.session.flush()
    token = issue_token(user, TOKEN_INVITE, timedelta(days=INVITATION_DAYS))
    send(user, "Je account voor Wijkmakers", "auth/mail_account_invitation.txt", by=by,
         link=absolute_url("auth.accept_invitation", token=token), days=INVITATION_DAYS,
         login_url=absolute_url("auth.login"))
    record(by.id, "account_invited", "user", user.id, roles=sorted(roles))
    return user


def administrator_exists() -> bool:
    return db.session.scalar(
        select(User.id).join(UserRole).where(UserRole.role == BEHEERDER, User.anonymised_at.is_(None)).limit(1)
    ) is not None


@transactional
def create_first_administrator(email: str, name: str, password: str) -> User:
    """The account `flask setup` makes on an empty portal; refused once any administrator exists."""
    if administrator_exists():
        raise DomainError("Het portaal is al ingericht: er is al een beheerder. Maak nieuwe accounts aan op "
                          f"{current_app.config.get('BASE_URL', '')}/beheer/gebruikers.")
    name = " ".join((name or "").split())
    if not name:
        raise DomainError("Vul een naam in.", "name")
    user = create_user(clean_email(email), name, [BEHEERDER], password=password, email_confirmed_at=utcnow())
    db.session.flush()
    record(user.id, "portal_set_up", "user", user.id)
    return user
