"""Application-side encryption and blind indexes (docs/encryption.md)."""

import pytest
from django.test import override_settings

from comptoir.platform import crypto


def test_encrypt_round_trips_and_refuses_an_altered_token():
    token = crypto.encrypt("FR76 3000 6000")
    assert "3000" not in token and crypto.decrypt(token) == "FR76 3000 6000"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token[:-4] + "AAAA")


def test_blind_index_is_stable_keyed_and_separated_by_purpose():
    first = crypto.blind_index("1234567890", purpose="bank_account_number")
    assert first == crypto.blind_index("1234567890", purpose="bank_account_number") and len(first) == 64
    assert first != crypto.blind_index("1234567891", purpose="bank_account_number")
    assert first != crypto.blind_index("1234567890", purpose="iban")
    with override_settings(COMPTOIR_BLIND_INDEX_KEY="another key"):
        assert first != crypto.blind_index("1234567890", purpose="bank_account_number")
