"""XLSX files of the partners feature, written with openpyxl, every value stored as plain text or number
(formula-like text neutralised as in core.spreadsheet, which also makes the CSV files).
"""
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font

from ..core.spreadsheet import cell_text


def to_xlsx(header: Sequence[str], rows: Iterable[Sequence], sheet_title: str = "Overzicht",
            widths: Sequence[int] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    sheet.append([cell_text(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([cell_text(v) for v in row])
    # openpyxl treats a string starting with "=" as a formula; cell_text() already prefixed those,
    # and forcing the type keeps any other string a plain string.
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths or (), start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
