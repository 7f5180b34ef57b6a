"""LIKE patterns from typed text."""
from wijkmakers.core.search import like_pattern


def test_a_like_pattern_takes_wildcards_and_backslashes_literally_and_is_cut():
    assert like_pattern("Anna") == "%anna%"
    assert like_pattern("100%_a\\b") == "%100\\%\\_a\\\\b%"
    assert like_pattern("x" * 300) == "%" + "x" * 100 + "%"
