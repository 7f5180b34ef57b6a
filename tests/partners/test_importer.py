"""Reading staff lists: encodings, separators, Excel, and files that must be refused."""
import pytest

from wijkmakers.partners.importer import ImportFileError, parse_upload

from .helpers import csv_bytes, xlsx_bytes, zip_bomb_xlsx

ROWS = [("jan.de.vries@noorderhuis.nl", "Jan de Vries", "wijkwerker", "L1"),
        ("marieke@noorderhuis.nl", "Mariëlle Çelik", "opbouwwerker", "")]


@pytest.mark.parametrize("sep", [";", ",", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_csv_in_every_encoding_and_separator(sep, encoding):
    rows = parse_upload("lijst.csv", csv_bytes(ROWS, sep=sep, encoding=encoding))
    assert [(r.email, r.name, r.job_title, r.target) for r in rows] == ROWS
    assert [r.line for r in rows] == [2, 3]


def test_header_aliases_split_names_blank_rows_and_quotes():
    data = ('\ufeffVoornaam;Tussenvoegsel;Achternaam;E-mailadres;Functietitel\r\n'
            ';;;;\r\n'
            'Jan;de;Vries;"jan@noorderhuis.nl";"wijkwerker; senior"\r\n'
            '\r\n'
            'Els;;Bakker;ELS@Noorderhuis.nl;\r\n').encode("utf-8")
    rows = parse_upload("Lijst.CSV", data)
    assert [(r.line, r.name, r.email, r.job_title) for r in rows] == [
        (3, "Jan de Vries", "jan@noorderhuis.nl", "wijkwerker; senior"), (5, "Els Bakker", "ELS@Noorderhuis.nl", "")]


def test_xlsx_with_numbers_and_empty_cells():
    rows = parse_upload("lijst.xlsx", xlsx_bytes([("a@noorderhuis.nl", "Anna", None, None),
                                                  ("b@noorderhuis.nl", "Bert", 12.0, "A7")]))
    assert [(r.email, r.name, r.job_title, r.target) for r in rows] == [
        ("a@noorderhuis.nl", "Anna", "", ""), ("b@noorderhuis.nl", "Bert", "12", "A7")]


def test_control_characters_are_removed_and_cells_trimmed():
    rows = parse_upload("x.csv", csv_bytes([("  a@b.nl ", "An\x07na  \x00 Smit", "x", "")]).replace(b"\x00", b""))
    assert rows[0].email == "a@b.nl" and rows[0].name == "Anna Smit"


@pytest.mark.parametrize("filename, data, message", [
    ("lijst.pdf", b"%PDF-1.4", "Kies een .csv- of .xlsx-bestand"),
    ("lijst.xls", b"\xd0\xcf\x11\xe0", "Excel-werkmap (.xlsx)"),
    ("lijst", b"e-mail\na@b.nl", "Kies een .csv- of .xlsx-bestand"),
    ("lijst.csv", b"", "leeg"),
    ("lijst.csv", b"\x00\x01\x02binary\x00junk" * 50, "geen tekstbestand"),
    ("lijst.xlsx", b"e-mail;naam\na@b.nl;A", "geen Excel-werkmap"),
    ("lijst.xlsx", b"PK\x03\x04" + b"\x00" * 200, "geen geldig Excel-bestand"),
    ("lijst.csv", xlsx_bytes([("a@b.nl", "A", "", "")]), "Excel-werkmap"),
    ("lijst.csv", b"naam;functie\nAnna;x\n", "kolom 'e-mail' ontbreekt"),
    ("lijst.csv", b"e-mail;naam\n", "alleen kopjes"),
    ("lijst.csv", b'e-mail;naam\n"a@b.nl;Anna\n' + b"x" * 200_000, "niet goed opgebouwd"),
])
def test_bad_files_give_a_dutch_reason(filename, data, message):
    with pytest.raises(ImportFileError) as exc:
        parse_upload(filename, data)
    assert message in str(exc.value)


def test_zip_bomb_is_refused_before_unpacking():
    with pytest.raises(ImportFileError, match="uitgepakt"):
        parse_upload("lijst.xlsx", zip_bomb_xlsx())


def test_random_zip_named_xlsx_is_refused():
    import io
    import zipfile
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(ImportFileError, match="geen Excel-werkmap"):
        parse_upload("lijst.xlsx", out.getvalue())


def test_size_and_row_limits():
    with pytest.raises(ImportFileError, match="te groot"):
        parse_upload("lijst.csv", csv_bytes([("a@b.nl", "A" * 400, "", "")] * 50), max_bytes=1000)
    many = [(f"p{i}@b.nl", f"P {i}", "", "") for i in range(12)]
    assert len(parse_upload("lijst.csv", csv_bytes(many), max_rows=12)) == 12
    with pytest.raises(ImportFileError, match="meer dan 11 rijen"):
        parse_upload("lijst.csv", csv_bytes(many), max_rows=11)
    with pytest.raises(ImportFileError, match="meer dan 11 rijen"):
        parse_upload("lijst.xlsx", xlsx_bytes(many), max_rows=11)


def test_encrypted_or_broken_xlsx_is_refused():
    good = xlsx_bytes([("a@b.nl", "A", "", "")])
    broken = good[: len(good) // 2]
    with pytest.raises(ImportFileError):
        parse_upload("lijst.xlsx", broken)
