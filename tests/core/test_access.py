"""Walks the whole url_map: every endpoint outside the public allow-list refuses anonymous visitors,
and every role-restricted endpoint refuses a logged-in user without one of its roles."""
import re

import pytest
from werkzeug.routing import IntegerConverter

from wijkmakers.core.permissions import ALL_ROLES

from ..conftest import login

# Endpoints anyone may open. Adding to this list is a deliberate, reviewed decision.
PUBLIC_ENDPOINTS = {
    "static", "core.healthz", "core.accessibility", "home.index", "auth.login", "auth.forgot_password",
    "auth.reset_password", "auth.accept_invitation", "partners.invitation",
    "core.privacy", "activities.agenda", "activities.detail", "activities.ics", "activities.calendar_feed",
    "activities.signup_newcomer", "activities.confirm_email", "certificates.verify", "api.openapi",
    "api.agenda", "api.figures", "api.docs",
}


def _sample_url(app, rule):
    values = {}
    for arg in rule.arguments:
        values[arg] = 1 if isinstance(rule._converters[arg], IntegerConverter) else "x"
    with app.test_request_context():
        from flask import url_for
        return url_for(rule.endpoint, **values)


def _rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint != "static"]


def test_public_endpoints_are_exactly_the_allow_list(app):
    public = {r.endpoint for r in _rules(app) if getattr(app.view_functions[r.endpoint], "is_public", False)}
    assert public <= PUBLIC_ENDPOINTS, f"unexpected public endpoints: {public - PUBLIC_ENDPOINTS}"


def test_every_private_endpoint_refuses_anonymous(app, client):
    checked = 0
    for rule in _rules(app):
        view = app.view_functions[rule.endpoint]
        if getattr(view, "is_public", False):
            continue
        url = _sample_url(app, rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            assert response.status_code in (302, 401), f"{method} {url} ({rule.endpoint}) gave {response.status_code}"
            if response.status_code == 302:
                assert "/inloggen" in response.headers["Location"]
            checked += 1
    assert checked >= 3


def test_role_restricted_endpoints_refuse_other_roles(app, client, make):
    restricted = [(r, app.view_functions[r.endpoint].required_roles) for r in _rules(app)
                  if getattr(app.view_functions[r.endpoint], "required_roles", None)]
    assert restricted, "no role-restricted endpoints found"
    users = {role: make.user(roles=(role,)) for role in ALL_ROLES}
    for rule, roles in restricted:
        url = _sample_url(app, rule)
        for role, user in users.items():
            if role in roles:
                continue
            login(client, user)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                response = client.open(url, method=method)
                assert response.status_code == 403, (
                    f"{role} got {response.status_code} on {method} {url} ({rule.endpoint})")


@pytest.mark.parametrize("path", ["/healthz", "/inloggen", "/", "/toegankelijkheid"])
def test_public_pages_open_for_anonymous(client, path):
    assert client.get(path).status_code == 200


def test_private_endpoints_declare_roles_or_are_meant_for_everyone(app):
    # Endpoints without required_roles are open to every logged-in user; list them so that a new one
    # is a visible change in review.
    open_to_all = sorted(r.endpoint for r in _rules(app)
                         if not getattr(app.view_functions[r.endpoint], "is_public", False)
                         and not getattr(app.view_functions[r.endpoint], "required_roles", None))
    for endpoint in open_to_all:
        assert re.match(r"^[a-z_]+\.[a-z_]+$", endpoint)
