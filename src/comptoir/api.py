"""The HTTP API at /api/v1: the routers every module declares in its spec, bearer authentication, problem+json
errors."""

from __future__ import annotations

import logging
import re

from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.parser import Parser

from comptoir.platform.errors import DomainError, NotAuthenticated, TransactionConflict, ValidationFailed
from comptoir.platform.exports import XLSX_MIME
from comptoir.platform.middleware import FORM_TYPES
from comptoir.platform.modules import api_mounts, registry
from comptoir.platform.problems import document_problems, domain_error_response, problem_response, pydantic_errors
from comptoir.platform.retry import is_retryable, retry_on_conflict

logger = logging.getLogger("comptoir.api")


class ActorAuth:
    """Authenticated when the middleware resolved an actor for the request (a bearer token; the session cookie of
    the desk works too)."""

    def __call__(self, request):
        return getattr(request, "actor", None)


# An ISO 8601 date-time with an offset; PostgreSQL stores offsets up to ±15:59 only.
_DATETIME_OFFSET = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?[+-](\d{2}):?(\d{2})")


def _refuse_unstorable(value, field: str) -> None:
    """Refuses, field by field, what PostgreSQL cannot store: a NUL character, a time-zone offset beyond ±15:59."""
    if isinstance(value, dict):
        for key, item in value.items():
            _refuse_unstorable(key, field)
            _refuse_unstorable(item, f"{field}.{key}" if field else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_unstorable(item, f"{field}.{index}" if field else str(index))
    elif isinstance(value, str):
        if "\x00" in value:
            raise ValidationFailed("A NUL character cannot be stored", code="nul_character", field=field or "body")
        offset = _DATETIME_OFFSET.fullmatch(value.strip())
        if offset and (int(offset[1]) > 15 or int(offset[2]) > 59):
            raise ValidationFailed(
                "A time-zone offset lies between -15:59 and +15:59", code="invalid_datetime", field=field or "body"
            )


class JsonParser(Parser):
    """An empty body (or a form with no field) is an empty object, so an operation whose body is optional
    (`POST …/close`) may be called with none at all (`curl -X POST`, an HTML form's button). Bodies, queries and
    forms are refused where PostgreSQL could not store a value (the media type is checked by the middleware)."""

    def parse_body(self, request):
        if not request.body.strip() or (request.content_type in FORM_TYPES and not request.POST and not request.FILES):
            return {}
        data = super().parse_body(request)
        _refuse_unstorable(data, "")
        return data

    def parse_querydict(self, data, list_fields, request):
        parsed = super().parse_querydict(data, list_fields, request)
        _refuse_unstorable(parsed, "")
        return parsed


BEARER = {
    "type": "http",
    "scheme": "bearer",
    "description": "An access token from `POST /auth/token`, or a personal API token",
}


class _Document(OpenAPISchema):
    """Every operation with an `auth` (the actor, a module's guard) is under the one bearer scheme, so the docs page
    has its Authorize button."""

    def operation_security(self, operation):
        if not operation.auth_callbacks:
            return None
        self.securitySchemes["bearerAuth"] = BEARER
        return [{"bearerAuth": []}]


class ComptoirAPI(NinjaAPI):
    """The OpenAPI document also declares the bearer scheme, lists each operation's problem+json responses and, for
    a list that exports, its CSV and XLSX files."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        schema = document_problems(_Document(self, path_prefix))
        for operations in schema["paths"].values():
            for operation in operations.values():
                if any(p["in"] == "query" and p["name"] == "format" for p in operation.get("parameters", [])):
                    ok = operation["responses"].get(200, {}).setdefault("content", {})
                    ok.update(EXPORT_CONTENT)
        return schema


# What `?format=csv|xlsx` answers on a list.
EXPORT_CONTENT = {
    "text/csv": {"schema": {"type": "string"}},
    XLSX_MIME: {"schema": {"type": "string", "format": "binary"}},
}

api = ComptoirAPI(
    title="Comptoir API",
    version="1",
    description="Multi-tenant ERP. Authenticate with `Authorization: Bearer <token>`; choose the organization "
    "with `X-Organization: <id or code>` when you belong to several.",
    urls_namespace="api",
    auth=ActorAuth(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    parser=JsonParser(),
)
for _prefix, _router in api_mounts(registry().modules):  # every module's routers and API extensions, from its spec
    api.add_router(_prefix, _router)
api.add_decorator(retry_on_conflict)  # every operation: a deadlock or serialization failure runs it again (bounded)


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    return domain_error_response(request, exc)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    return problem_response(
        request,
        status=422,
        code="validation_error",
        title=_("Validation failed"),
        detail=_("The request has invalid fields"),
        errors=pydantic_errors(exc.errors),
    )


@api.exception_handler(AuthenticationError)
def on_authentication_error(request, exc):
    error = getattr(request, "auth_error", None) or NotAuthenticated(_("Send Authorization: Bearer <token>"))
    return domain_error_response(request, error)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    if isinstance(exc.__cause__, DomainError):  # ninja wraps what the parser refuses in a 400
        return domain_error_response(request, exc.__cause__)
    code = "malformed_body" if exc.status_code == 400 else f"http_{exc.status_code}"
    return problem_response(
        request, status=exc.status_code, code=code, title=str(exc.message or "Error"), detail=str(exc.message or "")
    )


@api.exception_handler(MultiPartParserError)
def on_malformed_multipart(request, exc):
    return problem_response(
        request, status=400, code="malformed_body", title=_("Malformed multipart body"), detail=str(exc)
    )


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return problem_response(request, status=404, code="not_found", title=_("Not found"))


@api.exception_handler(Exception)
def on_unexpected(request, exc):
    if is_retryable(exc):  # raised inside a transaction the operation does not own: its owner may run it again
        response = domain_error_response(request, TransactionConflict())
        response.transaction_conflict = True  # the idempotency middleware retries its transaction on this mark
        return response
    logger.exception("unhandled error on %s %s", request.method, request.path)
    return problem_response(
        request,
        status=500,
        code="server_error",
        title=_("Internal error"),
        detail=_("Something went wrong; the request id identifies it in the logs"),
    )
