"""iCalendar (.ics) files for activities, with a VTIMEZONE for Europe/Amsterdam."""
from datetime import timezone

import icalendar

from ..core.timeutil import LOCAL_TZ, to_local, utcnow
from .models import Activity

PRODID = "-//Wijkmakers Groningen//Wijkmakers portaal//NL"


def activity_uid(activity: Activity) -> str:
    return f"activity-{activity.id}@wijkmakers"


def _event(activity: Activity, url: str | None = None) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", activity_uid(activity))
    event.add("dtstamp", utcnow().replace(tzinfo=timezone.utc))
    event.add("dtstart", to_local(activity.starts_at).replace(tzinfo=LOCAL_TZ))
    event.add("dtend", to_local(activity.ends_at).replace(tzinfo=LOCAL_TZ))
    event.add("summary", activity.title)
    event.add("sequence", activity.ics_sequence or 0)
    place = activity.meeting_point or activity.location
    if place:
        event.add("location", place if not activity.neighbourhood else f"{place}, {activity.neighbourhood}")
    description = activity.description or ""
    if activity.is_cancelled and activity.cancel_reason:
        description = f"Geannuleerd: {activity.cancel_reason}\n\n{description}"
    if description:
        event.add("description", description)
    if url:
        event.add("url", url)
    event.add("status", "CANCELLED" if activity.is_cancelled else "CONFIRMED")
    return event


def calendar_bytes(activities, method: str | None = None, url_for_activity=None) -> bytes:
    """A VCALENDAR with one VEVENT per activity; ``method`` REQUEST/CANCEL for mail attachments."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    for activity in activities:
        cal.add_component(_event(activity, url_for_activity(activity) if url_for_activity else None))
    cal.add_missing_timezones()
    return cal.to_ical()


def activity_ics(activity: Activity, method: str | None = None, url: str | None = None) -> bytes:
    return calendar_bytes([activity], method=method, url_for_activity=(lambda a: url) if url else None)
