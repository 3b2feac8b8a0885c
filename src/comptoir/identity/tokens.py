"""Token formats. Secrets are random; only their SHA-256 digests are stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid

ACCESS_SALT = "comptoir.identity.access"
REFRESH_PREFIX = "cpr_"
API_TOKEN_PREFIX = "cpt_"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def same_digest(a: str, b: str) -> bool:
    return hmac.compare_digest(a, b)


def new_refresh_token(session_id: uuid.UUID) -> str:
    """`cpr_<session id>.<secret>`: naming the session lets a spent token be recognised when it comes back."""
    return f"{REFRESH_PREFIX}{session_id.hex}.{secrets.token_urlsafe(32)}"


def refresh_session_id(token: str) -> uuid.UUID | None:
    session, dot, _secret = token.removeprefix(REFRESH_PREFIX).partition(".")
    try:
        return uuid.UUID(hex=session) if token.startswith(REFRESH_PREFIX) and dot else None
    except ValueError:
        return None


def new_api_token() -> tuple[str, str]:
    """(prefix, whole token) for a personal API token `cpt_<prefix>_<secret>`."""
    prefix = secrets.token_hex(6)
    return prefix, f"{API_TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"


def api_token_prefix(token: str) -> str | None:
    if not token.startswith(API_TOKEN_PREFIX):
        return None
    parts = token[len(API_TOKEN_PREFIX) :].split("_", 1)
    return parts[0] if len(parts) == 2 and parts[0] else None


def new_otp() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"
