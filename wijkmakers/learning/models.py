"""Programmes, their modules and phases, cohorts, enrolments and module progress."""
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..extensions import db

PROGRAMME_LEERGANG = "leergang-wijkontwikkeling"
PROGRAMME_BESTUURDERS = "bestuurdersleergang"
PROGRAMME_PARTICIPATIE = "leergang-participatie"
PROGRAMME_TRAINEESHIP = "traineeship"

# What kind of programme it is: the municipality's figures count participants per kind, so a programme an
# organiser creates ("Leergang Wijkontwikkeling 2027-2028") lands in the right row without a developer.
KIND_LEERGANG = "leergang"
KIND_BESTUURDERS = "bestuurdersleergang"
KIND_PARTICIPATIE = "participatie"
KIND_TRAINEESHIP = "traineeship"
PROGRAMME_KINDS = {
    KIND_LEERGANG: "Leergang wijkontwikkeling",
    KIND_BESTUURDERS: "Bestuurdersleergang",
    KIND_PARTICIPATIE: "Leergang participatie",
    KIND_TRAINEESHIP: "Traineeship (met fasen en stages)",
}


class Module(db.Model):
    """A module's text lives in content/modules/*.md and is synced here by slug."""

    __tablename__ = "module"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(160))
    theme: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)
    study_hours: Mapped[int] = mapped_column(default=0)
    learning_goals: Mapped[list] = mapped_column(JSON, default=list)
    body_markdown: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    source_file: Mapped[str | None] = mapped_column(String(200))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    archived_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Set when the text was last saved in the browser; `content sync` then leaves the module alone and
    # reports a conflict when its file changed too (see content.sync_modules).
    edited_at: Mapped[datetime | None]


class ModuleVersion(db.Model):
    """Every saved text of a module, with who saved it and how: from the file, in the browser, or restored."""
    __tablename__ = "module_version"
    __table_args__ = (UniqueConstraint("module_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    origin: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(160))
    theme: Mapped[str] = mapped_column(String(80))
    study_hours: Mapped[int] = mapped_column(default=0)
    learning_goals: Mapped[list] = mapped_column(JSON, default=list)
    body_markdown: Mapped[str] = mapped_column(Text, default="")
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)

    saved_by = relationship("User")


class Programme(db.Model):
    __tablename__ = "programme"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20), default=KIND_LEERGANG, server_default=KIND_LEERGANG)
    audience: Mapped[str] = mapped_column(Text, default="", server_default="")
    duration_months: Mapped[int] = mapped_column(default=10)
    archived_at: Mapped[datetime | None]
    # Completion rule, configurable per programme.
    require_all_modules: Mapped[bool] = mapped_column(default=True)
    min_attendance_pct: Mapped[int] = mapped_column(default=80)

    modules: Mapped[list["ProgrammeModule"]] = relationship(
        back_populates="programme", order_by="ProgrammeModule.position", cascade="all, delete-orphan"
    )
    phases: Mapped[list["Phase"]] = relationship(
        back_populates="programme", order_by="Phase.number", cascade="all, delete-orphan"
    )

    @property
    def kind_label(self) -> str:
        return PROGRAMME_KINDS.get(self.kind, self.kind)

    @property
    def is_traineeship(self) -> bool:
        return self.kind == KIND_TRAINEESHIP


class Phase(db.Model):
    """A phase of a long track (the traineeship: four half-years)."""

    __tablename__ = "phase"
    __table_args__ = (UniqueConstraint("programme_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    has_placement: Mapped[bool] = mapped_column(default=True)

    programme: Mapped[Programme] = relationship(back_populates="phases")


class ProgrammeModule(db.Model):
    __tablename__ = "programme_module"
    __table_args__ = (UniqueConstraint("programme_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"), index=True)
    phase_id: Mapped[int | None] = mapped_column(ForeignKey("phase.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(default=0)

    programme: Mapped[Programme] = relationship(back_populates="modules")
    module: Mapped[Module] = relationship(lazy="joined")
    phase: Mapped[Phase | None] = relationship()


class Cohort(db.Model):
    """One run of a programme, e.g. Leergang Wijkontwikkeling 2023-2024."""

    __tablename__ = "cohort"
    __table_args__ = (UniqueConstraint("programme_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    capacity: Mapped[int] = mapped_column(default=20)
    open_for_requests: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    programme: Mapped[Programme] = relationship(lazy="joined")

    @property
    def label(self) -> str:
        return f"{self.programme.name} {self.name}"


ENROLMENT_REQUESTED = "aangevraagd"
ENROLMENT_ACTIVE = "actief"
ENROLMENT_COMPLETED = "afgerond"
ENROLMENT_WITHDRAWN = "gestopt"
ENROLMENT_REJECTED = "afgewezen"
ENROLMENT_LABELS = {
    ENROLMENT_REQUESTED: "Aangevraagd",
    ENROLMENT_ACTIVE: "Actief",
    ENROLMENT_COMPLETED: "Afgerond",
    ENROLMENT_WITHDRAWN: "Gestopt",
    ENROLMENT_REJECTED: "Afgewezen",
}


class Enrolment(db.Model):
    __tablename__ = "enrolment"
    __table_args__ = (UniqueConstraint("user_id", "cohort_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=ENROLMENT_ACTIVE, index=True)
    # The organisation the person came from when enrolled: history survives a job change.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"),
                                                        index=True)
    enrolled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]

    user = relationship("User", foreign_keys=[user_id])
    cohort: Mapped[Cohort] = relationship(lazy="joined")
    mentor = relationship("User", foreign_keys=[mentor_id])
    enrolled_by = relationship("User", foreign_keys=[enrolled_by_id])


class Placement(db.Model):
    """A trainee's placement at a partner organisation during one phase, with a mentor there."""

    __tablename__ = "placement"
    __table_args__ = (UniqueConstraint("enrolment_id", "phase_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id", ondelete="CASCADE"))
    phase_id: Mapped[int] = mapped_column(ForeignKey("phase.id", ondelete="CASCADE"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"))
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    completed_at: Mapped[datetime | None]

    enrolment: Mapped[Enrolment] = relationship()
    phase: Mapped[Phase] = relationship()
    organisation = relationship("Organisation")
    mentor = relationship("User")


PROGRESS_NOT_STARTED = "niet_gestart"
PROGRESS_IN_PROGRESS = "bezig"
PROGRESS_STUDIED = "bestudeerd"
PROGRESS_LABELS = {
    PROGRESS_NOT_STARTED: "Niet gestart",
    PROGRESS_IN_PROGRESS: "Bezig",
    PROGRESS_STUDIED: "Bestudeerd",
}


class ModuleProgress(db.Model):
    __tablename__ = "module_progress"
    __table_args__ = (UniqueConstraint("user_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=PROGRESS_IN_PROGRESS)
    studied_at: Mapped[datetime | None]
    reflection: Mapped[str] = mapped_column(Text, default="")
    action_plan: Mapped[str] = mapped_column(Text, default="")
    action_plan_at: Mapped[datetime | None]
    # "Van leren naar doen": what the participant actually did afterwards.
    action_outcome: Mapped[str] = mapped_column(Text, default="")
    action_outcome_at: Mapped[datetime | None]
    followup_sent_at: Mapped[datetime | None]
    response: Mapped[str] = mapped_column(Text, default="")
    response_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    response_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    module: Mapped[Module] = relationship()
    user = relationship("User", foreign_keys=[user_id])
    response_by = relationship("User", foreign_keys=[response_by_id])


class WorkFile(db.Model):
    """The file a participant handed in with a module's doe-opdracht: one per module, a new one replaces it.
    Kept in the database so every app server serves it and a backup holds it."""
    __tablename__ = "work_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    progress_id: Mapped[int] = mapped_column(ForeignKey("module_progress.id", ondelete="CASCADE"), unique=True)
    filename: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class Worksheet(db.Model):
    """A document that belongs to a module (a worksheet or reader), uploaded by an organiser."""
    __tablename__ = "worksheet"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(160))
    filename: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
