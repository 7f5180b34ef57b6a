"""Every export shares one rule for cells: formula-like text gets an apostrophe, numbers stay numbers."""
from wijkmakers.core.spreadsheet import cell_text, formula_safe, to_csv


def test_formula_like_text_is_neutralised():
    for text in ("=SUM(A1)", "+31 6", "-1", "@naam", "\tx", "\rx", "\nx"):
        assert formula_safe(text) == "'" + text
    assert formula_safe("Buurthuis =") == "Buurthuis ="


def test_cells_keep_numbers_and_read_booleans_in_dutch():
    assert [cell_text(v) for v in (None, True, False, 3, 2.5, "=1+1")] == ["", "ja", "nee", 3, 2.5, "'=1+1"]


def test_dutch_csv_has_a_bom_semicolons_and_crlf():
    data = to_csv(["Naam", "Aantal"], [["=gevaar", 2], ["Jan; Piet", None]])
    assert data.startswith("\ufeff".encode())
    assert data.decode("utf-8-sig") == "Naam;Aantal\r\n'=gevaar;2\r\n\"Jan; Piet\";\r\n"
