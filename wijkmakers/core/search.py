"""Searching text typed by a user with SQL LIKE."""

LIKE_ESCAPE = "\\"


def like_pattern(q: str, limit: int = 100) -> str:
    """A lower-case LIKE pattern containing ``q`` literally: a typed % or _ is no wildcard (use it with
    ``escape=LIKE_ESCAPE``). Overlong input is cut to ``limit`` characters."""
    escaped = q.lower()[:limit].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
