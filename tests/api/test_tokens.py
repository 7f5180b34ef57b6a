"""The page where coordinators create and revoke their API keys."""
import re

import pytest
from sqlalchemy import func, select

from wijkmakers.api import services
from wijkmakers.api.models import ApiToken
from wijkmakers.core.audit import AuditEvent
from wijkmakers.core.errors import DomainError
from wijkmakers.extensions import db

from ..conftest import login
from .conftest import bearer


def test_anonymous_and_other_roles_are_refused(client, make):
    assert client.get("/api-sleutels").status_code == 302
    for role in ("deelnemer", "organisator", "partnercontact", "begeleider", "beheerder"):
        login(client, make.user(roles=(role,)))
        assert client.get("/api-sleutels").status_code == 403
        assert client.post("/api-sleutels", data={"name": "x", "validity": "90"}).status_code == 403
        assert client.post("/api-sleutels/1/intrekken").status_code == 403


def test_create_shows_the_token_once(client, coordinator):
    login(client, coordinator)
    page = client.get("/api-sleutels")
    assert page.status_code == 200 and "Je hebt nog geen sleutels" in page.get_data(as_text=True)
    response = client.post("/api-sleutels", data={"name": "Dashboard gemeente", "validity": "90"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    token = re.search(r'value="(wm_[A-Za-z0-9_-]+)"', html).group(1)
    assert "maar één keer" in html
    assert client.get("/api/v1/figures", headers=bearer(token)).status_code == 200
    later = client.get("/api-sleutels").get_data(as_text=True)
    assert token not in later and token[:8] in later and "Dashboard gemeente" in later
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "api.token_created"))
    assert event.actor_id == coordinator.id and token not in str(event.details)


def test_create_validates(client, coordinator):
    login(client, coordinator)
    response = client.post("/api-sleutels", data={"name": "   ", "validity": "90"})
    assert response.status_code == 422 and "Geef de sleutel een naam" in response.get_data(as_text=True)
    response = client.post("/api-sleutels", data={"name": "x" * 81, "validity": "90"})
    assert response.status_code == 422 and "hoogstens 80 tekens" in response.get_data(as_text=True)
    response = client.post("/api-sleutels", data={"name": "ok", "validity": "99999"})
    assert response.status_code == 422 and 'value="wm_' not in response.get_data(as_text=True)
    assert db.session.scalar(select(ApiToken)) is None


def test_at_most_ten_active_tokens(coordinator):
    for i in range(services.MAX_ACTIVE_TOKENS):
        services.create_token(coordinator, f"sleutel {i}", 90)
    with pytest.raises(DomainError, match="al 10 actieve sleutels"):
        services.create_token(coordinator, "een te veel", 90)


def test_the_eleventh_token_is_refused_on_the_page_with_422(client, coordinator):
    for i in range(services.MAX_ACTIVE_TOKENS):
        services.create_token(coordinator, f"sleutel {i}", 90)
    login(client, coordinator)
    response = client.post("/api-sleutels", data={"name": "een te veel", "validity": "90"})
    assert response.status_code == 422 and "Trek er eerst een in." in response.get_data(as_text=True)
    assert 'value="wm_' not in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == services.MAX_ACTIVE_TOKENS


def test_revoke_own_token_but_not_someone_elses(client, make, coordinator, token):
    other = make.user(roles=("coordinator",))
    others_token = services.create_token(other, "Van een ander", 90)
    others_row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == other.id))
    login(client, coordinator)
    assert client.post(f"/api-sleutels/{others_row.id}/intrekken").status_code == 404
    assert client.post("/api-sleutels/999999/intrekken").status_code == 404
    assert client.get("/api/v1/figures", headers=bearer(others_token)).status_code == 200
    own = db.session.scalar(select(ApiToken).where(ApiToken.user_id == coordinator.id))
    response = client.post(f"/api-sleutels/{own.id}/intrekken", follow_redirects=True)
    assert response.status_code == 200 and "is ingetrokken" in response.get_data(as_text=True)
    assert client.get("/api/v1/figures", headers=bearer(token)).status_code == 401
    assert "Ingetrokken" in client.get("/api-sleutels").get_data(as_text=True)
    assert client.get("/api-sleutels/1/intrekken").status_code == 405


class TestWithCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_forms_need_the_csrf_token(self, client, coordinator, token):
        login(client, coordinator)
        assert client.post("/api-sleutels", data={"name": "zonder", "validity": "90"}).status_code == 400
        own = db.session.scalar(select(ApiToken))
        assert client.post(f"/api-sleutels/{own.id}/intrekken").status_code == 400
        assert own.revoked_at is None
        # the GET-only API is not affected by CSRF
        assert client.get("/api/v1/figures", headers=bearer(token)).status_code == 200
