"""Request plumbing: request id and body-size limit, and `Idempotency-Key` handling for API POSTs."""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.http import HttpResponse

from comptoir.platform import services
from comptoir.platform.audit import RequestContext, request_scope
from comptoir.platform.errors import Conflict, DomainError, PayloadTooLarge, ValidationFailed
from comptoir.platform.problems import domain_error_response


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
    """An API POST with `Idempotency-Key` runs once per organization: a replay returns the stored response,
    the same key with another body is a 422, and a key still running elsewhere is a 409."""

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
            record, claimed = services.claim_idempotency_key(
                key=key,
                user_id=actor.user_id,
                method=request.method,
                path=request.path,
                fingerprint=fingerprint,
            )
            if not claimed:
                if record.request_hash != fingerprint:
                    raise ValidationFailed(
                        "This Idempotency-Key was used with another request",
                        code="idempotency_key_reused",
                        field="Idempotency-Key",
                    )
                if record.completed_at is None:
                    raise Conflict(
                        "A request with this Idempotency-Key is still running", code="idempotency_in_progress"
                    )
                replay = HttpResponse(
                    services.stored_response_body(record),
                    status=record.response_status,
                    content_type=record.response_content_type or "application/json",
                )
                replay["Idempotent-Replayed"] = "true"
                return replay
        except DomainError as exc:
            return domain_error_response(request, exc)
        response = self.get_response(request)
        if response.status_code >= 500 or getattr(response, "streaming", False):
            services.release_idempotency_key(record_id=record.pk)
        else:
            services.store_idempotent_response(
                record_id=record.pk,
                status=response.status_code,
                body=response.content,
                content_type=response.get("Content-Type", ""),
            )
        return response


def _fingerprint(request) -> str:
    """SHA-256 over method, path and body; a multipart body is hashed field by field and file by file, so an
    upload larger than the in-memory limit is never read whole."""
    digest = hashlib.sha256(b"\n".join([request.method.encode(), request.path.encode()]))
    if request.content_type != "multipart/form-data":
        digest.update(request.body)
        return digest.hexdigest()
    for name, values in sorted(request.POST.lists()):
        digest.update(f"{name}={values!r}".encode())
    for name, upload in sorted(request.FILES.items()):
        digest.update(f"{name}:{upload.name}:{upload.size}".encode())
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
    return digest.hexdigest()
