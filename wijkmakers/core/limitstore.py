"""The counter store behind the log-in limits: the configured storage (Redis when RATELIMIT_STORAGE_URI says
so), falling back to an in-process store while that storage cannot be reached.

An outage never turns into a 500: the first failing call logs a warning and switches to memory; the shared
storage is tried again after ``RATE_LIMIT_RETRY_SECONDS``. ``/healthz`` reads ``status()``, which reports
"degraded" while the fallback is in use. Counters kept in memory during an outage are per process and are
dropped when the shared storage is back.
"""
import logging
import time
from collections.abc import Callable

from flask import Flask, current_app
from limits.errors import StorageError
from limits.storage import MemoryStorage, Storage, storage_from_string

from ..config import REDIS_OPTIONS

log = logging.getLogger("wijkmakers.ratelimit")

EXTENSION_KEY = "wijkmakers.limit_storage"


class FallbackStorage:
    """``incr``/``get``/``get_expiry``/``clear`` on the shared storage, or on memory while it is down."""

    def __init__(self, uri: str, retry_seconds: float = 30.0, clock: Callable[[], float] = time.time,
                 options: dict | None = None):
        self.uri = uri
        self.memory = MemoryStorage()
        self.primary: Storage | None = None
        if not uri.startswith("memory://"):
            extra = dict(REDIS_OPTIONS) if uri.startswith(("redis", "rediss", "valkey")) else {}
            self.primary = storage_from_string(uri, **(extra | (options or {})))
        self.retry_seconds = retry_seconds
        self.clock = clock
        self.degraded = False
        self._retry_at = 0.0

    @property
    def _errors(self) -> tuple[type[BaseException], ...]:
        base = self.primary.base_exceptions if self.primary is not None else ()
        base = base if isinstance(base, tuple) else (base,)
        return (*base, StorageError, OSError)

    def _fail(self, exc: BaseException | None) -> None:
        if not self.degraded:
            log.warning("rate limit storage unreachable (%s); using in-memory limits, retrying in %ds",
                        type(exc).__name__ if exc else "no answer", self.retry_seconds)
        self.degraded = True
        self._retry_at = self.clock() + self.retry_seconds

    def _recover(self) -> None:
        if self.degraded:
            log.warning("rate limit storage reachable again; shared limits restored")
        self.degraded = False

    def _primary_due(self) -> bool:
        return self.primary is not None and (not self.degraded or self.clock() >= self._retry_at)

    def _call(self, name: str, *args):
        if self._primary_due():
            try:
                result = getattr(self.primary, name)(*args)
            except self._errors as exc:
                self._fail(exc)
            else:
                self._recover()
                return result
        return getattr(self.memory, name)(*args)

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        return self._call("incr", key, max(1, int(expiry)), amount)

    def get(self, key: str) -> int:
        return self._call("get", key)

    def get_expiry(self, key: str) -> float:
        return self._call("get_expiry", key)

    def clear(self, key: str) -> None:
        self._call("clear", key)

    def status(self) -> str:
        """"ok", or "degraded" while the in-memory fallback is in use (probes the shared storage when due)."""
        if self._primary_due():
            try:
                healthy = self.primary.check()
            except self._errors as exc:
                self._fail(exc)
            else:
                if healthy:
                    self._recover()
                else:
                    self._fail(None)
        return "degraded" if self.degraded else "ok"


def init_limit_storage(app: Flask) -> FallbackStorage:
    storage = FallbackStorage(app.config.get("RATELIMIT_STORAGE_URI") or "memory://",
                              retry_seconds=float(app.config.get("RATE_LIMIT_RETRY_SECONDS", 30)))
    app.extensions[EXTENSION_KEY] = storage
    return storage


def limit_storage() -> FallbackStorage | None:
    return current_app.extensions.get(EXTENSION_KEY)
