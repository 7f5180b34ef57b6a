"""Export files of the statistics: CSV (comma, and semicolon for Dutch Excel), XLSX and the person-level list.

- CSV is UTF-8 with a byte order mark (so Excel shows ë and ö), CRLF line ends. The semicolon variant
  is what Dutch Excel opens with a double click: semicolons between fields and a decimal comma.
- XLSX comes from reporting.xlsx (typed cells, frozen bold header, one sheet per table).
- Text that a spreadsheet would read as a formula (starting with = + - @, or a tab or carriage return)
  is neutralised with a leading apostrophe, in every format ("CSV injection"; names and titles are typed
  by users). Numbers stay numbers.
"""
import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..core.timeutil import nl_datetime
from .services import PARTICIPATION_HEADER, PARTICIPATION_WIDTHS, Statistics
from .xlsx import FORMULA_PREFIXES, XlsxWriter

CSV_MIME = "text/csv; charset=utf-8"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_MIME = "application/pdf"

# URL format name -> (delimiter, decimal separator)
CSV_FORMATS = {"csv": (",", "."), "csv-puntkomma": (";", ",")}


def neutralise(value):
    """A cell value that no spreadsheet will execute: formula-like text gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list]
    widths: list[float] | None = None


def _csv_cell(value, decimal: str):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", decimal)
    if hasattr(value, "strftime"):
        return value.strftime("%d-%m-%Y %H:%M") if hasattr(value, "hour") else value.strftime("%d-%m-%Y")
    return neutralise(str(value)) if isinstance(value, str) else value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence], fmt: str = "csv") -> bytes:
    delimiter, decimal = CSV_FORMATS[fmt]
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([_csv_cell(h, decimal) for h in header])
    for row in rows:
        writer.writerow([_csv_cell(v, decimal) for v in row])
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(tables: Sequence[Table]) -> bytes:
    book = XlsxWriter()
    for table in tables:
        with book.sheet(table.title, table.header, widths=table.widths) as sheet:
            for row in table.rows:
                sheet.append(row)  # the writer neutralises formula-like text itself
    return book.close()


# -- the figures ---------------------------------------------------------------------------------------
def figures_table(stats: Statistics) -> Table:
    header = ["Nr", "Omschrijving", "Eenheid", *[str(y) for y in stats.years], "Totaal", "Filters van toepassing",
              "Definitie"]
    rows = [[row.number, row.label, row.unit, *[row.value(y) for y in stats.years], row.total,
             "ja" if row.filters_apply else "nee", row.definition] for row in stats.rows]
    return Table("Jaarcijfers", header, rows, [5, 44, 14, *[9] * len(stats.years), 9, 12, 70])


def walks_table(stats: Statistics) -> Table:
    header = ["Jaar", "Gehouden wandelingen", "Deelnames", "Gemiddeld per wandeling", "Minimum per wandeling",
              "Maximum per wandeling", "Unieke wandelaars"]
    rows = [[w.year if w.year is not None else "Totaal", w.walks, w.participations, w.average, w.minimum,
             w.maximum, w.unique_walkers] for w in [*stats.walks, stats.walks_total]]
    return Table("Wijkwandelingen", header, rows, [10, 12, 12, 14, 12, 12, 14])


def chart_table(chart) -> Table:
    header = [chart.x_title, *[label for label, _ in chart.series], "Opgeteld"]
    rows = [[x_label, *values, total] for x_label, values, total in chart.table]
    return Table(chart.title, header, rows, [12, *[14] * (len(chart.series) + 1)])


def definitions_table(stats: Statistics) -> Table:
    rows = [["Berekend op", nl_datetime(stats.generated_at)]]
    rows += [[f"Filter: {label}", value] for label, value in stats.filters.describe()]
    rows += [[term, text] for term, text in stats.definitions]
    return Table("Definities", ["Begrip", "Betekenis"], rows, [34, 120])


def figures_tables(stats: Statistics) -> list[Table]:
    charts = [chart_table(chart) for chart in stats.charts.values()]
    sheet_names = {"maand": "Per maand", "bewoners": "Bewoners en professionals", "organisaties": "Type organisatie"}
    for table, key in zip(charts, stats.charts, strict=True):
        table.title = sheet_names.get(key, table.title)
    return [figures_table(stats), walks_table(stats), *charts, definitions_table(stats)]


def figures_csv(stats: Statistics, fmt: str) -> bytes:
    table = figures_table(stats)
    return csv_bytes(table.header, table.rows, fmt)


def figures_xlsx(stats: Statistics) -> bytes:
    return xlsx_bytes(figures_tables(stats))


# -- person level ---------------------------------------------------------------------------------------
def participations_csv(rows: Iterable[Sequence], fmt: str) -> bytes:
    """Like csv_bytes, with the text of every distinct value computed once (the rows repeat a lot)."""
    delimiter, decimal = CSV_FORMATS[fmt]
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(PARTICIPATION_HEADER)
    memo: dict = {}
    booleans = {True: "ja", False: "nee"}

    def convert(value):
        text = memo[value] = _csv_cell(value, decimal)
        return text

    for row in rows:
        writer.writerow([booleans[v] if type(v) is bool else (t if (t := memo.get(v)) is not None else convert(v))
                         for v in row])
    return buffer.getvalue().encode("utf-8")


def participations_xlsx(rows: Iterable[Sequence]) -> bytes:
    book = XlsxWriter()
    with book.sheet("Deelnames", PARTICIPATION_HEADER, widths=PARTICIPATION_WIDTHS) as sheet:
        for row in rows:
            sheet.append(row)  # the writer neutralises formula-like text itself
    return book.close()
