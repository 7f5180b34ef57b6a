"""People with an account (or a minimal record, for residents signed up by phone) and their roles."""
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..extensions import db

KIND_RESIDENT = "bewoner"
KIND_PROFESSIONAL = "professional"
KIND_LABELS = {KIND_RESIDENT: "Bewoner", KIND_PROFESSIONAL: "Professional"}

NEIGHBOURHOODS = (
    "Vinkhuizen", "Paddepoel", "Selwerd", "Tuinwijk", "Indische buurt", "De Hoogte",
    "Professorenbuurt", "Oosterparkwijk", "Korrewegwijk", "Beijum", "Lewenborg",
)


class User(UserMixin, db.Model):
    __tablename__ = "user"
    # Lists skip erased people and go by name: a partial index serves the filter, the order and the count
    # (a plain index on anonymised_at misled SQLite's planner: it looks selective but holds nearly everyone).
    __table_args__ = (Index("ix_user_name_not_erased", "name", sqlite_where=text("anonymised_at IS NULL"),
                            postgresql_where=text("anonymised_at IS NULL")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-case; NULL for a resident signed up by phone without an address.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), index=True)  # lists of people are sorted by name
    password_hash: Mapped[str | None] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(20), default=KIND_RESIDENT)
    job_title: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(40))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    neighbourhood: Mapped[str | None] = mapped_column(String(60))
    active: Mapped[bool] = mapped_column(default=True)
    email_confirmed_at: Mapped[datetime | None]
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    checkin_code: Mapped[str | None] = mapped_column(String(12), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    anonymised_at: Mapped[datetime | None]
    erasure_requested_at: Mapped[datetime | None]
    # Sessions and remember-me cookies carry "id:version" (get_id); raising the version ends every copy of
    # every session of this person on every server (log-out, new password, role change, block, erasure).
    session_version: Mapped[int] = mapped_column(default=1, server_default=text("1"))
    # Set by a beheerder (auth.blocking): no log-in, no sessions, no mail except the notice of the block.
    blocked_at: Mapped[datetime | None]

    # Loaded on demand: the signed-in user gets them joined in (see load_user), lists that show them ask
    # for them; everyone else (guides, staff, registrations) is loaded without an extra query for roles.
    roles: Mapped[list["UserRole"]] = relationship(back_populates="user", cascade="all, delete-orphan")
    organisation = relationship("Organisation", foreign_keys=[organisation_id], lazy="joined")

    # Flask-Login: a deactivated, blocked or anonymised account cannot log in.
    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return bool(self.active) and self.anonymised_at is None and self.blocked_at is None

    def get_id(self) -> str:
        """What the session and the remember-me cookie hold: the id and the session version."""
        return f"{self.id}:{self.session_version or 1}"

    def end_sessions(self) -> None:
        """Make every existing session and remember-me cookie of this person stop working."""
        self.session_version = (self.session_version or 1) + 1

    @property
    def role_keys(self) -> set[str]:
        return {r.role for r in self.roles}

    def has_role(self, role: str) -> bool:
        return role in self.role_keys

    def has_any_role(self, *roles: str) -> bool:
        return bool(self.role_keys.intersection(roles))

    # Flask-Login's UserMixin compares users by id, which makes every unsaved user equal to every
    # other; the session's identity map already gives one object per row, so identity is right.
    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class UserRole(db.Model):
    __tablename__ = "user_role"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    user: Mapped[User] = relationship(back_populates="roles")


# Token purposes (not secrets).
TOKEN_RESET = "reset"  # noqa: S105
TOKEN_INVITE = "invite"  # noqa: S105
TOKEN_CONFIRM = "confirm"  # noqa: S105


class AuthToken(db.Model):
    """A single-use e-mailed token (password reset, invitation, address confirmation).

    Only a SHA-256 of the token is stored, so a database leak does not hand out working links.
    """

    __tablename__ = "auth_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
