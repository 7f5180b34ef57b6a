"""Load module texts from content/modules/*.md into the database, by slug, all or nothing."""
import hashlib
from dataclasses import dataclass
from pathlib import Path

import frontmatter
import yaml
from sqlalchemy import select

from ..core.markdown import render_markdown
from ..core.timeutil import utcnow
from ..extensions import db
from .models import Module

REQUIRED_FIELDS = {"slug": str, "title": str, "order": int, "theme": str, "study_hours": int,
                   "learning_goals": list}


class ContentError(ValueError):
    """A module file is malformed; the message names the file and the field."""


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
    created: list[str]
    updated: list[str]
    unchanged: list[str]
    archived: list[str]


def parse_module_file(path: Path) -> ModuleSource:
    raw = path.read_bytes()
    try:
        post = frontmatter.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ContentError(f"{path.name}: het bestand is geen geldige UTF-8-tekst") from exc
    except yaml.YAMLError as exc:
        raise ContentError(f"{path.name}: de front matter is geen geldige YAML ({exc.__class__.__name__})") from exc
    meta = post.metadata
    for field, kind in REQUIRED_FIELDS.items():
        if field not in meta:
            raise ContentError(f"{path.name}: veld '{field}' ontbreekt in de front matter")
        if not isinstance(meta[field], kind) or isinstance(meta[field], bool):
            raise ContentError(f"{path.name}: veld '{field}' moet een {kind.__name__} zijn")
    if not all(isinstance(goal, str) and goal.strip() for goal in meta["learning_goals"]):
        raise ContentError(f"{path.name}: veld 'learning_goals' moet een lijst met teksten zijn")
    slug = meta["slug"].strip()
    if not slug or not all(c.isalnum() or c == "-" for c in slug) or slug.lower() != slug:
        raise ContentError(f"{path.name}: veld 'slug' mag alleen kleine letters, cijfers en '-' bevatten")
    if not post.content.strip():
        raise ContentError(f"{path.name}: de tekst van de module (na de front matter) is leeg")
    return ModuleSource(path=path, slug=slug, title=meta["title"].strip(), order=meta["order"],
                        theme=meta["theme"].strip(), study_hours=meta["study_hours"],
                        learning_goals=[g.strip() for g in meta["learning_goals"]], body=post.content,
                        digest=hashlib.sha256(raw).hexdigest())


def read_sources(directory: str | Path) -> list[ModuleSource]:
    """Parse every file first, so one bad file stops the sync before anything is written."""
    sources = [parse_module_file(p) for p in sorted(Path(directory).glob("*.md"))]
    seen: dict[str, str] = {}
    for source in sources:
        if source.slug in seen:
            raise ContentError(f"{source.path.name}: veld 'slug' ({source.slug}) komt ook voor in {seen[source.slug]}")
        seen[source.slug] = source.path.name
    return sources


def sync_modules(directory: str | Path) -> SyncReport:
    sources = read_sources(directory)
    existing = {m.slug: m for m in db.session.scalars(select(Module))}
    report = SyncReport([], [], [], [])
    for source in sources:
        module = existing.get(source.slug)
        if module is None:
            module = Module(slug=source.slug)
            db.session.add(module)
            report.created.append(source.slug)
        elif module.content_hash == source.digest and module.archived_at is None:
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
    present = {s.slug for s in sources}
    for slug, module in existing.items():
        # A removed file archives its module; progress rows stay untouched.
        if slug not in present and module.archived_at is None:
            module.archived_at = utcnow()
            report.archived.append(slug)
    db.session.commit()
    return report
