"""RFC 9457 problem+json responses."""

from __future__ import annotations

import json

from django.http import HttpResponse

from comptoir.platform.errors import DomainError

PROBLEM_TYPE_BASE = "https://comptoir.dev/problems/"
CONTENT_TYPE = "application/problem+json"


def problem_response(
    request, *, status: int, code: str, title: str, detail: str = "", errors: list[dict] | None = None
) -> HttpResponse:
    body = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": title,
        "status": status,
        "code": code,
        "detail": detail or title,
        "instance": request.path if request is not None else "",
    }
    if errors:
        body["errors"] = errors
    request_id = getattr(request, "request_id", None)
    if request_id:
        body["request_id"] = request_id
    return HttpResponse(json.dumps(body), status=status, content_type=CONTENT_TYPE)


def domain_error_response(request, exc: DomainError) -> HttpResponse:
    return problem_response(
        request,
        status=exc.status,
        code=exc.code,
        title=exc.title,
        detail=exc.message,
        errors=[e.as_dict() for e in exc.errors] or None,
    )


def pydantic_errors(raw_errors) -> list[dict]:
    """ninja/pydantic error dicts -> [{field, code, message}], the field as a dotted path without the
    location prefix (`body`, `query`, `path`)."""
    out = []
    for err in raw_errors:
        loc = [str(p) for p in err.get("loc", [])]
        if loc and loc[0] in {"body", "query", "path", "header", "form", "cookie"}:
            loc = loc[1:]
        if len(loc) > 1 and loc[0] in {"payload", "data", "body", "filters", "params"}:
            loc = loc[1:]
        out.append(
            {
                "field": ".".join(loc) or "body",
                "code": err.get("type", "invalid"),
                "message": err.get("msg", "Invalid value"),
            }
        )
    return out


# The one shape of every refusal, referenced by each operation's error responses in the OpenAPI document.
PROBLEM_SCHEMA = {
    "title": "Problem",
    "type": "object",
    "description": "An RFC 9457 problem: `code` is stable; `errors` lists the fields at fault.",
    "required": ["type", "title", "status", "code", "detail", "instance"],
    "properties": {
        "type": {"type": "string", "example": PROBLEM_TYPE_BASE + "validation_error"},
        "title": {"type": "string", "example": "Validation failed"},
        "status": {"type": "integer", "example": 422},
        "code": {"type": "string", "example": "validation_error"},
        "detail": {"type": "string"},
        "instance": {"type": "string", "description": "the request path"},
        "request_id": {"type": "string", "description": "the request id of the logs (X-Request-ID)"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "code", "message"],
                "properties": {
                    "field": {"type": "string", "example": "lines.0.amount"},
                    "code": {"type": "string", "example": "required"},
                    "message": {"type": "string"},
                },
            },
        },
    },
}

PROBLEM_STATUSES = {
    400: "Malformed request (a body that is not JSON, a multipart body without boundary…)",
    401: "Not authenticated: send `Authorization: Bearer <token>`",
    403: "Authenticated, but not allowed (permission, module switched off, suspended organization)",
    404: "No such record in the current organization",
    409: "Conflict with the record's state (a transition not allowed, a duplicate, a key still running)",
    412: "`If-Match` names a version the record has left",
    413: "The body is larger than the server accepts (the connection is then closed)",
    415: "The body is neither JSON nor, where accepted, a form",
    422: "Invalid input; `errors` lists the fields",
    429: "Too many attempts; retry later",
}


def document_problems(schema: dict) -> dict:
    """Adds to every operation of an OpenAPI document the problem+json responses it can give, with the shared
    `Problem` schema: 400/404/422 everywhere, 401/403 where authentication is required and on the sign-in family,
    413/415 with a body, 409/412 on writes, 429 on the sign-in family."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    content = {CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            statuses = {400, 404, 422}
            if operation.get("security") or "/auth/" in path:  # the sign-in family refuses bad credentials
                statuses |= {401, 403}
            if "requestBody" in operation:
                statuses |= {413, 415}
            if method != "get":
                statuses |= {409, 412}
            if "/auth/" in path:
                statuses |= {429}
            responses = operation.setdefault("responses", {})
            for status in sorted(statuses):
                responses.setdefault(status, {"description": PROBLEM_STATUSES[status], "content": content})
    return schema
