"""Prepared statements: a select built once per process and run with new values on every request.

On the small pages opened most (each role's home page, /leren, /certificaten, /activiteiten, /leergangen, the
partner's dashboard, the lists of partners and users) building a select and computing its compilation-cache
key cost more than SQLite takes to answer it: about 0.05-0.7 ms per statement, several ms for the six of the
partner overview. With plain per-request queries these pages were 15-50% slower in-process (median, demo scale 5:
/mijn-organisatie 13.2 -> 20.4 ms, /activiteiten 13.6 -> 18.3, /leren 8.3 -> 11.0) and ran 6-42% more
Python calls (/mijn-organisatie 9,690 -> 13,746); prepared, they are back at the earlier figures, with the
same number of Python calls per request (cProfile) as before the split.

A builder decorated with ``@prepared`` runs once, at first use (not at import, when not every model is mapped
yet), and its statement keeps its cache key; the per-request values are ``bindparam("name")`` placeholders
that the caller fills in::

    @prepared
    def _my_enrolments():
        return select(Enrolment).where(Enrolment.user_id == bindparam("user_id"))

    db.session.scalars(_my_enrolments(), {"user_id": user.id})

A builder takes no arguments, or only a few hashable variant flags (each variant is built once); it must not
read anything that changes (the clock, the request, the config): pass those as bind parameters.
``lambda_stmt`` was measured as the alternative and rejected: about 600 µs where ``@prepared`` took 280 µs.

Use it only where a page is measurably faster with it; a statement that serves a small part of a page, or a
rarely opened one, stays a plain query next to its use.
"""
from collections.abc import Callable
from functools import cache
from typing import TypeVar

T = TypeVar("T")


def prepared(builder: Callable[..., T]) -> Callable[..., T]:
    """Build the statement(s) ``builder`` returns once per process (per set of variant flags) and reuse them."""
    return cache(builder)
