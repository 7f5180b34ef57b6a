"""Pagination of a SQLAlchemy select, with page numbers taken from the query string safely.

The one bound for every ``?pagina=``: a number below 1 or not a number is page 1, a page past the end is
the last page (``clamp_page``), so no page number, however large, reaches the database as an offset."""
from dataclasses import dataclass

from flask import has_request_context, request
from sqlalchemy import bindparam, func, select

from ..extensions import db


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return pages_for(self.total, self.per_page)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


# Far above any list's length, and small enough that (page - 1) * per_page fits every database's integer.
MAX_PAGE = 1_000_000


def page_number() -> int:
    """The page asked for in ?pagina= (1 when absent, bad, or outside a request, as in a CLI command;
    at most MAX_PAGE, which ``paginate`` brings back to the last page)."""
    if not has_request_context():
        return 1
    return parse_page(request.args.get("pagina"))


def parse_page(raw: str | None) -> int:
    """'3' -> 3; absent, empty, not a whole number or below 1 -> 1; more than MAX_PAGE -> MAX_PAGE."""
    raw = (raw or "").strip()
    if not raw.isascii() or not raw.isdigit():
        return 1
    if len(raw) > len(str(MAX_PAGE)):  # int() of thousands of digits is slow, and refused past 4300
        return MAX_PAGE
    return min(MAX_PAGE, max(1, int(raw)))


def pages_for(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


def clamp_page(page: int, total: int, per_page: int) -> int:
    """The page to show: between 1 and the last page of ``total`` items."""
    return min(max(1, page), pages_for(total, per_page))


class PreparedPage:
    """A select with bind parameters, and its count and page statements, built once (keep it in a cached
    builder): a list asked for on every request then spends no time building and keying statements."""

    def __init__(self, stmt):
        self.count = _count_of(stmt)
        self.page = stmt.limit(bindparam("page_limit")).offset(bindparam("page_offset"))


def _count_of(stmt):
    return select(func.count()).select_from(stmt.order_by(None).subquery())


def paginate(stmt, per_page: int = 25, page: int | None = None, scalars: bool = True,
             params: dict | None = None) -> Page:
    """One page of ``stmt``: a select, or a PreparedPage with its ``params``."""
    page = page or page_number()
    if isinstance(stmt, PreparedPage):
        params = params or {}
        total = db.session.scalar(stmt.count, params) or 0
        page = clamp_page(page, total, per_page)
        result = db.session.execute(stmt.page, {**params, "page_limit": per_page,
                                                "page_offset": (page - 1) * per_page})
    else:
        total = db.session.scalar(_count_of(stmt), params) or 0
        page = clamp_page(page, total, per_page)
        result = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page), params)
    items = list(result.scalars() if scalars else result)
    return Page(items=items, page=page, per_page=per_page, total=total)
