"""Account rules: passwords, log-in, single-use tokens, roles."""
import hashlib
import secrets
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import joinedload, lazyload, selectinload
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.audit import record
from ..core.errors import DomainError, NotFound
from ..core.pagination import Page, PreparedPage, paginate
from ..core.permissions import ALL_ROLES, BEHEERDER
from ..core.search import LIKE_ESCAPE, like_pattern
from ..core.statements import prepared
from ..core.timeutil import utcnow
from ..core.transaction import transactional
from ..extensions import db
from ..notifications.compose import absolute_url, send
from .models import TOKEN_RESET, AuthToken, User, UserRole

MIN_PASSWORD_LENGTH = 10
# A fixed hash to compare against when the account does not exist, so timing does not reveal it.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


class AccountError(DomainError):
    """A rule about accounts was broken (Dutch message). Its own kind because partners' bulk enrolment
    reports it per row."""


def normalise_email(email: str | None) -> str | None:
    email = (email or "").strip().lower()
    return email or None


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


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Kies een wachtwoord van minstens {MIN_PASSWORD_LENGTH} tekens.", "password")
    if len(set(password)) < 4:
        raise AccountError("Dit wachtwoord is te eenvoudig: gebruik meer verschillende tekens.", "password")


def user_by_email(email: str | None) -> User | None:
    email = normalise_email(email)
    if not email:
        return None
    return db.session.scalar(select(User).where(User.email == email))


def signed_in_user(user_id: int) -> User | None:
    """The user of a session, with roles (joined in: every request checks them); the organisation is
    loaded only on the pages that show it. None for an unknown or deactivated account."""
    user = db.session.execute(_signed_in_user(), {"user_id": user_id}).unique().scalar_one_or_none()
    return user if user is not None and user.is_active else None


@prepared  # run on every signed-in request
def _signed_in_user():
    return (select(User).options(joinedload(User.roles), lazyload(User.organisation))
            .where(User.id == bindparam("user_id")))


def users_page(q: str | None, per_page: int = 30) -> Page:
    """One page of the people not erased, by name, with their roles; ``q`` searches name and e-mail."""
    q = (q or "").strip()
    params = {"like": like_pattern(q)} if q else {}  # a typed % or _ is searched for literally
    return paginate(_users(bool(q)), per_page=per_page, params=params)


@prepared
def _users(search: bool) -> PreparedPage:
    stmt = select(User).options(selectinload(User.roles)).where(User.anonymised_at.is_(None)).order_by(User.name)
    if search:
        like = bindparam("like")
        stmt = stmt.where(or_(User.email.like(like, escape=LIKE_ESCAPE), User.name.ilike(like, escape=LIKE_ESCAPE)))
    return PreparedPage(stmt)


@transactional
def authenticate(email: str, password: str) -> User | None:
    user = user_by_email(email)
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.is_active:
        return None
    user.last_login_at = utcnow()
    return user


def create_user(email: str | None, name: str, roles: list[str] | tuple = (), password: str | None = None,
                **fields) -> User:
    """The one way to make an account: normalised, unique e-mail address (or none, for someone signed up
    by phone), password rules, roles. It only adds the account to the session, like queue_mail: it is a
    step of a larger process (an invitation, a sign-up, a bulk enrolment), so call it inside that
    process's @transactional function (or through core.transaction.run, as the `flask user create`
    command does); it never commits on its own."""
    email = normalise_email(email)
    if email and user_by_email(email):
        raise AccountError("Er bestaat al een account met dit e-mailadres.", "email")
    user = User(email=email, name=name.strip(), **fields)
    if password is not None:
        check_password_rules(password)
        user.password_hash = hash_password(password)
    user.roles = [UserRole(role=r) for r in dict.fromkeys(roles)]
    db.session.add(user)
    return user


def set_roles(user: User, roles: list[str]) -> None:
    wanted = set(roles) & set(ALL_ROLES)
    user.roles = [r for r in user.roles if r.role in wanted] + [
        UserRole(role=r) for r in sorted(wanted - user.role_keys)
    ]


def editable_user(user_id: int) -> User:
    """An account a beheerder may change (not erased); anything else is NotFound."""
    user = db.session.get(User, user_id)
    if user is None or user.anonymised_at is not None:
        raise NotFound()
    return user


@transactional
def change_roles(user: User, roles: list[str], by: User) -> None:
    """A beheerder sets someone's roles (recorded); nobody takes away their own beheerder role."""
    if user.id == by.id and BEHEERDER not in roles:
        raise DomainError("Je kunt je eigen beheerdersrol niet intrekken; vraag een andere beheerder.", "roles")
    set_roles(user, roles)
    record(by.id, "roles_changed", "user", user.id, roles=sorted(roles))


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, purpose: str, valid_for: timedelta) -> str:
    """Create a single-use token; only its hash is stored. Returns the token itself."""
    token = secrets.token_urlsafe(32)
    db.session.add(AuthToken(user=user, purpose=purpose, token_hash=_hash_token(token),
                             expires_at=utcnow() + valid_for))
    return token


def find_valid_token(token: str, purpose: str) -> AuthToken | None:
    row = db.session.scalar(select(AuthToken).where(AuthToken.token_hash == _hash_token(token),
                                                    AuthToken.purpose == purpose))
    if row is None or row.used_at is not None or row.expires_at < utcnow():
        return None
    return row


def consume_token(token: str, purpose: str) -> User | None:
    """Mark a token used, atomically: of two simultaneous uses only one succeeds."""
    row = find_valid_token(token, purpose)
    if row is None:
        return None
    claimed = db.session.execute(
        AuthToken.__table__.update()
        .where(AuthToken.id == row.id, AuthToken.used_at.is_(None))
        .values(used_at=utcnow())
    ).rowcount
    return row.user if claimed == 1 else None


@transactional
def request_password_reset(email: str) -> None:
    """Mail a reset link if the account exists; say nothing either way (no account probing)."""
    user = user_by_email(email)
    if user is None or not user.is_active:
        return
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    token = issue_token(user, TOKEN_RESET, timedelta(hours=hours))
    send(user, "Nieuw wachtwoord voor Wijkmakers", "auth/mail_reset.txt",
         link=absolute_url("auth.reset_password", token=token), hours=hours)


@transactional
def reset_password(token: str, password: str, purpose: str = TOKEN_RESET) -> User:
    check_password_rules(password)
    user = consume_token(token, purpose)
    if user is None:
        raise AccountError("Deze link is verlopen of al gebruikt. Vraag een nieuwe link aan.")
    user.password_hash = hash_password(password)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()  # the link reached their mailbox
    return user


def count_users_by_role() -> dict[str, int]:
    rows = db.session.execute(select(UserRole.role, func.count()).group_by(UserRole.role))
    return dict(rows.all())
