"""Pagination of a SQLAlchemy select, with page numbers taken from the query string safely."""
from dataclasses import dataclass

from flask import has_request_context, request
from sqlalchemy import func, select

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


def paginate(stmt, per_page: int = 25, page: int | None = None, scalars: bool = True) -> Page:
    page = page or page_number()
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    result = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page))
    items = list(result.scalars() if scalars else result)
    return Page(items=items, page=page, per_page=per_page, total=total or 0)
