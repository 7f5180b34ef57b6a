"""Module texts edited in the browser: the editor's checks, every saved version kept (who, when, how), the
difference between two versions, restoring an earlier one, and new modules made here.

Rules in one place:
- A save that changes nothing makes no version.
- Every version is kept; restoring copies an old version into a new one, so nothing is ever lost.
- The text is Markdown, shown only after core.markdown has sanitised it.
- Once a text was saved in the browser, `content sync` leaves it alone (learning.content reports a conflict
  when the file changed too).
"""
import difflib
import re
from dataclasses import dataclass

from sqlalchemy import func, select

from ..auth.models import User
from ..core.audit import record
from ..core.errors import DomainError, NotFound
from ..core.markdown import render_markdown
from ..core.text import clean_text, unique_slug
from ..core.timeutil import utcnow
from ..core.transaction import transactional
from ..extensions import db
from ..core.uploads import checked_document
from .models import Module, ModuleVersion, Worksheet

ORIGIN_FILE = "bestand"
ORIGIN_BROWSER = "browser"
ORIGIN_RESTORED = "hersteld"
ORIGIN_LABELS = {ORIGIN_FILE: "Uit het bestand geladen", ORIGIN_BROWSER: "Bewerkt in de browser",
                 ORIGIN_RESTORED: "Teruggezet"}
MAX_BODY = 100_000
MAX_GOALS = 12
MAX_STUDY_HOURS = 200
WORKSHEET_KINDS = ("pdf", "docx", "odt")
WORKSHEET_MAX_BYTES = 4 * 1024 * 1024


@dataclass
class ModuleText:
    title: str
    theme: str
    study_hours: int
    learning_goals: list[str]
    body: str


def module_or_404(module_id: int) -> Module:
    module = db.session.get(Module, module_id)
    if module is None:
        raise NotFound()
    return module


def modules() -> list[Module]:
    return list(db.session.scalars(select(Module).order_by(Module.archived_at.is_not(None), Module.position,
                                                           Module.title)))


def text_of(item: Module | ModuleVersion) -> ModuleText:
    return ModuleText(title=item.title, theme=item.theme, study_hours=item.study_hours,
                      learning_goals=list(item.learning_goals or []), body=item.body_markdown)


def goals_from(lines: str | None) -> list[str]:
    """The editor's one-goal-per-line box; a leading "-" or "*" (as in Markdown) is dropped."""
    return [re.sub(r"^[-*]\s+", "", line.strip()) for line in (lines or "").splitlines() if line.strip()]


def checked(text: ModuleText) -> ModuleText:
    title = clean_text(text.title, "een titel", 160, field="title", required=True, single_line=True)
    theme = clean_text(text.theme, "een thema", 80, field="theme", required=True, single_line=True)
    if text.study_hours is None or not 0 <= text.study_hours <= MAX_STUDY_HOURS:
        raise DomainError(f"Kies een studietijd van 0 tot {MAX_STUDY_HOURS} uur.", "study_hours")
    goals = [clean_text(g, "een leerdoel", 300, field="learning_goals", single_line=True)
             for g in text.learning_goals]
    if not goals:
        raise DomainError("Schrijf minstens één leerdoel, één per regel.", "learning_goals")
    if len(goals) > MAX_GOALS:
        raise DomainError(f"Hoogstens {MAX_GOALS} leerdoelen; je hebt er {len(goals)}.", "learning_goals")
    body = clean_text(text.body, "de tekst van de module", MAX_BODY, field="body", required=True)
    return ModuleText(title=title, theme=theme, study_hours=text.study_hours, learning_goals=goals, body=body)


def preview(text: ModuleText):
    return render_markdown(text.body)


def _apply(module: Module, text: ModuleText) -> None:
    module.title, module.theme, module.study_hours = text.title, text.theme, text.study_hours
    module.learning_goals = text.learning_goals
    module.body_markdown = text.body
    module.body_html = str(render_markdown(text.body))


def add_version(module: Module, origin: str, by: User | None) -> ModuleVersion:
    """Keep the module's current text as its next version (also called by content sync)."""
    number = (db.session.scalar(select(func.max(ModuleVersion.number))
                                .where(ModuleVersion.module_id == module.id)) or 0) + 1
    version = ModuleVersion(module_id=module.id, number=number, origin=origin, title=module.title,
                            theme=module.theme, study_hours=module.study_hours,
                            learning_goals=list(module.learning_goals or []), body_markdown=module.body_markdown,
                            saved_by_id=by.id if by else None, saved_at=utcnow())
    db.session.add(version)
    return version



@transactional
def create_module(text: ModuleText, by: User) -> Module:
    text = checked(text)
    position = (db.session.scalar(select(func.max(Module.position))) or 0) + 1
    module = Module(slug=unique_slug(Module.slug, text.title, 70, "module"), position=position,
                    edited_at=utcnow())
    _apply(module, text)
    db.session.add(module)
    db.session.flush()
    add_version(module, ORIGIN_BROWSER, by)
    record(by.id, "module_created", "module", module.id)
    return module


@transactional
def save_text(module: Module, text: ModuleText, by: User) -> ModuleVersion | None:
    """Save the editor's text as a new version; None when nothing changed."""
    text = checked(text)
    if text == text_of(module):
        return None
    if not _has_versions(module):
        add_version(module, ORIGIN_FILE, None)  # the text as it came from the file, before this first edit
    _apply(module, text)
    module.edited_at = utcnow()
    version = add_version(module, ORIGIN_BROWSER, by)
    record(by.id, "module_text_saved", "module", module.id, version=version.number)
    return version


@transactional
def restore(module: Module, version_id: int, by: User) -> ModuleVersion:
    old = db.session.get(ModuleVersion, version_id)
    if old is None or old.module_id != module.id:
        raise NotFound()
    if text_of(old) == text_of(module):
        raise DomainError(f"Versie {old.number} is gelijk aan de huidige tekst; er is niets teruggezet.")
    _apply(module, text_of(old))
    module.edited_at = utcnow()
    version = add_version(module, ORIGIN_RESTORED, by)
    record(by.id, "module_text_restored", "module", module.id, version=old.number, new_version=version.number)
    return version


def _has_versions(module: Module) -> bool:
    return db.session.scalar(select(ModuleVersion.id).where(ModuleVersion.module_id == module.id).limit(1)) is not None


def versions(module: Module) -> list[ModuleVersion]:
    return list(db.session.scalars(select(ModuleVersion).where(ModuleVersion.module_id == module.id)
                                   .order_by(ModuleVersion.number.desc())))


def _lines(text: ModuleText) -> list[str]:
    goals = [f"- {g}" for g in text.learning_goals]
    return [f"Titel: {text.title}", f"Thema: {text.theme}", f"Studietijd: {text.study_hours} uur", "Leerdoelen:",
            *goals, "", *text.body.splitlines()]


def difference(older: ModuleVersion | None, newer: ModuleVersion) -> list[tuple[str, str]]:
    """The changed lines of ``newer`` against ``older`` as (kind, line): kind is "+", "-" or "@" (a place)."""
    before = _lines(text_of(older)) if older else []
    rows = []
    for line in difflib.unified_diff(before, _lines(text_of(newer)), lineterm="", n=1):
        if line.startswith(("---", "+++")):
            continue
        kind = line[:1] if line[:1] in "+-@" else " "
        rows.append((kind, line[1:] if kind in "+- " else "…"))
    return rows


# -- worksheets ------------------------------------------------------------------------------------------
def worksheets(module_id: int) -> list:
    """The module's worksheets without their contents (id, title, filename, size, uploaded_at)."""
    return list(db.session.execute(
        select(Worksheet.id, Worksheet.title, Worksheet.filename, Worksheet.size, Worksheet.uploaded_at)
        .where(Worksheet.module_id == module_id).order_by(Worksheet.title, Worksheet.id)))


def worksheet_of(module_id: int, worksheet_id: int) -> Worksheet:
    worksheet = db.session.get(Worksheet, worksheet_id)
    if worksheet is None or worksheet.module_id != module_id:
        raise NotFound()
    return worksheet


@transactional
def add_worksheet(module: Module, title: str, upload: tuple[str, bytes] | None, by: User) -> Worksheet:
    if not upload:
        raise DomainError("Kies een bestand.", "bestand")
    document = checked_document(*upload, allowed=WORKSHEET_KINDS, max_bytes=WORKSHEET_MAX_BYTES, field="bestand")
    title = clean_text(title, "een titel", 160, field="title", single_line=True) or document.filename
    worksheet = Worksheet(module_id=module.id, title=title, filename=document.filename,
                          content_type=document.content_type, size=len(document.content), content=document.content,
                          uploaded_by_id=by.id, uploaded_at=utcnow())
    db.session.add(worksheet)
    db.session.flush()
    record(by.id, "worksheet_added", "module", module.id, worksheet=worksheet.id)
    return worksheet


@transactional
def remove_worksheet(module: Module, worksheet_id: int, by: User) -> None:
    worksheet = worksheet_of(module.id, worksheet_id)
    db.session.delete(worksheet)
    record(by.id, "worksheet_removed", "module", module.id, worksheet=worksheet_id)
