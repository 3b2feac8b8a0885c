"""The store behind the `Idempotency-Key` header."""

from __future__ import annotations

import base64
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from comptoir.platform.crypto import decrypt, encrypt
from comptoir.platform.models import IdempotencyKey
from comptoir.platform.tenancy import require_org_id


def claim_idempotency_key(*, key: str, user_id, method: str, path: str, fingerprint: str):
    """Insert the key (committed at once, outside any request transaction) or return the existing row.
    Returns (record, claimed)."""
    now = timezone.now()
    org_id = require_org_id()
    with transaction.atomic():
        IdempotencyKey.objects.filter(key=key, expires_at__lte=now).delete()
        inserted = IdempotencyKey.objects.bulk_create(
            [
                IdempotencyKey(
                    organization_id=org_id,
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
