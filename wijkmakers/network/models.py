"""The opt-in network: profiles, contact requests (with blocks and abuse reports) and initiatives.

Nothing here is visible unless its owner chose so: a profile is listed only while ``opted_in`` is true,
an initiative only while its author's profile is listed. E-mail addresses are never stored here and
never shown; they travel only in the mail that answers a contact request.
"""
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..extensions import db

# The ten module themes of the leergang (content/modules); Module.theme values of live modules are added.
THEMES = (
    "gebiedsgericht werken", "bewonersparticipatie", "samenlevingsopbouw", "energietransitie", "ondermijning",
    "ruimtelijke kwaliteit", "financiering", "governance", "gesprekstechniek", "presentatievaardigheden",
)


class NetworkProfile(db.Model):
    __tablename__ = "network_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    opted_in: Mapped[bool] = mapped_column(default=False, index=True)
    opted_in_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    # What the person chose to show.
    display_name: Mapped[str] = mapped_column(String(120))
    show_organisation: Mapped[bool] = mapped_column(default=False)
    show_kind: Mapped[bool] = mapped_column(default=False)
    show_participation: Mapped[bool] = mapped_column(default=False)
    neighbourhood: Mapped[str | None] = mapped_column(String(60), index=True)
    tags: Mapped[str] = mapped_column(String(300), default="")
    working_on: Mapped[str] = mapped_column(String(300), default="")
    introduction: Mapped[str] = mapped_column(Text, default="")
    accepts_contact: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    user = relationship("User", lazy="joined", innerjoin=True)
    themes: Mapped[list["NetworkProfileTheme"]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", order_by="NetworkProfileTheme.theme"
    )

    @property
    def tag_list(self) -> list[str]:
        return [t for t in (self.tags or "").split(", ") if t]


class NetworkProfileTheme(db.Model):
    __tablename__ = "network_profile_theme"
    __table_args__ = (UniqueConstraint("profile_id", "theme"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("network_profile.id", ondelete="CASCADE"), index=True)
    theme: Mapped[str] = mapped_column(String(80), index=True)

    profile: Mapped[NetworkProfile] = relationship(back_populates="themes")


KIND_CONTACT = "contact"
KIND_HELP = "hulp"

REQUEST_OPEN = "open"
REQUEST_ANSWERED = "beantwoord"
REQUEST_DECLINED = "afgeslagen"
# Sent by a sender the recipient blocked: kept (for the sender it looks sent), never delivered.
REQUEST_REFUSED = "geweigerd"
REQUEST_STATUSES = (REQUEST_OPEN, REQUEST_ANSWERED, REQUEST_DECLINED, REQUEST_REFUSED)


class ContactRequest(db.Model):
    """A short message from one person to another (or an offer of help on an initiative)."""

    __tablename__ = "network_contact_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default=KIND_CONTACT)
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    initiative_id: Mapped[int | None] = mapped_column(ForeignKey("network_initiative.id", ondelete="SET NULL"),
                                                      index=True)
    # The sender's name as it was shown to the recipient (profile name, or account name for staff).
    sender_name: Mapped[str] = mapped_column(String(120), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=REQUEST_OPEN, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    reply: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None]
    declined_at: Mapped[datetime | None]

    sender = relationship("User", foreign_keys=[sender_id])
    recipient = relationship("User", foreign_keys=[recipient_id])
    initiative = relationship("Initiative")


class NetworkBlock(db.Model):
    __tablename__ = "network_block"
    __table_args__ = (UniqueConstraint("blocker_id", "blocked_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    blocker_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    blocked_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # The name the blocker knew the other person by (so the list needs no profile of theirs).
    blocked_name: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AbuseReport(db.Model):
    __tablename__ = "network_abuse_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    reported_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("network_contact_request.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    handled_at: Mapped[datetime | None]
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    handled_note: Mapped[str] = mapped_column(Text, default="")

    reporter = relationship("User", foreign_keys=[reporter_id])
    reported = relationship("User", foreign_keys=[reported_id])
    handled_by = relationship("User", foreign_keys=[handled_by_id])
    request = relationship("ContactRequest")


STATUS_IDEA = "idee"
STATUS_BUSY = "bezig"
STATUS_DONE = "klaar"
STATUS_STOPPED = "gestopt"
INITIATIVE_STATUSES = {STATUS_IDEA: "Idee", STATUS_BUSY: "Bezig", STATUS_DONE: "Klaar", STATUS_STOPPED: "Gestopt"}


class Initiative(db.Model):
    """An action plan made public by its author: what they are doing in the neighbourhood."""

    __tablename__ = "network_initiative"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    # The doe-opdracht it came from (optional); one initiative per action plan.
    progress_id: Mapped[int | None] = mapped_column(ForeignKey("module_progress.id", ondelete="SET NULL"),
                                                    unique=True)
    title: Mapped[str] = mapped_column(String(160))
    neighbourhood: Mapped[str | None] = mapped_column(String(60), index=True)
    theme: Mapped[str | None] = mapped_column(String(80), index=True)
    status: Mapped[str] = mapped_column(String(20), default=STATUS_IDEA, index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    author = relationship("User")
    progress = relationship("ModuleProgress")
    updates: Mapped[list["InitiativeUpdate"]] = relationship(
        back_populates="initiative", cascade="all, delete-orphan", order_by="InitiativeUpdate.created_at.desc()"
    )

    @property
    def status_label(self) -> str:
        return INITIATIVE_STATUSES.get(self.status, self.status)


UPDATE_NOTE = "update"
UPDATE_FOLLOWUP = "opvolging"


class InitiativeUpdate(db.Model):
    __tablename__ = "network_initiative_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("network_initiative.id", ondelete="CASCADE"),
                                               index=True)
    kind: Mapped[str] = mapped_column(String(20), default=UPDATE_NOTE)
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    initiative: Mapped[Initiative] = relationship(back_populates="updates")

    @property
    def status_label(self) -> str | None:
        return INITIATIVE_STATUSES.get(self.status, self.status) if self.status else None


class InitiativeFollower(db.Model):
    __tablename__ = "network_initiative_follower"
    __table_args__ = (UniqueConstraint("initiative_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("network_initiative.id", ondelete="CASCADE"),
                                               index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
