"""One row-lock helper, the only place that knows how each database serialises writers.

``lock_row(Model, id)`` holds the row until the transaction ends, so counting seats or waiting-list places
and then writing cannot interleave with another request doing the same:
- PostgreSQL: ``SELECT ... FOR UPDATE`` on that row; other rows stay free.
- SQLite: a no-op ``UPDATE`` of that row, which takes the database's single write lock at once (like
  ``BEGIN IMMEDIATE``) instead of upgrading a read transaction later and failing with "database is locked".
"""
from sqlalchemy import select, update

from ..extensions import db


def lock_row(model, row_id: int) -> None:
    table = model.__table__
    key = table.c.id
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(key).where(key == row_id).with_for_update())
    else:
        # Set every onupdate column to itself too, or the "no-op" would stamp updated_at on each lock.
        unchanged = {c.name: c for c in table.c if c.onupdate is not None}
        db.session.execute(update(table).where(key == row_id).values(id=key, **unchanged)
                           .execution_options(synchronize_session=False))
