"""The streaming XLSX writer, read back with openpyxl."""
import io
import zipfile
from datetime import date, datetime

import openpyxl

from wijkmakers.core.xlsx import XlsxWriter, column_letter


def _read(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def test_typed_cells_and_frozen_bold_header():
    book = XlsxWriter()
    with book.sheet("Proef", ["Tekst", "Getal", "Kommagetal", "Waar", "Datum", "Tijdstip", "Leeg"],
                    widths=[20, 8, 8, 8, 12, 16, 6]) as sheet:
        sheet.append(["Zoë & <Jan>", 1, 12.5, True, date(2024, 1, 31), datetime(2024, 7, 1, 14, 30), None])
        sheet.append([" spaties ", 0, 0.0, False, date(1999, 12, 31), datetime(2000, 1, 1, 0, 0), ""])
        sheet.append(["1", True, 1, False, "", None, "x"])  # a bool next to an int 1: no mix-up
    ws = _read(book.close())["Proef"]
    assert ws.freeze_panes == "A2"
    assert all(cell.font.b for cell in ws[1])
    assert ws.auto_filter.ref == "A1:G4"
    assert ws.column_dimensions["A"].width == 20
    first = [c.value for c in ws[2]]
    assert first == ["Zoë & <Jan>", 1, 12.5, True, datetime(2024, 1, 31), datetime(2024, 7, 1, 14, 30), None]
    assert ws["E2"].is_date and ws["F2"].is_date and ws["C2"].data_type == "n" and ws["D2"].data_type == "b"
    assert [c.value for c in ws[3]] == [" spaties ", 0, 0, False, datetime(1999, 12, 31), datetime(2000, 1, 1),
                                        None]
    assert [c.value for c in ws[4]] == ["1", True, 1, False, None, None, "x"]
    assert ws["A4"].data_type == "s"


def test_formula_text_and_illegal_characters_are_made_harmless():
    book = XlsxWriter()
    with book.sheet("Blad", ["a"]) as sheet:
        for value in ("=1+1", "+31 6", "-2", "@cmd", "\tx", "bel\x07letje", "nul\x00"):
            sheet.append([value])
    ws = _read(book.close())["Blad"]
    values = [c.value for c in ws["A"][1:]]
    assert values == ["'=1+1", "'+31 6", "'-2", "'@cmd", "'\tx", "belletje", "nul"]
    assert all(c.data_type == "s" for c in ws["A"])


def test_several_sheets_with_safe_unique_names_and_many_rows():
    book = XlsxWriter()
    with book.sheet("Cijfers: 2024/2025?", ["n"]) as sheet:
        for i in range(2500):  # more than one flush
            sheet.append([i])
    with book.sheet("cijfers  2024 2025", ["n"]) as sheet:
        sheet.append([1])
    with book.sheet("Een hele lange naam van een tabblad die niet past", ["n"]) as sheet:
        sheet.append([1])
    data = book.close()
    wb = _read(data)
    assert wb.sheetnames[0] == "Cijfers  2024 2025"
    assert wb.sheetnames[1] != wb.sheetnames[0] and len(wb.sheetnames[2]) <= 31
    assert wb.worksheets[0].max_row == 2501 and wb.worksheets[0]["A2501"].value == 2499
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "xl/sharedStrings.xml" in names and "[Content_Types].xml" in names


def test_column_letters():
    assert [column_letter(i) for i in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]
