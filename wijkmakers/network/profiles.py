"""Who is in the network: opt-in profiles, what they show, and who may browse.

Rules:
- Nobody is listed unless they opted in, and only the fields they chose are shown (and can be filtered
  on: a filter on a hidden field would reveal it). Withdrawing hides the profile and the person's
  initiatives at once. E-mail addresses are never shown.
- Reciprocity: the directory and the initiatives are open to people who opted in themselves, plus
  organisers, guides and coordinators (who bring people together). Everyone else sees an invitation.
"""
from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from ..auth.models import NEIGHBOURHOODS, User
from ..core.errors import DomainError, NotFound
from ..core.locking import lock_row
from ..core.permissions import BEGELEIDER, COORDINATOR, ORGANISATOR
from ..core.search import LIKE_ESCAPE, like_pattern
from ..core.text import clean_text
from ..core.timeutil import utcnow
from ..core.transaction import transactional
from ..extensions import db
from ..learning.models import Module
from .models import THEMES, NetworkProfile, NetworkProfileTheme

# Roles that may browse the network without a profile of their own, to bring people together.
STAFF_ROLES = (ORGANISATOR, BEGELEIDER, COORDINATOR)

MAX_NAME = 120
MAX_TAGS = 10
MAX_TAG = 40
MAX_WORKING_ON = 300
MAX_INTRODUCTION = 1000


def contains(column, q: str):
    """Case-insensitive "column contains q", with a typed % or _ taken literally."""
    return func.lower(column).like(like_pattern(q), escape=LIKE_ESCAPE)


def listed():
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
            raise DomainError(f"Een eigen onderwerp mag hoogstens {MAX_TAG} tekens hebben: '{tag[:50]}'.", "tags")
        if tag.lower() not in seen:
            seen.add(tag.lower())
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise DomainError(f"Kies hoogstens {MAX_TAGS} eigen onderwerpen; je noemde er {len(tags)}.", "tags")
    return ", ".join(tags)


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
    """An unsaved profile with suggestions taken from the account (nothing shown until saved). Privacy by
    default: every sharing option and contact requests start unticked; the person ticks what they want."""
    return NetworkProfile(user_id=user.id, display_name=user.name, neighbourhood=user.neighbourhood,
                          show_organisation=False, show_kind=False, show_participation=False,
                          accepts_contact=False, tags="", working_on="", introduction="", opted_in=False)


@transactional
def save_profile(user: User, *, display_name: str, neighbourhood: str | None, themes: list[str], tags: str,
                 working_on: str, introduction: str, show_organisation: bool, show_kind: bool,
                 show_participation: bool, accepts_contact: bool) -> NetworkProfile:
    """Save what the network may show and opt in."""
    display_name = clean_text(display_name, "de naam die anderen zien", MAX_NAME, field="display_name",
                              required=True, single_line=True)
    if neighbourhood and neighbourhood not in NEIGHBOURHOODS:
        raise DomainError("Kies een wijk uit de lijst, of laat de wijk leeg.", "neighbourhood")
    allowed = set(theme_choices())
    if any(t not in allowed for t in themes):
        raise DomainError("Kies thema's uit de lijst.", "themes")
    tags = normalise_tags(tags)
    working_on = clean_text(working_on, "waar je nu aan werkt", MAX_WORKING_ON, field="working_on",
                            single_line=True)
    introduction = clean_text(introduction, "je korte introductie", MAX_INTRODUCTION, field="introduction")

    lock_row(User, user.id)  # the same person saving in two tabs at once: one after the other
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
        db.session.flush()
    except IntegrityError as exc:  # a backstop for the lock above
        raise DomainError("Je profiel werd tegelijk ergens anders opgeslagen. Probeer het opnieuw.") from exc
    return profile


@transactional
def withdraw(user: User) -> bool:
    """Hide the profile (and the person's initiatives) at once; the texts stay for a later return."""
    changed = db.session.execute(
        update(NetworkProfile).where(NetworkProfile.user_id == user.id, NetworkProfile.opted_in.is_(True))
        .values(opted_in=False, withdrawn_at=utcnow())).rowcount
    return bool(changed)


@transactional
def delete_profile(user: User) -> bool:
    """Remove the profile altogether (the person can make a new one later)."""
    profile_ids = select(NetworkProfile.id).where(NetworkProfile.user_id == user.id).scalar_subquery()
    db.session.execute(delete(NetworkProfileTheme).where(NetworkProfileTheme.profile_id.in_(profile_ids)))
    removed = db.session.execute(delete(NetworkProfile).where(NetworkProfile.user_id == user.id)).rowcount
    return bool(removed)


def listed_profile(profile_id: int) -> NetworkProfile:
    profile = db.session.scalar(
        select(NetworkProfile).join(NetworkProfile.user).options(contains_eager(NetworkProfile.user))
        .where(NetworkProfile.id == profile_id, listed()))
    if profile is None:
        raise NotFound("Dit profiel bestaat niet of staat niet (meer) in het netwerk.")
    return profile
