"""The participants of one activity, for its organisers: the list as a spreadsheet (Dutch CSV or XLSX) and
one message to all of them in one step, queued through the outbox (one mail per person).

"Participants" are the active registrations: the confirmed ones, and, when the organiser asks for it,
the waiting list too. Cancelled registrations are never listed or mailed. Both the export (it holds
personal data) and the mailing are recorded in the audit trail.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..auth.models import KIND_LABELS, User
from ..core import audit
from ..core.errors import DomainError
from ..core.spreadsheet import to_csv
from ..core.text import clean_text
from ..core.timeutil import to_local
from ..core.transaction import transactional
from ..core.xlsx import XlsxWriter
from ..extensions import db
from ..notifications import compose
from .mail import detail_link, place
from .models import REG_CONFIRMED, REG_LABELS, REG_WAITLISTED, Activity, Attendance
from .newcomers import stated_organisations
from .signups import is_public_activity, registrations_for, waitlist_ranks

LIST_FORMATS = ("csv", "xlsx")
LIST_HEADER = ["Naam", "E-mailadres", "Telefoon", "Organisatie", "Bewoner of professional", "Status",
               "Plaats op wachtlijst", "Aangemeld op", "Aanwezig"]
LIST_WIDTHS = [28, 32, 16, 30, 14, 14, 12, 18, 10]

RECIPIENTS_CONFIRMED = "bevestigd"
RECIPIENTS_WITH_WAITLIST = "met_wachtlijst"
RECIPIENT_CHOICES = {RECIPIENTS_CONFIRMED: "Bevestigde deelnemers",
                     RECIPIENTS_WITH_WAITLIST: "Bevestigde deelnemers en de wachtlijst"}
SUBJECT_LIMIT = 150
TEXT_LIMIT = 5000


def participant_rows(activity: Activity) -> list[list]:
    """One row per active registration (confirmed first, then the waiting list in order)."""
    registrations = registrations_for(activity)
    ranks = waitlist_ranks(registrations)
    stated = stated_organisations(activity)
    presence = dict(db.session.execute(select(Attendance.user_id, Attendance.present)
                                       .where(Attendance.activity_id == activity.id)).all())
    rows = []
    for r in registrations:
        person: User = r.user
        organisation = person.organisation.name if person.organisation else stated.get(r.user_id, "")
        rows.append([person.name, person.email or "", person.phone or "", organisation,
                     KIND_LABELS.get(person.kind, person.kind or ""), REG_LABELS[r.status], ranks.get(r.id),
                     to_local(r.created_at).replace(tzinfo=None), presence.get(r.user_id)])
    return rows


def _csv_value(value):
    return value.strftime("%d-%m-%Y %H:%M") if hasattr(value, "strftime") else value


def participant_file(activity: Activity, fmt: str) -> tuple[bytes, int]:
    """The list as ``fmt`` (csv: semicolons for Dutch Excel; xlsx: typed cells) and its number of rows."""
    rows = participant_rows(activity)
    if fmt == "xlsx":
        book = XlsxWriter()
        with book.sheet("Deelnemers", LIST_HEADER, widths=LIST_WIDTHS) as sheet:
            for row in rows:
                sheet.append(row)
        return book.close(), len(rows)
    return to_csv(LIST_HEADER, [[_csv_value(v) for v in row] for row in rows]), len(rows)


@transactional
def log_participant_export(activity: Activity, by: User, fmt: str, rows: int) -> None:
    audit.record(by.id, "activity.participants_exported", "activity", activity.id, format=fmt, rows=rows)


@dataclass
class Mailing:
    queued: int            # mails put in the outbox
    without_address: int   # participants without an e-mail address (phone only): not mailed


def recipients(activity: Activity, choice: str) -> list[User]:
    statuses = (REG_CONFIRMED, REG_WAITLISTED) if choice == RECIPIENTS_WITH_WAITLIST else (REG_CONFIRMED,)
    return [r.user for r in registrations_for(activity) if r.status in statuses]


@transactional
def mail_participants(activity: Activity, subject: str, text: str, by: User,
                      choice: str = RECIPIENTS_CONFIRMED) -> Mailing:
    """Queue one mail with the organiser's subject and text to every participant with an e-mail address,
    replies going to the organiser; all in one transaction."""
    if not is_public_activity(activity):
        raise DomainError("Deelnemers van een leergangbijeenkomst mail je via de leergang.")
    if activity.is_cancelled:
        raise DomainError("Deze activiteit is geannuleerd; de deelnemers hebben daarover al bericht gekregen.")
    if choice not in RECIPIENT_CHOICES:
        raise DomainError("Kies wie het bericht krijgt.", field="recipients")
    subject = clean_text(subject, "het onderwerp", SUBJECT_LIMIT, field="subject", required=True, single_line=True)
    text = clean_text(text, "het bericht", TEXT_LIMIT, field="text", required=True)
    people = recipients(activity, choice)
    if not people:
        raise DomainError("Er is nog niemand aangemeld die dit bericht kan krijgen.", field="recipients")
    url = detail_link(activity)
    queued = 0
    for person in people:
        if compose.send(person, subject, "activities/mail_message.txt", reply_to=by.email or None,
                        activity=activity, place=place(activity), url=url, message=text, sender=by):
            queued += 1
    audit.record(by.id, "activity.participants_mailed", "activity", activity.id, recipients=choice,
                 queued=queued, subject=subject[:150])
    return Mailing(queued=queued, without_address=len(people) - queued)
