"""Reading staff lists as Dutch offices produce them: CSV (semicolon or comma, UTF-8 with or without
BOM, UTF-16 from Excel's "Unicode text", Windows-1252) and Excel .xlsx.

The reader is defensive: the file's size, its number of rows and (for .xlsx) the unpacked size of the
zip archive are checked before anything is parsed, so a huge file or a zip bomb is refused with a clear
Dutch message instead of filling memory. It only turns bytes into rows of text; what a row means (is the
e-mail valid, is the person known) is decided in ``services``.
"""
import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from ..core.errors import DomainError

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
DEFAULT_MAX_ROWS = 1000
MAX_COLUMNS = 50
MAX_CELL_CHARS = 500
# An .xlsx of 2 MB unpacks to some tens of MB at most; anything beyond is not a staff list.
MAX_UNZIPPED_BYTES = 40 * 1024 * 1024
MAX_ZIP_ENTRIES = 500
MAX_ZIP_RATIO = 150

ALLOWED_EXTENSIONS = (".csv", ".txt", ".xlsx")

# Header aliases, compared after _header_key() (lower case, no accents, spaces, dashes or underscores).
COLUMNS = {
    "email": {"email", "emailadres", "mail", "mailadres", "emailaddress"},
    "name": {"naam", "volledigenaam", "name", "deelnemer", "medewerker"},
    "first_name": {"voornaam", "roepnaam", "firstname"},
    "infix": {"tussenvoegsel", "tussenvoegsels", "tussenv"},
    "last_name": {"achternaam", "familienaam", "lastname", "surname"},
    "job_title": {"functie", "functietitel", "rol", "jobtitle", "functienaam"},
    "target": {"aanmeldenvoor", "leergang", "activiteit", "leergangofactiviteit", "code", "doel"},
}


class ImportFileError(DomainError):
    """The file as a whole cannot be read; the message is Dutch, says what to do, and lands under the
    upload field (``file``) of the form."""

    def __init__(self, message: str, field: str | None = "file"):
        super().__init__(message, field)


@dataclass
class ParsedRow:
    line: int  # the row number the user sees in their spreadsheet (header = 1)
    email: str
    name: str
    job_title: str
    target: str

    def as_dict(self) -> dict:
        return {"line": self.line, "email": self.email, "name": self.name, "job_title": self.job_title,
                "target": self.target}


def _header_key(value: str) -> str:
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z]", "", text)


def _cell_text(value) -> str:
    """A cell as clean text: numbers without '.0', dates as d-m-yyyy, control characters removed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "ja" if value else "nee"
    elif isinstance(value, float):
        text = str(int(value)) if value.is_integer() else str(value)
    elif isinstance(value, datetime):
        text = value.strftime("%d-%m-%Y %H:%M")
    elif isinstance(value, date):
        text = value.strftime("%d-%m-%Y")
    else:
        text = str(value)
    text = "".join(ch for ch in text if ch in "\t" or unicodedata.category(ch)[0] != "C")
    return " ".join(text.split())[:MAX_CELL_CHARS]


def decode_text(data: bytes) -> str:
    """Decode a text file: BOMs first (UTF-8, UTF-16), then UTF-8, then Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ImportFileError("Dit tekstbestand is beschadigd. Sla het opnieuw op als CSV (UTF-8).") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # Excel on Windows saves "CSV (gescheiden door lijstscheidingsteken)" in Windows-1252.
        return data.decode("cp1252")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None:
        raise ImportFileError("De tekens in dit bestand zijn niet te lezen. Sla het op als CSV UTF-8 of als .xlsx.")
    return str(best)


def _sniff_delimiter(text: str) -> str:
    """The separator of the header line: semicolon (Dutch Excel), comma, or tab."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: first.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ";"


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 text has NUL bytes by nature
    return b"\x00" in sample


def read_csv(data: bytes, max_rows: int) -> list[list[str]]:
    if _looks_binary(data):
        raise ImportFileError("Dit bestand is geen tekstbestand (CSV). Kies een .csv- of .xlsx-bestand.")
    text = decode_text(data)
    delimiter = _sniff_delimiter(text)
    rows = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for row in reader:
            rows.append([_cell_text(c) for c in row[:MAX_COLUMNS]])
            if len(rows) > max_rows + 1 + 50:  # header, allowed rows and some blank lines
                break
    except csv.Error as exc:
        raise ImportFileError("Dit CSV-bestand is niet goed opgebouwd (bijvoorbeeld een aanhalingsteken dat niet "
                              "wordt afgesloten). Open het in Excel en sla het opnieuw op.") from exc
    return rows


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ImportFileError("Dit is geen geldig Excel-bestand (.xlsx). Open het in Excel en sla het opnieuw "
                              "op, of kies een CSV-bestand.") from exc
    with archive:
        entries = archive.infolist()
        names = {e.filename for e in entries}
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
            raise ImportFileError("Dit is geen Excel-werkmap (.xlsx). Kies een .xlsx- of .csv-bestand.")
        if len(entries) > MAX_ZIP_ENTRIES:
            raise ImportFileError("Dit Excel-bestand bevat te veel onderdelen. Sla alleen de lijst met "
                                  "medewerkers op in een nieuw bestand.")
        total = 0
        for entry in entries:
            total += entry.file_size
            ratio = entry.file_size / entry.compress_size if entry.compress_size else 0
            if ratio > MAX_ZIP_RATIO and entry.file_size > 1_000_000:
                raise ImportFileError("Dit Excel-bestand is verdacht groot als het wordt uitgepakt en wordt daarom "
                                      "niet gelezen. Sla de lijst op als CSV en probeer het opnieuw.")
        if total > MAX_UNZIPPED_BYTES:
            raise ImportFileError("Dit Excel-bestand is uitgepakt te groot. Sla alleen de lijst met medewerkers op "
                                  "in een nieuw bestand, of als CSV.")


def read_xlsx(data: bytes, max_rows: int) -> list[list[str]]:
    _check_zip(data)
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        raw = sheet.to_python(skip_empty_area=False, nrows=max_rows + 51)
    except (CalamineError, ValueError, IndexError, OSError) as exc:
        raise ImportFileError("Dit Excel-bestand kon niet worden gelezen. Is het beveiligd met een wachtwoord of "
                              "beschadigd? Sla het opnieuw op, of kies een CSV-bestand.") from exc
    except Exception as exc:  # noqa: BLE001 - calamine raises its own error types for broken files
        raise ImportFileError("Dit Excel-bestand kon niet worden gelezen. Sla het opnieuw op, of kies een "
                              "CSV-bestand.") from exc
    return [[_cell_text(c) for c in row[:MAX_COLUMNS]] for row in raw]


def _map_header(header: list[str]) -> dict[str, int]:
    mapping = {}
    for index, title in enumerate(header):
        key = _header_key(title)
        for column, aliases in COLUMNS.items():
            if key in aliases and column not in mapping:
                mapping[column] = index
    return mapping


def rows_from_table(table: list[list[str]], max_rows: int) -> list[ParsedRow]:
    """Turn a table (header first) into rows; blank rows are skipped, row numbers kept."""
    start = next((i for i, row in enumerate(table) if any(cell for cell in row)), None)
    if start is None:
        raise ImportFileError("Het bestand is leeg. Gebruik het voorbeeldbestand en vul per medewerker een rij in.")
    columns = _map_header(table[start])
    if "email" not in columns:
        raise ImportFileError("De kolom 'e-mail' ontbreekt in de eerste rij. Gebruik de kolomnamen uit het "
                              "voorbeeldbestand: e-mail, naam, functie en eventueel aanmelden voor.")

    def cell(row, column):
        index = columns.get(column)
        return row[index] if index is not None and index < len(row) else ""

    parsed = []
    for offset, row in enumerate(table[start + 1:], start=start + 2):
        if not any(row):
            continue
        if len(parsed) >= max_rows:
            raise ImportFileError(f"Het bestand heeft meer dan {max_rows} rijen met medewerkers. Verdeel de lijst "
                                  f"over meerdere bestanden van hoogstens {max_rows} rijen.")
        name = cell(row, "name")
        if not name:
            name = " ".join(p for p in (cell(row, "first_name"), cell(row, "infix"), cell(row, "last_name")) if p)
        parsed.append(ParsedRow(line=offset, email=cell(row, "email"), name=name,
                                job_title=cell(row, "job_title"), target=cell(row, "target")))
    if not parsed:
        raise ImportFileError("Het bestand bevat alleen kopjes en geen medewerkers. Vul per medewerker een rij in.")
    return parsed


def parse_upload(filename: str, data: bytes, max_bytes: int = DEFAULT_MAX_BYTES,
                 max_rows: int = DEFAULT_MAX_ROWS) -> list[ParsedRow]:
    """Read an uploaded staff list, or raise ImportFileError with a Dutch explanation."""
    name = (filename or "").strip().lower()
    extension = name[name.rfind("."):] if "." in name else ""
    if extension not in ALLOWED_EXTENSIONS:
        if extension in (".xls", ".ods", ".numbers"):
            raise ImportFileError("Dit bestandstype wordt niet ondersteund. Sla de lijst in Excel op als "
                                  "'Excel-werkmap (.xlsx)' of als 'CSV (gescheiden door lijstscheidingsteken)'.")
        raise ImportFileError("Kies een .csv- of .xlsx-bestand. Andere bestandstypen kunnen niet worden ingelezen.")
    if not data:
        raise ImportFileError("Het bestand is leeg. Gebruik het voorbeeldbestand en vul per medewerker een rij in.")
    if len(data) > max_bytes:
        raise ImportFileError(f"Het bestand is te groot (maximaal {max_bytes // (1024 * 1024)} MB). Een lijst met "
                              f"{max_rows} medewerkers is veel kleiner: verwijder afbeeldingen en andere tabbladen.")
    is_zip = data.startswith(b"PK\x03\x04")
    if extension == ".xlsx":
        if not is_zip:
            raise ImportFileError("Dit bestand heet .xlsx maar is geen Excel-werkmap. Open het in Excel en sla het "
                                  "opnieuw op als .xlsx, of kies een CSV-bestand.")
        table = read_xlsx(data, max_rows)
    else:
        if is_zip:
            raise ImportFileError("Dit bestand heet .csv maar is een Excel-werkmap. Geef het de naam .xlsx of sla "
                                  "het op als CSV.")
        table = read_csv(data, max_rows)
    return rows_from_table(table, max_rows)
