"""Plausible dates for the demo academy, relative to the moment it is loaded.

Course sessions fall on a fixed weekday, never on a Dutch public holiday, in the Christmas break or in the
summer months; walks and one-day activities never on a public holiday nor (but for the walk of the coming
days) on a Sunday. The holidays library knows the Dutch public holidays, Easter and Ascension included.
Nothing the demo shows as done may lie after the load moment: ``done_by`` keeps such stamps in the past.
"""
from datetime import date, datetime, time, timedelta

import holidays

from ..core.timeutil import local_to_utc, to_local

_PUBLIC_HOLIDAYS = holidays.country_holidays("NL")  # fills in each year on first lookup
SUMMER = (7, 8)
TUESDAY, THURSDAY, SATURDAY, SUNDAY = 1, 3, 5, 6


def is_public_holiday(day: date) -> bool:
    return day in _PUBLIC_HOLIDAYS


def _christmas_break(day: date) -> bool:
    return (day.month == 12 and day.day >= 24) or (day.month == 1 and day.day == 1)


def course_day(target: date, weekday: int) -> date:
    """The ``weekday`` nearest to ``target`` that is no public holiday and not in a holiday period."""
    for distance in range(0, 60):
        for day in (target + timedelta(days=distance), target - timedelta(days=distance)):
            if (day.weekday() == weekday and not is_public_holiday(day) and not _christmas_break(day)
                    and day.month not in SUMMER):
                return day
    raise ValueError(f"no course day near {target}")


def activity_day(target: date, saturday: bool = True) -> date:
    """The day nearest to ``target`` (the later one on a tie) that is no Sunday (nor a Saturday unless
    allowed), no public holiday and not in the Christmas break."""
    for distance in range(0, 30):
        for day in (target + timedelta(days=distance), target - timedelta(days=distance)):
            if not (day.weekday() == SUNDAY or (day.weekday() == SATURDAY and not saturday)
                    or is_public_holiday(day) or _christmas_break(day)):
                return day
    raise ValueError(f"no activity day near {target}")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in Groningen on ``day``, as stored (naive UTC)."""
    return local_to_utc(datetime.combine(day, time(hour, minute)))


def local_date(moment: datetime) -> date:
    return to_local(moment).date()


def within_days(now: datetime, days: int = 3) -> datetime:
    """A walk's start in the next ``days`` days, at least an hour ahead, on no public holiday; the day after
    tomorrow at 14:00 when possible. Public holidays never fill more than two days in a row, so one of today,
    the next three days and the hours tried always fits (24 December at 13:30: the 27th at 10:00)."""
    today = local_date(now)
    for offset in (2, 1, 3, 0):
        day = today + timedelta(days=offset)
        if is_public_holiday(day):
            continue
        for hour in (14, 10, 19):
            start = at(day, hour)
            if now + timedelta(hours=1) <= start <= now + timedelta(days=days):
                return start
    raise ValueError(f"no walk time within {days} days of {now}")


def done_by(moment: datetime, now: datetime) -> datetime:
    """A stamp of something done: ``moment``, but never later than a minute before ``now``."""
    return min(moment, now - timedelta(minutes=1))


def add_months(day: date, months: int) -> date:
    """The first day of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_end(day: date) -> date:
    return add_months(day, 1) - timedelta(days=1)


def teaching_months_back(today: date, count: int) -> date:
    """The first day of the month ``count`` teaching months (not July or August) back, this month counting
    as the first when it is one."""
    seen, month = 0, date(today.year, today.month, 1)
    while True:
        if month.month not in SUMMER:
            seen += 1
            if seen == count:
                return month
        month = add_months(month, -1)


def add_teaching_months(first: date, count: int) -> date:
    """The first day of the month ``count`` teaching months after ``first`` (July and August skipped)."""
    month = first
    while count:
        month = add_months(month, 1)
        if month.month not in SUMMER:
            count -= 1
    return month


def spread_sessions(starts: date, ends: date, count: int, weekday: int) -> list[date]:
    """``count`` session days on ``weekday``, spread evenly over the teaching days between ``starts`` and
    ``ends`` (the first two weeks after ``starts`` and the summer months left out)."""
    days = [starts + timedelta(days=n) for n in range(14, (ends - starts).days - 6)]
    days = [d for d in days if d.month not in SUMMER] or [starts]
    step = len(days) / count
    chosen = [course_day(days[int(i * step)], weekday) for i in range(count)]
    if len(set(chosen)) != count:
        raise ValueError(f"{count} sessions do not fit between {starts} and {ends}")
    return chosen
