"""A small streaming XLSX writer for every export (the statistics, walk lists, participant lists).

openpyxl and XlsxWriter build a Python object (or call) per cell; on this project's reference machine
they need 20-30 seconds for the 200,000 attendance rows of the scale-50 data set. This writer streams
each sheet's XML straight into the zip file with one string operation per cell, so the person-level
export stays within a few seconds and a few megabytes of memory beyond the shared-string table.

What it writes (Office Open XML, read back by openpyxl and LibreOffice in the tests):
- typed cells: str (shared strings), int/float (numbers), bool, date and datetime (Excel serial
  numbers with a Dutch date format), None (empty);
- a bold header row that is frozen (and an autofilter over the table);
- one sheet per table, optional column widths.
Strings are never formulas here (cell type "s"). Text that a spreadsheet would read as a formula once
the file is saved as CSV or the cell is edited (starting with = + - @, tab or carriage return) gets a
leading apostrophe, as in the CSV exports ("CSV injection"). The XML of every distinct string is built
once and reused, so this check costs nothing for repeated values.
"""
import io
import re
import zipfile
from datetime import date, datetime
from xml.sax.saxutils import escape

from .spreadsheet import formula_safe

EXCEL_EPOCH = datetime(1899, 12, 30)
# Characters XML 1.0 does not allow; they cannot appear in a cell.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_BOOL_CELLS = {True: '<c t="b"><v>1</v></c>', False: '<c t="b"><v>0</v></c>'}
# Style indexes (cellXfs below): 0 normal, 1 bold header, 2 date, 3 date and time, 4 one decimal.
STYLE_HEADER = 1
STYLE_DATE = 2
STYLE_DATETIME = 3
STYLE_DECIMAL = 4

_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="3"><numFmt numFmtId="164" formatCode="d-m-yyyy"/><numFmt numFmtId="165" formatCode="d-m-yyyy h:mm"/>\
<numFmt numFmtId="166" formatCode="0.0"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_text(value: str) -> str:
    """Text safe for a cell: no characters XML forbids, no formula trigger at the start."""
    return _ILLEGAL.sub("", formula_safe(value))


class XlsxWriter:
    """Usage::

        book = XlsxWriter()
        with book.sheet("Deelnames", header, widths=[12, 30]) as sheet:
            for row in rows:
                sheet.append(row)
        data = book.close()   # bytes
    """

    def __init__(self, target: io.BufferedIOBase | None = None, compresslevel: int = 1):
        self._buffer = target if target is not None else io.BytesIO()
        self._zip = zipfile.ZipFile(self._buffer, "w", compression=zipfile.ZIP_DEFLATED,
                                    compresslevel=compresslevel)
        self._strings: dict[str, int] = {}
        self._sheets: list[str] = []
        self._open = False

    # -- shared strings ----------------------------------------------------------
    def _string_index(self, value: str) -> int:
        index = self._strings.get(value)
        if index is None:
            index = self._strings[value] = len(self._strings)
        return index

    def sheet(self, title: str, header: list[str], widths: list[float] | None = None,
              freeze_header: bool = True) -> "_Sheet":
        if self._open:
            raise RuntimeError("close the previous sheet first")
        title = _safe_sheet_title(title, self._sheets)
        self._sheets.append(title)
        self._open = True
        return _Sheet(self, len(self._sheets), header, widths, freeze_header)

    def close(self) -> bytes | None:
        self._write_package()
        self._zip.close()
        if isinstance(self._buffer, io.BytesIO):
            return self._buffer.getvalue()
        return None

    # -- package parts -----------------------------------------------------------
    def _write_package(self) -> None:
        z = self._zip
        count = len(self._sheets)
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            f'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, count + 1))
        z.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            f'{overrides}</Types>'))
        z.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'))
        sheets = "".join(f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
                         for i, name in enumerate(self._sheets, start=1))
        z.writestr("xl/workbook.xml", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook {_NS} {_REL_NS}>'
            f'<sheets>{sheets}</sheets></workbook>'))
        rels = "".join(
            f'<Relationship Id="rId{i}" '
            f'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, count + 1))
        rels += (f'<Relationship Id="rId{count + 1}" '
                 'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
                 'Target="styles.xml"/>'
                 f'<Relationship Id="rId{count + 2}" '
                 'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
                 'Target="sharedStrings.xml"/>')
        z.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}'
            '</Relationships>'))
        z.writestr("xl/styles.xml", _STYLES)
        with z.open("xl/sharedStrings.xml", "w") as handle:
            handle.write((f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                          f'<sst {_NS} uniqueCount="{len(self._strings)}">').encode())
            chunk = []
            for text in self._strings:
                chunk.append(f'<si><t xml:space="preserve">{escape(text)}</t></si>')
                if len(chunk) >= 2000:
                    handle.write("".join(chunk).encode())
                    chunk.clear()
            handle.write(("".join(chunk) + "</sst>").encode())


class _Sheet:
    def __init__(self, book: XlsxWriter, number: int, header: list[str], widths, freeze_header: bool):
        self.book = book
        self.columns = len(header)
        self.rows = 0
        self._pending: list[str] = []
        # value -> cell XML for strings and dates (bools are left out: True == 1 would collide).
        self._memo: dict = {}
        self._handle = book._zip.open(f"xl/worksheets/sheet{number}.xml", "w")
        views = ('<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                 'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" '
                 'sqref="A2"/></sheetView></sheetViews>') if freeze_header else ""
        cols = ""
        if widths:
            cols = "<cols>" + "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                                      for i, w in enumerate(widths, start=1) if w) + "</cols>"
        self._handle.write((f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet {_NS} {_REL_NS}>'
                            f'{views}<sheetFormatPr defaultRowHeight="15"/>{cols}<sheetData>').encode())
        self._write_row([str(h) for h in header], header=True)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.close()

    def _cell(self, value) -> str:
        """The XML of one cell; strings, dates and small values are memoised (they repeat a lot)."""
        kind = type(value)
        if value is None or (kind is str and not value):
            xml = "<c/>"
        elif kind is str:
            xml = f'<c t="s"><v>{self.book._string_index(cell_text(value))}</v></c>'
        elif kind is bool:
            xml = f'<c t="b"><v>{int(value)}</v></c>'
        elif kind is int:
            return f"<c><v>{value}</v></c>"
        elif kind is float:
            return f'<c s="{STYLE_DECIMAL}"><v>{value!r}</v></c>' if value == value else "<c/>"
        elif kind is datetime:
            serial = (value.replace(tzinfo=None) - EXCEL_EPOCH).total_seconds() / 86400
            xml = f'<c s="{STYLE_DATETIME}"><v>{serial!r}</v></c>'
        elif kind is date:
            xml = f'<c s="{STYLE_DATE}"><v>{(value - EXCEL_EPOCH.date()).days}</v></c>'
        else:
            return self._cell(str(value))
        if kind is not bool and len(self._memo) < 500_000:
            self._memo[value] = xml
        return xml

    def _write_row(self, values, header: bool = False) -> None:
        self.rows += 1
        if header:
            cells = "".join(f'<c t="s" s="{STYLE_HEADER}"><v>{self.book._string_index(cell_text(v))}</v></c>'
                            for v in values)
        else:
            memo, cell = self._memo, self._cell
            # bools first: True == 1, so they must never reach the memo lookup
            cells = "".join([(_BOOL_CELLS[v] if type(v) is bool else memo.get(v) or cell(v)) for v in values])
        self._pending.append(f'<row r="{self.rows}">{cells}</row>')
        if len(self._pending) >= 1000:
            self._flush()

    def append(self, values) -> None:
        self._write_row(values)

    def cells_xml(self, values) -> str:
        """The cell XML of ``values`` (for append_xml: callers that reuse groups of cells)."""
        return "".join(_BOOL_CELLS[v] if type(v) is bool else self._cell(v) for v in values)

    def append_xml(self, cells_xml: str) -> None:
        """A row from cell XML made by cells_xml()."""
        self.rows += 1
        self._pending.append(f'<row r="{self.rows}">{cells_xml}</row>')
        if len(self._pending) >= 1000:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._handle.write("".join(self._pending).encode())
            self._pending.clear()

    def close(self) -> None:
        self._flush()
        last = column_letter(max(1, self.columns))
        tail = "</sheetData>"
        if self.rows > 1:
            tail += f'<autoFilter ref="A1:{last}{self.rows}"/>'
        self._handle.write((tail + "</worksheet>").encode())
        self._handle.close()
        self.book._open = False


def _safe_sheet_title(title: str, taken: list[str]) -> str:
    # Excel: at most 31 characters, none of []:*?/\ and unique within the workbook.
    clean = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31] or "Blad"
    candidate, n = clean, 2
    while candidate.lower() in (t.lower() for t in taken):
        suffix = f" ({n})"
        candidate = clean[: 31 - len(suffix)] + suffix
        n += 1
    return candidate
