"""Export files of the statistics: CSV (comma, and semicolon for Dutch Excel), XLSX and the person-level list.

- CSV is UTF-8 with a byte order mark (so Excel shows ë and ö), CRLF line ends. The semicolon variant
  is what Dutch Excel opens with a double click: semicolons between fields and a decimal comma.
- XLSX comes from core.xlsx (typed cells, frozen bold header, one sheet per table).
- Text that a spreadsheet would read as a formula (starting with = + - @, a tab, carriage return or newline)
  is neutralised with a leading apostrophe, in every format ("CSV injection"; names and titles are typed
  by users). Numbers stay numbers.
- Every export is recorded in the audit trail (``log_export``), the person-level one always.
"""
import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..core.audit import record
from ..core.spreadsheet import formula_safe
from ..core.timeutil import nl_datetime, to_local
from ..core.transaction import transactional
from .filters import Filters
from .person_export import PARTICIPATION_HEADER, PARTICIPATION_WIDTHS, ParticipationExport
from .statistics import Statistics
from .walks import WalkLine
from ..core.xlsx import XlsxWriter

PDF_MIME = "application/pdf"

# URL format name -> (delimiter, decimal separator)
CSV_FORMATS = {"csv": (",", "."), "csv-puntkomma": (";", ",")}


def neutralise(value):
    """A cell value that no spreadsheet will execute: formula-like text gets a leading apostrophe."""
    return formula_safe(value) if isinstance(value, str) else value


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


# -- the walks held, one line per walk ---------------------------------------------------------------
WALK_LIST_HEADER = ["Datum", "Wandeling", "Thema", "Wijk", "Startpunt", "Plaatsen", "Aangemeld", "Aanwezig"]


def walk_list_table(lines: Sequence[WalkLine]) -> Table:
    """The list on /cijfers/wandelingen without pages: date and time in Dutch local time."""
    rows = [[to_local(line.activity.starts_at).replace(tzinfo=None), line.activity.title, line.activity.theme or "",
             line.activity.neighbourhood or "", line.activity.meeting_point or "", line.activity.capacity,
             line.registered, line.present] for line in lines]
    return Table("Wijkwandelingen", WALK_LIST_HEADER, rows, [16, 40, 24, 18, 30, 10, 11, 11])


def walk_list_csv(lines: Sequence[WalkLine], fmt: str) -> bytes:
    table = walk_list_table(lines)
    return csv_bytes(table.header, table.rows, fmt)


def walk_list_xlsx(lines: Sequence[WalkLine]) -> bytes:
    return xlsx_bytes([walk_list_table(lines)])


# -- person level ---------------------------------------------------------------------------------------
def participations_csv(export: ParticipationExport, fmt: str) -> bytes:
    """Like csv_bytes; each activity, person and organisation-year is formatted once and reused."""
    delimiter, decimal = CSV_FORMATS[fmt]
    scratch = io.StringIO()
    writer = csv.writer(scratch, delimiter=delimiter, lineterminator="", quoting=csv.QUOTE_MINIMAL)

    def render(values) -> str:
        scratch.seek(0)
        scratch.truncate()
        writer.writerow([_csv_cell(v, decimal) for v in values])
        return scratch.getvalue()

    flags = {(p, w): render([p, w]) for p in (True, False) for w in (True, False)}
    activity_text: dict = {}
    person_text: dict = {}
    organisation_text: dict = {}
    lines = ["\ufeff" + render(PARTICIPATION_HEADER)]
    activities = export.activities
    for activity_id, user_id, kind, org_id, present, walk_in in export.records:
        _, year, activity_cells = activities[activity_id]
        a = activity_text.get(activity_id)
        if a is None:
            a = activity_text[activity_id] = render(activity_cells)
        p = person_text.get((user_id, kind))
        if p is None:
            p = person_text[(user_id, kind)] = render(export.person_cells(user_id, kind))
        o = organisation_text.get((org_id, year))
        if o is None:
            o = organisation_text[(org_id, year)] = render(export.organisation_cells(org_id, year))
        lines.append(delimiter.join((a, p, o, flags[(bool(present), bool(walk_in))])))
    lines.append("")
    return "\r\n".join(lines).encode("utf-8")


def participations_xlsx(export: ParticipationExport) -> bytes:
    """The person-level workbook. Each activity, person and organisation-year is rendered to cell XML
    once and reused for all of its rows: about one dictionary lookup per group instead of per cell."""
    book = XlsxWriter()
    with book.sheet("Deelnames", PARTICIPATION_HEADER, widths=PARTICIPATION_WIDTHS) as sheet:
        render = sheet.cells_xml
        flags = {(p, w): render([p, w]) for p in (True, False) for w in (True, False)}
        activity_xml: dict = {}
        person_xml: dict = {}
        organisation_xml: dict = {}
        activities = export.activities
        for activity_id, user_id, kind, org_id, present, walk_in in export.records:
            _, year, activity_cells = activities[activity_id]
            a = activity_xml.get(activity_id)
            if a is None:
                a = activity_xml[activity_id] = render(activity_cells)
            p = person_xml.get((user_id, kind))
            if p is None:
                p = person_xml[(user_id, kind)] = render(export.person_cells(user_id, kind))
            o = organisation_xml.get((org_id, year))
            if o is None:
                o = organisation_xml[(org_id, year)] = render(export.organisation_cells(org_id, year))
            sheet.append_xml(a + p + o + flags[(bool(present), bool(walk_in))])
    return book.close()


# -- audit ---------------------------------------------------------------------------------------------
@transactional
def log_export(user, table: str, fmt: str, filters: Filters, rows: int) -> None:
    """Record who exported what (bulk exports, and always the person-level one)."""
    record(user.id, "reporting.export", "export", None, table=table, format=fmt,
           filters=filters.as_args(), rows=rows)
