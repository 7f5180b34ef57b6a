"""Attendance: the presence list of organisers and of an activity's own guides, walk-ins, check-in with
a personal code (typed, or read from the participant's QR code), no-shows, and a printable list.

Every change is kept twice: as a RegistrationEvent (aanwezig/afwezig, the participation history) and in
the audit trail (who changed what, when). Attendance records the person's organisation and kind at the
moment of the activity (the organisation of the registration, else the person's current one), and a
later correction does not rewrite them.
"""
import secrets
from dataclasses import dataclass
from datetime import datetime

import segno
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..auth.models import KIND_LABELS, User
from ..core import audit
from ..core.errors import DomainError
from ..core.timeutil import utcnow
from ..core.transaction import transactional
from ..extensions import db
from .models import REG_CONFIRMED, Activity, Attendance, Registration
from .signups import (EV_ABSENT, EV_PRESENT, find_or_create_person, is_guide, is_organiser, is_public_activity,
                      record_event, registrations_for)

# Check-in codes: 8 characters without look-alikes (no 0/O, 1/I/L), shown as ABCD-EFGH.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


# --------------------------------------------------------------------------------------------------
# Who may take attendance
# --------------------------------------------------------------------------------------------------

def can_take_attendance(activity: Activity, user) -> bool:
    """Organisers, and the guides of this very activity; never participants."""
    return is_organiser(user) or is_guide(activity, user)


# --------------------------------------------------------------------------------------------------
# Personal check-in codes
# --------------------------------------------------------------------------------------------------

def normalise_code(raw: str | None) -> str:
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())[:32]


def format_code(code: str | None) -> str:
    return f"{code[:4]}-{code[4:]}" if code and len(code) == CODE_LENGTH else (code or "")


def ensure_checkin_code(user: User) -> str:
    """The person's check-in code, made on first use (unique; a clash is simply drawn again)."""
    for _ in range(8):
        if user.checkin_code:
            return user.checkin_code
        try:
            code = _draw_checkin_code(user)
        except IntegrityError:  # pragma: no cover - drawn by someone else at the same moment: draw again
            continue
        if code is not None:
            return code
    raise DomainError("Er kon geen code worden gemaakt; probeer het opnieuw.")  # pragma: no cover


@transactional
def _draw_checkin_code(user: User) -> str | None:
    """One draw, one transaction: the code, or None when it is already someone's."""
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    if db.session.scalar(select(User.id).where(User.checkin_code == code)) is not None:
        return None
    user.checkin_code = code
    return code


def qr_svg_data_uri(code: str) -> str:
    """The code as a QR image (SVG data: URI; allowed by the Content-Security-Policy's img-src)."""
    return segno.make(code, error="m", micro=False).svg_data_uri(scale=8, border=2, dark="#000", light="#fff")


# --------------------------------------------------------------------------------------------------
# The list
# --------------------------------------------------------------------------------------------------

@dataclass
class Row:
    person: User
    mark: Attendance | None
    walk_in: bool
    organisation: str | None = None


def attendance_of(activity: Activity) -> dict[int, Attendance]:
    return {a.user_id: a for a in db.session.scalars(select(Attendance).where(Attendance.activity_id == activity.id))}


def presence_list(activity: Activity) -> list[Row]:
    """Everyone with a seat, then walk-ins and others marked: three queries whatever the size."""
    regs = [r for r in registrations_for(activity) if r.status == REG_CONFIRMED]
    marks = attendance_of(activity)
    rows = [Row(r.user, marks.get(r.user_id), False) for r in regs]
    listed = {r.user_id for r in regs}
    others = [a for a in marks.values() if a.user_id not in listed]
    if others:
        users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_([a.user_id for a in others])))}
        others.sort(key=lambda a: (users[a.user_id].name.lower(), a.user_id))
        rows += [Row(users[a.user_id], a, True) for a in others]
    for row in rows:
        row.organisation = row.person.organisation.name if row.person.organisation else None
    return rows


def _refuse_if_closed(activity: Activity) -> None:
    if activity.is_cancelled:
        raise DomainError("Deze activiteit is geannuleerd; er valt geen aanwezigheid bij te houden.")
    if not is_public_activity(activity):
        raise DomainError("De presentie van een leergangbijeenkomst houd je bij de leergang bij.")


def _record(activity: Activity, person: User, present: bool, by: User, walk_in: bool,
            registration: Registration | None, how: str | None = None) -> Attendance:
    """Set one mark in the caller's transaction; a mark that does not change is not recorded again."""
    attendance = db.session.scalar(select(Attendance).where(Attendance.activity_id == activity.id,
                                                            Attendance.user_id == person.id))
    if attendance is not None and attendance.present == present:
        return attendance
    if attendance is None:
        organisation_id = registration.organisation_id if registration else person.organisation_id
        attendance = Attendance(activity_id=activity.id, user_id=person.id, walk_in=walk_in,
                                organisation_id=organisation_id, participant_kind=person.kind)
        db.session.add(attendance)
        previous = None
    else:
        previous = "aanwezig" if attendance.present else "afwezig"
    attendance.present = present
    attendance.checked_in_at = utcnow() if present else None
    attendance.recorded_by_id = by.id
    note = ", ".join(n for n in ("inloop" if walk_in and present else None, how) if n) or None
    record_event(activity.id, person.id, EV_PRESENT if present else EV_ABSENT, by, note=note)
    db.session.flush()
    audit.record(by.id, "attendance.present" if present else "attendance.absent", "attendance", attendance.id,
                 activity_id=activity.id, user_id=person.id, walk_in=attendance.walk_in, previous=previous,
                 how=how)
    return attendance


@transactional
def mark_attendance(activity: Activity, person: User, present: bool, by: User, walk_in: bool = False,
                    how: str | None = None) -> Attendance:
    """Mark someone present or absent."""
    _refuse_if_closed(activity)
    registration = db.session.scalar(select(Registration).where(
        Registration.activity_id == activity.id, Registration.user_id == person.id, Registration.active.is_(True)))
    attendance = _record(activity, person, present, by, walk_in, registration, how)
    return attendance


def markable_person(activity: Activity, user_id: int) -> User | None:
    """Someone on this presence list: a confirmed registration or an existing mark (a walk-in)."""
    reg = db.session.scalar(select(Registration).options(joinedload(Registration.user)).where(
        Registration.activity_id == activity.id, Registration.user_id == user_id,
        Registration.status == REG_CONFIRMED, Registration.active.is_(True)))
    if reg is not None:
        return reg.user
    mark = db.session.scalar(select(Attendance).where(Attendance.activity_id == activity.id,
                                                      Attendance.user_id == user_id))
    return db.session.get(User, user_id) if mark is not None else None


@transactional
def mark_remaining_absent(activity: Activity, by: User) -> int:
    """Everyone with a seat but no mark yet is a no-show. Returns how many."""
    _refuse_if_closed(activity)
    if activity.starts_at > utcnow():
        raise DomainError("De activiteit is nog niet begonnen; wie er niet is, kun je pas daarna afwezig melden.")
    marks = attendance_of(activity)
    regs = [r for r in registrations_for(activity) if r.status == REG_CONFIRMED and r.user_id not in marks]
    for registration in regs:
        _record(activity, registration.user, False, by, False, registration, how="niet gekomen")
    return len(regs)


@transactional
def check_in(activity: Activity, raw_code: str, by: User) -> Attendance:
    """Check someone in with their personal code (typed, or read from their QR code)."""
    code = normalise_code(raw_code)
    if len(code) != CODE_LENGTH:
        raise DomainError("Een code heeft 8 tekens, zoals ABCD-EFGH. Controleer de code.")
    person = db.session.scalar(select(User).where(User.checkin_code == code))
    if person is None or not person.is_active:
        raise DomainError("Deze code kennen we niet. Controleer de code of meld de persoon als inloper aan.")
    if is_guide(activity, person):
        raise DomainError(f"{person.name} begeleidt deze activiteit.")
    _refuse_if_closed(activity)
    registration = db.session.scalar(select(Registration).where(
        Registration.activity_id == activity.id, Registration.user_id == person.id, Registration.active.is_(True)))
    walk_in = registration is None or registration.status != REG_CONFIRMED
    attendance = _record(activity, person, True, by, walk_in, registration, how="code")
    return attendance


@transactional
def walk_in(activity: Activity, name: str, email: str | None, kind: str, by: User) -> tuple[Attendance, User]:
    """Someone who did not sign up but came: a minimal participant record (or their existing account)."""
    _refuse_if_closed(activity)
    name = (name or "").strip()
    if not name:
        raise DomainError("Vul een naam in.", field="name")
    if kind not in KIND_LABELS:
        raise DomainError("Kies bewoner of professional.", field="kind")
    person = find_or_create_person(name, email, None, kind)
    if is_guide(activity, person):
        raise DomainError(f"{person.name} begeleidt deze activiteit.", field="name")
    registration = db.session.scalar(select(Registration).where(
        Registration.activity_id == activity.id, Registration.user_id == person.id, Registration.active.is_(True)))
    walk_in = registration is None or registration.status != REG_CONFIRMED
    attendance = _record(activity, person, True, by, walk_in, registration, how="inloper toegevoegd")
    return attendance, person


# --------------------------------------------------------------------------------------------------
# Printable presence list (PDF)
# --------------------------------------------------------------------------------------------------

@dataclass
class Sheet:
    activity: Activity
    rows: list[Row]
    blank_rows: int
    guides: list[str]
    printed_at: datetime


def presence_sheet(activity: Activity, blank_rows: int = 8) -> Sheet:
    return Sheet(activity, presence_list(activity), blank_rows, [g.user.name for g in activity.guides],
                 utcnow())
