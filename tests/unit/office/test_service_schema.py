"""Property-based tests of the inbox from its published OpenAPI description (schemathesis).

Schemathesis generates requests from ``msp-office openapi``'s document (random bundle
bodies, headers, content types) and sends them to a real service on loopback. Whatever
it sends, the answer must be one the document promises: never a server error, a
documented status, the documented content type and a body matching its schema.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from msp_desktop.office.inbox.openapi import openapi_document
from tests.unit.office.test_service import Service, serve, service  # noqa: F401 - fixtures

schema = schemathesis.openapi.from_dict(openapi_document())
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    # One service per backend serves every example: nothing in it is per-example state.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_answer_is_one_the_openapi_description_promises(
    case: schemathesis.Case,
    service: Service,  # noqa: F811
) -> None:
    response = case.call(base_url=service.url)
    case.validate_response(response, checks=CHECKS)
