"""Load module texts from content/modules/*.md into the database, by slug, all or nothing.

Every file is read and checked before anything is written, so one malformed file stops the whole sync
with a message that names the file and the field. A module whose file disappeared is archived, never
deleted: progress, reflections and action plans of participants stay.
"""
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
import yaml
from sqlalchemy import select

from ..core.errors import DomainError
from ..core.markdown import render_markdown
from ..core.timeutil import utcnow
from ..core.transaction import transactional
from ..extensions import db
from .models import Module
from .module_texts import ORIGIN_FILE, add_version

REQUIRED_FIELDS = {"slug": str, "title": str, "order": int, "theme": str, "study_hours": int,
                   "learning_goals": list}
TYPE_LABELS = {str: "tekst", int: "geheel getal", list: "lijst"}
MAX_LENGTHS = {"slug": 80, "title": 160, "theme": 80}
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_STUDY_HOURS = 200


class ContentError(DomainError):
    """A module file is malformed; the message names the file and the field. Its own kind, because the
    command turns exactly this into a clean message and leaves other failures loud."""


@dataclass
class ModuleSource:
    path: Path
    slug: str
    title: str
    order: int
    theme: str
    study_hours: int
    learning_goals: list[str]
    body: str
    digest: str


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.archived)


def _fail(path: Path, message: str) -> ContentError:
    return ContentError(f"{path.name}: {message}")


def parse_module_file(path: Path) -> ModuleSource:
    raw = path.read_bytes()
    try:
        # utf-8-sig: a file saved by an editor that adds a byte-order mark still has front matter.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _fail(path, "het bestand is geen geldige UTF-8-tekst") from exc
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (regel {mark.line + 1})" if mark is not None else ""
        raise _fail(path, f"de front matter is geen geldige YAML{where}") from exc
    meta = post.metadata if isinstance(post.metadata, dict) else {}
    for name, kind in REQUIRED_FIELDS.items():
        if name not in meta or meta[name] is None:
            raise _fail(path, f"veld '{name}' ontbreekt in de front matter")
        value = meta[name]
        if not isinstance(value, kind) or isinstance(value, bool):
            raise _fail(path, f"veld '{name}' moet een {TYPE_LABELS[kind]} zijn")
        if kind is str and not value.strip():
            raise _fail(path, f"veld '{name}' is leeg")
        if name in MAX_LENGTHS and len(value.strip()) > MAX_LENGTHS[name]:
            raise _fail(path, f"veld '{name}' is langer dan {MAX_LENGTHS[name]} tekens")
    if not meta["learning_goals"] or not all(isinstance(g, str) and g.strip() for g in meta["learning_goals"]):
        raise _fail(path, "veld 'learning_goals' moet een lijst met (niet-lege) teksten zijn")
    if meta["order"] < 0:
        raise _fail(path, "veld 'order' mag niet negatief zijn")
    if not 0 <= meta["study_hours"] <= MAX_STUDY_HOURS:
        raise _fail(path, f"veld 'study_hours' moet tussen 0 en {MAX_STUDY_HOURS} liggen")
    slug = meta["slug"].strip()
    if not SLUG_PATTERN.match(slug):
        raise _fail(path, "veld 'slug' mag alleen kleine letters, cijfers en losse '-' bevatten")
    if not post.content.strip():
        raise _fail(path, "de tekst van de module (na de front matter) is leeg")
    return ModuleSource(path=path, slug=slug, title=meta["title"].strip(), order=meta["order"],
                        theme=meta["theme"].strip(), study_hours=meta["study_hours"],
                        learning_goals=[g.strip() for g in meta["learning_goals"]], body=post.content,
                        digest=hashlib.sha256(raw).hexdigest())


def read_sources(directory: str | Path) -> list[ModuleSource]:
    """Parse every file first, so one bad file stops the sync before anything is written."""
    folder = Path(directory)
    if not folder.is_dir():
        raise ContentError(f"{folder}: deze map bestaat niet")
    sources = [parse_module_file(p) for p in sorted(folder.glob("*.md"))]
    seen: dict[str, str] = {}
    for source in sources:
        if source.slug in seen:
            raise _fail(source.path, f"veld 'slug' ({source.slug}) komt ook voor in {seen[source.slug]}")
        seen[source.slug] = source.path.name
    return sources


@transactional
def sync_modules(directory: str | Path, use_file: tuple[str, ...] = ()) -> SyncReport:
    """Create, update and archive modules so the database matches the files. One transaction: any error
    (one bad file among many) leaves every module as it was.

    A module whose text was saved in the browser is never overwritten: when its file changed as well, the
    slug is reported as a conflict and left as it is, unless it is named in ``use_file``. Modules made in
    the browser have no file and are never archived by a sync."""
    sources = read_sources(directory)
    existing = {m.slug: m for m in db.session.scalars(select(Module))}
    if not sources and any(m.archived_at is None for m in existing.values()):
        # An empty or wrong folder must not archive the whole curriculum by accident.
        raise ContentError(f"{Path(directory)}: geen modulebestanden (*.md) gevonden; er is niets gewijzigd")
    report = SyncReport()
    for source in sources:
        module = existing.get(source.slug)
        if module is None:
            module = Module(slug=source.slug)
            db.session.add(module)
            report.created.append(source.slug)
        elif module.edited_at is not None and source.slug not in use_file:
            (report.unchanged if module.content_hash == source.digest else report.conflicts).append(source.slug)
            continue
        elif (module.content_hash == source.digest and module.archived_at is None
              and module.source_file == source.path.name):
            report.unchanged.append(source.slug)
            continue
        else:
            report.updated.append(source.slug)
        module.title = source.title
        module.theme = source.theme
        module.position = source.order
        module.study_hours = source.study_hours
        module.learning_goals = source.learning_goals
        module.body_markdown = source.body
        module.body_html = str(render_markdown(source.body))
        module.source_file = source.path.name
        module.content_hash = source.digest
        module.archived_at = None
        module.edited_at = None
        db.session.flush()
        add_version(module, ORIGIN_FILE, None)
    present = {s.slug for s in sources}
    for slug, module in existing.items():
        # A removed file archives its module; progress rows stay untouched.
        if slug not in present and module.archived_at is None and module.source_file and module.edited_at is None:
            module.archived_at = utcnow()
            report.archived.append(slug)
    return report
