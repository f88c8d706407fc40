"""Schemathesis drives /api/v1 from its own OpenAPI document: every generated request (valid
and invalid parameters) must get a documented status and a body matching the schema."""

import schemathesis
from hypothesis import HealthCheck, given, settings

from app.api import tokens
from app.extensions import db


def test_the_api_keeps_to_its_openapi_document(app, make):
    organisation = make.organisation()
    make.user(unit=make.unit(organisation, "TEAM"))
    _, token = tokens.create_token(organisation, "schemathesis", actor=None)
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 3

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=40,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def conforms(case):
            case.call_and_validate(headers=headers)

        conforms()
