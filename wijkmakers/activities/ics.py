"""iCalendar (.ics) files for activities, with a VTIMEZONE for Europe/Amsterdam.

One UID per activity, and a SEQUENCE that goes up with every change of time or place and with a
cancellation, so calendar programs update (or strike out) the event they already have.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parseaddr

import icalendar
from flask import current_app, has_app_context

from ..core.timeutil import LOCAL_TZ, to_local, utcnow
from .models import Activity

PRODID = "-//Wijkmakers Groningen//Wijkmakers portaal//NL"


@dataclass
class FeedItem:
    """One event in a personal feed: the activity and how it stands for this person."""

    activity: Activity
    url: str | None = None
    tentative: bool = False  # on the waiting list
    role_note: str | None = None  # e.g. "Je begeleidt deze activiteit."


def activity_uid(activity: Activity) -> str:
    return f"activity-{activity.id}@wijkmakers"


def _organizer() -> icalendar.vCalAddress | None:
    if not has_app_context():
        return None
    name, address = parseaddr(current_app.config.get("MAIL_DEFAULT_SENDER") or "")
    if not address:
        return None
    organizer = icalendar.vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = icalendar.vText(name or "Wijkmakers")
    return organizer


def _event(activity: Activity, url: str | None = None, tentative: bool = False,
           role_note: str | None = None) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", activity_uid(activity))
    event.add("dtstamp", utcnow().replace(tzinfo=timezone.utc))
    event.add("dtstart", to_local(activity.starts_at).replace(tzinfo=LOCAL_TZ))
    event.add("dtend", to_local(activity.ends_at).replace(tzinfo=LOCAL_TZ))
    summary = activity.title
    if activity.is_cancelled:
        summary = f"Gaat niet door: {summary}"
    elif tentative:
        summary = f"Wachtlijst: {summary}"
    event.add("summary", summary)
    event.add("sequence", activity.ics_sequence or 0)
    place = activity.meeting_point or activity.location
    if place:
        event.add("location", place if not activity.neighbourhood else f"{place}, {activity.neighbourhood}")
    parts = []
    if activity.is_cancelled and activity.cancel_reason:
        parts.append(f"Geannuleerd: {activity.cancel_reason}")
    if tentative:
        parts.append("Je staat op de wachtlijst. Komt er een plek vrij, dan krijg je bericht.")
    if role_note:
        parts.append(role_note)
    if activity.description:
        parts.append(activity.description)
    if activity.practical_notes:
        parts.append(f"Praktisch: {activity.practical_notes}")
    if parts:
        event.add("description", "\n\n".join(parts))
    if url:
        event.add("url", url)
    organizer = _organizer()
    if organizer is not None:
        event.add("organizer", organizer)
    if activity.is_cancelled:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "TENTATIVE" if tentative else "CONFIRMED")
    return event


def _amsterdam() -> icalendar.Timezone:
    """Europe/Amsterdam with the EU summer-time rules as RRULEs: short, and valid for any year (a
    generated VTIMEZONE lists every transition date and stops at 2038)."""
    tz = icalendar.Timezone()
    tz.add("tzid", "Europe/Amsterdam")
    tz.add("x-lic-location", "Europe/Amsterdam")
    summer = icalendar.TimezoneDaylight()
    summer.add("tzname", "CEST")
    summer.add("dtstart", datetime(1981, 3, 29, 2, 0))
    summer.add("tzoffsetfrom", timedelta(hours=1))
    summer.add("tzoffsetto", timedelta(hours=2))
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    winter = icalendar.TimezoneStandard()
    winter.add("tzname", "CET")
    winter.add("dtstart", datetime(1996, 10, 27, 3, 0))
    winter.add("tzoffsetfrom", timedelta(hours=2))
    winter.add("tzoffsetto", timedelta(hours=1))
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    tz.add_component(summer)
    tz.add_component(winter)
    return tz


def _calendar(method: str | None = None, name: str | None = None) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
        cal.add("x-wr-timezone", "Europe/Amsterdam")
        cal.add("refresh-interval", icalendar.vDuration.from_ical("PT6H"), parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", "PT6H")
    cal.add_component(_amsterdam())
    return cal


def calendar_bytes(activities, method: str | None = None, url_for_activity=None) -> bytes:
    """A VCALENDAR with one VEVENT per activity; ``method`` REQUEST/CANCEL for mail attachments."""
    cal = _calendar(method)
    for activity in activities:
        cal.add_component(_event(activity, url_for_activity(activity) if url_for_activity else None))
    return cal.to_ical()


def activity_ics(activity: Activity, method: str | None = None, url: str | None = None) -> bytes:
    return calendar_bytes([activity], method=method, url_for_activity=(lambda a: url) if url else None)


def feed_ics(items: list[FeedItem], name: str) -> bytes:
    """A subscribable personal calendar (no METHOD: it is published, not an invitation)."""
    cal = _calendar(name=name)
    for item in items:
        cal.add_component(_event(item.activity, item.url, tentative=item.tentative, role_note=item.role_note))
    return cal.to_ical()
