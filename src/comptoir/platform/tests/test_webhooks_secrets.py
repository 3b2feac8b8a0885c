"""Secrets encrypted in the application (crypto.py): authenticated, keyed from settings, rotatable."""

import pytest

from comptoir.platform import crypto


def test_round_trip_is_randomised_and_hides_the_plaintext():
    first, second = crypto.encrypt("whsec_top-secret"), crypto.encrypt("whsec_top-secret")
    assert first != second and "top-secret" not in first
    assert crypto.decrypt(first) == crypto.decrypt(second) == "whsec_top-secret"


def test_an_altered_token_or_another_key_is_refused(settings):
    token = crypto.encrypt("value")
    tampered = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(tampered)
    settings.COMPTOIR_ENCRYPTION_KEY = "a-completely-different-key-0123456789"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token)


def test_the_key_defaults_to_one_derived_from_secret_key(settings, monkeypatch):
    monkeypatch.delenv("COMPTOIR_ENCRYPTION_KEY", raising=False)
    settings.COMPTOIR_ENCRYPTION_KEY = ""
    token = crypto.encrypt("value")
    settings.SECRET_KEY = "another-secret-key-for-this-deployment"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token)


def test_rotation_new_key_first_old_keys_still_decrypt(settings):
    settings.COMPTOIR_ENCRYPTION_KEY = "old-key-0123456789abcdef"
    old_token = crypto.encrypt("value")
    settings.COMPTOIR_ENCRYPTION_KEY = "new-key-0123456789abcdef, old-key-0123456789abcdef"
    assert crypto.decrypt(old_token) == "value"
    new_token = crypto.encrypt("value")
    settings.COMPTOIR_ENCRYPTION_KEY = "new-key-0123456789abcdef"
    assert crypto.decrypt(new_token) == "value"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(old_token)
