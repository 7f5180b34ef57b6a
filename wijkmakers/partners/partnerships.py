"""The coordinator's partnerships: organisations (a partnership is a period), their partner contacts and
the people who work there.

Rules in one place:
- Only coordinators call these; the organisation comes from the URL and is checked to exist (404).
- A partner contact works for exactly one organisation: linking someone of another organisation is
  refused until a coordinator moved them (colleagues.change_organisation).
- A new contact gets an account and a single-use invitation (colleagues.invite).
"""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.exc import IntegrityError

from ..auth.models import KIND_PROFESSIONAL, User, UserRole
from ..auth.services import AccountError, create_user
from ..core.audit import record
from ..core.errors import DomainError, NotFound
from ..core.pagination import Page, PreparedPage, paginate
from ..core.permissions import PARTNERCONTACT
from ..core.search import LIKE_ESCAPE, like_pattern
from ..core.statements import prepared
from ..core.text import clean_text
from ..core.timeutil import local_today
from ..core.transaction import transactional
from ..extensions import db
from ..organisations.models import ORGANISATION_TYPES, Organisation
from .colleagues import MAX_NAME, clean_email, invite

NAME_LIMIT = 160
NAME_TAKEN = "Er bestaat al een organisatie met deze naam."


def get_organisation(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound()
    return organisation


# --------------------------------------------------------------------------------------------------
# The list of organisations
# --------------------------------------------------------------------------------------------------

@dataclass
class OrganisationRow:
    organisation: Organisation
    contacts: int
    staff: int


def organisation_years() -> list[int]:
    first = db.session.scalar(_first_partnership())
    this_year = local_today().year
    start = first.year if first else this_year
    return list(range(this_year + 1, min(start, this_year) - 1, -1))


@prepared
def _first_partnership():
    return select(func.min(Organisation.partner_since))


def list_organisations(year: int | None = None, type_: str | None = None, name: str | None = None,
                       page: int | None = None, per_page: int = 50) -> Page:
    """One page of organisations by name, with their number of contacts and staff counted for that page
    only (four queries, whatever the number of organisations)."""
    name = (name or "").strip()[:100]
    params = {}
    if year is not None:
        params |= {"first_day": date(year, 1, 1), "last_day": date(year, 12, 31)}
    if type_:
        params["type"] = type_
    if name:
        params["like"] = like_pattern(name)
    statements = _organisation_list(year is not None, bool(type_), bool(name))
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


# The coordinator's list of organisations (/partners): one set of statements per combination of filters.
@prepared
def _organisation_list(by_year: bool, by_type: bool, by_name: bool) -> _OrganisationListStatements:
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


def organisation_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(select(Organisation.id, Organisation.name).order_by(Organisation.name))
    return [(i, n) for i, n in rows]


# --------------------------------------------------------------------------------------------------
# One organisation
# --------------------------------------------------------------------------------------------------

@transactional
def save_organisation(organisation: Organisation | None, *, name: str, type_: str, partner_since: date | None,
                      partner_until: date | None, website: str | None, notes: str | None, by: User) -> Organisation:
    name = clean_text(name, "de naam van de organisatie", NAME_LIMIT, field="name", required=True,
                      single_line=True)
    if type_ not in ORGANISATION_TYPES:
        raise DomainError("Kies een soort organisatie uit de lijst.", "type")
    if partner_until and not partner_since:
        raise DomainError("Vul ook in sinds wanneer de organisatie partner is.", "partner_since")
    if partner_since and partner_until and partner_until < partner_since:
        raise DomainError("'Partner tot en met' ligt vóór 'partner sinds'. Controleer de data.", "partner_until")
    clash = db.session.scalar(select(Organisation.id).where(func.lower(Organisation.name) == name.lower()))
    if clash is not None and (organisation is None or clash != organisation.id):
        raise DomainError(NAME_TAKEN, "name")
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
    except IntegrityError as exc:  # the same name saved at the same moment by someone else
        raise DomainError(NAME_TAKEN, "name") from exc
    record(by.id, "organisation_created" if created else "organisation_updated", "organisation", organisation.id,
           name=name, type=type_, partner_since=str(partner_since or ""), partner_until=str(partner_until or ""))
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


# --------------------------------------------------------------------------------------------------
# Partner contacts
# --------------------------------------------------------------------------------------------------

@transactional
def link_contact(organisation: Organisation, *, email: str, name: str | None, by: User) -> tuple[User, bool]:
    """Make someone a partner contact of ``organisation``; a new person gets an invitation."""
    email = clean_email(email)
    user = db.session.scalar(select(User).where(User.email == email))
    invited = False
    if user is None:
        name = clean_text(name, "de naam", MAX_NAME, field="name", single_line=True)
        if not name:
            raise DomainError("Er is nog geen account met dit e-mailadres. Vul ook de naam in, dan maken we het "
                              "account aan en sturen we een uitnodiging.", "name")
        try:
            user = create_user(email, name, roles=(PARTNERCONTACT,), kind=KIND_PROFESSIONAL,
                               organisation_id=organisation.id)
        except AccountError as exc:
            raise DomainError(str(exc), "email") from exc
        db.session.flush()
        invite(user, organisation, by, reason=f"Je bent contactpersoon van {organisation.name} bij Wijkmakers.")
        invited = True
    else:
        if user.anonymised_at is not None or not user.active:
            raise DomainError("Dit account is niet (meer) actief en kan geen contactpersoon worden.", "email")
        if user.organisation_id not in (None, organisation.id):
            other = user.organisation.name if user.organisation else "een andere organisatie"
            raise DomainError(f"{user.name} hoort bij {other}. Wijzig eerst de organisatie van deze persoon "
                              f"(knop 'Organisatie wijzigen') en koppel daarna opnieuw.", "email")
        if user.organisation_id == organisation.id and user.has_role(PARTNERCONTACT):
            raise DomainError(f"{user.name} is al contactpersoon van deze organisatie.", "email")
        user.organisation_id = organisation.id
        if not user.has_role(PARTNERCONTACT):
            user.roles.append(UserRole(role=PARTNERCONTACT))
    record(by.id, "partner_contact_linked", "organisation", organisation.id, user_id=user.id, invited=invited)
    return user, invited


@transactional
def unlink_contact(organisation: Organisation, user_id: int, by: User) -> User:
    """Take the partner-contact role away; the person stays staff of the organisation. NotFound when the
    person is not a contact of this organisation."""
    user = db.session.get(User, user_id)
    if user is None or user.organisation_id != organisation.id or not user.has_role(PARTNERCONTACT):
        raise NotFound("Deze persoon is geen contactpersoon van deze organisatie.")
    user.roles = [r for r in user.roles if r.role != PARTNERCONTACT]
    if not user.roles:
        user.roles = [UserRole(role="deelnemer")]
    record(by.id, "partner_contact_unlinked", "organisation", organisation.id, user_id=user.id)
    return user
