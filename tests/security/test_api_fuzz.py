"""Schemathesis against ``/api/v1/openapi.json`` (generated from the validating models): bounded examples per
operation, on whatever database the suite runs on; no server error, no undocumented status, no response that
breaks its declared schema or content type."""
from __future__ import annotations

import os

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance, response_schema_conformance, status_code_conformance,
)

EXAMPLES = int(os.environ.get("PLANNER_FUZZ_EXAMPLES", "30"))  # per operation


@pytest.fixture
def api_schema(app, renja, auth):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    schema.fuzz_headers = auth
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_holds_up_under_fuzzing(case, api_schema):
    response = case.call_and_validate(headers=api_schema.fuzz_headers, checks=[
        not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance])
    assert response.status_code < 500  # also checked above: a failing check raises
