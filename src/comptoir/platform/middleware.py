"""Request plumbing: request id, limits on what a request may carry, problem+json 404/405 under /api/, and
`Idempotency-Key` handling for API POSTs."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
import uuid
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal

from django.conf import settings
from django.db import DatabaseError, transaction
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParser
from django.utils import translation
from django.utils.translation import gettext as _

from comptoir.platform import services
from comptoir.platform.audit import RequestContext, request_scope
from comptoir.platform.errors import (
    DomainError,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
)
from comptoir.platform.problems import CONTENT_TYPE, domain_error_response, problem_response
from comptoir.platform.retry import ATTEMPTS, is_retryable

logger = logging.getLogger(__name__)

FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
# `\u0000` as a JSON string escape (not preceded by an escaped backslash): a NUL character once parsed.
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)


class RequestLimitsMiddleware:
    """Gives each request an id and a request context (id, client, path, method, source) for the audit and system
    logs. Refuses, before a view reads anything: a body above DATA_UPLOAD_MAX_MEMORY_SIZE (413, and the connection
    is closed since the body stays unread); a NUL character in the path, query, headers or JSON body (PostgreSQL
    cannot store it); a multipart body without a valid boundary; an API body neither JSON nor a form (415).
    Answers every 404/405 under /api/ as problem+json."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        with request_scope(RequestContext.from_http(request)):
            # Refused before LocaleMiddleware runs: in the language it would choose (the cookie, Accept-Language).
            with translation.override(translation.get_language_from_request(request)):
                try:
                    _check_request(request)
                except DomainError as exc:
                    response = domain_error_response(request, exc)
                    if exc.status == PayloadTooLarge.status:
                        response["Connection"] = "close"
                else:
                    response = None
            if response is None:
                response = _api_problem(request, self.get_response(request))
        response["X-Request-ID"] = request.request_id
        return response


def _check_request(request) -> None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    multipart = request.META.get("CONTENT_TYPE", "").lower().startswith("multipart/form-data")
    if multipart:  # files are spooled to disk, capped per attachment
        limit = max(limit, settings.COMPTOIR_MAX_UPLOAD_BYTES + 64 * 1024)
    if length > limit:
        raise PayloadTooLarge(
            _("The body is %(length)s bytes; the limit is %(limit)s") % {"length": length, "limit": limit}
        )
    if (
        "\x00" in request.path
        or "%00" in request.META.get("QUERY_STRING", "")
        or "\x00" in request.META.get("QUERY_STRING", "")
    ):
        raise ValidationFailed(_("The path or query contains a NUL character"), code="nul_character")
    if any(
        "\x00" in value for key, value in request.META.items() if key.startswith("HTTP_") and isinstance(value, str)
    ):
        raise ValidationFailed(_("A header contains a NUL character"), code="nul_character")
    if multipart and not MultiPartParser.boundary_re.match(request.content_params.get("boundary", "")):
        raise DomainError(_("A multipart body needs a valid boundary parameter"), code="malformed_body")
    if length and request.path.startswith("/api/") and request.content_type not in FORM_TYPES:
        if request.content_type and not is_json(request.content_type):
            raise UnsupportedMediaType(
                _("Send JSON (Content-Type: application/json), not %(content_type)s")
                % {"content_type": request.content_type}
            )
        if _JSON_NUL.search(request.body):
            raise ValidationFailed(_("A NUL character (\\u0000) cannot be stored"), code="nul_character", field="body")


def is_json(content_type: str) -> bool:
    return content_type == "application/json" or content_type.endswith("+json")


def _api_problem(request, response):
    """A 404 or 405 that Django or ninja answered in HTML or plain text (an unknown path, a method the path does
    not have) becomes problem+json under /api/, keeping its `Allow` header."""
    if (
        response.status_code not in (404, 405)
        or not request.path.startswith("/api/")
        or response.get("Content-Type", "").startswith(CONTENT_TYPE)
    ):
        return response
    if response.status_code == 404:
        return problem_response(request, status=404, code="not_found", title=_("Not found"))
    problem = problem_response(
        request,
        status=405,
        code="method_not_allowed",
        title=_("Method not allowed"),
        detail=_("%(method)s is not allowed here; allowed: %(allowed)s")
        % {"method": request.method, "allowed": response.get("Allow", "")},
    )
    problem["Allow"] = response.get("Allow", "")
    return problem


class IdempotencyMiddleware:
    """An API POST with `Idempotency-Key` runs once per organization, atomically: the key is inserted, the view
    runs and its response is stored in one transaction, so a process that dies part-way leaves nothing behind (not
    even the key) and a retry runs afresh. A request with a key held by a running one waits for it, then replays
    its response; the same key with another body (or from another user) is a 422. A 5xx is not kept: the whole
    transaction is rolled back, key included. A 429 (try later) is not kept either, but what the request wrote (an
    audit row) stands. Anything else (a 2xx, a 4xx refusal) is kept and replayed for IDEMPOTENCY_TTL_HOURS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get("Idempotency-Key")
        actor = getattr(request, "actor", None)
        if (
            request.method != "POST"
            or not key
            or not request.path.startswith("/api/")
            or actor is None
            or actor.organization_id is None
        ):
            return self.get_response(request)
        try:
            if len(key) > 255:
                raise ValidationFailed(
                    _("Idempotency-Key is longer than 255 characters"),
                    code="invalid_idempotency_key",
                    field="Idempotency-Key",
                )
            fingerprint = _fingerprint(request)
        except DomainError as exc:
            return domain_error_response(request, exc)
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with transaction.atomic():
                    record, claimed = services.claim_idempotency_key(
                        key=key,
                        user_id=actor.user_id,
                        method=request.method,
                        path=request.path,
                        fingerprint=fingerprint,
                    )
                    if not claimed:
                        return _replay(request, record, fingerprint, actor.user_id)
                    response = self.get_response(request)
                    if response.status_code >= 500:
                        transaction.set_rollback(True)
                        if getattr(response, "transaction_conflict", False) and attempt < ATTEMPTS:
                            continue  # a deadlock or serialization failure: run the whole request again
                    elif response.status_code == 429 or getattr(response, "streaming", False):
                        services.release_idempotency_key(record_id=record.pk)  # "later" or unkeepable: not kept
                    else:
                        services.store_idempotent_response(
                            record_id=record.pk,
                            status=response.status_code,
                            body=response.content,
                            content_type=response.get("Content-Type", ""),
                        )
            except DatabaseError as exc:  # the commit failed: nothing was written, nothing kept
                if is_retryable(exc) and attempt < ATTEMPTS:
                    continue
                logger.exception("the transaction of %s %s failed", request.method, request.path)
                return problem_response(request, status=500, code="server_error", title=_("Internal error"))
            return response


def _replay(request, record, fingerprint: str, user_id) -> HttpResponse:
    if record.request_hash != fingerprint or record.user_id != user_id:
        return domain_error_response(
            request,
            ValidationFailed(
                _("This Idempotency-Key was used with another request"),
                code="idempotency_key_reused",
                field="Idempotency-Key",
            ),
        )
    replay = HttpResponse(
        services.stored_response_body(record),
        status=record.response_status,
        content_type=record.response_content_type or "application/json",
    )
    replay["Idempotent-Replayed"] = "true"
    return replay


def _fingerprint(request) -> str:
    """SHA-256 over method, path and body. A JSON body is hashed in canonical form (keys sorted, no whitespace,
    numbers by value), so the same document serialized differently is the same request; a multipart body is
    hashed field by field and file by file, so an upload larger than the in-memory limit is never read whole."""
    digest = hashlib.sha256(b"\n".join([request.method.encode(), request.path.encode()]))
    if request.content_type == "multipart/form-data":
        for name, values in sorted(request.POST.lists()):
            digest.update(f"{name}={values!r}".encode())
        for name, upload in sorted(request.FILES.items()):
            digest.update(f"{name}:{upload.name}:{upload.size}".encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
        return digest.hexdigest()
    body = request.body
    if is_json(request.content_type):
        with contextlib.suppress(ValueError, RecursionError):  # not JSON after all: the raw bytes
            body = _canonical_json(json.loads(body, parse_float=Decimal, parse_int=Decimal)).encode()
    digest.update(body)
    return digest.hexdigest()


_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)  # normalize() strips zeros, never rounds


def _canonical_json(value) -> str:
    """Object keys sorted, no whitespace, numbers by value (1.50, 1.5 and 15e-1 are one number, never rounded)."""
    if isinstance(value, dict):
        items = sorted(value.items())
        return "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{_canonical_json(v)}" for k, v in items) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_canonical_json(v) for v in value) + "]"
    if isinstance(value, Decimal):
        return str(value.normalize(_EXACT))
    return json.dumps(value, ensure_ascii=False)
