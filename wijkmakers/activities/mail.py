"""Mail about one activity, through the one composer (notifications.compose): a plain-text body from a
template of this feature, with the activity as an .ics attachment.

Everything is queued in the caller's transaction, so a mail leaves only if the change it reports is
committed; commands send exactly the mails a web request would.
"""
from ..notifications import compose
from .ics import activity_ics
from .models import Activity


def place(activity: Activity) -> str:
    where = activity.meeting_point or activity.location or "volgt nog"
    return f"{where} ({activity.neighbourhood})" if activity.neighbourhood else where


def detail_link(activity: Activity) -> str | None:
    if activity.cohort_id is not None:
        return None  # course sessions have no public page
    return compose.absolute_url("activities.detail", activity_id=activity.id)


def send_activity_mail(user, activity: Activity, template: str, subject: str, method: str = "REQUEST",
                       **context) -> bool:
    """Queue one mail about ``activity`` to ``user`` with the activity as .ics; False without an address."""
    url = detail_link(activity)
    attachment = compose.ics_attachment(f"activiteit-{activity.id}", activity_ics(activity, method=method, url=url),
                                        method)
    return compose.send(user, subject, f"activities/{template}", attachments=[attachment], activity=activity,
                        place=place(activity), url=url, mine_url=compose.absolute_url("activities.mine"), **context)
