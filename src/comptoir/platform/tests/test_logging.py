"""System logs: one JSON object per line, carrying the request id, organization and user in scope."""

import io
import json
import logging
import uuid

import pytest

from comptoir.platform.audit import RequestContext, request_scope
from comptoir.platform.logging import JsonFormatter
from comptoir.platform.tenancy import tenant_context


@pytest.fixture
def captured():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("comptoir.tests.logging")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        yield logger, lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        logger.removeHandler(handler)


def test_a_line_carries_the_tenant_the_user_and_the_request(db, captured):
    logger, lines = captured
    org_id, user_id = uuid.uuid4(), uuid.uuid4()
    with tenant_context(org_id, user=user_id), request_scope(RequestContext(request_id="req-9")):
        logger.warning("stock below %s for %s", 5, "SKU-1", extra={"warehouse": "LYON", "qty": 3})
    (line,) = lines()
    assert line["level"] == "WARNING" and line["logger"] == "comptoir.tests.logging"
    assert line["message"] == "stock below 5 for SKU-1"
    assert (line["request_id"], line["organization_id"], line["user_id"]) == ("req-9", str(org_id), str(user_id))
    assert (line["warehouse"], line["qty"]) == ("LYON", 3)
    assert line["timestamp"].endswith("+00:00") and "T" in line["timestamp"]
    assert "exception" not in line


def test_outside_any_scope_the_context_fields_are_null(captured):
    logger, lines = captured
    logger.info("boot")
    (line,) = lines()
    assert (line["request_id"], line["organization_id"], line["user_id"]) == (None, None, None)


def test_an_exception_is_logged_with_its_type_message_and_traceback_on_one_line(captured):
    logger, lines = captured
    try:
        {}["missing"]  # noqa: B018
    except KeyError:
        logger.exception("lookup failed")
    (line,) = lines()
    assert line["level"] == "ERROR" and line["message"] == "lookup failed"
    assert line["exception"]["type"] == "KeyError" and line["exception"]["message"] == "'missing'"
    assert "Traceback" in line["exception"]["traceback"] and 'line["exception"]' not in line["message"]


def test_values_that_are_not_json_are_written_as_text(captured):
    logger, lines = captured
    logger.info("odd", extra={"ref": uuid.UUID(int=1), "obj": object()})
    (line,) = lines()
    assert line["ref"] == str(uuid.UUID(int=1)) and line["obj"].startswith("<object object")


def test_an_http_request_logs_its_request_id(tenant, captured):
    logger, lines = captured
    api_logger = logging.getLogger("django.request")
    handler = logger.handlers[0]
    api_logger.addHandler(handler)
    level = api_logger.level
    api_logger.setLevel(logging.WARNING)  # settings keep django.request at ERROR; 404s are WARNING
    try:
        response = tenant.api.get("platform/no-such-thing", headers={"X-Request-ID": "req-404"})
    finally:
        api_logger.removeHandler(handler)
        api_logger.setLevel(level)
    assert response.status_code == 404
    logged = [line for line in lines() if line["logger"] == "django.request"]
    assert logged and logged[0]["request_id"] == "req-404" and logged[0]["level"] == "WARNING"
    assert logged[0]["organization_id"] == str(tenant.organization.pk)
