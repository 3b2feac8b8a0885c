"""The store behind the `Idempotency-Key` header. Every call runs inside the request's transaction (see
`IdempotencyMiddleware`): the key, the business writes and the stored response commit together or not at all."""

from __future__ import annotations

import base64
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from comptoir.platform.crypto import decrypt, encrypt
from comptoir.platform.models import IdempotencyKey
from comptoir.platform.tenancy import require_org_id


def claim_idempotency_key(*, key: str, user_id, method: str, path: str, fingerprint: str):
    """Insert the key in the current transaction, or return the committed row that holds it. A concurrent
    request holding the same key uncommitted makes the insert wait until it commits (then its row is returned) or
    rolls back (then this one claims the key). Returns (record, claimed)."""
    now = timezone.now()
    # an expired key is free again; so is a row left unfinished by the former two-transaction protocol (under
    # this one a committed row always has its response)
    IdempotencyKey.objects.filter(Q(expires_at__lte=now) | Q(completed_at=None), key=key).delete()
    inserted = IdempotencyKey.objects.bulk_create(
        [
            IdempotencyKey(
                organization_id=require_org_id(),
                key=key,
                user_id=user_id,
                request_method=method,
                request_path=path,
                request_hash=fingerprint,
                expires_at=now + timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS),
            )
        ],
        ignore_conflicts=True,
    )
    record = IdempotencyKey.objects.get(key=key)
    return record, record.pk == inserted[0].pk


def store_idempotent_response(*, record_id, status: int, body: bytes, content_type: str) -> None:
    """Keep the response for replays, encrypted: it may carry a secret shown once (a webhook key, a token)."""
    IdempotencyKey.objects.filter(pk=record_id).update(
        response_status=status,
        response_body=encrypt(base64.b64encode(body).decode()).encode(),
        response_content_type=content_type,
        completed_at=timezone.now(),
    )


def stored_response_body(record: IdempotencyKey) -> bytes:
    return base64.b64decode(decrypt(bytes(record.response_body or b"").decode())) if record.response_body else b""


def release_idempotency_key(*, record_id) -> None:
    IdempotencyKey.objects.filter(pk=record_id).delete()
