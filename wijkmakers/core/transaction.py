"""One way to commit: ``@transactional`` on every service function that changes data.

- The outermost call owns the transaction: it commits when the function returns and rolls back when it
  raises (a domain error or anything else), so no view, command or signal handler commits itself.
- A call made while another one runs joins it: nothing is committed until the outermost returns, and an
  error anywhere rolls the whole request back (a bulk import is all or nothing).
- SQLite answers "database is locked" when a writer waits past its busy timeout; the outermost call then
  runs the whole function again, a few times with growing, jittered pauses. PostgreSQL blocks on row
  locks instead (see core.locking), so this is a no-op there.

Like Indico's one commit per request, but scoped to the business process rather than the request, so
commands and signal handlers get the same guarantee.
"""
import functools
import logging
import secrets
import time
from contextlib import contextmanager

from sqlalchemy.exc import OperationalError

from ..extensions import db

log = logging.getLogger("wijkmakers.transaction")

RETRIES = 4
_DEPTH = "wijkmakers_transaction_depth"


def _locked_out(exc: OperationalError) -> bool:
    text = str(exc.orig).lower()
    return "locked" in text or "busy" in text


def in_transaction() -> bool:
    return db.session.info.get(_DEPTH, 0) > 0


@contextmanager
def _owned(session):
    session.info[_DEPTH] = session.info.get(_DEPTH, 0) + 1
    try:
        yield
    finally:
        session.info[_DEPTH] -= 1


def transactional(function):
    """Run ``function`` as one transaction, or as part of the caller's when one is running."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        session = db.session()
        if session.info.get(_DEPTH, 0) > 0:
            with _owned(session):
                return function(*args, **kwargs)
        for attempt in range(RETRIES):
            try:
                with _owned(session):
                    result = function(*args, **kwargs)
                session.commit()
                return result
            except OperationalError as exc:
                session.rollback()
                if not _locked_out(exc) or attempt == RETRIES - 1:
                    raise
                log.warning("database locked in %s, retrying (attempt %s)", function.__qualname__, attempt + 1)
                time.sleep(0.05 * (attempt + 1) + secrets.randbelow(50) / 1000)
            except BaseException:
                session.rollback()
                raise
        raise AssertionError("unreachable")  # pragma: no cover

    return wrapper


def run(function, *args, **kwargs):
    """Run a callable that is not a service function as one transaction (commands, one-off scripts)."""
    return transactional(function)(*args, **kwargs)
