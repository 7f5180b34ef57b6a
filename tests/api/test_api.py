"""The read-only JSON API: public agenda, token-protected figures, OpenAPI document, JSON errors."""
import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from wijkmakers.api import services
from wijkmakers.api.models import ApiToken
from wijkmakers.auth.models import UserRole
from wijkmakers.core.timeutil import utcnow
from wijkmakers.extensions import db

from .conftest import bearer


def test_agenda_is_public_and_shows_only_upcoming_public_activities(client, agenda):
    response = client.get("/api/v1/agenda")
    assert response.status_code == 200
    assert response.is_json
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    body = response.get_json()
    titles = [item["title"] for item in body["items"]]
    # as on the website's agenda: no course sessions, nothing cancelled or past
    assert titles == ["Wijkwandeling Selwerd", "Partnerbijeenkomst", "Masterclass gebiedsontwikkeling"]
    assert body["total"] == 3 and body["limit"] == 50 and body["offset"] == 0
    walk = body["items"][0]
    assert walk["kind"] == "wijkwandeling" and walk["neighbourhood"] == "Selwerd"
    assert walk["full"] is True and walk["seats_free"] == 0
    assert walk["starts_at"].endswith(("+01:00", "+02:00"))  # local time with its offset
    # no personal data: no guides, speakers, registrations or e-mail addresses
    text = response.get_data(as_text=True)
    for secret in ("Henk Bos", "henk@example.org", "Karin Postma", "guides", "speakers", "@"):
        assert secret not in text


def test_agenda_filters_and_paging(client, agenda):
    body = client.get("/api/v1/agenda?soort=masterclass").get_json()
    assert [i["title"] for i in body["items"]] == ["Masterclass gebiedsontwikkeling"]
    body = client.get("/api/v1/agenda?limit=1&offset=2").get_json()
    assert body["total"] == 3 and [i["title"] for i in body["items"]] == ["Masterclass gebiedsontwikkeling"]
    body = client.get("/api/v1/agenda?wijk=Selwerd").get_json()
    assert [i["title"] for i in body["items"]] == ["Wijkwandeling Selwerd"]
    month = body["items"][0]["starts_at"][:7]
    assert client.get(f"/api/v1/agenda?maand={month}").get_json()["total"] >= 1
    assert client.get("/api/v1/agenda?maand=2000-01").get_json()["total"] == 0
    assert body["items"][0]["url"].endswith(f"/{agenda['walk'].id}")


@pytest.mark.parametrize("query", ["soort=leergangbijeenkomst", "soort=onbekend", "wijk=Atlantis", "maand=2026-13",
                                   "maand=mei", "limit=0", "limit=201", "limit=abc", "offset=-1",
                                   "soort=", "maand=", "wijk=", "limit=", "maand=0000-00", "maand=1999-12",
                                   "maand=2101-01", "maand=2026-00", "maand=2026-5", "maand=%202026-05",
                                   "soort=wijkwandeling%20", "offset=2147483648", f"offset={2**63}",
                                   "offset=" + "9" * 5000, "limit=1.5", "limit=%2B5", "limit=٣",
                                   "soort=masterclass&soort=masterclass", "sort=title", "jaar=2026"])
def test_agenda_rejects_bad_parameters_with_a_json_message(client, query):
    response = client.get(f"/api/v1/agenda?{query}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["status"] == 400 and error["message"]


def test_agenda_accepts_every_documented_value(client, agenda):
    doc = client.get("/api/v1/openapi.json").get_json()
    params = {p["name"]: p["schema"] for p in doc["paths"]["/api/v1/agenda"]["get"]["parameters"]}
    assert params["offset"]["maximum"] == 2**31 - 1 and params["limit"]["maximum"] == 200
    for kind in params["soort"]["enum"]:
        assert client.get(f"/api/v1/agenda?soort={kind}").status_code == 200
    for query in ("maand=2000-01", "maand=2100-12", "offset=2147483647", "limit=200&offset=0", "limit=1"):
        body = client.get(f"/api/v1/agenda?{query}")
        assert body.status_code == 200, query


def test_every_problem_is_named_at_once(client):
    message = client.get("/api/v1/agenda?soort=&maand=2026-13&foo=1").get_json()["error"]["message"]
    assert "'soort' is leeg" in message and "maand" in message and "Onbekende parameter 'foo'" in message


def test_figures_need_a_token(client, coordinator):
    for headers in ({}, {"Authorization": "Bearer"}, {"Authorization": "Basic dXNlcjpwdw=="},
                    bearer("wm_not-a-real-token"), bearer("x" * 500)):
        response = client.get("/api/v1/figures", headers=headers)
        assert response.status_code == 401
        assert response.is_json
        assert "Authorization: Bearer" in response.get_json()["error"]["message"]
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_figures_with_a_valid_token(client, token, coordinator):
    response = client.get("/api/v1/figures?meting=aangemeld&telling=deelnames", headers=bearer(token))
    assert response.status_code == 200
    body = response.get_json()
    assert body["filters"] == {"meting": "aangemeld", "telling": "deelnames"}
    assert [r["number"] for r in body["rows"]][:8] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert body["rows"][0]["label"] == "Aantal partnerorganisaties"
    assert set(body["rows"][0]["values"]) == {str(y) for y in body["years"]}
    assert body["definitions"][0]["term"] == "Deelnemer"
    assert set(body["walks"]) == {"per_year", "total"}
    assert response.headers["Cache-Control"] == "no-store"
    row = db.session.scalar(select(ApiToken))
    assert row.last_used_at is not None


def test_figures_reject_bad_filters_with_400(client, token):
    response = client.get("/api/v1/figures?meting=misschien", headers=bearer(token))
    assert response.status_code == 400
    assert "meting" in response.get_json()["error"]["message"]
    assert client.get("/api/v1/figures?jaar=2024", headers=bearer(token)).status_code == 400
    for query in ("meting=", "telling=%20personen", "wijk=Atlantis", "partner=ja", "onbekend=1"):
        response = client.get(f"/api/v1/figures?{query}", headers=bearer(token))
        assert response.status_code == 400 and response.get_json()["error"]["message"], query


def test_revoked_expired_and_demoted_tokens_stop_working(client, make, token, coordinator):
    row = db.session.scalar(select(ApiToken))
    services.revoke_token(coordinator, row.id)
    assert client.get("/api/v1/figures", headers=bearer(token)).status_code == 401

    fresh = services.create_token(coordinator, "Tweede", 90)
    assert client.get("/api/v1/figures", headers=bearer(fresh)).status_code == 200
    fresh_row = db.session.scalar(select(ApiToken).where(ApiToken.name == "Tweede"))
    fresh_row.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert client.get("/api/v1/figures", headers=bearer(fresh)).status_code == 401

    third = services.create_token(coordinator, "Derde", 90)
    coordinator.roles = [UserRole(role="organisator")]
    db.session.commit()
    assert client.get("/api/v1/figures", headers=bearer(third)).status_code == 401


def test_only_a_hash_is_stored(coordinator):
    token = services.create_token(coordinator, "Controle", None)
    row = db.session.scalar(select(ApiToken))
    assert token.startswith("wm_") and len(token) > 40
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in (row.token_hash, row.prefix) and token.startswith(row.prefix)
    assert row.expires_at is None


def test_openapi_document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.get_json()
    assert doc["openapi"].startswith("3.")
    assert doc["info"]["title"] and doc["info"]["version"]
    assert {"/api/v1/agenda", "/api/v1/figures", "/api/v1/openapi.json"} <= set(doc["paths"])
    assert doc["paths"]["/api/v1/figures"]["get"]["security"] == [{"bearerAuth": []}]
    assert doc["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    operation_ids = []
    for path, operations in doc["paths"].items():
        assert path.startswith("/api/v1/")
        for method, operation in operations.items():
            assert method == "get"
            assert operation["responses"] and "200" in operation["responses"]
            operation_ids.append(operation["operationId"])
    assert len(operation_ids) == len(set(operation_ids))

    def refs(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    yield value
                else:
                    yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    for ref in refs(doc):
        assert ref.startswith("#/components/schemas/")
        assert ref.rsplit("/", 1)[1] in doc["components"]["schemas"], ref


def test_figures_response_matches_the_documented_schema(client, token):
    doc = client.get("/api/v1/openapi.json").get_json()
    body = client.get("/api/v1/figures", headers=bearer(token)).get_json()
    schemas = doc["components"]["schemas"]
    assert set(schemas["Figures"]["required"]) <= set(body)
    for row in body["rows"]:
        assert set(schemas["FigureRow"]["required"]) <= set(row)
    agenda_required = set(schemas["Agenda"]["required"])
    assert agenda_required <= set(client.get("/api/v1/agenda").get_json())


def test_api_errors_are_json(client):
    response = client.get("/api/v1/bestaat-niet")
    assert response.status_code == 404 and response.is_json
    response = client.post("/api/v1/agenda")
    assert response.status_code == 405 and response.is_json
    assert "GET" in response.headers["Allow"]
    assert client.get(f"/api/v1/bestaat-niet/{2**70}").status_code == 404


def test_the_json_api_is_get_only(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule


def test_docs_page_is_public(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert "/api/v1/figures" in response.get_data(as_text=True)


class TestRateLimit:
    @pytest.fixture
    def app_config(self):
        return {"API_RATE_LIMIT": "3 per minute", "RATELIMIT_ENABLED": True}

    def test_too_many_requests_get_a_json_429(self, client):
        statuses = [client.get("/api/v1/agenda").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        response = client.get("/api/v1/figures")
        assert response.status_code == 429 and response.is_json
        assert response.get_json()["error"]["status"] == 429
