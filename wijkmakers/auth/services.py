"""Account rules: passwords, log-in, single-use tokens, roles."""
import hashlib
import secrets
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import bindparam, delete, func, or_, select
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


class AccountBlocked(AccountError):
    """The right password for an account a beheerder blocked. Said only to someone who knows the password,
    so it tells a stranger nothing about the account."""


BLOCKED_MESSAGE = ("Je account is geblokkeerd, dus inloggen lukt nu niet. Neem contact op met Wijkmakers "
                   "als je denkt dat dit niet klopt.")


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


def signed_in_user(user_id: int, version: int | None = None) -> User | None:
    """The user of a session, with roles (joined in: every request checks them); the organisation is
    loaded only on the pages that show it. None for an unknown, deactivated, blocked or erased account,
    and, when ``version`` is given, for a session made before the person's sessions were ended."""
    user = db.session.execute(_signed_in_user(), {"user_id": user_id}).unique().scalar_one_or_none()
    if user is None or not user.is_active:
        return None
    if version is not None and version != user.session_version:
        return None
    return user


def session_user(session_id: str | None) -> User | None:
    """Flask-Login's user loader: ``session_id`` is what ``User.get_id`` gave, "id:version", from the
    session or the remember-me cookie. Anything else (an old plain id, garbage) is nobody."""
    user_id, sep, version = (session_id or "").partition(":")
    if not sep or not user_id.isdigit() or not version.isdigit() or len(user_id) > 18 or len(version) > 18:
        return None
    return signed_in_user(int(user_id), int(version))


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


def authenticate(email: str, password: str) -> User | None:
    """The account for this address and password, or None. Every attempt is in the audit log, by account
    id when the account exists (never the typed address or password). Raises AccountBlocked, after the
    attempt is recorded, for the right password of a blocked account."""
    user, blocked = _attempt_login(email, password)
    if blocked:
        raise AccountBlocked(BLOCKED_MESSAGE)
    return user


@transactional
def _attempt_login(email: str, password: str) -> tuple[User | None, bool]:
    # A failed attempt is recorded without an actor (whoever typed it is unknown), on the account it named.
    user = user_by_email(email)
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password)
        record(None, "login_failed", "user", user.id if user else None,
               reason="no_password" if user else "unknown_account")
        return None, False
    if not check_password_hash(user.password_hash, password):
        record(None, "login_failed", "user", user.id, reason="wrong_password")
        return None, False
    if user.blocked_at is not None:
        record(None, "login_failed", "user", user.id, reason="blocked")
        return None, True
    if not user.is_active:
        record(None, "login_failed", "user", user.id, reason="inactive")
        return None, False
    user.last_login_at = utcnow()
    record(user.id, "login", "user", user.id)
    return user, False


@transactional
def log_out(user: User) -> None:
    """End this person's sessions everywhere: every copy of the session and remember-me cookie."""
    user.end_sessions()
    record(user.id, "logout", "user", user.id)


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
    before = set(user.role_keys)
    set_roles(user, roles)
    if user.role_keys != before:
        user.end_sessions()  # rights change at once, on every device
    record(by.id, "roles_changed", "user", user.id, roles=sorted(roles))


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, purpose: str, valid_for: timedelta) -> str:
    """Create a single-use token; only its hash is stored. Returns the token itself. A new reset link
    replaces the person's older ones (whoever asked for it: the reset form, a newcomer's confirmation)."""
    if purpose == TOKEN_RESET:
        forget_tokens(user, purpose)
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


def forget_tokens(user: User, purpose: str) -> None:
    """Remove every outstanding token of ``purpose`` for ``user``: an older link stops working."""
    if user.id is None:
        return  # a new account has no tokens yet
    db.session.execute(delete(AuthToken).where(AuthToken.user_id == user.id, AuthToken.purpose == purpose,
                                               AuthToken.used_at.is_(None))
                       .execution_options(synchronize_session=False))


@transactional
def request_password_reset(email: str) -> None:
    """Mail a reset link if the account exists; say nothing either way (no account probing). A new link
    replaces the older ones. A blocked account gets none."""
    user = user_by_email(email)
    if user is None or not user.is_active:
        return
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    token = issue_token(user, TOKEN_RESET, timedelta(hours=hours))
    record(user.id, "password_reset_requested", "user", user.id)
    send(user, "Nieuw wachtwoord voor Wijkmakers", "auth/mail_reset.txt",
         link=absolute_url("auth.reset_password", token=token), hours=hours)


@transactional
def reset_password(token: str, password: str, purpose: str = TOKEN_RESET) -> User:
    check_password_rules(password)
    user = consume_token(token, purpose)
    if user is None or not user.is_active:
        raise AccountError("Deze link is verlopen of al gebruikt. Vraag een nieuwe link aan.")
    set_password(user, password)
    forget_tokens(user, purpose)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()  # the link reached their mailbox
    record(user.id, "password_reset_completed" if purpose == TOKEN_RESET else "password_set", "user", user.id)
    return user


def set_password(user: User, password: str) -> None:
    """A new password (checked against the rules) ends every other session of the person; a step of a
    larger @transactional process. The caller logs the person in again where that is wanted."""
    check_password_rules(password)
    user.password_hash = hash_password(password)
    user.end_sessions()


def count_users_by_role() -> dict[str, int]:
    rows = db.session.execute(select(UserRole.role, func.count()).group_by(UserRole.role))
    return dict(rows.all())
