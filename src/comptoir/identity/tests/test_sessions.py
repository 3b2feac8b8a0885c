"""Sign-in, refresh rotation, logout, access-token expiry, lockout and password storage."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from tests.support.api import PASSWORD, ApiClient

from comptoir.identity.models import AuthSession, User
from comptoir.identity.tests.factories import assert_problem, new_user, sign_in
from comptoir.identity.tokens import digest


def _token(email, password):
    return ApiClient().post("auth/token", {"email": email, "password": password})


def test_sign_in_returns_a_token_pair_and_stores_only_the_refresh_digest(tenant):
    response = _token(tenant.owner.email.upper(), PASSWORD)

    assert response.status_code == 200, response.content
    pair = response.json()
    assert (pair["token_type"], pair["expires_in"]) == ("Bearer", 900)
    assert pair["refresh"].startswith("cpr_")
    session = AuthSession.objects.get(refresh_token_hash=digest(pair["refresh"]))
    assert session.user_id == tenant.owner.pk and session.revoked_at is None
    assert not AuthSession.objects.filter(refresh_token_hash=pair["refresh"]).exists()
    me = ApiClient(pair["access"]).get("me")
    assert me.status_code == 200 and me.json()["user"]["id"] == str(tenant.owner.pk)
    user = User.objects.get(pk=tenant.owner.pk)
    assert user.last_login is not None and user.failed_login_attempts == 0


def test_passwords_are_stored_with_argon2(tenant):
    stored = User.objects.get(pk=tenant.owner.pk).password
    assert stored.startswith("argon2")
    assert PASSWORD not in stored


@pytest.mark.parametrize("email", ["owner-known", "nobody@example.com"])
def test_wrong_password_and_unknown_email_get_the_same_401(tenant, email):
    email = tenant.owner.email if email == "owner-known" else email
    sessions = AuthSession.objects.count()
    response = _token(email, "not-the-password")
    body = assert_problem(response, 401, "invalid_credentials")
    assert body["detail"] == "Wrong e-mail or password"
    assert AuthSession.objects.count() == sessions


def test_a_suspended_user_cannot_sign_in(db):
    user = new_user(status="SUSPENDED")
    assert_problem(_token(user.email, PASSWORD), 401, "invalid_credentials")
    assert not AuthSession.objects.filter(user=user).exists()


def test_sign_in_refuses_missing_and_unknown_fields(db):
    response = ApiClient().post("auth/token", {"email": "a@example.com", "remember": True})
    assert_problem(response, 422, "validation_error", field="password")
    assert_problem(response, 422, "validation_error", field="remember")


def test_refresh_rotates_the_pair(tenant):
    first = sign_in(tenant.owner.email)
    response = ApiClient().post("auth/token/refresh", {"refresh": first["refresh"]})
    assert response.status_code == 200, response.content
    second = response.json()
    assert second["refresh"] != first["refresh"]
    assert ApiClient(second["access"]).get("me").status_code == 200
    third = ApiClient().post("auth/token/refresh", {"refresh": second["refresh"]})
    assert third.status_code == 200
    session = AuthSession.objects.get(refresh_token_hash=digest(third.json()["refresh"]))
    assert session.revoked_at is None


def test_a_spent_refresh_token_presented_again_revokes_the_whole_session(tenant):
    """Reuse of a rotated token means two parties hold the session: the newer pair stops working too."""
    first = sign_in(tenant.owner.email)
    other = sign_in(tenant.owner.email)
    second = ApiClient().post("auth/token/refresh", {"refresh": first["refresh"]}).json()

    assert_problem(ApiClient().post("auth/token/refresh", {"refresh": first["refresh"]}), 401, "invalid_token")

    assert_problem(ApiClient().post("auth/token/refresh", {"refresh": second["refresh"]}), 401, "invalid_token")
    assert_problem(ApiClient(second["access"]).get("me"), 401, "invalid_token")
    session = AuthSession.objects.get(refresh_token_hash=digest(second["refresh"]))
    assert (session.revoked_at is not None, session.revoked_reason) == (True, "refresh_token_reused")
    assert ApiClient(other["access"]).get("me").status_code == 200  # the user's other sessions are untouched


@pytest.mark.parametrize("refresh", ["cpr_made-up", "garbage", "cpr_0123456789abcdef0123456789abcdef.x"])
def test_refresh_refuses_an_unknown_token(db, refresh):
    assert_problem(ApiClient().post("auth/token/refresh", {"refresh": refresh}), 401, "invalid_token")


def test_refresh_refuses_an_expired_session(tenant):
    pair = sign_in(tenant.owner.email)
    AuthSession.objects.filter(refresh_token_hash=digest(pair["refresh"])).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert_problem(ApiClient().post("auth/token/refresh", {"refresh": pair["refresh"]}), 401, "invalid_token")
    assert_problem(ApiClient(pair["access"]).get("me"), 401, "invalid_token")


def test_logout_revokes_the_access_and_refresh_tokens_of_that_session_only(tenant):
    pair = sign_in(tenant.owner.email)
    other = sign_in(tenant.owner.email)
    client = ApiClient(pair["access"])

    assert client.post("auth/logout").status_code == 204

    assert_problem(client.get("me"), 401, "invalid_token")
    assert_problem(ApiClient().post("auth/token/refresh", {"refresh": pair["refresh"]}), 401, "invalid_token")
    session = AuthSession.objects.get(refresh_token_hash=digest(pair["refresh"]))
    assert (session.revoked_at is not None, session.revoked_reason) == (True, "logout")
    assert ApiClient(other["access"]).get("me").status_code == 200


def test_logout_needs_a_token(db):
    assert_problem(ApiClient().post("auth/logout"), 401, "not_authenticated")
    assert_problem(ApiClient("not-a-token").post("auth/logout"), 401, "invalid_token")


def test_access_token_expires_after_its_ttl_and_refresh_still_works(tenant):
    pair = sign_in(tenant.owner.email)
    assert ApiClient(pair["access"]).get("me").status_code == 200
    with override_settings(ACCESS_TOKEN_TTL_SECONDS=0):
        assert_problem(ApiClient(pair["access"]).get("me"), 401, "token_expired")
    refreshed = ApiClient().post("auth/token/refresh", {"refresh": pair["refresh"]})
    assert refreshed.status_code == 200
    assert ApiClient(refreshed.json()["access"]).get("me").status_code == 200


def test_a_tampered_access_token_is_refused(tenant):
    access = sign_in(tenant.owner.email)["access"]
    assert_problem(ApiClient(access[:-2] + ("AA" if access[-2:] != "AA" else "BB")).get("me"), 401, "invalid_token")


# --- lockout --------------------------------------------------------------------------------------------------


def _fail(email, times):
    for _ in range(times):
        assert_problem(_token(email, "wrong-password"), 401, "invalid_credentials")


def test_five_consecutive_failures_lock_the_account_for_fifteen_minutes(tenant):
    email = tenant.owner.email
    _fail(email, 4)
    assert User.objects.get(pk=tenant.owner.pk).locked_until is None
    before = timezone.now()
    _fail(email, 1)

    user = User.objects.get(pk=tenant.owner.pk)
    assert before + timedelta(minutes=15) <= user.locked_until <= timezone.now() + timedelta(minutes=15)
    sessions = AuthSession.objects.filter(user=user).count()
    assert_problem(_token(email, PASSWORD), 429, "account_locked")
    assert_problem(_token(email, "wrong-password"), 429, "account_locked")
    assert AuthSession.objects.filter(user=user).count() == sessions


def test_an_unknown_email_is_locked_after_the_same_failures_with_the_same_answer(tenant):
    """Lockout must not tell which e-mails are registered: a known and an unknown e-mail answer alike."""
    answers = {}
    for email in (tenant.owner.email, "Nobody.Here@example.com"):
        replies = [_token(email, "wrong-password") for _ in range(7)]
        answers[email] = [(r.status_code, r.json()["code"], r.json()["detail"][:30]) for r in replies]
    known, unknown = answers.values()
    assert known == unknown
    assert [a[0] for a in unknown] == [401] * 5 + [429] * 2
    assert_problem(_token("nobody.here@example.com", PASSWORD), 429, "account_locked")  # counted per e-mail
    assert _token("somebody.else@example.com", PASSWORD).status_code == 401


def test_a_success_before_the_fifth_failure_resets_the_counter(tenant):
    email = tenant.owner.email
    _fail(email, 4)
    assert User.objects.get(pk=tenant.owner.pk).failed_login_attempts == 4
    sign_in(email)
    assert User.objects.get(pk=tenant.owner.pk).failed_login_attempts == 0
    _fail(email, 4)
    assert User.objects.get(pk=tenant.owner.pk).locked_until is None
    sign_in(email)


def test_sign_in_works_again_once_the_lock_has_passed(tenant):
    email = tenant.owner.email
    _fail(email, 5)
    assert_problem(_token(email, PASSWORD), 429, "account_locked")
    User.objects.filter(pk=tenant.owner.pk).update(locked_until=timezone.now() - timedelta(seconds=1))

    sign_in(email)
    user = User.objects.get(pk=tenant.owner.pk)
    assert (user.failed_login_attempts, user.locked_until) == (0, None)
