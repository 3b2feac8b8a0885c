"""RFC 9457 problem+json responses."""

from __future__ import annotations

import json

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy, pgettext_lazy

from comptoir.platform.errors import DomainError

PROBLEM_TYPE_BASE = "https://comptoir.dev/problems/"
CONTENT_TYPE = "application/problem+json"


def problem_response(
    request, *, status: int, code: str, title: str, detail: str = "", errors: list[dict] | None = None
) -> HttpResponse:
    body = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": str(title),
        "status": status,
        "code": code,
        "detail": str(detail or title),
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
                "message": pydantic_message(err),
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


# Pydantic's messages for the error types our schemas produce, in the language of the request: the English text is
# pydantic's, less the parser's detail after a comma ("…, input is too short") that no catalogue could translate.
# A type missing here keeps pydantic's English message.
_PYDANTIC_MESSAGES = {
    "missing": gettext_lazy("Field required"),
    "extra_forbidden": gettext_lazy("Extra inputs are not permitted"),
    "string_type": gettext_lazy("Input should be a valid string"),
    "string_pattern_mismatch": gettext_lazy("String should match pattern '%(pattern)s'"),
    "int_type": gettext_lazy("Input should be a valid integer"),
    "int_parsing": gettext_lazy("Input should be a valid integer, unable to parse string as an integer"),
    "int_from_float": gettext_lazy("Input should be a valid integer, got a number with a fractional part"),
    "float_type": gettext_lazy("Input should be a valid number"),
    "float_parsing": gettext_lazy("Input should be a valid number, unable to parse string as a number"),
    "bool_type": gettext_lazy("Input should be a valid boolean"),
    "bool_parsing": gettext_lazy("Input should be a valid boolean, unable to interpret input"),
    "decimal_type": gettext_lazy("Decimal input should be an integer, float, string or Decimal object"),
    "decimal_parsing": gettext_lazy("Input should be a valid decimal"),
    "finite_number": gettext_lazy("Input should be a finite number"),
    "greater_than": gettext_lazy("Input should be greater than %(gt)s"),
    "greater_than_equal": gettext_lazy("Input should be greater than or equal to %(ge)s"),
    "less_than": gettext_lazy("Input should be less than %(lt)s"),
    "less_than_equal": gettext_lazy("Input should be less than or equal to %(le)s"),
    "enum": gettext_lazy("Input should be %(expected)s"),
    "literal_error": gettext_lazy("Input should be %(expected)s"),
    "date_type": gettext_lazy("Input should be a valid date"),
    "date_parsing": gettext_lazy("Input should be a valid date in the format YYYY-MM-DD"),
    "date_from_datetime_parsing": gettext_lazy("Input should be a valid date or datetime"),
    "date_from_datetime_inexact": gettext_lazy(
        "Datetimes provided to dates should have zero time - e.g. be exact dates"
    ),
    "datetime_type": gettext_lazy("Input should be a valid datetime"),
    "datetime_parsing": gettext_lazy("Input should be a valid datetime"),
    "datetime_from_date_parsing": gettext_lazy("Input should be a valid datetime or date"),
    "time_type": gettext_lazy("Input should be a valid time"),
    "time_parsing": gettext_lazy("Input should be in a valid time format"),
    "uuid_type": gettext_lazy("UUID input should be a string, bytes or UUID object"),
    "uuid_parsing": gettext_lazy("Input should be a valid UUID"),
    "url_parsing": gettext_lazy("Input should be a valid URL"),
    "url_type": gettext_lazy("URL input should be a string or URL"),
    "list_type": gettext_lazy("Input should be a valid list"),
    "dict_type": gettext_lazy("Input should be a valid dictionary"),
    "model_attributes_type": gettext_lazy("Input should be a valid dictionary or object to extract fields from"),
    "json_invalid": gettext_lazy("Invalid JSON"),
    # The messages that name a number of things: the ctx value that counts picks the plural form.
    "string_too_short": ngettext_lazy(
        "String should have at least %(min_length)s character",
        "String should have at least %(min_length)s characters",
        "min_length",
    ),
    "string_too_long": ngettext_lazy(
        "String should have at most %(max_length)s character",
        "String should have at most %(max_length)s characters",
        "max_length",
    ),
    "too_short": ngettext_lazy(
        "%(field_type)s should have at least %(min_length)s item after validation, not %(actual_length)s",
        "%(field_type)s should have at least %(min_length)s items after validation, not %(actual_length)s",
        "min_length",
    ),
    "too_long": ngettext_lazy(
        "%(field_type)s should have at most %(max_length)s item after validation, not %(actual_length)s",
        "%(field_type)s should have at most %(max_length)s items after validation, not %(actual_length)s",
        "max_length",
    ),
    "decimal_max_digits": ngettext_lazy(
        "Decimal input should have no more than %(max_digits)s digit in total",
        "Decimal input should have no more than %(max_digits)s digits in total",
        "max_digits",
    ),
    "decimal_max_places": ngettext_lazy(
        "Decimal input should have no more than %(decimal_places)s decimal place",
        "Decimal input should have no more than %(decimal_places)s decimal places",
        "decimal_places",
    ),
    "decimal_whole_digits": ngettext_lazy(
        "Decimal input should have no more than %(whole_digits)s digit before the decimal point",
        "Decimal input should have no more than %(whole_digits)s digits before the decimal point",
        "whole_digits",
    ),
}
# What pydantic calls a collection in too_short / too_long.
_FIELD_TYPES = {
    "List": pgettext_lazy("a collection", "List"),
    "Tuple": pgettext_lazy("a collection", "Tuple"),
    "Set": pgettext_lazy("a collection", "Set"),
    "Dictionary": pgettext_lazy("a collection", "Dictionary"),
    "Value": pgettext_lazy("a collection", "Value"),
}


def pydantic_message(error: dict, *, bare: bool = False) -> str:
    """A pydantic error's message in the active language, from its `type` and `ctx`. A validator's own message
    (`value_error`, translated where the validator raised it) keeps pydantic's "Value error, " prefix unless `bare`."""
    kind, ctx = error.get("type", ""), dict(error.get("ctx") or {})
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"]) if bare else _("Value error, %(error)s") % {"error": ctx["error"]}
    if kind == "too_short" or kind == "too_long":
        ctx["field_type"] = _FIELD_TYPES.get(ctx.get("field_type"), ctx.get("field_type", ""))
    template = _PYDANTIC_MESSAGES.get(kind)
    if template is not None:
        try:
            return str(template % ctx)
        except (KeyError, TypeError, ValueError):  # a ctx without the values the message names
            pass
    return str(error.get("msg") or _("Invalid value"))
