"""Activities (walks, masterclasses, meetings, course sessions), sign-ups and attendance."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..extensions import db

KIND_WALK = "wijkwandeling"
KIND_MASTERCLASS = "masterclass"
KIND_WORKSHOP = "workshop"
KIND_LECTURE = "lezing"
KIND_THEME_MEETING = "themabijeenkomst"
KIND_PARTNER_MEETING = "partnerbijeenkomst"
KIND_SESSION = "leergangbijeenkomst"
ACTIVITY_KINDS = {
    KIND_WALK: "Wijkwandeling",
    KIND_MASTERCLASS: "Masterclass",
    KIND_WORKSHOP: "Workshop",
    KIND_LECTURE: "Lezing",
    KIND_THEME_MEETING: "Themabijeenkomst",
    KIND_PARTNER_MEETING: "Partnerbijeenkomst",
    KIND_SESSION: "Bijeenkomst leergang",
}
ONE_DAY_KINDS = (KIND_WALK, KIND_MASTERCLASS, KIND_WORKSHOP, KIND_LECTURE, KIND_THEME_MEETING)

STATUS_PLANNED = "gepland"
STATUS_CANCELLED = "geannuleerd"

WALK_DEFAULT_CAPACITY = 16
WALK_MINIMUM = 8


class ActivitySeries(db.Model):
    """A recurring activity, such as the monthly walk; each occurrence stays editable."""

    __tablename__ = "activity_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), default=KIND_WALK)
    title: Mapped[str] = mapped_column(String(160))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Activity(db.Model):
    __tablename__ = "activity"
    __table_args__ = (
        CheckConstraint("seats_taken >= 0 AND seats_taken <= capacity", name="seats_within_capacity"),
        # The public lists (cohort_id IS NULL) read upcoming activities in date order; without these the
        # planner takes the cohort index alone and sorts every public activity ever held.
        Index("ix_activity_cohort_starts", "cohort_id", "starts_at"),
        Index("ix_activity_cohort_ends", "cohort_id", "ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    title: Mapped[str] = mapped_column(String(160))
    theme: Mapped[str | None] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    location: Mapped[str | None] = mapped_column(String(200))
    meeting_point: Mapped[str | None] = mapped_column(String(200))
    neighbourhood: Mapped[str | None] = mapped_column(String(60), index=True)
    practical_notes: Mapped[str] = mapped_column(Text, default="")
    speakers: Mapped[str | None] = mapped_column(String(300))
    capacity: Mapped[int] = mapped_column(default=WALK_DEFAULT_CAPACITY)
    # Seats are granted by a guarded UPDATE on this counter (see activities.services).
    seats_taken: Mapped[int] = mapped_column(default=0)
    min_participants: Mapped[int | None]
    signup_deadline: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20), default=STATUS_PLANNED, index=True)
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    cancelled_at: Mapped[datetime | None]
    go_decision_at: Mapped[datetime | None]
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    module_id: Mapped[int | None] = mapped_column(ForeignKey("module.id", ondelete="SET NULL"))
    series_id: Mapped[int | None] = mapped_column(ForeignKey("activity_series.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ics_sequence: Mapped[int] = mapped_column(default=0)

    # Loaded when asked for: lists of activities (agenda, home) do not show guides; the planning list
    # asks for them with selectinload.
    guides: Mapped[list["ActivityGuide"]] = relationship(back_populates="activity", cascade="all, delete-orphan")
    cohort = relationship("Cohort")
    module = relationship("Module")
    series: Mapped[ActivitySeries | None] = relationship()

    @property
    def kind_label(self) -> str:
        return ACTIVITY_KINDS.get(self.kind, self.kind)

    @property
    def is_cancelled(self) -> bool:
        return self.status == STATUS_CANCELLED

    @property
    def seats_free(self) -> int:
        return max(0, self.capacity - self.seats_taken)


class ActivityGuide(db.Model):
    """A guide (begeleider) of an activity; guides do not take participants' seats."""

    __tablename__ = "activity_guide"
    __table_args__ = (UniqueConstraint("activity_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)

    activity: Mapped[Activity] = relationship(back_populates="guides")
    user = relationship("User", lazy="joined")


REG_CONFIRMED = "bevestigd"
REG_WAITLISTED = "wachtlijst"
REG_CANCELLED = "geannuleerd"
REG_LABELS = {REG_CONFIRMED: "Bevestigd", REG_WAITLISTED: "Wachtlijst", REG_CANCELLED: "Geannuleerd"}


class Registration(db.Model):
    __tablename__ = "registration"
    # ``active`` is TRUE for a live registration and NULL once cancelled: NULLs never collide in a
    # unique constraint, so the database allows one active registration per person per activity
    # (on SQLite and PostgreSQL alike) while keeping cancelled ones as history.
    __table_args__ = (
        UniqueConstraint("activity_id", "user_id", "active"),
        # Participation figures read registrations per activity by state.
        Index("ix_registration_activity_active_status_user", "activity_id", "active", "status", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    active: Mapped[bool | None] = mapped_column(default=True)
    waitlist_position: Mapped[int | None]
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"),
                                                        index=True)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Set (by a guarded UPDATE) when the reminder two days before went into the outbox: never twice.
    reminded_at: Mapped[datetime | None]

    activity: Mapped[Activity] = relationship()
    user = relationship("User", foreign_keys=[user_id])


class RegistrationEvent(db.Model):
    """History of every status change, so the figures of any past day can be explained."""

    __tablename__ = "registration_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # geregistreerd, wachtlijst, doorgeschoven, geannuleerd, aanwezig, afwezig
    event: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(String(300))


class Attendance(db.Model):
    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("activity_id", "user_id"),
        # Participation figures count the present per activity.
        Index("ix_attendance_activity_present_user", "activity_id", "present", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    present: Mapped[bool] = mapped_column(default=True)
    walk_in: Mapped[bool] = mapped_column(default=False)
    checked_in_at: Mapped[datetime | None]
    # The person's organisation and kind at that moment, so later moves do not rewrite history.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"),
                                                        index=True)
    participant_kind: Mapped[str | None] = mapped_column(String(20))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Set (by a guarded UPDATE) when the invitation to evaluate went into the outbox: never twice.
    feedback_invited_at: Mapped[datetime | None]

    activity: Mapped[Activity] = relationship()
    user = relationship("User", foreign_keys=[user_id])


class Feedback(db.Model):
    __tablename__ = "feedback"
    __table_args__ = (
        UniqueConstraint("activity_id", "user_id"),
        CheckConstraint("mark >= 1 AND mark <= 10", name="mark_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    mark: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None]


class NewcomerSignup(db.Model):
    """A sign-up from the public agenda by someone without an account (or not logged in), waiting
    until they confirm their e-mail address; then it becomes a Registration."""

    __tablename__ = "newcomer_signup"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    # What the person typed; linked to an Organisation only when that is not a partner (see services).
    organisation_name: Mapped[str | None] = mapped_column(String(160))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]
    # The outcome on confirmation: a registration, or the Dutch reason why not.
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registration.id", ondelete="SET NULL"))
    outcome: Mapped[str | None] = mapped_column(String(300))

    activity: Mapped[Activity] = relationship()
