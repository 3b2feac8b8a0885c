"""Password reset by 6-digit code: 10 minutes, single use, five wrong tries, one live code, sessions revoked."""

from datetime import timedelta

import pytest
from django.utils import timezone
from tests.support.api import PASSWORD, ApiClient

from comptoir.identity.models import AuthSession, User, VerificationToken
from comptoir.identity.tests.factories import assert_problem, codes_sent_to, sign_in

NEW_PASSWORD = "a-brand-new-passphrase"


@pytest.fixture
def request_code(sent):
    def request(email, *, typed_as=None):
        """Ask for a code for `email` (typed as `typed_as`); the code the e-mail carried."""
        with sent():
            response = ApiClient().post("auth/password-reset", {"email": typed_as or email})
        assert response.status_code == 202, response.content
        return codes_sent_to(email)[-1]

    return request


def _confirm(email, code, password=NEW_PASSWORD):
    return ApiClient().post("auth/password-reset/confirm", {"email": email, "code": code, "new_password": password})


def _password_is(user, password) -> bool:
    return User.objects.get(pk=user.pk).check_password(password)


def _reset_tokens(email):
    return VerificationToken.objects.filter(email=email, purpose="PASSWORD_RESET")


def test_a_known_address_gets_a_six_digit_code_valid_ten_minutes(tenant, request_code, outbox):
    email = tenant.owner.email
    code = request_code(email, typed_as=f"  {email.upper()} ")

    assert len(code) == 6 and code.isdigit()
    assert [m.to for m in outbox] == [[email]]
    (token,) = _reset_tokens(email)
    assert token.expires_at - token.created_at == pytest.approx(timedelta(minutes=10), abs=timedelta(seconds=1))
    assert code not in token.code_hash


def test_an_unknown_address_gets_the_same_answer_and_no_email(db, sent, outbox):
    with sent():
        response = ApiClient().post("auth/password-reset", {"email": "nobody@example.com"})
    assert response.status_code == 202
    assert response.json() == {"detail": "If the address is registered, a code was sent to it."}
    assert outbox == []
    assert not VerificationToken.objects.exists()


def test_the_right_code_sets_the_password_and_revokes_every_session(tenant, request_code):
    email = tenant.owner.email
    pair = sign_in(email)
    code = request_code(email)

    response = _confirm(email, code)

    assert response.status_code == 200, response.content
    assert _password_is(tenant.owner, NEW_PASSWORD) and not _password_is(tenant.owner, PASSWORD)
    assert not AuthSession.objects.filter(user=tenant.owner, revoked_at__isnull=True).exists()
    assert_problem(ApiClient(pair["access"]).get("me"), 401, "invalid_token")
    assert_problem(tenant.api.get("me"), 401, "invalid_token")
    assert_problem(ApiClient().post("auth/token/refresh", {"refresh": pair["refresh"]}), 401, "invalid_token")
    sign_in(email, NEW_PASSWORD)


def test_a_code_is_single_use(tenant, request_code):
    email = tenant.owner.email
    code = request_code(email)
    assert _confirm(email, code).status_code == 200
    assert_problem(_confirm(email, code, "yet-another-passphrase"), 422, "invalid_code", field="code")
    assert _password_is(tenant.owner, NEW_PASSWORD)


def test_a_wrong_code_is_refused_and_changes_nothing(tenant, request_code):
    email = tenant.owner.email
    code = request_code(email)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert_problem(_confirm(email, wrong), 422, "invalid_code", field="code")
    assert _password_is(tenant.owner, PASSWORD)
    assert _reset_tokens(email).get().attempts == 1


def test_an_expired_code_is_refused(tenant, request_code):
    email = tenant.owner.email
    code = request_code(email)
    _reset_tokens(email).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_problem(_confirm(email, code), 422, "invalid_code", field="code")
    assert _password_is(tenant.owner, PASSWORD)


def test_five_wrong_codes_kill_the_code(tenant, request_code):
    email = tenant.owner.email
    code = request_code(email)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        assert_problem(_confirm(email, wrong), 422, "invalid_code", field="code")

    assert_problem(_confirm(email, code), 429, "too_many_attempts")
    assert _password_is(tenant.owner, PASSWORD)
    assert _reset_tokens(email).get().used_at is None


def test_four_wrong_codes_leave_the_code_usable(tenant, request_code):
    email = tenant.owner.email
    code = request_code(email)
    for _ in range(4):
        assert_problem(_confirm(email, "000000" if code != "000000" else "111111"), 422, "invalid_code")
    assert _confirm(email, code).status_code == 200


def test_a_new_request_voids_the_previous_code(tenant, request_code):
    email = tenant.owner.email
    first = request_code(email)
    second = request_code(email)
    while second == first:  # both codes are random: make sure they differ
        second = request_code(email)
    assert_problem(_confirm(email, first), 422, "invalid_code")
    assert _reset_tokens(email).filter(voided_at__isnull=True).count() == 1
    assert _confirm(email, second).status_code == 200


@pytest.mark.parametrize(
    ("weak", "code"),
    [("password", "weak_password"), ("Olive#2026!", "password_personal_data")],  # common; the owner's first name
)
def test_a_weak_new_password_is_refused_and_leaves_the_code_unspent(tenant, request_code, weak, code):
    email = tenant.owner.email
    pair = sign_in(email)
    reset_code = request_code(email)

    assert_problem(_confirm(email, reset_code, weak), 422, code, field="new_password")

    assert _password_is(tenant.owner, PASSWORD)
    assert ApiClient(pair["access"]).get("me").status_code == 200
    assert _confirm(email, reset_code).status_code == 200


def test_a_reset_unlocks_a_locked_account(tenant, request_code):
    email = tenant.owner.email
    User.objects.filter(pk=tenant.owner.pk).update(locked_until=timezone.now() + timedelta(minutes=15))
    assert _confirm(email, request_code(email)).status_code == 200
    sign_in(email, NEW_PASSWORD)


def test_confirm_refuses_bad_bodies(db):
    response = ApiClient().post("auth/password-reset/confirm", {"email": "a@example.com", "code": "123456"})
    assert_problem(response, 422, "validation_error", field="new_password")
    response = ApiClient().post("auth/password-reset", {"email": "a@example.com", "extra": 1})
    assert_problem(response, 422, "validation_error", field="extra")
