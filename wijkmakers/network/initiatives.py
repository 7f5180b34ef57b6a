"""Initiatives: plans people publish in the network (often made from an action plan), with updates that
followers get by mail, and offers of help that go to the author like a contact request.

An initiative is shown while its author is listed; the author always sees their own.
"""
from dataclasses import dataclass

from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from ..auth.models import NEIGHBOURHOODS, User
from ..core.errors import DomainError, NotFound
from ..core.locking import lock_row
from ..core.pagination import Page, paginate
from ..core.text import clean_text
from ..core.timeutil import utcnow
from ..core.transaction import transactional
from ..extensions import db
from ..learning.models import ModuleProgress
from ..notifications.compose import absolute_url, render_text
from ..notifications.services import queue_mail
from .directory import PER_PAGE
from .messages import send_contact_request
from .models import (INITIATIVE_STATUSES, STATUS_IDEA, UPDATE_NOTE, ContactRequest, Initiative, InitiativeFollower,
                     InitiativeUpdate, NetworkProfile)
from .profiles import contains, is_listed, is_member, listed, profile_of, theme_choices

MAX_TITLE = 160
MAX_SUMMARY = 3000
MAX_UPDATE = 2000


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
            .where(listed()))


def list_initiatives(filters: InitiativeFilters, viewer: User, page: int | None = None) -> Page:
    stmt = _visible_initiatives()
    if filters.q:
        stmt = stmt.where(or_(contains(Initiative.title, filters.q), contains(Initiative.summary, filters.q)))
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


def initiative_of_progress(progress_id: int) -> Initiative | None:
    return db.session.scalar(select(Initiative).where(Initiative.progress_id == progress_id))


def _check_initiative_fields(title, neighbourhood, theme, status, summary) -> tuple:
    title = clean_text(title, "een titel", MAX_TITLE, field="title", required=True, minimum=3, single_line=True)
    if neighbourhood and neighbourhood not in NEIGHBOURHOODS:
        raise DomainError("Kies een wijk uit de lijst, of laat de wijk leeg.", "neighbourhood")
    if theme and theme not in theme_choices():
        raise DomainError("Kies een thema uit de lijst, of laat het thema leeg.", "theme")
    if status not in INITIATIVE_STATUSES:
        raise DomainError("Kies een stand van zaken: idee, bezig, klaar of gestopt.", "status")
    summary = clean_text(summary, "een korte beschrijving", MAX_SUMMARY, field="summary", required=True,
                         minimum=10)
    return title, neighbourhood or None, theme or None, status, summary


@transactional
def create_initiative(author: User, *, title: str, neighbourhood: str | None, theme: str | None,
                      status: str = STATUS_IDEA, summary: str, progress_id: int | None = None) -> Initiative:
    """Publish an action plan (or a plan from scratch) as an initiative others can follow."""
    if not is_listed(author):
        raise DomainError("Zet eerst je netwerkprofiel aan: een initiatief staat op jouw naam in het netwerk.")
    title, neighbourhood, theme, status, summary = _check_initiative_fields(title, neighbourhood, theme, status,
                                                                             summary)
    if progress_id is not None:
        own_progress(author, progress_id)
        lock_row(User, author.id)  # one initiative per action plan, also from two tabs at once
        if initiative_of_progress(progress_id) is not None:
            raise DomainError("Van dit actieplan heb je al een initiatief gemaakt.")
    initiative = Initiative(author_id=author.id, progress_id=progress_id, title=title, neighbourhood=neighbourhood,
                            theme=theme, status=status, summary=summary)
    db.session.add(initiative)
    try:
        db.session.flush()
    except IntegrityError as exc:  # a backstop for the lock above
        raise DomainError("Van dit actieplan heb je al een initiatief gemaakt.") from exc
    return initiative


@transactional
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
        post_update(initiative, f"De stand van zaken is nu: {INITIATIVE_STATUSES[status].lower()}.", status,
                    UPDATE_NOTE)
    return initiative


@transactional
def delete_initiative(author: User, initiative_id: int) -> None:
    initiative = own_initiative(initiative_id, author)
    db.session.execute(update(ContactRequest).where(ContactRequest.initiative_id == initiative.id)
                       .values(initiative_id=None))
    db.session.delete(initiative)


def post_update(initiative: Initiative, body: str, status: str | None, kind: str) -> InitiativeUpdate:
    """Add an update in the caller's transaction and mail it to the followers."""
    item = InitiativeUpdate(initiative=initiative, body=body, status=status, kind=kind)
    db.session.add(item)
    initiative.updated_at = utcnow()
    followers = db.session.execute(
        select(User.email, User.name).join(InitiativeFollower, InitiativeFollower.user_id == User.id)
        .where(InitiativeFollower.initiative_id == initiative.id, User.active.is_(True),
               User.anonymised_at.is_(None), User.email.is_not(None))).all()
    if followers:
        link = absolute_url("network.initiative", initiative_id=initiative.id)
        for email, name in followers:
            queue_mail(email, f"Nieuws over '{initiative.title}'"[:200],
                       render_text("network/mail_update.txt", name=name, initiative=initiative, body=body,
                                   status=INITIATIVE_STATUSES.get(status) if status else None, link=link))
    return item


@transactional
def add_update(author: User, initiative_id: int, body: str, status: str | None = None) -> InitiativeUpdate:
    """A short update by the author; followers get it by mail."""
    initiative = own_initiative(initiative_id, author)
    body = clean_text(body, "je update", MAX_UPDATE, field="body", required=True, minimum=3)
    if status and status not in INITIATIVE_STATUSES:
        raise DomainError("Kies een stand van zaken uit de lijst.", "status")
    status = status if status and status != initiative.status else None
    if status:
        initiative.status = status
    return post_update(initiative, body, status, UPDATE_NOTE)


def is_following(user: User, initiative_id: int) -> bool:
    return bool(db.session.scalar(select(InitiativeFollower.id).where(
        InitiativeFollower.user_id == user.id, InitiativeFollower.initiative_id == initiative_id)))


@transactional
def follow(user: User, initiative_id: int) -> bool:
    row = visible_initiative(initiative_id, user)
    if row.initiative.author_id == user.id:
        raise DomainError("Je eigen initiatief hoef je niet te volgen: je ziet de updates al.")
    if not is_member(user):
        raise DomainError("Zet eerst je netwerkprofiel aan om initiatieven te volgen.")
    lock_row(User, user.id)  # followed in another tab at the same moment: the second finds the first
    if is_following(user, initiative_id):
        return False
    db.session.add(InitiativeFollower(initiative_id=initiative_id, user_id=user.id))
    return True


@transactional
def unfollow(user: User, initiative_id: int) -> bool:
    removed = db.session.execute(delete(InitiativeFollower).where(
        InitiativeFollower.user_id == user.id, InitiativeFollower.initiative_id == initiative_id)).rowcount
    return bool(removed)


@transactional
def offer_help(user: User, initiative_id: int, message: str) -> ContactRequest:
    """A message to the author of an initiative, with the same privacy rules as a contact request."""
    row = visible_initiative(initiative_id, user)
    if row.initiative.author_id == user.id:
        raise DomainError("Dit is je eigen initiatief.")
    return send_contact_request(user, row.initiative.author_id, message, initiative=row.initiative)
