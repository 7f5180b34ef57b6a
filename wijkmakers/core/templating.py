"""Template globals: navigation per role, labels, fast row links."""
from collections.abc import Callable

from flask import has_request_context, request, url_for
from flask_login import current_user

from .permissions import ROLE_LABELS

# (endpoint, label, roles that see it). None: every logged-in user; PUBLIC: anonymous visitors too.
PUBLIC = ("*",)
NAV_ITEMS: list[tuple[str, str, tuple[str, ...] | None]] = [
    ("home.index", "Mijn overzicht", None),
    ("auth.users", "Gebruikers", ("beheerder",)),
]


def register_nav(endpoint: str, label: str, roles: tuple[str, ...] | None = None, position: int | None = None):
    item = (endpoint, label, roles)
    if item in NAV_ITEMS:
        return
    if position is None:
        NAV_ITEMS.append(item)
    else:
        NAV_ITEMS.insert(position, item)


def visible_nav(app) -> list[tuple[str, str, str]]:
    if not has_request_context():
        return []  # mail and PDF templates rendered from commands or signal handlers
    logged_in = current_user.is_authenticated
    keys = current_user.role_keys if logged_in else set()

    def allowed(roles):
        if roles == PUBLIC:
            return True
        return logged_in and (roles is None or bool(keys.intersection(roles)))

    urls = _nav_urls(app)
    return [(endpoint, urls[endpoint], label) for endpoint, label, roles in NAV_ITEMS
            if endpoint in urls and allowed(roles)]


def _nav_urls(app) -> dict[str, str]:
    """The menu's addresses, built once per application (they take no arguments) instead of on every page."""
    urls = app.extensions.get("wijkmakers_nav_urls")
    if urls is None:
        urls = app.extensions["wijkmakers_nav_urls"] = {
            endpoint: url_for(endpoint) for endpoint, _label, _roles in NAV_ITEMS if endpoint in app.view_functions}
    return urls


_STAND_IN = 987_654_321


def url_builder(endpoint: str, argument: str, **values) -> Callable[[int], str]:
    """url_for(endpoint, **{argument: n}, **values) for the many n of a table's rows: the address is built
    once with a stand-in number, and each row's number takes its place (a url_for costs some 6 µs, and a
    planning list has over a hundred links)."""
    address = url_for(endpoint, **values, **{argument: _STAND_IN})
    parts = address.split(str(_STAND_IN))
    if len(parts) != 2:
        return lambda number: url_for(endpoint, **values, **{argument: number})
    head, tail = parts
    return lambda number: f"{head}{int(number)}{tail}"


def init_templating(app) -> None:
    from .audit import action_label

    app.jinja_env.globals["url_builder"] = url_builder
    app.jinja_env.filters["action_label"] = action_label

    @app.context_processor
    def _globals():
        return {
            "nav_items": visible_nav(app),
            "ROLE_LABELS": ROLE_LABELS,
            "current_endpoint": request.endpoint,
            "has_endpoint": lambda endpoint: endpoint in app.view_functions,
        }
