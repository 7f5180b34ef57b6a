"""The partner contact's staff import: upload a list -> preview with every row's problems -> enrol all rows
in one transaction, or none at all.

Rules in one place:
- The parsed rows are kept server-side (StaffImport), bound to the contact and their organisation by an
  unguessable token, for IMPORT_KEEP; a preview of someone else is "not found".
- Consent before linking, as for one colleague: rows for active accounts of the contact's own organisation
  are enrolled; every other row (an account without an organisation, an unknown address, an account of
  another organisation) becomes an invitation (partners.invitations), shown and counted the same way
  whatever the address is, so the preview reveals nothing about it.
- The preview checks every row (address, target, duplicates, seats) in a fixed number of queries;
  committing checks again and refuses the whole file on any problem.
- Committing is one @transactional call: any row that fails rolls every row back (ImportRejected).
"""
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload

from ..auth.models import User
from ..auth.services import AccountError
from ..core.audit import record
from ..core.errors import DomainError
from ..core.timeutil import utcnow
from ..core.transaction import transactional
from ..extensions import db
from ..organisations.models import Organisation
from . import importer, invitations, targets
from .colleagues import MAX_JOB_TITLE, MAX_NAME, clean_email, contact_organisation, enrol_one, is_colleague
from .models import IMPORT_COMMITTED, IMPORT_PREVIEW, StaffImport

IMPORT_KEEP = timedelta(hours=24)
ALREADY_DONE = "Dit bestand is al verwerkt."


@transactional
def start_import(contact: User, filename: str, data: bytes, default_target: str | None) -> StaffImport:
    """Read the file and keep its rows server-side for the preview. Raises DomainError (ImportFileError
    on the ``file`` field when the file cannot be read)."""
    organisation = contact_organisation(contact)
    rows = importer.parse_upload(filename, data,
                                 max_bytes=current_app.config.get("PARTNER_IMPORT_MAX_BYTES",
                                                                  importer.DEFAULT_MAX_BYTES),
                                 max_rows=current_app.config.get("PARTNER_IMPORT_MAX_ROWS", importer.DEFAULT_MAX_ROWS))
    # Old previews of this organisation are of no use any more.
    db.session.execute(StaffImport.__table__.delete().where(StaffImport.organisation_id == organisation.id,
                                                            StaffImport.status == IMPORT_PREVIEW,
                                                            StaffImport.created_at < utcnow() - IMPORT_KEEP))
    batch = StaffImport(token=secrets.token_urlsafe(24), organisation_id=organisation.id, created_by_id=contact.id,
                        filename=(filename or "bestand")[-200:], default_target=default_target or None,
                        rows=[r.as_dict() for r in rows])
    db.session.add(batch)
    return batch


def get_import(token: str, contact: User) -> StaffImport | None:
    """The contact's own upload of their own organisation, still fresh; None otherwise."""
    if not token or len(token) > 64 or contact.organisation_id is None:
        return None
    batch = db.session.scalar(select(StaffImport).where(StaffImport.token == token))
    if (batch is None or batch.organisation_id != contact.organisation_id or batch.created_by_id != contact.id
            or batch.created_at < utcnow() - IMPORT_KEEP):
        return None
    return batch


@dataclass
class RowCheck:
    line: int
    email: str
    name: str
    job_title: str
    target_text: str
    target: targets.Target | None = None
    user: User | None = None  # a colleague of this organisation, enrolled at once
    existing: User | None = None  # the account of an invited address, if any (never shown)
    problems: list[str] = field(default_factory=list)

    @property
    def is_invitation(self) -> bool:
        return self.user is None

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class ImportCheck:
    rows: list[RowCheck]

    @property
    def problem_rows(self) -> list[RowCheck]:
        return [r for r in self.rows if r.problems]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.problem_rows

    @property
    def invitations(self) -> int:
        return sum(1 for r in self.rows if r.is_invitation)


def _known_people(emails) -> dict[str, User]:
    known = {}
    wanted = sorted(set(emails))
    for chunk_start in range(0, len(wanted), 500):
        for user in db.session.scalars(select(User).options(lazyload(User.roles), lazyload(User.organisation))
                                       .where(User.email.in_(wanted[chunk_start:chunk_start + 500]))):
            known[user.email] = user
    return known


def check_import(batch: StaffImport) -> ImportCheck:
    """Every row with its problems, in a fixed number of queries (plus one per distinct target for seats)."""
    index = targets.TargetIndex(targets.open_targets())
    checks = [RowCheck(line=r.get("line", 0), email=str(r.get("email", "")), name=str(r.get("name", "")),
                       job_title=str(r.get("job_title", "")), target_text=str(r.get("target") or ""))
              for r in batch.rows]
    emails = {}
    for row in checks:
        try:
            emails[row.line] = clean_email(row.email)
        except DomainError:
            row.problems.append("Ongeldig e-mailadres: controleer de schrijfwijze (zoals naam@organisatie.nl)."
                                if row.email.strip() else "E-mailadres ontbreekt.")
    known = _known_people(emails.values()) if emails else {}
    seen: dict[tuple[str, str], int] = {}
    invited_rows: dict[str, int] = {}
    organisation = db.session.get(Organisation, batch.organisation_id)
    for row in checks:
        wanted_target = row.target_text or batch.default_target or ""
        if not wanted_target:
            row.problems.append("Geen leergang of activiteit: kies er een in het formulier of vul de kolom "
                                "'aanmelden voor' in.")
        else:
            row.target = index.find(wanted_target)
            if row.target is None:
                row.problems.append(f"Onbekende leergang of activiteit '{wanted_target[:80]}'. Gebruik een code uit "
                                    f"de lijst op deze pagina, zoals L12 of A34.")
        email = emails.get(row.line)
        if email is None:
            continue
        row.email = email
        user = known.get(email)
        if is_colleague(user, organisation):
            row.user = user
        else:
            row.existing = user
        if len(row.name) > MAX_NAME:
            row.problems.append(f"Naam is te lang (hoogstens {MAX_NAME} tekens).")
        if len(row.job_title) > MAX_JOB_TITLE:
            row.problems.append(f"Functie is te lang (hoogstens {MAX_JOB_TITLE} tekens).")
        if row.user is None:
            # One invitation per address: it names one cohort or activity.
            if email in invited_rows:
                row.problems.append(f"Staat al in rij {invited_rows[email]}: wie nog niet bij je organisatie hoort, "
                                    f"krijgt één uitnodiging voor één leergang of activiteit.")
            else:
                invited_rows[email] = row.line
        elif row.target is not None:
            key = (email, row.target.code)
            if key in seen:
                row.problems.append(f"Dubbel in het bestand: deze persoon staat al in rij {seen[key]} voor dezelfde "
                                    f"leergang of activiteit.")
            else:
                seen[key] = row.line
    pairs = {(r.user.id, r.target.code) for r in checks if r.user is not None and r.target is not None}
    enrolled = targets.already_enrolled(pairs) if pairs else set()
    for row in checks:
        if row.user is not None and row.target is not None and (row.user.id, row.target.code) in enrolled:
            row.problems.append(f"Al aangemeld voor {row.target.label}.")
    wanted_seats: dict[str, int] = defaultdict(int)
    for row in checks:
        if row.ok and row.target is not None and row.user is not None:  # an invitation takes no seat yet
            wanted_seats[row.target.code] += 1
            left = index.seats_left(row.target)
            if wanted_seats[row.target.code] > left:
                row.problems.append(f"Geen plaats meer: {row.target.label} heeft nog {left} "
                                    f"plaats{'en' if left != 1 else ''} vrij.")
    return ImportCheck(checks)


class ImportRejected(DomainError):
    """Commit refused; nothing was saved. ``check`` holds the rows with their problems, if any: the
    preview page shows them again."""

    def __init__(self, message: str, check: ImportCheck | None = None):
        super().__init__(message)
        self.check = check


@transactional
def commit_import(batch: StaffImport, contact: User) -> int:
    """Enrol every colleague's row and invite every other address, in one transaction, or none at all.
    Returns the number of rows handled."""
    organisation = contact_organisation(contact)
    if batch.status != IMPORT_PREVIEW:
        raise ImportRejected(ALREADY_DONE)
    check = check_import(batch)
    if not check.ok:
        raise ImportRejected("Er is niets opgeslagen: los eerst de problemen hieronder op in je bestand en upload "
                             "het opnieuw.", check)
    claimed = db.session.execute(update(StaffImport).where(StaffImport.id == batch.id,
                                                           StaffImport.status == IMPORT_PREVIEW)
                                 .values(status=IMPORT_COMMITTED, committed_at=utcnow(),
                                         committed_count=len(check.rows))).rowcount
    if claimed != 1:
        raise ImportRejected(ALREADY_DONE)
    current = None
    try:
        invited: set[int] = set()
        for row in check.rows:
            current = row
            if row.user is None:
                invitations.invite(contact, organisation, row.email, row.existing, row.target)
            else:
                enrol_one(organisation, contact, row.user, row.job_title or None, row.target, invited)
        record(contact.id, "staff_imported", "organisation", organisation.id, rows=len(check.rows),
               invitations=check.invitations, activation_links=len(invited), filename=batch.filename)
        db.session.flush()  # a clash with a simultaneous request shows here, not in the commit
    except (DomainError, AccountError) as exc:
        where = f"Rij {current.line} ({current.email}): " if current else ""
        raise ImportRejected(f"Er is niets opgeslagen. {where}{exc}") from exc
    except IntegrityError as exc:
        raise ImportRejected("Er is niets opgeslagen: iemand anders wijzigde tegelijk dezelfde gegevens. Upload het "
                             "bestand opnieuw.") from exc
    return len(check.rows)
