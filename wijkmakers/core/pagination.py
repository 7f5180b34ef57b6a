"""Pagination of a SQLAlchemy select, with page numbers taken from the query string safely."""
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
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def page_number() -> int:
    """The page asked for in ?pagina= (1 when absent, bad, or outside a request, as in a CLI command)."""
    if not has_request_context():
        return 1
    try:
        return max(1, int(request.args.get("pagina", "1")))
    except ValueError:
        return 1


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
        total = db.session.scalar(stmt.count, params)
        result = db.session.execute(stmt.page, {**params, "page_limit": per_page,
                                                "page_offset": (page - 1) * per_page})
    else:
        total = db.session.scalar(_count_of(stmt), params)
        result = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page), params)
    items = list(result.scalars() if scalars else result)
    return Page(items=items, page=page, per_page=per_page, total=total or 0)
