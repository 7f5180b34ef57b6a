"""Partner organisations and their staff.

Rules in one place:
- Coordinators manage organisations and link or unlink their partner contacts.
- A partner contact works for exactly one organisation (User.organisation_id) and only ever sees or
  changes people and participations of that organisation. Every function here takes the organisation
  from the contact's own account, never from the request.
- A participation (enrolment, registration, attendance) keeps the organisation the person belonged to at
  the time; the organisation's overview shows what happened *with that organisation*, so people who moved
  on keep their history there and bring none of it from elsewhere.
"""
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache

from email_validator import EmailNotValidError, validate_email
from flask import current_app, render_template, url_for
from sqlalchemy import and_, bindparam, case, exists, func, or_, select, union, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, contains_eager, lazyload

from ..activities.models import REG_LABELS, STATUS_CANCELLED, Activity, Attendance, Registration
from ..auth.models import KIND_PROFESSIONAL, TOKEN_INVITE, User, UserRole
from ..auth.services import AccountError, create_user, issue_token
from ..certificates.models import Certificate
from ..core.audit import record
from ..core.pagination import Page, PreparedPage, paginate
from ..core.permissions import PARTNERCONTACT
from ..core.search import LIKE_ESCAPE, like_pattern
from ..core.timeutil import local_today, nl_date, utcnow
from ..extensions import db
from ..learning.models import ENROLMENT_ACTIVE, ENROLMENT_COMPLETED, ENROLMENT_LABELS, Cohort, Enrolment
from ..notifications.services import queue_mail
from . import importer, targets
from ..organisations.models import ORGANISATION_TYPES, Organisation
from .models import IMPORT_COMMITTED, IMPORT_PREVIEW, StaffImport

INVITATION_DAYS = 7
IMPORT_KEEP = timedelta(hours=24)
MAX_NAME = 120
MAX_JOB_TITLE = 120
# One message for every account a contact may not touch, so nothing about it is revealed.
NOT_YOURS = ("Dit e-mailadres kun je niet aanmelden: het hoort bij een account dat niet onder jouw organisatie "
             "valt. Laat je collega zich zelf aanmelden, of neem contact op met Wijkmakers.")


class PartnerError(ValueError):
    """A partner rule was broken; the message is Dutch and shown to the user."""


# --------------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------------

def clean_email(raw: str | None) -> str:
    """A valid e-mail address in lower case (syntax only, no DNS), or PartnerError."""
    value = (raw or "").strip()
    if not value:
        raise PartnerError("Vul een e-mailadres in.")
    try:
        result = validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        raise PartnerError(f"'{value[:80]}' is geen geldig e-mailadres. Controleer de schrijfwijze, zoals "
                           f"naam@organisatie.nl.") from exc
    return result.normalized.lower()


def _clean_text(value: str | None, limit: int) -> str:
    return " ".join((value or "").split())[:limit * 2]


# --------------------------------------------------------------------------------------------------
# Organisations (coordinator)
# --------------------------------------------------------------------------------------------------

@dataclass
class OrganisationRow:
    organisation: Organisation
    contacts: int
    staff: int


def organisation_years() -> list[int]:
    first = db.session.scalar(_first_partnership_statement())
    this_year = local_today().year
    start = first.year if first else this_year
    return list(range(this_year + 1, min(start, this_year) - 1, -1))


def list_organisations(year: int | None = None, type_: str | None = None, name: str | None = None,
                       page: int | None = None, per_page: int = 50) -> Page:
    """One page of organisations by name, with their number of contacts and staff counted for that page
    only (three queries, whatever the number of organisations)."""
    name = (name or "").strip()[:100]
    params = {}
    if year is not None:
        params |= {"first_day": date(year, 1, 1), "last_day": date(year, 12, 31)}
    if type_:
        params["type"] = type_
    if name:
        params["like"] = like_pattern(name)
    statements = _organisation_list_statements(year is not None, bool(type_), bool(name))
    result = paginate(statements.page, per_page=per_page, page=page, params=params)
    ids = {"ids": [o.id for o in result.items]}
    contacts = dict(db.session.execute(statements.contacts, ids).all())
    staff = dict(db.session.execute(statements.staff, ids).all())
    result.items = [OrganisationRow(o, contacts.get(o.id, 0), staff.get(o.id, 0)) for o in result.items]
    return result


@dataclass(frozen=True)
class _OrganisationListStatements:
    page: PreparedPage
    contacts: object
    staff: object


# The coordinator's list of organisations: statements built once per combination of filters.
@cache
def _organisation_list_statements(by_year: bool, by_type: bool, by_name: bool) -> _OrganisationListStatements:
    stmt = select(Organisation).order_by(Organisation.name, Organisation.id)
    if by_year:
        stmt = stmt.where(Organisation.partner_in_period_clause(bindparam("first_day"), bindparam("last_day")))
    if by_type:
        stmt = stmt.where(Organisation.type == bindparam("type"))
    if by_name:
        stmt = stmt.where(func.lower(Organisation.name).like(bindparam("like"), escape=LIKE_ESCAPE))
    on_page = and_(User.anonymised_at.is_(None), User.organisation_id.in_(bindparam("ids", expanding=True)))
    return _OrganisationListStatements(
        page=PreparedPage(stmt),
        contacts=(select(User.organisation_id, func.count(User.id)).join(UserRole, UserRole.user_id == User.id)
                  .where(UserRole.role == PARTNERCONTACT, on_page).group_by(User.organisation_id)),
        staff=select(User.organisation_id, func.count(User.id)).where(on_page).group_by(User.organisation_id),
    )


@cache
def _first_partnership_statement():
    return select(func.min(Organisation.partner_since))


def organisation_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(select(Organisation.id, Organisation.name).order_by(Organisation.name))
    return [(i, n) for i, n in rows]


def save_organisation(organisation: Organisation | None, *, name: str, type_: str, partner_since: date | None,
                      partner_until: date | None, website: str | None, notes: str | None, by: User) -> Organisation:
    name = " ".join((name or "").split())
    if not name:
        raise PartnerError("Vul de naam van de organisatie in.")
    if len(name) > 160:
        raise PartnerError("De naam mag hoogstens 160 tekens hebben.")
    if type_ not in ORGANISATION_TYPES:
        raise PartnerError("Kies een soort organisatie uit de lijst.")
    if partner_until and not partner_since:
        raise PartnerError("Vul ook in sinds wanneer de organisatie partner is.")
    if partner_since and partner_until and partner_until < partner_since:
        raise PartnerError("'Partner tot en met' ligt vóór 'partner sinds'. Controleer de data.")
    clash = db.session.scalar(select(Organisation.id).where(func.lower(Organisation.name) == name.lower()))
    if clash is not None and (organisation is None or clash != organisation.id):
        raise PartnerError("Er bestaat al een organisatie met deze naam.")
    created = organisation is None
    if created:
        organisation = Organisation(name=name)
        db.session.add(organisation)
    organisation.name = name
    organisation.type = type_
    organisation.partner_since = partner_since
    organisation.partner_until = partner_until
    organisation.website = (website or "").strip() or None
    organisation.notes = (notes or "").strip() or None
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise PartnerError("Er bestaat al een organisatie met deze naam.") from exc
    record(by.id, "organisation_created" if created else "organisation_updated", "organisation", organisation.id,
           name=name, type=type_, partner_since=str(partner_since or ""), partner_until=str(partner_until or ""))
    db.session.commit()
    return organisation


def organisation_contacts(organisation_id: int) -> list[User]:
    return list(db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(User.organisation_id == organisation_id, UserRole.role == PARTNERCONTACT,
               User.anonymised_at.is_(None))
        .order_by(User.name)))


def organisation_members(organisation_id: int, limit: int = 300) -> tuple[list[User], int]:
    scope = and_(User.organisation_id == organisation_id, User.anonymised_at.is_(None))
    total = db.session.scalar(select(func.count()).select_from(User).where(scope)) or 0
    members = list(db.session.scalars(select(User).where(scope).order_by(User.name).limit(limit)))
    return members, total


def _invite(user: User, organisation: Organisation, by: User, reason: str) -> None:
    """Queue an invitation with a single-use link to choose a password, valid for seven days."""
    token = issue_token(user, TOKEN_INVITE, timedelta(days=INVITATION_DAYS))
    link = current_app.config["BASE_URL"] + url_for("auth.accept_invitation", token=token)
    queue_mail(user.email, "Je bent uitgenodigd voor Wijkmakers",
               render_template("partners/mail_invitation.txt", user=user, organisation=organisation, by=by,
                               link=link, days=INVITATION_DAYS, reason=reason))


def link_contact(organisation: Organisation, *, email: str, name: str | None, by: User) -> tuple[User, bool]:
    """Make someone a partner contact of ``organisation``; a new person gets an invitation."""
    email = clean_email(email)
    user = db.session.scalar(select(User).where(User.email == email))
    invited = False
    if user is None:
        name = " ".join((name or "").split())
        if not name:
            raise PartnerError("Er is nog geen account met dit e-mailadres. Vul ook de naam in, dan maken we het "
                               "account aan en sturen we een uitnodiging.")
        if len(name) > MAX_NAME:
            raise PartnerError(f"De naam mag hoogstens {MAX_NAME} tekens hebben.")
        user = create_user(email, name, roles=(PARTNERCONTACT,), kind=KIND_PROFESSIONAL,
                           organisation_id=organisation.id)
        db.session.flush()
        _invite(user, organisation, by, reason=f"Je bent contactpersoon van {organisation.name} bij Wijkmakers.")
        invited = True
    else:
        if user.anonymised_at is not None or not user.active:
            raise PartnerError("Dit account is niet (meer) actief en kan geen contactpersoon worden.")
        if user.organisation_id not in (None, organisation.id):
            other = user.organisation.name if user.organisation else "een andere organisatie"
            raise PartnerError(f"{user.name} hoort bij {other}. Wijzig eerst de organisatie van deze persoon "
                               f"(knop 'Organisatie wijzigen') en koppel daarna opnieuw.")
        if user.organisation_id == organisation.id and user.has_role(PARTNERCONTACT):
            raise PartnerError(f"{user.name} is al contactpersoon van deze organisatie.")
        user.organisation_id = organisation.id
        if not user.has_role(PARTNERCONTACT):
            user.roles.append(UserRole(role=PARTNERCONTACT))
    record(by.id, "partner_contact_linked", "organisation", organisation.id, user_id=user.id, invited=invited)
    db.session.commit()
    return user, invited


def unlink_contact(organisation: Organisation, user_id: int, by: User) -> User:
    """Take the partner-contact role away; the person stays staff of the organisation."""
    user = db.session.get(User, user_id)
    if user is None or user.organisation_id != organisation.id or not user.has_role(PARTNERCONTACT):
        raise PartnerError("Deze persoon is geen contactpersoon van deze organisatie.")
    user.roles = [r for r in user.roles if r.role != PARTNERCONTACT]
    if not user.roles:
        user.roles = [UserRole(role="deelnemer")]
    record(by.id, "partner_contact_unlinked", "organisation", organisation.id, user_id=user.id)
    db.session.commit()
    return user


def search_people(q: str | None, limit: int = 50) -> list[User]:
    """Coordinator search over all people, for 'organisatie wijzigen'."""
    q = (q or "").strip()
    if len(q) < 2:
        return []
    like = like_pattern(q)
    return list(db.session.scalars(
        select(User).where(User.anonymised_at.is_(None),
                           or_(func.lower(User.name).like(like, escape=LIKE_ESCAPE),
                               User.email.like(like, escape=LIKE_ESCAPE)))
        .order_by(User.name).limit(limit)))


def change_organisation(user: User, organisation_id: int | None, by: User) -> bool:
    """Move a person to another organisation (or none). History keeps the old organisation.

    Returns True when a partner-contact role was taken away: contacts speak for one organisation, so
    after a move a coordinator links them again if they speak for the new one.
    """
    if user.anonymised_at is not None:
        raise PartnerError("Deze persoon is geanonimiseerd.")
    if organisation_id is not None and db.session.get(Organisation, organisation_id) is None:
        raise PartnerError("Kies een bestaande organisatie.")
    if organisation_id == user.organisation_id:
        raise PartnerError("Deze persoon hoort al bij deze organisatie.")
    old = user.organisation_id
    dropped = user.has_role(PARTNERCONTACT)
    if dropped:
        user.roles = [r for r in user.roles if r.role != PARTNERCONTACT] or [UserRole(role="deelnemer")]
    user.organisation_id = organisation_id
    record(by.id, "organisation_changed", "user", user.id, from_organisation_id=old,
           to_organisation_id=organisation_id, partner_contact_removed=dropped)
    db.session.commit()
    return dropped


@dataclass
class HistoryItem:
    kind: str
    title: str
    when: datetime | date | None
    status: str
    organisation: str | None
    organisation_id: int | None = None


def participation_history(user_id: int) -> list[HistoryItem]:
    """Everything a person took part in, with the organisation they came from at the time: 3 queries."""
    org = aliased(Organisation)
    items = []
    for enrolment, org_name in db.session.execute(
            select(Enrolment, org.name).outerjoin(org, org.id == Enrolment.organisation_id)
            .where(Enrolment.user_id == user_id)):
        items.append(HistoryItem("Leergang", enrolment.cohort.label, enrolment.created_at,
                                 ENROLMENT_LABELS.get(enrolment.status, enrolment.status), org_name,
                                 enrolment.organisation_id))
    # Attendance is the record of what happened; a registration without one is shown by its status.
    attended = {}
    for activity, present, org_id, org_name in db.session.execute(
            select(Activity, Attendance.present, Attendance.organisation_id, org.name)
            .join(Activity, Activity.id == Attendance.activity_id)
            .outerjoin(org, org.id == Attendance.organisation_id).where(Attendance.user_id == user_id)):
        attended[activity.id] = True
        items.append(HistoryItem(activity.kind_label, activity.title, activity.starts_at,
                                 "Aanwezig" if present else "Afwezig", org_name, org_id))
    for registration, activity, org_name in db.session.execute(
            select(Registration, Activity, org.name).join(Activity, Activity.id == Registration.activity_id)
            .outerjoin(org, org.id == Registration.organisation_id)
            .where(Registration.user_id == user_id, Registration.active.is_(True))):
        if activity.id in attended:
            continue
        items.append(HistoryItem(activity.kind_label, activity.title, activity.starts_at,
                                 REG_LABELS.get(registration.status, registration.status), org_name,
                                 registration.organisation_id))

    def sort_key(item):
        when = item.when
        if isinstance(when, date) and not isinstance(when, datetime):
            when = datetime.combine(when, datetime.min.time())
        return when or datetime.min

    return sorted(items, key=sort_key, reverse=True)


# --------------------------------------------------------------------------------------------------
# Enrolling colleagues (partner contact)
# --------------------------------------------------------------------------------------------------

def contact_organisation(contact: User) -> Organisation:
    if contact.organisation_id is None or contact.organisation is None:
        raise PartnerError("Je account is nog niet aan een organisatie gekoppeld. Vraag de coördinator van "
                           "Wijkmakers om dat te doen.")
    return contact.organisation


def _check_may_enrol(existing: User | None, organisation: Organisation) -> None:
    """An existing account must be active and of this organisation (or of none yet). Checked before
    anything else about the person is looked at, so the answer never depends on them."""
    if existing is not None and (existing.anonymised_at is not None or not existing.active
                                 or existing.organisation_id not in (None, organisation.id)):
        raise PartnerError(NOT_YOURS)


def _colleague(organisation: Organisation, email: str, name: str | None, job_title: str | None,
               by: User, existing: User | None) -> tuple[User, bool]:
    """The colleague's account: existing (of this organisation, or of none yet) or new (invited)."""
    _check_may_enrol(existing, organisation)
    if existing is not None:
        if existing.organisation_id is None:
            existing.organisation_id = organisation.id
            record(by.id, "organisation_joined_by_contact", "user", existing.id, organisation_id=organisation.id)
        if job_title and not existing.job_title:
            existing.job_title = job_title
        return existing, False
    name = " ".join((name or "").split())
    if not name:
        raise PartnerError("Er is nog geen account met dit e-mailadres: vul ook de naam in, dan krijgt je collega "
                           "een uitnodiging.")
    user = create_user(email, name, roles=("deelnemer",), kind=KIND_PROFESSIONAL, organisation_id=organisation.id,
                       job_title=job_title or None)
    db.session.flush()
    return user, True


def _enrol_one(organisation: Organisation, contact: User, email: str, name: str | None, job_title: str | None,
               existing: User | None, target: targets.Target, invited_already: set[int] | None = None
               ) -> tuple[User, bool, bool]:
    """Find or create the colleague and enrol them, in the caller's transaction.

    Returns (user, invited, linked). A new person (or one who never activated an invitation) gets an
    invitation that names the target instead of the service's own confirmation mail; an account that had
    no organisation yet is linked to this one and told so.
    """
    linked = existing is not None and existing.organisation_id is None
    user, created = _colleague(organisation, email, name, job_title, contact, existing)
    invite = created or not user.password_hash
    targets.enrol(target, user, by=contact, organisation_id=organisation.id, notify=not invite)
    if invite and (invited_already is None or user.id not in invited_already):
        _invite(user, organisation, contact, reason=f"{contact.name} heeft je aangemeld voor {target.label}.")
        if invited_already is not None:
            invited_already.add(user.id)
    elif linked:
        queue_mail(user.email, "Je bent gekoppeld aan je organisatie bij Wijkmakers",
                   render_template("partners/mail_linked.txt", user=user, organisation=organisation, by=contact,
                                   target=target))
    record(contact.id, "staff_enrolled", "user", user.id, organisation_id=organisation.id, target=target.code,
           invited=invite)
    return user, invite, linked


@dataclass
class EnrolResult:
    user: User
    target: targets.Target
    invited: bool
    linked: bool = False


def enrol_colleague(contact: User, *, email: str, name: str | None, job_title: str | None,
                    target_code: str) -> EnrolResult:
    """Enrol one colleague into a cohort or activity, inviting them if they have no account yet."""
    organisation = contact_organisation(contact)
    email = clean_email(email)
    name = _clean_text(name, MAX_NAME)
    job_title = _clean_text(job_title, MAX_JOB_TITLE)
    if len(name) > MAX_NAME:
        raise PartnerError(f"De naam mag hoogstens {MAX_NAME} tekens hebben.")
    if len(job_title) > MAX_JOB_TITLE:
        raise PartnerError(f"De functie mag hoogstens {MAX_JOB_TITLE} tekens hebben.")
    index = targets.TargetIndex(targets.open_targets())
    target = index.find(target_code)
    if target is None:
        raise PartnerError("Kies een leergang of activiteit uit de lijst.")
    existing = db.session.scalar(select(User).where(User.email == email))
    try:
        _check_may_enrol(existing, organisation)
        if existing is not None and targets.already_enrolled({(existing.id, target.code)}):
            raise PartnerError(f"{existing.name} is al aangemeld voor {target.label}.")
        user, invited, linked = _enrol_one(organisation, contact, email, name, job_title, existing, target)
        db.session.commit()
    except (PartnerError, targets.TargetError, AccountError) as exc:
        db.session.rollback()
        raise PartnerError(str(exc)) from exc
    except IntegrityError as exc:
        db.session.rollback()
        raise PartnerError("Dit lukte niet omdat iemand anders tegelijk hetzelfde deed. Probeer het opnieuw.") from exc
    return EnrolResult(user, target, invited, linked)


# --------------------------------------------------------------------------------------------------
# Bulk import (partner contact): upload -> preview with every row's problems -> commit all or none
# --------------------------------------------------------------------------------------------------

def start_import(contact: User, filename: str, data: bytes, default_target: str | None) -> StaffImport:
    """Read the file and keep its rows server-side for the preview. Raises PartnerError."""
    organisation = contact_organisation(contact)
    try:
        rows = importer.parse_upload(filename, data,
                                     max_bytes=current_app.config.get("PARTNER_IMPORT_MAX_BYTES",
                                                                      importer.DEFAULT_MAX_BYTES),
                                     max_rows=current_app.config.get("PARTNER_IMPORT_MAX_ROWS",
                                                                     importer.DEFAULT_MAX_ROWS))
    except importer.ImportFileError as exc:
        raise PartnerError(str(exc)) from exc
    # Old previews of this organisation are of no use any more.
    db.session.execute(StaffImport.__table__.delete().where(StaffImport.organisation_id == organisation.id,
                                                            StaffImport.status == IMPORT_PREVIEW,
                                                            StaffImport.created_at < utcnow() - IMPORT_KEEP))
    batch = StaffImport(token=secrets.token_urlsafe(24), organisation_id=organisation.id, created_by_id=contact.id,
                        filename=(filename or "bestand")[-200:], default_target=default_target or None,
                        rows=[r.as_dict() for r in rows])
    db.session.add(batch)
    db.session.commit()
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
    user: User | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def is_new(self) -> bool:
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
    def new_people(self) -> int:
        return sum(1 for r in self.rows if r.is_new)


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
        except PartnerError:
            row.problems.append("Ongeldig e-mailadres: controleer de schrijfwijze (zoals naam@organisatie.nl)."
                                if row.email.strip() else "E-mailadres ontbreekt.")
    known = {}
    if emails:
        wanted = sorted(set(emails.values()))
        for chunk_start in range(0, len(wanted), 500):
            for user in db.session.scalars(select(User).options(lazyload(User.roles), lazyload(User.organisation))
                                           .where(User.email.in_(wanted[chunk_start:chunk_start + 500]))):
                known[user.email] = user
    seen: dict[tuple[str, str], int] = {}
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
        if user is not None:
            if user.anonymised_at is not None or not user.active or user.organisation_id not in (
                    None, batch.organisation_id):
                row.problems.append(NOT_YOURS)
            else:
                row.user = user
        else:
            if not row.name:
                row.problems.append("Naam ontbreekt: die is nodig om een account aan te maken.")
        if len(row.name) > MAX_NAME:
            row.problems.append(f"Naam is te lang (hoogstens {MAX_NAME} tekens).")
        if len(row.job_title) > MAX_JOB_TITLE:
            row.problems.append(f"Functie is te lang (hoogstens {MAX_JOB_TITLE} tekens).")
        if row.target is not None:
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
        if row.ok and row.target is not None:
            wanted_seats[row.target.code] += 1
            left = index.seats_left(row.target)
            if wanted_seats[row.target.code] > left:
                row.problems.append(f"Geen plaats meer: {row.target.label} heeft nog {left} "
                                    f"plaats{'en' if left != 1 else ''} vrij.")
    return ImportCheck(checks)


class ImportRejected(PartnerError):
    """Commit refused; nothing was saved. ``check`` holds the rows with their problems, if any."""

    def __init__(self, message: str, check: ImportCheck | None = None):
        super().__init__(message)
        self.check = check


def commit_import(batch: StaffImport, contact: User) -> int:
    """Enrol every row in one transaction, or none at all. Returns the number of rows enrolled."""
    organisation = contact_organisation(contact)
    if batch.status != IMPORT_PREVIEW:
        raise ImportRejected("Dit bestand is al verwerkt.")
    check = check_import(batch)
    if not check.ok:
        db.session.rollback()
        raise ImportRejected("Er is niets opgeslagen: los eerst de problemen hieronder op in je bestand en upload "
                             "het opnieuw.", check)
    current = None
    try:
        claimed = db.session.execute(update(StaffImport).where(StaffImport.id == batch.id,
                                                               StaffImport.status == IMPORT_PREVIEW)
                                     .values(status=IMPORT_COMMITTED, committed_at=utcnow(),
                                             committed_count=len(check.rows))).rowcount
        if claimed != 1:
            raise ImportRejected("Dit bestand is al verwerkt.")
        invited: set[int] = set()
        people: dict[str, User] = {}  # a person on several rows (for different targets) is created once
        for row in check.rows:
            current = row
            user, _, _ = _enrol_one(organisation, contact, row.email, row.name, row.job_title or None,
                                    row.user or people.get(row.email), row.target, invited)
            people[row.email] = user
        record(contact.id, "staff_imported", "organisation", organisation.id, rows=len(check.rows),
               invited=len(invited), filename=batch.filename)
        db.session.commit()
    except ImportRejected:
        db.session.rollback()
        raise
    except (PartnerError, targets.TargetError, AccountError) as exc:
        db.session.rollback()
        where = f"Rij {current.line} ({current.email}): " if current else ""
        raise ImportRejected(f"Er is niets opgeslagen. {where}{exc}") from exc
    except IntegrityError as exc:
        db.session.rollback()
        raise ImportRejected("Er is niets opgeslagen: iemand anders wijzigde tegelijk dezelfde gegevens. Upload het "
                             "bestand opnieuw.") from exc
    return len(check.rows)


# --------------------------------------------------------------------------------------------------
# The organisation's overview (partner contact, also shown to coordinators)
# --------------------------------------------------------------------------------------------------

@dataclass
class EnrolmentLine:
    enrolment: Enrolment
    present: int
    sessions_held: int

    @property
    def status_label(self) -> str:
        return ENROLMENT_LABELS.get(self.enrolment.status, self.enrolment.status)


@dataclass
class StaffRow:
    user: User
    current: bool
    enrolments: list[EnrolmentLine] = field(default_factory=list)
    upcoming: list[Registration] = field(default_factory=list)
    present: int = 0
    absent: int = 0
    certificates: list[Certificate] = field(default_factory=list)

    @property
    def completed(self) -> int:
        return sum(1 for e in self.enrolments if e.enrolment.status == ENROLMENT_COMPLETED)


@dataclass
class Overview:
    organisation: Organisation
    people: list[StaffRow]
    q: str = ""

    @property
    def current_staff(self) -> int:
        return sum(1 for p in self.people if p.current)

    @property
    def active_enrolments(self) -> int:
        return sum(1 for p in self.people for e in p.enrolments if e.enrolment.status == ENROLMENT_ACTIVE)

    @property
    def completed(self) -> int:
        return sum(p.completed for p in self.people)

    @property
    def upcoming(self) -> int:
        return sum(len(p.upcoming) for p in self.people)

    @property
    def participations(self) -> int:
        return sum(p.present for p in self.people)

    @property
    def certificates(self) -> int:
        return sum(len(p.certificates) for p in self.people)


def _people_scope(organisation_id):
    """People of the organisation now, and people with participations recorded under it."""
    history = union(
        select(Enrolment.user_id).where(Enrolment.organisation_id == organisation_id),
        select(Registration.user_id).where(Registration.organisation_id == organisation_id),
        select(Attendance.user_id).where(Attendance.organisation_id == organisation_id),
    ).subquery()
    return and_(User.anonymised_at.is_(None),
                or_(User.organisation_id == organisation_id, User.id.in_(select(history.c.user_id))))


@dataclass(frozen=True)
class _OverviewStatements:
    people: object
    enrolments: object
    attendance: object
    sessions_held: object
    upcoming: object
    certificates: object


@cache
def _overview_statements(search: bool, one_person: bool) -> _OverviewStatements:
    """The overview's statements, built once per variant with bind parameters (org, ids, now, like,
    user_id): the partner's main page, where building them cost more than running them."""
    org, ids = bindparam("org"), bindparam("ids", expanding=True)
    people = (select(User).options(lazyload(User.roles), lazyload(User.organisation))
              .where(_people_scope(org)).order_by(User.name, User.id))
    if search:
        like = bindparam("like")
        people = people.where(or_(func.lower(User.name).like(like, escape=LIKE_ESCAPE),
                                  and_(User.organisation_id == org, User.email.like(like, escape=LIKE_ESCAPE))))
    if one_person:
        people = people.where(User.id == bindparam("user_id"))
    own_enrolments = select(Enrolment.id).where(Enrolment.organisation_id == org)
    attended_here = exists().where(Attendance.activity_id == Certificate.activity_id,
                                   Attendance.user_id == Certificate.user_id, Attendance.organisation_id == org)
    return _OverviewStatements(
        people=people,
        enrolments=(select(Enrolment).join(Enrolment.cohort).options(contains_eager(Enrolment.cohort))
                    .where(Enrolment.organisation_id == org, Enrolment.user_id.in_(ids))
                    .order_by(Cohort.starts_on.desc(), Enrolment.id)),
        # attendance with this organisation, per person and per cohort (None: one-day activities)
        attendance=(select(Attendance.user_id, Activity.cohort_id,
                           func.sum(case((Attendance.present.is_(True), 1), else_=0)),
                           func.sum(case((Attendance.present.is_(True), 0), else_=1)))
                    .join(Activity, Activity.id == Attendance.activity_id)
                    .where(Attendance.organisation_id == org, Attendance.user_id.in_(ids))
                    .group_by(Attendance.user_id, Activity.cohort_id)),
        sessions_held=(select(Activity.cohort_id, func.count(Activity.id))
                       .where(Activity.cohort_id.in_(bindparam("cohort_ids", expanding=True)),
                              Activity.starts_at < bindparam("now"), Activity.status != STATUS_CANCELLED)
                       .group_by(Activity.cohort_id)),
        upcoming=(select(Registration).join(Registration.activity)
                  .options(contains_eager(Registration.activity).lazyload(Activity.guides))
                  .where(Registration.organisation_id == org, Registration.user_id.in_(ids),
                         Registration.active.is_(True), Activity.starts_at >= bindparam("now"),
                         Activity.cohort_id.is_(None))
                  .order_by(Activity.starts_at)),
        certificates=(select(Certificate).options(lazyload("*"))
                      .where(Certificate.user_id.in_(ids), Certificate.revoked_at.is_(None),
                             or_(Certificate.enrolment_id.in_(own_enrolments),
                                 and_(Certificate.activity_id.is_not(None), attended_here)))
                      .order_by(Certificate.issued_at)),
    )


def organisation_overview(organisation: Organisation, q: str | None = None, user_id: int | None = None) -> Overview:
    """Staff of one organisation with what each follows, attendance, completion and certificates.

    Six queries whatever the number of people; every one is limited to this organisation's records.
    """
    org_id = organisation.id
    q = (q or "").strip()[:100]
    statements = _overview_statements(bool(q), user_id is not None)
    params = {"org": org_id, "like": like_pattern(q) if q else None, "user_id": user_id}
    people = {u.id: StaffRow(u, u.organisation_id == org_id)
              for u in db.session.scalars(statements.people, {k: v for k, v in params.items() if v is not None})}
    if not people:
        return Overview(organisation, [], q)
    ids = {"org": org_id, "ids": list(people)}
    now = utcnow()

    enrolments = list(db.session.scalars(statements.enrolments, ids))
    attendance = db.session.execute(statements.attendance, ids).all()
    cohort_ids = list({e.cohort_id for e in enrolments})
    held = dict(db.session.execute(statements.sessions_held, {"cohort_ids": cohort_ids, "now": now}).all()
                ) if cohort_ids else {}
    present_by_cohort = {}
    for user_id_, cohort_id, present, absent in attendance:
        row = people[user_id_]
        row.present += int(present or 0)
        row.absent += int(absent or 0)
        if cohort_id is not None:
            present_by_cohort[(user_id_, cohort_id)] = int(present or 0)
    for enrolment in enrolments:
        people[enrolment.user_id].enrolments.append(
            EnrolmentLine(enrolment, present_by_cohort.get((enrolment.user_id, enrolment.cohort_id), 0),
                          held.get(enrolment.cohort_id, 0)))
    for registration in db.session.scalars(statements.upcoming, ids | {"now": now}):
        people[registration.user_id].upcoming.append(registration)
    for certificate in db.session.scalars(statements.certificates, ids):
        people[certificate.user_id].certificates.append(certificate)
    return Overview(organisation, list(people.values()), q)


def staff_member(organisation: Organisation, user_id: int) -> tuple[StaffRow, list[HistoryItem]] | None:
    """One person's participations with this organisation; None if the person has none and is not staff."""
    overview = organisation_overview(organisation, user_id=user_id)
    if not overview.people:
        return None
    history = [h for h in participation_history(user_id) if h.organisation_id == organisation.id]
    return overview.people[0], history


EXPORT_HEADER = ("Naam", "E-mailadres", "Functie", "Nu bij de organisatie", "Leergangen", "Aangemeld voor",
                 "Keren aanwezig", "Keren afwezig", "Leergangen afgerond", "Certificaten")
EXPORT_WIDTHS = (28, 32, 22, 12, 60, 50, 10, 10, 12, 40)


def overview_table(overview: Overview) -> list[tuple]:
    rows = []
    for person in overview.people:
        courses = "; ".join(f"{e.enrolment.cohort.label} ({e.status_label}, {e.present} van {e.sessions_held} "
                            f"bijeenkomsten)" for e in person.enrolments)
        upcoming = "; ".join(f"{r.activity.title} ({nl_date(r.activity.starts_at, 'dd-MM-y')})"
                             for r in person.upcoming)
        certificates = "; ".join(f"{c.title} ({c.code})" for c in person.certificates)
        rows.append((person.user.name, person.user.email if person.current else "",
                     person.user.job_title if person.current else "", "ja" if person.current else "nee",
                     courses, upcoming, person.present, person.absent, person.completed, certificates))
    return rows
