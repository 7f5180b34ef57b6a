"""Access rules for views.

Every view needs a logged-in user unless it is marked ``@public``; role-restricted views add
``@roles_required(...)``. The markers are attributes on the view function, so the access test can
walk the url_map and check every endpoint against them.
"""
from functools import wraps

from flask import abort, request
from flask_login import current_user

# Role keys as stored; labels for the Dutch interface.
DEELNEMER = "deelnemer"
BEGELEIDER = "begeleider"
ORGANISATOR = "organisator"
PARTNERCONTACT = "partnercontact"
COORDINATOR = "coordinator"
BEHEERDER = "beheerder"

ROLE_LABELS = {
    DEELNEMER: "Deelnemer",
    BEGELEIDER: "Begeleider",
    ORGANISATOR: "Organisator",
    PARTNERCONTACT: "Partnercontact",
    COORDINATOR: "Coördinator",
    BEHEERDER: "Beheerder",
}
ALL_ROLES = tuple(ROLE_LABELS)


def normalise_role(value: str) -> str | None:
    """Accept 'coördinator' as well as 'coordinator' from people typing a role."""
    key = value.strip().lower().replace("ö", "o")
    return key if key in ROLE_LABELS else None


def public(view):
    """Mark a view as open to anonymous visitors."""
    view.is_public = True
    return view


def roles_required(*roles: str):
    """Allow only users holding at least one of ``roles``; others get 403."""
    unknown = set(roles) - set(ALL_ROLES)
    if unknown:
        raise ValueError(f"unknown roles: {unknown}")

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                abort(401)
            if not current_user.has_any_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = frozenset(roles)
        return wrapped

    return decorator


def enforce_login(app, login_manager) -> None:
    """Secure by default: anything not marked public needs a session."""

    @app.before_request
    def _require_login():
        if request.endpoint is None or request.endpoint == "static":
            return None  # 404s fall through to the error handler; CSS and images are public
        view = app.view_functions.get(request.endpoint)
        if view is None or getattr(view, "is_public", False):
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return None
