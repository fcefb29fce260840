"""Schemathesis against the API's own OpenAPI document (bounded): no 500s, responses as documented.

Each operation gets a few generated requests (positive and negative data) as an authenticated
risk manager on the hand-made, screened bank; the WSGI app runs in-process, in the test's
transaction, so nothing leaks between tests.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance

from postloan.wsgi import application


def _schema():
    """The API's own OpenAPI document (served only after login, so read from the API object)."""
    import json

    from postloan.api.api import api

    schema = schemathesis.openapi.from_dict(json.loads(json.dumps(api.get_openapi_schema())))
    schema.app = application
    return schema


SCHEMA = _schema()
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
MAX_EXAMPLES = 12


def _label(op) -> str:
    return f"{op.method.upper()} {op.path}"


@pytest.fixture
def keep_test_connection():
    """The real WSGI handler closes the DB connection after each request; the test's
    transaction must survive it (Django's own test client does the same)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("operation", OPERATIONS, ids=_label)
def test_it_never_answers_500(operation, screened_bank, keep_test_connection):
    from postloan.api.tokens import issue_token

    _token, raw = issue_token(
        screened_bank.users["rm_branch"], scopes=["read", "import", "signals"]
    )
    headers = {"Authorization": f"Bearer {raw}"}
    strategy = operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(
        GenerationMode.NEGATIVE
    )

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
    )
    @given(case=strategy)
    def run(case):
        response = case.call(headers=headers)
        statuses.append(response.status_code)
        assert response.status_code < 500, (
            _label(operation),
            case.path_parameters,
            response.text[:300],
        )
        if response.status_code < 300:
            case.validate_response(response, checks=[response_schema_conformance])

    statuses: list[int] = []
    run()
    assert statuses, "no request was generated"


def test_it_covers_every_operation():
    assert len(OPERATIONS) >= 14
