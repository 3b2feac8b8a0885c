"""Request plumbing: request id and body-size limit, and `Idempotency-Key` handling for API POSTs."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import uuid
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal

from django.conf import settings
from django.db import DatabaseError, transaction
from django.http import HttpResponse

from comptoir.platform import services
from comptoir.platform.audit import RequestContext, request_scope
from comptoir.platform.errors import DomainError, PayloadTooLarge, ValidationFailed
from comptoir.platform.problems import domain_error_response, problem_response

logger = logging.getLogger(__name__)


class RequestLimitsMiddleware:
    """Gives each request an id and a request context (id, client, path, method, source) for the audit and system
    logs, and refuses bodies above DATA_UPLOAD_MAX_MEMORY_SIZE with 413 before reading."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        with request_scope(RequestContext.from_http(request)):
            return self._limit(request)

    def _limit(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request.content_type == "multipart/form-data":  # files are spooled to disk, capped per attachment
            limit = max(limit, settings.COMPTOIR_MAX_UPLOAD_BYTES + 64 * 1024)
        if length > limit:
            response = domain_error_response(
                request, PayloadTooLarge(f"The body is {length} bytes; the limit is {limit}")
            )
        else:
            response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


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
                    "Idempotency-Key is longer than 255 characters",
                    code="invalid_idempotency_key",
                    field="Idempotency-Key",
                )
            fingerprint = _fingerprint(request)
        except DomainError as exc:
            return domain_error_response(request, exc)
        try:
            with transaction.atomic():
                record, claimed = services.claim_idempotency_key(
                    key=key, user_id=actor.user_id, method=request.method, path=request.path, fingerprint=fingerprint
                )
                if not claimed:
                    return _replay(request, record, fingerprint, actor.user_id)
                response = self.get_response(request)
                if response.status_code >= 500:
                    transaction.set_rollback(True)
                elif response.status_code == 429 or getattr(response, "streaming", False):
                    services.release_idempotency_key(record_id=record.pk)  # "later" or unkeepable: not kept
                else:
                    services.store_idempotent_response(
                        record_id=record.pk,
                        status=response.status_code,
                        body=response.content,
                        content_type=response.get("Content-Type", ""),
                    )
        except DatabaseError:  # e.g. a deferred constraint refused the commit: nothing was written, nothing kept
            logger.exception("the transaction of %s %s failed", request.method, request.path)
            return problem_response(request, status=500, code="server_error", title="Internal error")
        return response


def _replay(request, record, fingerprint: str, user_id) -> HttpResponse:
    if record.request_hash != fingerprint or record.user_id != user_id:
        return domain_error_response(
            request,
            ValidationFailed(
                "This Idempotency-Key was used with another request",
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
    if request.content_type == "application/json" or request.content_type.endswith("+json"):
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
