"""One mail composer: absolute links, plain-text bodies from templates, an optional .ics, into the outbox.

Bodies are rendered straight from the Jinja environment (no request-bound context processors), so a
command or a signal handler sends exactly the mail a web request would. Everything is queued in the
caller's transaction (notifications.services.queue_mail): a mail leaves only if the change it reports
is committed.
"""
from flask import current_app

from .services import Attachment, is_withheld, queue_mail


def absolute_url(endpoint: str, **values) -> str:
    """A link for a mail or a document, also outside a request: BASE_URL plus the route's path."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config.get("BASE_URL", "").rstrip("/") + path


def render_text(template: str, **context) -> str:
    return current_app.jinja_env.get_template(template).render(**context)


def ics_attachment(name: str, content: bytes, method: str = "REQUEST") -> Attachment:
    return Attachment(f"{name}.ics", f"text/calendar; method={method}", content)


def send(user, subject: str, template: str, *, attachments=(), reply_to: str | None = None, always: bool = False,
         **context) -> bool:
    """Queue ``template`` for ``user``; False (and nothing queued) for a person without an address, erased,
    or whose mail is withheld (a blocked account; ``always`` sends the notice of that block all the same)."""
    address = getattr(user, "email", None)
    if not address or getattr(user, "anonymised_at", None) is not None:
        return False
    if not always and is_withheld(address):
        return False
    queue_mail(address, subject, render_text(template, user=user, **context), attachments=list(attachments),
               reply_to=reply_to, always=True)
    return True
