"""Schemathesis against the API's own OpenAPI document, through the WSGI app (no network): both operations,
every check, valid and invalid input. Bounded and derandomized, so it is deterministic and quick; it must
find nothing (the document and the code agree on what is accepted, and nothing answers 500)."""
import hypothesis
import pytest
import schemathesis
from schemathesis.generation import GenerationMode

from .conftest import bearer

MAX_EXAMPLES = 60


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": False}  # the limit is proved in test_api.py; here it would answer 429


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request):
    # Schemathesis' lazy loader renames the test node through ``_nodeid``, which pytest 9.2 no longer has.
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


@pytest.fixture
def api_schema(app, agenda, token):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    schema.config.generation.update(modes=list(GenerationMode), max_examples=MAX_EXAMPLES, deterministic=True,
                                    database="none")
    schema.config.update(headers=bearer(token))
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.include(operation_id=["agenda", "figures"]).parametrize()
@hypothesis.settings(max_examples=MAX_EXAMPLES, derandomize=True, database=None, deadline=None,
                     suppress_health_check=list(hypothesis.HealthCheck))
def test_api_conforms_to_its_openapi_document(case):
    case.call_and_validate()
