"""One text cleaner for what people type: line endings normalised, outer space trimmed, length checked
with a Dutch message that names the field (and so lands under it, see core.errors.show_on_form)."""
import re
import unicodedata

from sqlalchemy import select

from ..extensions import db
from .errors import DomainError


def clean_text(value: str | None, label: str, limit: int, *, field: str | None = None, required: bool = False,
               minimum: int = 0, single_line: bool = False) -> str:
    """``label`` is how the sentence names the field ("je reflectie"); ``field`` is the form field's name."""
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if single_line:
        text = " ".join(text.split())
    if required and not text:
        raise DomainError(f"Vul {label} in.", field)
    if text and len(text) < minimum:
        raise DomainError(f"Schrijf bij {label} minstens {minimum} tekens.", field)
    if len(text) > limit:
        raise DomainError(f"{label[0].upper()}{label[1:]} mag hoogstens {limit} tekens hebben; "
                          f"je tekst heeft er {len(text)}.", field)
    return text


def unique_slug(column, text: str, limit: int, fallback: str) -> str:
    """A lower-case ASCII slug of ``text`` (accents dropped, at most ``limit`` characters) that ``column``
    does not hold yet: "wijkeconomie", then "wijkeconomie-2", ..."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit] or fallback
    slug, n = base, 1
    while db.session.scalar(select(column).where(column == slug).limit(1)) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug
