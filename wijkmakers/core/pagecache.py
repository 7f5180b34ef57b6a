"""Public pages (the landing page, the agenda) rendered once per few seconds for visitors who are not
logged in: they are the same for every visitor and the most requested pages of the portal.

Only a plain GET by an anonymous visitor with nothing flashed is served from or stored in the cache, and
only a 200 response whose session holds nothing but a CSRF token. A page with a form (log in, sign up) is
kept with a marker where the token was, and every visitor gets a token of their own in its place, so no
token or cookie is ever shared. Seats left may lag by PUBLIC_PAGE_CACHE_SECONDS (default 10; tests run
with 0); signing up always checks the database.
"""
from collections.abc import Callable
from functools import wraps

from flask import Response, current_app, g, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from .cache import keep, recall

# Stands in a kept page where the visitor's CSRF token goes (a NUL byte never occurs in our HTML).
CSRF_MARKER = b"\x00csrf-token\x00"


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
            if CSRF_MARKER in body:
                body = body.replace(CSRF_MARKER, generate_csrf().encode())
            return Response(body, mimetype="text/html")
        response = current_app.make_response(view(*args, **kwargs))
        if response.status_code == 200 and response.mimetype == "text/html":
            body = _shareable(response.get_data())
            if body is not None:
                keep(key, body)
        return response
    return wrapped


def shared_section(name: str, render: Callable[[], str], fresh: bool = False) -> Markup:
    """A part of a page that is the same for everyone, logged in or not (the agenda's list), rendered at
    most once per PUBLIC_PAGE_CACHE_SECONDS for each address; the rest of the page (menu, log-out form
    with its CSRF token) is still made for each person. ``render`` must not use the visitor's session.
    ``fresh``: render it now (for those who change what it shows and expect to see their change)."""
    key, seconds = ("shared_section", name, request.full_path), _seconds()
    html = None if fresh or seconds <= 0 else recall(key, seconds)
    if html is None:
        html = render()
        token = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
        if not fresh and seconds > 0 and not (token and token in html):  # a form's token is never shared
            keep(key, html)
    return Markup(html)  # noqa: S704 - a rendered template, escaped by Jinja


def _shareable(body: bytes) -> bytes | None:
    """The page as every visitor may get it, or None when it holds something of this visitor's own."""
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    token = g.get(field)
    if token is None:
        return None if session.modified else body
    # a token is signed from the visitor's session (made now, or brought along in their cookie)
    if not set(session.keys()) <= {field, "_fresh"} or CSRF_MARKER in body:  # _fresh: Flask-Login's flag
        return None
    return body.replace(token.encode(), CSRF_MARKER)
