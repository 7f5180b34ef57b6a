"""Time handling: the database stores naive UTC, people see Europe/Amsterdam in Dutch."""
from datetime import date, datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time

LOCAL_TZ = ZoneInfo("Europe/Amsterdam")
LOCALE = "nl_NL"


def utcnow() -> datetime:
    """Naive UTC now, the form every timestamp column holds."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def to_local(value: datetime) -> datetime:
    """A stored (naive UTC) datetime as an aware Europe/Amsterdam datetime."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(LOCAL_TZ)


def local_to_utc(value: datetime) -> datetime:
    """A wall-clock time in Groningen (naive or aware) as naive UTC for storage."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL_TZ)
    return value.astimezone(timezone.utc).replace(tzinfo=None)


def local_today() -> date:
    return to_local(utcnow()).date()


# Babel takes tens of microseconds per call and a long list shows the same dates over and over, so the
# filters remember their recent answers (values and formats are immutable, the answers plain strings).
@lru_cache(maxsize=4096)
def nl_datetime(value: datetime | None, fmt: str = "EEEE d MMMM y 'om' HH:mm") -> str:
    if value is None:
        return ""
    return format_datetime(to_local(value), fmt, locale=LOCALE)


@lru_cache(maxsize=4096)
def nl_date(value: date | datetime | None, fmt: str = "d MMMM y") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value)
    return format_date(value, fmt, locale=LOCALE)


@lru_cache(maxsize=4096)
def nl_time(value: datetime | None) -> str:
    if value is None:
        return ""
    return format_time(to_local(value), "HH:mm", locale=LOCALE)


def register_filters(app) -> None:
    app.jinja_env.filters["nl_datetime"] = nl_datetime
    app.jinja_env.filters["nl_date"] = nl_date
    app.jinja_env.filters["nl_time"] = nl_time
