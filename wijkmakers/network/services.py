"""The network's rules: opt-in profiles, the directory, contact requests, initiatives, follow-ups, figures.

Rules in one place:
- Nobody is listed unless they opted in, and only the fields they chose are shown (and can be filtered
  on: a filter on a hidden field would reveal it). Withdrawing hides the profile and the person's
  initiatives at once. E-mail addresses are never shown.
- Reciprocity: the directory and the initiatives are open to people who opted in themselves, plus
  organisers, guides and coordinators (who bring people together). Everyone else sees an invitation.
- A contact request (or an offer of help on an initiative) goes to the recipient through the outbox,
  without the sender's address. Only the recipient's answer reveals their address to the sender.
  A sender may send at most ``NETWORK_CONTACT_LIMIT_PER_DAY`` (default 5) requests per 24 hours. A
  request from a sender the recipient blocked is accepted as if sent, but never delivered.
- Every public function that changes something is one transaction: it commits, or raises NetworkError
  with a Dutch message for the view.
"""
import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import and_, delete, exists, extract, func, or_, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload

from ..activities.models import Activity, Attendance
from ..auth.models import KIND_LABELS, NEIGHBOURHOODS, User, UserRole
from ..core.pagination import Page, paginate
from ..core.permissions import BEGELEIDER, COORDINATOR, ORGANISATOR, ROLE_LABELS
from ..core.search import LIKE_ESCAPE, like_pattern
from ..core.timeutil import local_to_utc, nl_date, utcnow
from ..extensions import db
from ..learning.models import (ENROLMENT_ACTIVE, ENROLMENT_COMPLETED, Cohort, Enrolment, Module, ModuleProgress,
                               Programme)
from ..notifications.services import queue_mail
from ..organisations.models import ORGANISATION_TYPES, Organisation
from .models import (INITIATIVE_STATUSES, KIND_CONTACT, KIND_HELP, REQUEST_ANSWERED, REQUEST_DECLINED,
                     REQUEST_OPEN, REQUEST_REFUSED, REQUEST_STATUSES, STATUS_IDEA, THEMES, UPDATE_FOLLOWUP,
                     UPDATE_NOTE, AbuseReport, ContactRequest, Initiative, InitiativeFollower, InitiativeUpdate,
                     NetworkBlock, NetworkProfile, NetworkProfileTheme)

# Roles that may browse the network without a profile of their own, to bring people together.
STAFF_ROLES = (ORGANISATOR, BEGELEIDER, COORDINATOR)
DEFAULT_CONTACT_LIMIT = 5
FOLLOWUP_MONTHS = 3
PER_PAGE = 20

MAX_NAME = 120
MAX_TAGS = 10
MAX_TAG = 40
MAX_WORKING_ON = 300
MAX_INTRODUCTION = 1000
MIN_MESSAGE = 10
MAX_MESSAGE = 1000
MAX_REPLY = 2000
MAX_TITLE = 160
MAX_SUMMARY = 3000
MAX_UPDATE = 2000
MAX_REASON = 2000
SEATED = (ENROLMENT_ACTIVE, ENROLMENT_COMPLETED)


class NetworkError(ValueError):
    """A network rule was broken; the message is Dutch and shown to the user."""


class NotFound(NetworkError):
    """The object does not exist or is not visible to the caller: the view answers 404."""


# --------------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------------

def _link(endpoint: str, **values) -> str:
    """An absolute link for a mail, also outside a request (commands)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config.get("BASE_URL", "").rstrip("/") + path


def _render_mail(template: str, **context) -> str:
    """A plain-text mail body; rendered without request context processors, so commands can send too."""
    return current_app.jinja_env.get_template(template).render(**context)


def _text(value: str | None, label: str, limit: int, *, required: bool = False, minimum: int = 0,
          single_line: bool = False) -> str:
    text = (value or "").replace("\r\n", "\n").strip()
    if single_line:
        text = " ".join(text.split())
    if required and not text:
        raise NetworkError(f"Vul {label} in.")
    if text and len(text) < minimum:
        raise NetworkError(f"Schrijf bij {label} minstens {minimum} tekens.")
    if len(text) > limit:
        raise NetworkError(f"{label[0].upper()}{label[1:]} mag hoogstens {limit} tekens hebben; "
                           f"je tekst heeft er {len(text)}.")
    return text


def _contains(column, q: str):
    return func.lower(column).like(like_pattern(q), escape=LIKE_ESCAPE)


def months_before(moment: datetime, months: int) -> datetime:
    """The same wall-clock moment ``months`` calendar months earlier (31 May - 3 months = 28/29 Feb)."""
    month_index = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def contact_limit() -> int:
    return int(current_app.config.get("NETWORK_CONTACT_LIMIT_PER_DAY", DEFAULT_CONTACT_LIMIT))


def _listed():
    """SQL condition on NetworkProfile joined with User: the profile is shown in the network."""
    return and_(NetworkProfile.opted_in.is_(True), User.active.is_(True), User.anonymised_at.is_(None))


def theme_choices() -> list[str]:
    """The ten module themes, plus the theme of any other live module."""
    extra = db.session.scalars(select(func.lower(Module.theme)).where(Module.archived_at.is_(None))
                               .distinct()).all()
    return list(THEMES) + sorted({t.strip() for t in extra if t and t.strip() and t.strip() not in THEMES})


def normalise_tags(raw: str | None) -> str:
    """Own tags, comma separated: trimmed, without doubles (case-insensitive), at most ten."""
    seen, tags = set(), []
    for part in (raw or "").replace(";", ",").split(","):
        tag = " ".join(part.split())
        if not tag:
            continue
        if len(tag) > MAX_TAG:
            raise NetworkError(f"Een eigen onderwerp mag hoogstens {MAX_TAG} tekens hebben: '{tag[:50]}'.")
        if tag.lower() not in seen:
            seen.add(tag.lower())
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise NetworkError(f"Kies hoogstens {MAX_TAGS} eigen onderwerpen; je noemde er {len(tags)}.")
    return ", ".join(tags)


# --------------------------------------------------------------------------------------------------
# Membership and profiles
# --------------------------------------------------------------------------------------------------

def is_staff(user: User) -> bool:
    return user.has_any_role(*STAFF_ROLES)


def profile_of(user_id: int) -> NetworkProfile | None:
    return db.session.scalar(select(NetworkProfile).where(NetworkProfile.user_id == user_id))


def is_listed(user: User) -> bool:
    return bool(db.session.scalar(select(NetworkProfile.opted_in).where(NetworkProfile.user_id == user.id)))


def is_member(user: User) -> bool:
    """May browse the network: opted in themselves, or an organiser, guide or coordinator."""
    return is_staff(user) or is_listed(user)


def new_profile_for(user: User) -> NetworkProfile:
    """An unsaved profile with suggestions taken from the account (nothing shown until saved)."""
    return NetworkProfile(user_id=user.id, display_name=user.name, neighbourhood=user.neighbourhood,
                          show_organisation=user.organisation_id is not None, show_kind=True,
                          show_participation=True, accepts_contact=True, tags="", working_on="",
                          introduction="", opted_in=False)


def save_profile(user: User, *, display_name: str, neighbourhood: str | None, themes: list[str], tags: str,
                 working_on: str, introduction: str, show_organisation: bool, show_kind: bool,
                 show_participation: bool, accepts_contact: bool) -> NetworkProfile:
    """Save what the network may show and opt in (one transaction)."""
    display_name = _text(display_name, "de naam die anderen zien", MAX_NAME, required=True, single_line=True)
    if neighbourhood and neighbourhood not in NEIGHBOURHOODS:
        raise NetworkError("Kies een wijk uit de lijst, of laat de wijk leeg.")
    allowed = set(theme_choices())
    unknown = [t for t in themes if t not in allowed]
    if unknown:
        raise NetworkError("Kies thema's uit de lijst.")
    tags = normalise_tags(tags)
    working_on = _text(working_on, "waar je nu aan werkt", MAX_WORKING_ON, single_line=True)
    introduction = _text(introduction, "je korte introductie", MAX_INTRODUCTION)

    profile = profile_of(user.id)
    if profile is None:
        profile = NetworkProfile(user_id=user.id)
        db.session.add(profile)
    profile.display_name = display_name
    profile.neighbourhood = neighbourhood or None
    profile.tags, profile.working_on, profile.introduction = tags, working_on, introduction
    profile.show_organisation, profile.show_kind = bool(show_organisation), bool(show_kind)
    profile.show_participation, profile.accepts_contact = bool(show_participation), bool(accepts_contact)
    wanted = list(dict.fromkeys(themes))
    profile.themes = [t for t in profile.themes if t.theme in wanted] + [
        NetworkProfileTheme(theme=t) for t in wanted if t not in {x.theme for x in profile.themes}]
    if not profile.opted_in:
        profile.opted_in, profile.opted_in_at, profile.withdrawn_at = True, utcnow(), None
    try:
        db.session.commit()
    except IntegrityError as exc:  # the same person saving twice at the same moment
        db.session.rollback()
        raise NetworkError("Je profiel werd tegelijk ergens anders opgeslagen. Probeer het opnieuw.") from exc
    return profile


def withdraw(user: User) -> bool:
    """Hide the profile (and the person's initiatives) at once; the texts stay for a later return."""
    changed = db.session.execute(
        update(NetworkProfile).where(NetworkProfile.user_id == user.id, NetworkProfile.opted_in.is_(True))
        .values(opted_in=False, withdrawn_at=utcnow())).rowcount
    db.session.commit()
    return bool(changed)


def delete_profile(user: User) -> bool:
    """Remove the profile altogether (the person can make a new one later)."""
    profile_ids = select(NetworkProfile.id).where(NetworkProfile.user_id == user.id).scalar_subquery()
    db.session.execute(delete(NetworkProfileTheme).where(NetworkProfileTheme.profile_id.in_(profile_ids)))
    removed = db.session.execute(delete(NetworkProfile).where(NetworkProfile.user_id == user.id)).rowcount
    db.session.commit()
    return bool(removed)


def listed_profile(profile_id: int) -> NetworkProfile:
    profile = db.session.scalar(
        select(NetworkProfile).join(NetworkProfile.user).options(contains_eager(NetworkProfile.user))
        .where(NetworkProfile.id == profile_id, _listed()))
    if profile is None:
        raise NotFound("Dit profiel bestaat niet of staat niet (meer) in het netwerk.")
    return profile


# --------------------------------------------------------------------------------------------------
# Directory
# --------------------------------------------------------------------------------------------------

@dataclass
class DirectoryFilters:
    q: str = ""
    theme: str | None = None
    neighbourhood: str | None = None
    organisation_type: str | None = None
    kind: str | None = None
    cohort_id: int | None = None
    year: int | None = None

    @property
    def active(self) -> bool:
        return any((self.q, self.theme, self.neighbourhood, self.organisation_type, self.kind, self.cohort_id,
                    self.year))


def parse_directory_filters(args, themes: list[str], cohort_ids: set[int]) -> DirectoryFilters:
    """Filters from the query string; anything unknown is ignored."""
    def number(name, low, high):
        value = (args.get(name) or "").strip()
        return int(value) if value.isdigit() and low <= int(value) <= high else None

    cohort_id = number("cohort", 1, 2**31)
    return DirectoryFilters(
        q=" ".join((args.get("q") or "").split())[:100],
        theme=args.get("thema") if args.get("thema") in themes else None,
        neighbourhood=args.get("wijk") if args.get("wijk") in NEIGHBOURHOODS else None,
        organisation_type=args.get("organisatie") if args.get("organisatie") in ORGANISATION_TYPES else None,
        kind=args.get("soort") if args.get("soort") in KIND_LABELS else None,
        cohort_id=cohort_id if cohort_id in cohort_ids else None,
        year=number("jaar", 2000, 2100),
    )


def cohort_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(select(Cohort.id, Cohort.name, Cohort.programme_id)
                              .order_by(Cohort.starts_on.desc(), Cohort.id)).all()
    names = dict(db.session.execute(select(Programme.id, Programme.name)).all()) if rows else {}
    return [(row.id, f"{names.get(row.programme_id, '')} {row.name}".strip()) for row in rows]


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    return local_to_utc(datetime(year, 1, 1)), local_to_utc(datetime(year + 1, 1, 1))


def directory_query(filters: DirectoryFilters):
    stmt = (select(NetworkProfile).join(NetworkProfile.user)
            .outerjoin(Organisation, Organisation.id == User.organisation_id)
            .options(contains_eager(NetworkProfile.user).contains_eager(User.organisation),
                     selectinload(NetworkProfile.themes))
            .where(_listed()))
    if filters.q:
        stmt = stmt.where(or_(_contains(NetworkProfile.display_name, filters.q),
                              _contains(NetworkProfile.working_on, filters.q),
                              _contains(NetworkProfile.introduction, filters.q),
                              _contains(NetworkProfile.tags, filters.q),
                              and_(NetworkProfile.show_organisation.is_(True), _contains(Organisation.name, filters.q)),
                              exists().where(NetworkProfileTheme.profile_id == NetworkProfile.id,
                                             _contains(NetworkProfileTheme.theme, filters.q))))
    if filters.theme:
        stmt = stmt.where(exists().where(NetworkProfileTheme.profile_id == NetworkProfile.id,
                                         NetworkProfileTheme.theme == filters.theme))
    if filters.neighbourhood:
        stmt = stmt.where(NetworkProfile.neighbourhood == filters.neighbourhood)
    if filters.organisation_type:
        stmt = stmt.where(NetworkProfile.show_organisation.is_(True), Organisation.type == filters.organisation_type)
    if filters.kind:
        stmt = stmt.where(NetworkProfile.show_kind.is_(True), User.kind == filters.kind)
    if filters.cohort_id:
        stmt = stmt.where(NetworkProfile.show_participation.is_(True),
                          exists().where(Enrolment.user_id == User.id, Enrolment.cohort_id == filters.cohort_id,
                                         Enrolment.status.in_(SEATED)))
    if filters.year:
        start, end = _year_bounds(filters.year)
        in_cohort = exists().where(Enrolment.user_id == User.id, Enrolment.status.in_(SEATED),
                                   Enrolment.cohort_id == Cohort.id, Cohort.starts_on <= date(filters.year, 12, 31),
                                   Cohort.ends_on >= date(filters.year, 1, 1))
        attended = exists().where(Attendance.user_id == User.id, Attendance.present.is_(True),
                                  Attendance.activity_id == Activity.id, Activity.starts_at >= start,
                                  Activity.starts_at < end)
        stmt = stmt.where(NetworkProfile.show_participation.is_(True), or_(in_cohort, attended))
    return stmt.order_by(func.lower(NetworkProfile.display_name), NetworkProfile.id)


def search_directory(filters: DirectoryFilters, page: int | None = None) -> Page:
    return paginate(directory_query(filters), per_page=PER_PAGE, page=page)


def cohorts_of(profiles: list[NetworkProfile]) -> dict[int, list[str]]:
    """Cohort labels per user id, only for people who chose to show their participation (one query)."""
    user_ids = [p.user_id for p in profiles if p.show_participation]
    if not user_ids:
        return {}
    rows = db.session.execute(
        select(Enrolment.user_id, Programme.name, Cohort.name)
        .join(Cohort, Cohort.id == Enrolment.cohort_id).join(Programme, Programme.id == Cohort.programme_id)
        .where(Enrolment.user_id.in_(user_ids), Enrolment.status.in_(SEATED))
        .order_by(Cohort.starts_on)).all()
    result = defaultdict(list)
    for user_id, programme, cohort in rows:
        result[user_id].append(f"{programme} {cohort}")
    return dict(result)


def activity_years(user_id: int) -> list[int]:
    """Years in which the person was present at an activity (walks, lectures, ...)."""
    year = extract("year", Activity.starts_at)
    rows = db.session.scalars(
        select(year).select_from(Attendance).join(Activity, Activity.id == Attendance.activity_id)
        .where(Attendance.user_id == user_id, Attendance.present.is_(True)).group_by(year).order_by(year)).all()
    return [int(y) for y in rows]


# --------------------------------------------------------------------------------------------------
# Contact requests
# --------------------------------------------------------------------------------------------------

def _sender_name(user: User) -> str:
    profile = profile_of(user.id)
    if profile is not None and profile.opted_in:
        return profile.display_name
    staff = [ROLE_LABELS[r].lower() for r in STAFF_ROLES if user.has_role(r)]
    return f"{user.name} ({staff[0]} bij Wijkmakers)" if staff else user.name


def is_blocked(blocker_id: int, sender_id: int) -> bool:
    return bool(db.session.scalar(select(NetworkBlock.id).where(NetworkBlock.blocker_id == blocker_id,
                                                                NetworkBlock.blocked_id == sender_id)))


def sent_today(sender_id: int, now: datetime | None = None) -> int:
    since = (now or utcnow()) - timedelta(days=1)
    return db.session.scalar(select(func.count()).select_from(ContactRequest)
                             .where(ContactRequest.sender_id == sender_id, ContactRequest.created_at > since)) or 0


def send_contact_request(sender: User, recipient_id: int, message: str, *, initiative: Initiative | None = None,
                         now: datetime | None = None) -> ContactRequest:
    """Send a short message to someone in the network (one transaction).

    The recipient gets a mail through the outbox without the sender's address. A request from a sender
    the recipient blocked is stored as refused and never delivered; the sender is not told.
    """
    now = now or utcnow()
    if not is_member(sender):
        raise NetworkError("Zet eerst je eigen netwerkprofiel aan; daarna kun je anderen een bericht sturen.")
    if recipient_id == sender.id:
        raise NetworkError("Je kunt jezelf geen bericht sturen.")
    recipient_profile = db.session.scalar(
        select(NetworkProfile).join(NetworkProfile.user).options(contains_eager(NetworkProfile.user))
        .where(NetworkProfile.user_id == recipient_id, _listed()))
    if recipient_profile is None:
        raise NotFound("Deze persoon staat niet (meer) in het netwerk.")
    if not recipient_profile.accepts_contact and initiative is None:
        raise NetworkError(f"{recipient_profile.display_name} ontvangt op dit moment geen contactverzoeken.")
    message = _text(message, "je bericht", MAX_MESSAGE, required=True, minimum=MIN_MESSAGE)
    kind = KIND_HELP if initiative is not None else KIND_CONTACT

    # Serialise the sender's requests: a row lock on PostgreSQL; on SQLite the INSERT below takes the
    # write lock before the count, so two requests at once cannot both slip under the limit.
    db.session.execute(select(User.id).where(User.id == sender.id).with_for_update())
    pending = db.session.scalar(
        select(ContactRequest.id).where(ContactRequest.sender_id == sender.id,
                                        ContactRequest.recipient_id == recipient_id,
                                        ContactRequest.kind == kind,
                                        ContactRequest.initiative_id.is_(None) if initiative is None
                                        else ContactRequest.initiative_id == initiative.id,
                                        ContactRequest.status.in_((REQUEST_OPEN, REQUEST_REFUSED))))
    if pending is not None:
        db.session.rollback()
        raise NetworkError("Je hebt deze persoon hierover al een bericht gestuurd dat nog open staat. "
                           "Wacht op een antwoord.")
    blocked = is_blocked(recipient_id, sender.id)
    request = ContactRequest(kind=kind, sender_id=sender.id, recipient_id=recipient_id,
                             initiative_id=initiative.id if initiative else None, sender_name=_sender_name(sender),
                             message=message, status=REQUEST_REFUSED if blocked else REQUEST_OPEN, created_at=now)
    db.session.add(request)
    db.session.flush()
    limit = contact_limit()
    if sent_today(sender.id, now) > limit:
        db.session.rollback()
        raise NetworkError(f"Je hebt de afgelopen 24 uur al {limit} berichten in het netwerk verstuurd. Dat is "
                           f"het maximum per dag, zodat niemand overspoeld raakt. Probeer het morgen opnieuw.")
    if not blocked:
        recipient = recipient_profile.user
        subject = (f"Hulpaanbod voor je initiatief '{initiative.title}'" if initiative is not None
                   else "Iemand wil contact met je via het Wijkmakers-netwerk")
        queue_mail(recipient.email, subject[:200], _render_mail(
            "network/mail_contact.txt", request=request, recipient_name=recipient_profile.display_name,
            initiative=initiative, link=_link("network.message", request_id=request.id)))
    db.session.commit()
    return request


def received(user: User) -> list[ContactRequest]:
    """Requests to this person that were delivered (refused ones never show), newest first."""
    return db.session.scalars(
        select(ContactRequest).options(selectinload(ContactRequest.initiative))
        .where(ContactRequest.recipient_id == user.id, ContactRequest.status != REQUEST_REFUSED)
        .order_by(ContactRequest.created_at.desc(), ContactRequest.id.desc()).limit(200)).all()


def sent_by(user: User) -> list[tuple[ContactRequest, str | None]]:
    """The person's own requests with the name the recipient shows in the network (None if gone)."""
    rows = db.session.execute(
        select(ContactRequest, NetworkProfile.display_name)
        .outerjoin(NetworkProfile, NetworkProfile.user_id == ContactRequest.recipient_id)
        .options(selectinload(ContactRequest.initiative))
        .where(ContactRequest.sender_id == user.id)
        .order_by(ContactRequest.created_at.desc(), ContactRequest.id.desc()).limit(200)).all()
    return [(r, name) for r, name in rows]


def request_for(user: User, request_id: int) -> ContactRequest:
    """A request the user sent or (delivered) received; anything else is NotFound."""
    request = db.session.get(ContactRequest, request_id)
    if request is None:
        raise NotFound("Dit bericht bestaat niet.")
    if request.sender_id == user.id:
        return request
    if request.recipient_id == user.id and request.status != REQUEST_REFUSED:
        return request
    raise NotFound("Dit bericht bestaat niet.")


def shown_status(request: ContactRequest, viewer: User) -> str:
    """What the viewer may know: a sender never learns about a refusal or a decline."""
    if request.recipient_id == viewer.id:
        return {REQUEST_OPEN: "Nieuw", REQUEST_ANSWERED: "Beantwoord", REQUEST_DECLINED: "Niet beantwoord"}.get(
            request.status, request.status)
    return "Beantwoord" if request.status == REQUEST_ANSWERED else "Verstuurd"


def _own_received(user: User, request_id: int) -> ContactRequest:
    request = request_for(user, request_id)
    if request.recipient_id != user.id:
        raise NotFound("Dit bericht bestaat niet.")
    return request


def answer_request(user: User, request_id: int, reply: str) -> ContactRequest:
    """Answer a request; only now does the requester get the responder's e-mail address."""
    request = _own_received(user, request_id)
    if request.status != REQUEST_OPEN:
        raise NetworkError("Dit bericht heb je al beantwoord of gearchiveerd.")
    reply = _text(reply, "je antwoord", MAX_REPLY, required=True, minimum=2)
    claimed = db.session.execute(
        update(ContactRequest).where(ContactRequest.id == request.id, ContactRequest.status == REQUEST_OPEN)
        .values(status=REQUEST_ANSWERED, reply=reply, answered_at=utcnow())).rowcount
    if claimed != 1:
        db.session.rollback()
        raise NetworkError("Dit bericht heb je al beantwoord of gearchiveerd.")
    profile = profile_of(user.id)
    responder_name = profile.display_name if profile is not None else user.name
    sender = db.session.get(User, request.sender_id) if request.sender_id else None
    if sender is not None and sender.is_active:
        queue_mail(sender.email, f"{responder_name} antwoordt op je bericht via het Wijkmakers-netwerk"[:200],
                   _render_mail("network/mail_answer.txt", request=request, reply=reply,
                                   responder_name=responder_name, responder_email=user.email,
                                   link=_link("network.message", request_id=request.id)),
                   reply_to=user.email)
    db.session.commit()
    db.session.refresh(request)
    return request


def decline_request(user: User, request_id: int) -> ContactRequest:
    """Leave a request unanswered (archive it); the sender is not told."""
    request = _own_received(user, request_id)
    if request.status == REQUEST_OPEN:
        request.status, request.declined_at = REQUEST_DECLINED, utcnow()
    db.session.commit()
    return request


def block_sender(user: User, request_id: int) -> NetworkBlock | None:
    """Block the sender of a received request: their future requests are silently refused."""
    request = _own_received(user, request_id)
    if request.sender_id is None:
        raise NetworkError("Deze afzender bestaat niet meer; blokkeren is niet nodig.")
    block = _block(user, request.sender_id, request.sender_name)
    if request.status == REQUEST_OPEN:
        request.status, request.declined_at = REQUEST_DECLINED, utcnow()
    db.session.commit()
    return block


def _block(user: User, other_id: int, name: str) -> NetworkBlock:
    block = db.session.scalar(select(NetworkBlock).where(NetworkBlock.blocker_id == user.id,
                                                         NetworkBlock.blocked_id == other_id))
    if block is None:
        block = NetworkBlock(blocker_id=user.id, blocked_id=other_id, blocked_name=name[:120])
        db.session.add(block)
        # Earlier open requests of the blocked person disappear from the inbox too.
        db.session.execute(update(ContactRequest).where(ContactRequest.recipient_id == user.id,
                                                        ContactRequest.sender_id == other_id,
                                                        ContactRequest.status == REQUEST_OPEN)
                           .values(status=REQUEST_DECLINED, declined_at=utcnow()))
    return block


def blocks_of(user: User) -> list[NetworkBlock]:
    return db.session.scalars(select(NetworkBlock).where(NetworkBlock.blocker_id == user.id)
                              .order_by(NetworkBlock.created_at.desc())).all()


def unblock(user: User, block_id: int) -> NetworkBlock:
    block = db.session.get(NetworkBlock, block_id)
    if block is None or block.blocker_id != user.id:
        raise NotFound("Deze blokkade bestaat niet.")
    db.session.delete(block)
    db.session.commit()
    return block


def report_abuse(user: User, request_id: int, reason: str, also_block: bool = True) -> AbuseReport:
    """Report a received message to the organisers (and block its sender, by default)."""
    request = _own_received(user, request_id)
    reason = _text(reason, "wat er niet in orde is", MAX_REASON, required=True, minimum=5)
    report = AbuseReport(reporter_id=user.id, reported_id=request.sender_id, request_id=request.id, reason=reason)
    db.session.add(report)
    if also_block and request.sender_id is not None:
        _block(user, request.sender_id, request.sender_name)
        if request.status == REQUEST_OPEN:
            request.status, request.declined_at = REQUEST_DECLINED, utcnow()
    db.session.flush()
    organisers = db.session.scalars(
        select(User.email).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == ORGANISATOR, User.active.is_(True), User.anonymised_at.is_(None),
               User.email.is_not(None))).all()
    body = _render_mail("network/mail_report.txt", link=_link("network.reports"))
    for email in dict.fromkeys(organisers):
        queue_mail(email, "Nieuwe melding in het Wijkmakers-netwerk", body)
    db.session.commit()
    return report


def reports(include_handled: bool = False) -> list[AbuseReport]:
    stmt = (select(AbuseReport)
            .options(selectinload(AbuseReport.reporter), selectinload(AbuseReport.reported),
                     selectinload(AbuseReport.request), selectinload(AbuseReport.handled_by))
            .order_by(AbuseReport.handled_at.is_not(None), AbuseReport.created_at.desc()).limit(200))
    if not include_handled:
        stmt = stmt.where(AbuseReport.handled_at.is_(None))
    return db.session.scalars(stmt).all()


def resolve_report(by: User, report_id: int, note: str, hide_profile: bool = False) -> AbuseReport:
    report = db.session.get(AbuseReport, report_id)
    if report is None:
        raise NotFound("Deze melding bestaat niet.")
    if report.handled_at is not None:
        raise NetworkError("Deze melding is al afgehandeld.")
    report.handled_note = _text(note, "een korte notitie", MAX_REASON)
    report.handled_at, report.handled_by_id = utcnow(), by.id
    if hide_profile and report.reported_id is not None:
        db.session.execute(update(NetworkProfile).where(NetworkProfile.user_id == report.reported_id,
                                                        NetworkProfile.opted_in.is_(True))
                           .values(opted_in=False, withdrawn_at=utcnow()))
    db.session.commit()
    return report


# --------------------------------------------------------------------------------------------------
# Initiatives
# --------------------------------------------------------------------------------------------------

@dataclass
class InitiativeFilters:
    q: str = ""
    theme: str | None = None
    neighbourhood: str | None = None
    status: str | None = None
    following: bool = False

    @property
    def active(self) -> bool:
        return any((self.q, self.theme, self.neighbourhood, self.status, self.following))


def parse_initiative_filters(args, themes: list[str]) -> InitiativeFilters:
    return InitiativeFilters(
        q=" ".join((args.get("q") or "").split())[:100],
        theme=args.get("thema") if args.get("thema") in themes else None,
        neighbourhood=args.get("wijk") if args.get("wijk") in NEIGHBOURHOODS else None,
        status=args.get("status") if args.get("status") in INITIATIVE_STATUSES else None,
        following=args.get("volgend") == "1",
    )


@dataclass
class InitiativeRow:
    initiative: Initiative
    author_name: str
    author_profile_id: int | None
    followers: int


def _followers_count():
    return (select(func.count()).select_from(InitiativeFollower)
            .where(InitiativeFollower.initiative_id == Initiative.id).scalar_subquery())


def _visible_initiatives():
    return (select(Initiative, NetworkProfile.display_name, NetworkProfile.id, _followers_count())
            .join(User, User.id == Initiative.author_id)
            .join(NetworkProfile, NetworkProfile.user_id == User.id)
            .where(_listed()))


def list_initiatives(filters: InitiativeFilters, viewer: User, page: int | None = None) -> Page:
    stmt = _visible_initiatives()
    if filters.q:
        stmt = stmt.where(or_(_contains(Initiative.title, filters.q), _contains(Initiative.summary, filters.q)))
    if filters.theme:
        stmt = stmt.where(Initiative.theme == filters.theme)
    if filters.neighbourhood:
        stmt = stmt.where(Initiative.neighbourhood == filters.neighbourhood)
    if filters.status:
        stmt = stmt.where(Initiative.status == filters.status)
    if filters.following:
        stmt = stmt.where(exists().where(InitiativeFollower.initiative_id == Initiative.id,
                                         InitiativeFollower.user_id == viewer.id))
    stmt = stmt.order_by(Initiative.updated_at.desc(), Initiative.id.desc())
    result = paginate(stmt, per_page=PER_PAGE, page=page, scalars=False)
    result.items = [InitiativeRow(i, name, pid, followers or 0) for i, name, pid, followers in result.items]
    return result


def visible_initiative(initiative_id: int, viewer: User) -> InitiativeRow:
    """An initiative the viewer may see: any listed one, or their own (even while their profile is off)."""
    row = db.session.execute(_visible_initiatives().where(Initiative.id == initiative_id)).first()
    if row is not None:
        return InitiativeRow(row[0], row[1], row[2], row[3] or 0)
    own = db.session.get(Initiative, initiative_id)
    if own is not None and own.author_id == viewer.id:
        profile = profile_of(viewer.id)
        followers = db.session.scalar(select(func.count()).select_from(InitiativeFollower)
                                      .where(InitiativeFollower.initiative_id == own.id)) or 0
        return InitiativeRow(own, profile.display_name if profile else viewer.name,
                             profile.id if profile else None, followers)
    raise NotFound("Dit initiatief bestaat niet of is niet (meer) zichtbaar.")


def own_initiative(initiative_id: int, user: User) -> Initiative:
    initiative = db.session.get(Initiative, initiative_id)
    if initiative is None or initiative.author_id != user.id:
        raise NotFound("Dit initiatief bestaat niet.")
    return initiative


def my_initiatives(user: User) -> list[Initiative]:
    return db.session.scalars(select(Initiative).where(Initiative.author_id == user.id)
                              .order_by(Initiative.updated_at.desc())).all()


def own_action_plans(user: User) -> list[tuple[ModuleProgress, int | None]]:
    """The person's written action plans, each with the id of the initiative made from it (if any)."""
    rows = db.session.execute(
        select(ModuleProgress, Initiative.id).join(ModuleProgress.module)
        .options(contains_eager(ModuleProgress.module))
        .outerjoin(Initiative, Initiative.progress_id == ModuleProgress.id)
        .where(ModuleProgress.user_id == user.id, ModuleProgress.action_plan != "")
        .order_by(ModuleProgress.action_plan_at.desc(), ModuleProgress.id.desc())).all()
    return [(p, i) for p, i in rows]


def own_progress(user: User, progress_id: int) -> ModuleProgress:
    progress = db.session.get(ModuleProgress, progress_id)
    if progress is None or progress.user_id != user.id or not (progress.action_plan or "").strip():
        raise NotFound("Dit actieplan bestaat niet.")
    return progress


def _check_initiative_fields(title, neighbourhood, theme, status, summary) -> tuple:
    title = _text(title, "een titel", MAX_TITLE, required=True, minimum=3, single_line=True)
    if neighbourhood and neighbourhood not in NEIGHBOURHOODS:
        raise NetworkError("Kies een wijk uit de lijst, of laat de wijk leeg.")
    if theme and theme not in theme_choices():
        raise NetworkError("Kies een thema uit de lijst, of laat het thema leeg.")
    if status not in INITIATIVE_STATUSES:
        raise NetworkError("Kies een stand van zaken: idee, bezig, klaar of gestopt.")
    summary = _text(summary, "een korte beschrijving", MAX_SUMMARY, required=True, minimum=10)
    return title, neighbourhood or None, theme or None, status, summary


def create_initiative(author: User, *, title: str, neighbourhood: str | None, theme: str | None,
                      status: str = STATUS_IDEA, summary: str, progress_id: int | None = None) -> Initiative:
    """Publish an action plan (or a plan from scratch) as an initiative others can follow."""
    if not is_listed(author):
        raise NetworkError("Zet eerst je netwerkprofiel aan: een initiatief staat op jouw naam in het netwerk.")
    title, neighbourhood, theme, status, summary = _check_initiative_fields(title, neighbourhood, theme, status,
                                                                             summary)
    if progress_id is not None:
        own_progress(author, progress_id)
        if db.session.scalar(select(Initiative.id).where(Initiative.progress_id == progress_id)):
            raise NetworkError("Van dit actieplan heb je al een initiatief gemaakt.")
    initiative = Initiative(author_id=author.id, progress_id=progress_id, title=title, neighbourhood=neighbourhood,
                            theme=theme, status=status, summary=summary)
    db.session.add(initiative)
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise NetworkError("Van dit actieplan heb je al een initiatief gemaakt.") from exc
    return initiative


def update_initiative(author: User, initiative_id: int, *, title: str, neighbourhood: str | None,
                      theme: str | None, status: str, summary: str) -> Initiative:
    initiative = own_initiative(initiative_id, author)
    title, neighbourhood, theme, status, summary = _check_initiative_fields(title, neighbourhood, theme, status,
                                                                             summary)
    status_changed = status != initiative.status
    initiative.title, initiative.neighbourhood, initiative.theme = title, neighbourhood, theme
    initiative.summary = summary
    if status_changed:
        initiative.status = status
        _add_update(initiative, f"De stand van zaken is nu: {INITIATIVE_STATUSES[status].lower()}.", status,
                    UPDATE_NOTE)
    db.session.commit()
    return initiative


def delete_initiative(author: User, initiative_id: int) -> None:
    initiative = own_initiative(initiative_id, author)
    db.session.execute(update(ContactRequest).where(ContactRequest.initiative_id == initiative.id)
                       .values(initiative_id=None))
    db.session.delete(initiative)
    db.session.commit()


def _add_update(initiative: Initiative, body: str, status: str | None, kind: str) -> InitiativeUpdate:
    item = InitiativeUpdate(initiative=initiative, body=body, status=status, kind=kind)
    db.session.add(item)
    initiative.updated_at = utcnow()
    followers = db.session.execute(
        select(User.email, User.name).join(InitiativeFollower, InitiativeFollower.user_id == User.id)
        .where(InitiativeFollower.initiative_id == initiative.id, User.active.is_(True),
               User.anonymised_at.is_(None), User.email.is_not(None))).all()
    if followers:
        link = _link("network.initiative", initiative_id=initiative.id)
        for email, name in followers:
            queue_mail(email, f"Nieuws over '{initiative.title}'"[:200],
                       _render_mail("network/mail_update.txt", name=name, initiative=initiative, body=body,
                                       status=INITIATIVE_STATUSES.get(status) if status else None, link=link))
    return item


def add_update(author: User, initiative_id: int, body: str, status: str | None = None) -> InitiativeUpdate:
    """A short update by the author; followers get it by mail."""
    initiative = own_initiative(initiative_id, author)
    body = _text(body, "je update", MAX_UPDATE, required=True, minimum=3)
    if status and status not in INITIATIVE_STATUSES:
        raise NetworkError("Kies een stand van zaken uit de lijst.")
    status = status if status and status != initiative.status else None
    if status:
        initiative.status = status
    item = _add_update(initiative, body, status, UPDATE_NOTE)
    db.session.commit()
    return item


def is_following(user: User, initiative_id: int) -> bool:
    return bool(db.session.scalar(select(InitiativeFollower.id).where(
        InitiativeFollower.user_id == user.id, InitiativeFollower.initiative_id == initiative_id)))


def follow(user: User, initiative_id: int) -> bool:
    row = visible_initiative(initiative_id, user)
    if row.initiative.author_id == user.id:
        raise NetworkError("Je eigen initiatief hoef je niet te volgen: je ziet de updates al.")
    if not is_member(user):
        raise NetworkError("Zet eerst je netwerkprofiel aan om initiatieven te volgen.")
    if is_following(user, initiative_id):
        return False
    db.session.add(InitiativeFollower(initiative_id=initiative_id, user_id=user.id))
    try:
        db.session.commit()
    except IntegrityError:  # followed in another tab at the same moment
        db.session.rollback()
        return False
    return True


def unfollow(user: User, initiative_id: int) -> bool:
    removed = db.session.execute(delete(InitiativeFollower).where(
        InitiativeFollower.user_id == user.id, InitiativeFollower.initiative_id == initiative_id)).rowcount
    db.session.commit()
    return bool(removed)


def offer_help(user: User, initiative_id: int, message: str) -> ContactRequest:
    """A message to the author of an initiative, with the same privacy rules as a contact request."""
    row = visible_initiative(initiative_id, user)
    if row.initiative.author_id == user.id:
        raise NetworkError("Dit is je eigen initiatief.")
    return send_contact_request(user, row.initiative.author_id, message, initiative=row.initiative)


# --------------------------------------------------------------------------------------------------
# Follow-ups: three months after an action plan, ask what became of it
# --------------------------------------------------------------------------------------------------

def due_followups(now: datetime | None = None):
    cutoff = months_before(now or utcnow(), FOLLOWUP_MONTHS)
    return (select(ModuleProgress.id, User.email, User.name, Module.title, ModuleProgress.action_plan,
                   ModuleProgress.action_plan_at)
            .join(User, User.id == ModuleProgress.user_id).join(Module, Module.id == ModuleProgress.module_id)
            .where(ModuleProgress.action_plan != "", ModuleProgress.action_plan_at.is_not(None),
                   ModuleProgress.action_plan_at <= cutoff, ModuleProgress.followup_sent_at.is_(None),
                   ModuleProgress.action_outcome == "",
                   User.active.is_(True), User.anonymised_at.is_(None), User.email.is_not(None), User.email != "")
            .order_by(ModuleProgress.id))


def send_followups(now: datetime | None = None, limit: int | None = None) -> int:
    """Mail everyone whose action plan is three months old (once: followup_sent_at). Returns the count.

    Each mail is its own transaction with a guarded UPDATE, so a rerun (or a second run at the same time)
    never sends a follow-up twice, and a crash halfway loses nothing.
    """
    now = now or utcnow()
    stmt = due_followups(now)
    if limit:
        stmt = stmt.limit(limit)
    rows = db.session.execute(stmt).all()
    sent = 0
    for progress_id, email, name, module_title, action_plan, written_at in rows:
        claimed = db.session.execute(
            update(ModuleProgress).where(ModuleProgress.id == progress_id, ModuleProgress.followup_sent_at.is_(None))
            .values(followup_sent_at=now)).rowcount
        if claimed != 1:
            db.session.rollback()
            continue
        queue_mail(email, f"Wat is er geworden van je plan bij '{module_title}'?"[:200],
                   _render_mail("network/mail_followup.txt", name=name, module_title=module_title,
                                action_plan=action_plan, written_on=nl_date(written_at),
                                link=_link("network.followup", progress_id=progress_id)))
        db.session.commit()
        sent += 1
    return sent


def initiative_of_progress(progress_id: int) -> Initiative | None:
    return db.session.scalar(select(Initiative).where(Initiative.progress_id == progress_id))


def record_followup(user: User, progress_id: int, outcome: str, status: str | None = None) -> ModuleProgress:
    """Record what became of an action plan: into ModuleProgress.action_outcome, and as an update of the
    initiative made from it (if there is one)."""
    progress = own_progress(user, progress_id)
    outcome = _text(outcome, "wat er van je plan is gekomen", MAX_UPDATE, required=True, minimum=3)
    if status and status not in INITIATIVE_STATUSES:
        raise NetworkError("Kies een stand van zaken uit de lijst.")
    progress.action_outcome, progress.action_outcome_at = outcome, utcnow()
    initiative = initiative_of_progress(progress.id)
    if initiative is not None:
        new_status = status if status and status != initiative.status else None
        if new_status:
            initiative.status = new_status
        _add_update(initiative, outcome, new_status, UPDATE_FOLLOWUP)
    db.session.commit()
    return progress


# --------------------------------------------------------------------------------------------------
# Figures for organisers, coordinators and the municipality's monitoring
# --------------------------------------------------------------------------------------------------

def network_figures(year: int | None = None) -> dict:
    """The network in numbers, all SQL aggregates. ``year`` limits requests, initiatives and action plans
    to those created in that calendar year (Europe/Amsterdam); profiles are always the current state.

    Shape::

        {"year": int | None,
         "profiles": {"opted_in": int, "withdrawn": int, "by_kind": {"bewoner": int, "professional": int}},
         "contact_requests": {"total": int, "answered": int, "declined": int, "open": int, "refused": int,
                              "answered_pct": float | None, "help_offers": int},
         "initiatives": {"total": int, "by_status": {"idee": int, "bezig": int, "klaar": int, "gestopt": int},
                         "by_theme": {theme | "": int}, "by_neighbourhood": {wijk | "": int},
                         "followers": int},
         "action_plans": {"total": int, "followups_sent": int, "with_outcome": int,
                          "with_outcome_pct": float | None, "published": int}}
    """
    def in_year(column):
        if year is None:
            return true()
        start, end = _year_bounds(year)
        return and_(column >= start, column < end)

    kinds = dict(db.session.execute(
        select(User.kind, func.count()).select_from(NetworkProfile).join(User, User.id == NetworkProfile.user_id)
        .where(_listed()).group_by(User.kind)).all())
    withdrawn = db.session.scalar(select(func.count()).select_from(NetworkProfile)
                                  .where(NetworkProfile.opted_in.is_(False))) or 0

    request_rows = db.session.execute(
        select(ContactRequest.kind, ContactRequest.status, func.count())
        .where(in_year(ContactRequest.created_at)).group_by(ContactRequest.kind, ContactRequest.status)).all()
    by_status = dict.fromkeys(REQUEST_STATUSES, 0)
    help_offers = 0
    for kind, status, count in request_rows:
        by_status[status] = by_status.get(status, 0) + count
        if kind == KIND_HELP:
            help_offers += count
    total_requests = sum(by_status.values())
    delivered = total_requests - by_status[REQUEST_REFUSED]

    def grouped(column):
        rows = db.session.execute(select(column, func.count()).where(in_year(Initiative.created_at))
                                  .group_by(column).order_by(func.count().desc(), column)).all()
        return {(key or ""): count for key, count in rows}

    initiative_status = dict.fromkeys(INITIATIVE_STATUSES, 0)
    initiative_status.update(grouped(Initiative.status))
    followers = db.session.scalar(
        select(func.count()).select_from(InitiativeFollower)
        .join(Initiative, Initiative.id == InitiativeFollower.initiative_id)
        .where(in_year(Initiative.created_at))) or 0

    plans = db.session.execute(
        select(func.count(),
               func.count(ModuleProgress.followup_sent_at),
               func.count(Initiative.id))
        .select_from(ModuleProgress)
        .outerjoin(Initiative, Initiative.progress_id == ModuleProgress.id)
        .where(ModuleProgress.action_plan != "", in_year(ModuleProgress.action_plan_at))).one()
    with_outcome = db.session.scalar(
        select(func.count()).select_from(ModuleProgress)
        .where(ModuleProgress.action_plan != "", ModuleProgress.action_outcome != "",
               in_year(ModuleProgress.action_plan_at))) or 0

    def pct(part, whole):
        return round(100 * part / whole, 1) if whole else None

    return {
        "year": year,
        "profiles": {"opted_in": sum(kinds.values()), "withdrawn": withdrawn,
                     "by_kind": {key: kinds.get(key, 0) for key in KIND_LABELS}},
        "contact_requests": {"total": total_requests, "answered": by_status[REQUEST_ANSWERED],
                             "declined": by_status[REQUEST_DECLINED], "open": by_status[REQUEST_OPEN],
                             "refused": by_status[REQUEST_REFUSED],
                             "answered_pct": pct(by_status[REQUEST_ANSWERED], delivered),
                             "help_offers": help_offers},
        "initiatives": {"total": sum(initiative_status.values()), "by_status": initiative_status,
                        "by_theme": grouped(Initiative.theme), "by_neighbourhood": grouped(Initiative.neighbourhood),
                        "followers": followers},
        "action_plans": {"total": plans[0], "followups_sent": plans[1], "with_outcome": with_outcome,
                         "with_outcome_pct": pct(with_outcome, plans[0]), "published": plans[2]},
    }


# --------------------------------------------------------------------------------------------------
# Privacy: erasure
# --------------------------------------------------------------------------------------------------

def erase_network_data(user_id: int, *, commit: bool = True) -> dict:
    """Remove a person's network data (privacy request): the profile, the content of every message they
    sent or received, their blocks and follows, and the personal parts of their initiatives (author,
    title, text, updates). What remains (status, theme, neighbourhood, counts) keeps the figures of past
    years intact. With ``commit=False`` it only flushes, for a caller that erases more in one transaction.
    Returns counts of what was touched."""
    profile_ids = select(NetworkProfile.id).where(NetworkProfile.user_id == user_id).scalar_subquery()
    db.session.execute(delete(NetworkProfileTheme).where(NetworkProfileTheme.profile_id.in_(profile_ids)))
    profiles = db.session.execute(delete(NetworkProfile).where(NetworkProfile.user_id == user_id)).rowcount
    sent = db.session.execute(update(ContactRequest).where(ContactRequest.sender_id == user_id)
                              .values(sender_id=None, sender_name="", message="", reply="")).rowcount
    got = db.session.execute(update(ContactRequest).where(ContactRequest.recipient_id == user_id)
                             .values(recipient_id=None, message="", reply="")).rowcount
    blocks = db.session.execute(delete(NetworkBlock).where(
        or_(NetworkBlock.blocker_id == user_id, NetworkBlock.blocked_id == user_id))).rowcount
    db.session.execute(update(AbuseReport).where(AbuseReport.reporter_id == user_id)
                       .values(reporter_id=None, reason=""))
    db.session.execute(update(AbuseReport).where(AbuseReport.reported_id == user_id)
                       .values(reported_id=None, reason=""))
    own = select(Initiative.id).where(Initiative.author_id == user_id).scalar_subquery()
    db.session.execute(update(InitiativeUpdate).where(InitiativeUpdate.initiative_id.in_(own)).values(body=""))
    follows = db.session.execute(delete(InitiativeFollower).where(
        or_(InitiativeFollower.user_id == user_id, InitiativeFollower.initiative_id.in_(own)))).rowcount
    initiatives = db.session.execute(update(Initiative).where(Initiative.author_id == user_id)
                                     .values(author_id=None, progress_id=None, title="(verwijderd)",
                                             summary="")).rowcount
    if commit:
        db.session.commit()
    else:
        db.session.flush()
    return {"profiles": profiles, "requests": sent + got, "blocks": blocks, "follows": follows,
            "initiatives": initiatives}
