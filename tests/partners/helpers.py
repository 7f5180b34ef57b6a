"""Building upload files the way Dutch offices make them."""
import io
import zipfile

from openpyxl import Workbook


def csv_bytes(rows, sep=";", encoding="utf-8-sig", header=("e-mail", "naam", "functie", "aanmelden voor")) -> bytes:
    lines = [sep.join(header)] + [sep.join(str(c) for c in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows, header=("E-mail", "Naam", "Functie", "Aanmelden voor")) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def zip_bomb_xlsx(size=60 * 1024 * 1024) -> bytes:
    """A file that looks like a workbook but unpacks to far more than any staff list."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * size)
    return out.getvalue()


def colleagues(n, start=1, domain="noorderhuis.nl", target=""):
    return [(f"collega{i}@{domain}", f"Collega {i}", "wijkwerker", target) for i in range(start, start + n)]
