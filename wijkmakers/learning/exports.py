"""CSV files that open well in Dutch Excel and cannot run formulas.

UTF-8 with a byte-order mark (so Excel shows accents), semicolon-separated (the Dutch list separator),
CRLF line ends. A cell starting with = + - @ (or a tab / carriage return) would be read as a formula by a
spreadsheet ("CSV injection"); such cells get a leading apostrophe.
"""
import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
CSV_MIME = "text/csv; charset=utf-8"


def neutralise(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, (int, float)):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def filename(label: str) -> str:
    """A plain ASCII file name for a Content-Disposition header."""
    ascii_label = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_label).strip("-").lower() or "overzicht"
