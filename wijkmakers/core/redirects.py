"""Where a link may send someone after a form (``?next=``): a path on this site, never another host.

The check looks at the value as the browser will, not as it was typed: browsers (and Python's urlsplit,
which Werkzeug's redirect uses) drop tabs and newlines anywhere, strip control characters and spaces at
both ends and read a backslash as a slash, so ``/\t/evil.example`` arrives as ``//evil.example``, another
host. Rather than repeat each normalisation, anything it would touch is refused: control characters,
backslashes, spaces at the ends. What is left must be one absolute path: starting with a single ``/``,
without a scheme or a host, before and after Werkzeug's IRI-to-URI encoding.
"""
from urllib.parse import urlsplit

from werkzeug.urls import iri_to_uri

MAX_LENGTH = 2000


def _is_control(char: str) -> bool:
    code = ord(char)
    return code < 0x20 or 0x7F <= code <= 0x9F


def _one_local_path(value: str) -> bool:
    if not value.startswith("/") or value.startswith("//"):
        return False
    parts = urlsplit(value)
    return not parts.scheme and not parts.netloc and parts.path.startswith("/") and not parts.path.startswith("//")


def local_path(target: str | None) -> str | None:
    """``target`` when it is a path on this site, else None (the caller then goes somewhere safe)."""
    if not target or len(target) > MAX_LENGTH:
        return None
    if target != target.strip(" ") or "\\" in target or any(_is_control(c) for c in target):
        return None
    if not _one_local_path(target):
        return None
    try:
        encoded = iri_to_uri(target)
    except ValueError:
        return None
    return target if _one_local_path(encoded) else None
