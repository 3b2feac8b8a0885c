"""Every operation of /api/v1/openapi.json fuzzed by schemathesis (valid and invalid input, a fixed example budget,
derandomized), as the owner of an organization with some data: no 5xx, and every status, content type and body
the document declares. Requests go through Django's test client, inside the test's transaction."""

from __future__ import annotations

import pytest
import requests
import schemathesis
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.transport import Response
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from comptoir.accounting.tests.factories import IN_YEAR
from comptoir.api import api
from tests.support.api import make_tenant

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
BASE_URL = "http://testserver"

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.config.generation.update(max_examples=8)
schema.config.phases.update(phases=["examples", "fuzzing"])


@pytest.fixture(scope="module")
def owner(django_db_setup, django_db_blocker):
    """An organization's owner with a workspace, a posted entry, a budget, a calendar event and a party to list, made
    once per module inside a transaction rolled back at its end (each test runs in a savepoint of it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        tenant = make_tenant()
        _seed(tenant.api)
        yield tenant
        transaction.set_rollback(True)


def _seed(api_client) -> None:
    year = str(IN_YEAR.year)
    created = [
        api_client.post("platform/workspaces", {"name": "North"}),
        api_client.post(
            "accounting/journal-entries",
            {
                "date": IN_YEAR.isoformat(),
                "journal_type": "JV",
                "post": True,
                "lines": [
                    {"account": "6100", "entry_type": "DR", "amount": "12.50"},
                    {"account": "1100", "entry_type": "CR", "amount": "12.50"},
                ],
            },
        ),
        api_client.post(
            "accounting/budgets", {"name": "Rent", "fiscal_year": year, "allocated_amount": "100", "account": "6100"}
        ),
        api_client.post(
            "platform/calendar/events",
            {"title": "Review", "start_time": f"{year}-03-01T10:00:00Z", "end_time": f"{year}-03-01T11:00:00Z"},
        ),
        api_client.post("parties", {"name": "Atelier Morel", "party_type": "CUSTOMER"}),
    ]
    assert all(r.status_code == 201 for r in created), [(r.status_code, r.content[:300]) for r in created]


def _call(client: Client, case, token: str) -> Response:
    """Sends `case` through Django's test client (the test's transaction and connection) and wraps the answer."""
    kwargs = case.as_transport_kwargs(base_url=BASE_URL, headers={"Authorization": f"Bearer {token}"})
    prepared = requests.Request(
        method=kwargs["method"],
        url=kwargs["url"],
        params=kwargs.get("params"),
        headers=kwargs.get("headers"),
        data=kwargs.get("data"),
        json=kwargs.get("json"),
        files=kwargs.get("files"),
        cookies=kwargs.get("cookies"),
    ).prepare()
    headers = {k: v for k, v in prepared.headers.items() if k.lower() not in ("content-type", "content-length")}
    body = prepared.body or b""
    response = client.generic(
        prepared.method,
        prepared.url.removeprefix(BASE_URL),
        data=body.encode() if isinstance(body, str) else body,
        content_type=prepared.headers.get("Content-Type", ""),
        headers=headers,
    )
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return Response(
        status_code=response.status_code,
        headers={name: [value] for name, value in response.headers.items()},
        content=content,
        request=prepared,
        elapsed=0.0,
        verify=False,
    )


@schema.parametrize()
@settings(derandomize=True, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_operation(case, owner, db):
    response = _call(Client(), case, owner.api.token)
    case.validate_response(response, checks=CHECKS)
