"""Mail of the activities feature: plain-text bodies from templates, each with an .ics attachment.

Everything goes through the outbox (notifications.services.queue_mail) inside the caller's
transaction, so a mail leaves only if the change it reports is committed. Rendering uses the Jinja
environment directly (no request context), so commands send the same mails as web requests.
"""
from flask import current_app

from ..notifications.services import Attachment, queue_mail
from .ics import activity_ics
from .models import Activity


def link(endpoint: str, **values) -> str:
    """An absolute link for a mail, also outside a request (commands)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config.get("BASE_URL", "").rstrip("/") + path


def render(template: str, **context) -> str:
    return current_app.jinja_env.get_template(f"activities/{template}").render(**context)


def place(activity: Activity) -> str:
    where = activity.meeting_point or activity.location or "volgt nog"
    return f"{where} ({activity.neighbourhood})" if activity.neighbourhood else where


def detail_link(activity: Activity) -> str | None:
    if activity.cohort_id is not None:
        return None  # course sessions have no public page
    return link("activities.detail", activity_id=activity.id)


def send_activity_mail(user, activity: Activity, template: str, subject: str, method: str = "REQUEST",
                       **context) -> bool:
    """Queue one mail about ``activity`` to ``user`` with the activity as .ics; False without an address."""
    if not getattr(user, "email", None):
        return False
    url = detail_link(activity)
    body = render(template, user=user, activity=activity, place=place(activity), url=url,
                  mine_url=link("activities.mine"), **context)
    ics = activity_ics(activity, method=method, url=url)
    queue_mail(user.email, subject, body,
               attachments=[Attachment(f"activiteit-{activity.id}.ics", f"text/calendar; method={method}", ics)])
    return True
