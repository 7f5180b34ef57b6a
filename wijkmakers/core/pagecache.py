"""Public pages (the landing page, the agenda) rendered once per few seconds for visitors who are not
logged in: they are the same for every visitor and the most requested pages of the portal.

Only a plain GET by an anonymous visitor with nothing flashed is served from or stored in the cache, and
only a 200 response that did not touch the session (so no CSRF token or cookie is ever shared). Seats left
may lag by PUBLIC_PAGE_CACHE_SECONDS (default 10; tests run with 0); signing up always checks the database.
"""
from functools import wraps

from flask import Response, current_app, request, session
from flask_login import current_user

from .cache import keep, recall


def _seconds() -> float:
    default = 0 if current_app.testing else 10
    return float(current_app.config.get("PUBLIC_PAGE_CACHE_SECONDS", default))


def cached_for_visitors(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        seconds = _seconds()
        if (seconds <= 0 or request.method != "GET" or current_user.is_authenticated
                or session.get("_flashes")):
            return view(*args, **kwargs)
        key = ("public_page", request.full_path)
        body = recall(key, seconds)
        if body is not None:
            return Response(body, mimetype="text/html")
        response = current_app.make_response(view(*args, **kwargs))
        if response.status_code == 200 and response.mimetype == "text/html" and not session.modified:
            keep(key, response.get_data())
        return response
    return wrapped
