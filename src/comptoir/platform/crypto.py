"""Secrets encrypted in the application (catalogue §30.2): Fernet (AES-128-CBC + HMAC-SHA256) tokens.

The keys come from `settings.COMPTOIR_ENCRYPTION_KEY` (or the environment variable of that name): one key, or
several separated by commas — the first encrypts, every one decrypts, so a key is rotated by putting the new one
first and re-encrypting at leisure. Without it the key is derived from `settings.SECRET_KEY`. Each configured
string is stretched with HKDF-SHA256, so any long random string is a valid key.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_HKDF_INFO = b"comptoir.platform.crypto.v1"
_BLIND_INDEX_INFO = b"comptoir.platform.blind-index.v1"


class DecryptionError(Exception):
    """The value was not encrypted with any configured key, or it was altered."""


def _configured_keys() -> tuple[str, ...]:
    raw = getattr(settings, "COMPTOIR_ENCRYPTION_KEY", None) or os.environ.get("COMPTOIR_ENCRYPTION_KEY", "")
    keys = tuple(k.strip() for k in raw.split(",") if k.strip())
    return keys or (settings.SECRET_KEY,)


def _derive(secret: str) -> bytes:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(secret.encode())
    return base64.urlsafe_b64encode(key)


@functools.lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(_derive(k)) for k in keys])


def encrypt(plaintext: str) -> str:
    """An opaque, authenticated token for `plaintext` (ASCII, safe for a text column)."""
    return _fernet(_configured_keys()).encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    """The plaintext of a token made by `encrypt`; `DecryptionError` if no configured key opens it."""
    try:
        return _fernet(_configured_keys()).decrypt(token.encode()).decode()
    except (InvalidToken, ValueError) as exc:
        raise DecryptionError("cannot decrypt: wrong key or altered value") from exc


@functools.lru_cache(maxsize=4)
def _blind_index_key(secret: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_BLIND_INDEX_INFO).derive(secret.encode())


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed hash (HMAC-SHA256) of `value` that finds equal secrets without decrypting them, e.g. for a unique
    constraint. Its key is derived from `settings.COMPTOIR_BLIND_INDEX_KEY` (else SECRET_KEY) under a label of its
    own, never the encryption key; `purpose` keeps the hashes of different uses apart."""
    secret = getattr(settings, "COMPTOIR_BLIND_INDEX_KEY", "") or settings.SECRET_KEY
    return hmac.new(_blind_index_key(secret), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


MASK = "••••"


def masked(last4: str) -> str:
    """How a secret number is shown: the mask and its last 4 characters (empty when there is none)."""
    return f"{MASK}{last4}" if last4 else ""


def masked_iban(iban: str) -> str:
    """An IBAN as shown: its country and check digits, the mask, its last 4 characters (empty when there is none)."""
    return f"{iban[:4]}{MASK}{iban[-4:]}" if iban else ""
