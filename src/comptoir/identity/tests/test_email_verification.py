"""E-mail verification: the code sent at sign-up (or resent) verifies the address once."""

from datetime import timedelta

import pytest
from django.utils import timezone
from tests.support.api import ApiClient

from comptoir.identity.models import User, VerificationToken
from comptoir.identity.tests.factories import assert_problem, codes_sent_to, signup_body


@pytest.fixture
def founder(sent):
    """A freshly signed-up owner: (user, api client, the code of the sign-up e-mail)."""
    body = signup_body()
    with sent():
        response = ApiClient().post("auth/signup", body)
    assert response.status_code == 201, response.content
    user = User.objects.get(pk=response.json()["user_id"])
    access = ApiClient().post("auth/token", {"email": user.email, "password": body["user"]["password"]}).json()
    return user, ApiClient(access["access"]), codes_sent_to(user.email)[-1]


def _verify(email, code):
    return ApiClient().post("auth/verify-email", {"email": email, "code": code})


def _other(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_the_signup_code_verifies_the_email_once(founder):
    user, _, code = founder
    token = VerificationToken.objects.get(user=user, purpose="REGISTRATION")
    assert token.expires_at - token.created_at == pytest.approx(timedelta(hours=24), abs=timedelta(seconds=1))

    response = _verify(user.email.upper(), code)

    assert response.status_code == 200, response.content
    user.refresh_from_db()
    assert (user.email_verified, user.registration_status, user.status) == (True, "EMAIL_VERIFIED", "ACTIVE")
    assert_problem(_verify(user.email, code), 422, "invalid_code", field="code")


def test_a_wrong_or_expired_code_verifies_nothing(founder):
    user, _, code = founder
    assert_problem(_verify(user.email, _other(code)), 422, "invalid_code", field="code")
    assert VerificationToken.objects.get(user=user, purpose="REGISTRATION").attempts == 1
    VerificationToken.objects.filter(user=user).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_problem(_verify(user.email, code), 422, "invalid_code", field="code")
    user.refresh_from_db()
    assert (user.email_verified, user.registration_status) == (False, "EMAIL_PENDING")


def test_five_wrong_codes_kill_the_verification_code(founder):
    user, _, code = founder
    for _ in range(5):
        assert_problem(_verify(user.email, _other(code)), 422, "invalid_code")
    assert_problem(_verify(user.email, code), 429, "too_many_attempts")
    user.refresh_from_db()
    assert user.email_verified is False


def test_a_resent_code_voids_the_previous_one(founder, sent):
    user, client, first = founder
    second = first
    while second == first:  # random codes: ask until the new one differs
        with sent():
            assert client.post("auth/verify-email/resend").status_code == 202
        second = codes_sent_to(user.email)[-1]

    assert_problem(_verify(user.email, first), 422, "invalid_code")
    assert _verify(user.email, second).status_code == 200


def test_resend_needs_a_signed_in_user(db):
    assert_problem(ApiClient().post("auth/verify-email/resend"), 401, "not_authenticated")


def test_verifying_does_not_reactivate_a_suspended_user(founder):
    user, _, code = founder
    User.objects.filter(pk=user.pk).update(status="SUSPENDED")
    assert _verify(user.email, code).status_code == 200
    user.refresh_from_db()
    assert (user.email_verified, user.status) == (True, "SUSPENDED")


def test_verify_refuses_bad_bodies(db):
    assert_problem(ApiClient().post("auth/verify-email", {"email": "a@example.com"}), 422, "validation_error", "code")
