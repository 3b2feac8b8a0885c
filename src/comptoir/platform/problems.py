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
