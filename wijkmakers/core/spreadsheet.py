"""Cells and CSV files that open well in Dutch Excel and cannot run formulas, for every export.

A cell starting with = + - @ (or a tab, carriage return or newline) would be read as a formula by a
spreadsheet ("CSV injection": names and titles are typed by users); such text gets a leading apostrophe.
The Dutch CSV is UTF-8 with a byte-order mark (so Excel shows accents), semicolon-separated (the Dutch list
separator), with CRLF line ends.
"""
import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
CSV_MIME = "text/csv; charset=utf-8"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def formula_safe(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def cell_text(value):
    """A value as a plain cell: numbers stay numbers, booleans become ja/nee, None an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, (int, float)):
        return value
    return formula_safe(str(value))


def to_csv(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([cell_text(h) for h in header])
    for row in rows:
        writer.writerow([cell_text(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
