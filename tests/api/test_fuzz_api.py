"""Schemathesis generates requests for every operation in /api/v1/openapi.json, both valid
(positive) and deliberately invalid (negative) ones; none may cause a server error or an answer the document does not describe."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance
from sqlalchemy import func

from app.extensions import db
from app.pos.models import BoothSale

# Fuzzing hunts server errors, not lines run: see no_cover and fuzz in pytest.ini.
pytestmark = [pytest.mark.no_cover, pytest.mark.fuzz]
EXAMPLES_PER_OPERATION = 50


def _sales(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(func.count()).select_from(BoothSale))


def test_every_api_operation_survives_generated_input(app, fair, capsys):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = {"Authorization": f"Bearer {fair['token']}"}
    tried = {}
    for result, mode in [(r, m) for r in schema.get_all_operations() for m in GenerationMode]:
        operation = result.ok()
        label = f"{operation.label} ({mode.value})"
        tried[label] = 0

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def call(case):
            before = _sales(app)
            response = case.call(headers=headers)
            tried[label] += 1
            case.validate_response(response, checks=(not_a_server_error, status_code_conformance))
            # A refused batch stores nothing (in a partly valid batch only the valid sales are kept).
            if response.status_code in (400, 401, 409, 422):
                assert _sales(app) == before, "a refused batch stored a sale"

        call()
    assert {label.split(" (")[0] for label in tried} == {
        "GET /pos/catalogue",
        "POST /pos/sales",
        "POST /pos/online-payments",
        "GET /pos/online-payments/{sale_uuid}",
        "POST /pos/online-payments/{sale_uuid}/cancel",
    }
    with capsys.disabled():
        print(f"\nschemathesis: {sum(tried.values())} cases over {len(tried)} operations, 0 server errors: {tried}")
