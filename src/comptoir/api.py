"""The HTTP API at /api/v1: routers of every app, bearer authentication, problem+json errors."""

from __future__ import annotations

import logging

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from comptoir.identity.api import auth_router, identity_router, me_router, members_router
from comptoir.platform.api import router as platform_router
from comptoir.platform.errors import DomainError, NotAuthenticated, TransactionConflict
from comptoir.platform.problems import domain_error_response, problem_response, pydantic_errors
from comptoir.platform.retry import is_retryable, retry_on_conflict

logger = logging.getLogger("comptoir.api")


class ActorAuth:
    """Authenticated when the middleware resolved an actor for the request."""

    openapi_type = "http"
    openapi_scheme = "bearer"

    def __call__(self, request):
        return getattr(request, "actor", None)


FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


class JsonParser(Parser):
    """An empty body (or a form with no field) is an empty object, so an operation whose body is optional
    (`POST …/close`) may be called with none at all (`curl -X POST`, an HTML form's button)."""

    def parse_body(self, request):
        if not request.body.strip() or (request.content_type in FORM_TYPES and not request.POST and not request.FILES):
            return {}
        return super().parse_body(request)


api = NinjaAPI(
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
api.add_router("/auth", auth_router)
api.add_router("", me_router)
api.add_router("/platform", platform_router)
api.add_router("/platform/members", members_router)
api.add_router("/identity", identity_router)
api.add_router("/accounting", "comptoir.accounting.api.router")
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
        title="Validation failed",
        detail="The request has invalid fields",
        errors=pydantic_errors(exc.errors),
    )


@api.exception_handler(AuthenticationError)
def on_authentication_error(request, exc):
    error = getattr(request, "auth_error", None) or NotAuthenticated("Send Authorization: Bearer <token>")
    return domain_error_response(request, error)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    code = "malformed_body" if exc.status_code == 400 else f"http_{exc.status_code}"
    return problem_response(
        request, status=exc.status_code, code=code, title=str(exc.message or "Error"), detail=str(exc.message or "")
    )


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return problem_response(request, status=404, code="not_found", title="Not found")


@api.exception_handler(Exception)
def on_unexpected(request, exc):
    if is_retryable(exc):  # raised inside a transaction the operation does not own (so not retried here)
        return domain_error_response(request, TransactionConflict())
    logger.exception("unhandled error on %s %s", request.method, request.path)
    return problem_response(
        request,
        status=500,
        code="server_error",
        title="Internal error",
        detail="Something went wrong; the request id identifies it in the logs",
    )
