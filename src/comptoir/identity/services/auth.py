"""Sign-in with lockout, access/refresh token pairs with rotation, logout, and bearer-token resolution."""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core import signing
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from comptoir.identity.models import ApiToken, AuthSession, SignInThrottle, User
from comptoir.identity.tokens import (
    ACCESS_SALT,
    api_token_prefix,
    digest,
    new_refresh_token,
    refresh_session_id,
    same_digest,
)
from comptoir.platform.errors import NotAuthenticated, TooManyAttempts
from comptoir.platform.queries.core import default_organization_id
from comptoir.platform.services.audit import audit_login, audit_logout


@functools.cache
def _dummy_hash() -> str:
    """Verifying against a fixed hash when the e-mail is unknown keeps the response time the same. Made on first
    use, with the hasher configured then (not at import, which would fix the hashers before settings are final)."""
    return make_password("comptoir-timing-equaliser")


def _client(request) -> tuple[str | None, str]:
    if request is None:
        return None, ""
    return request.META.get("REMOTE_ADDR"), request.META.get("HTTP_USER_AGENT", "")[:1000]


def _refusal(locked_until) -> NotAuthenticated | TooManyAttempts:
    if locked_until is None:
        return NotAuthenticated(gettext("Wrong e-mail or password"), code="invalid_credentials")
    message = gettext("Too many failed sign-ins; try again after %(time)s UTC") % {"time": f"{locked_until:%H:%M}"}
    return TooManyAttempts(message, code="account_locked")


def _count_failure(rows, attempts: str) -> None:
    """One more failed sign-in on `rows` (their counter field is `attempts`): the LOCKOUT_THRESHOLD-th locks them
    for LOCKOUT_MINUTES and restarts the count. The same rule for an account and an unknown e-mail."""
    rows.update(**{attempts: F(attempts) + 1})
    rows.filter(**{f"{attempts}__gte": settings.LOCKOUT_THRESHOLD}).update(
        locked_until=timezone.now() + timedelta(minutes=settings.LOCKOUT_MINUTES), **{attempts: 0}
    )


def authenticate_password(*, email: str, password: str, request=None, raise_errors: bool = True) -> User | None:
    """The user if the password is right. Five consecutive failures lock the account for 15 minutes;
    a success resets the counter. An unknown e-mail is counted and locked the same way (SignInThrottle).
    Every failure is written to the audit log (LOGIN_FAILED)."""
    user = User.objects.filter(email__iexact=(email or "").strip(), deleted_at__isnull=True).first()
    if user is None:
        throttle, _ = SignInThrottle.objects.get_or_create(email=(email or "").strip().lower()[:255])
        locked_until = throttle.locked_until if throttle.is_locked else None
        if locked_until is None:
            check_password(password or "", _dummy_hash())
            with transaction.atomic():
                _count_failure(SignInThrottle.objects.filter(pk=throttle.pk), "failed_attempts")
        audit_login(user=None, success=False, email=email or "", request=request, reason="unknown e-mail")
        if raise_errors:
            raise _refusal(locked_until)
        return None
    if user.is_locked:
        audit_login(user=user, success=False, request=request, reason="locked")
        if raise_errors:
            raise _refusal(user.locked_until)
        return None
    if not user.check_password(password or "") or not user.is_active:
        with transaction.atomic():
            _count_failure(User.objects.filter(pk=user.pk), "failed_login_attempts")
            audit_login(user=user, success=False, request=request, reason="wrong password or inactive")
        if raise_errors:
            raise _refusal(None)
        return None
    ip, _agent = _client(request)
    User.objects.filter(pk=user.pk).update(
        failed_login_attempts=0, locked_until=None, last_login=timezone.now(), last_login_ip=ip
    )
    return user


def purge_sign_in_throttles(*, now=None) -> int:
    """Forget the failed sign-ins of unknown e-mails once they no longer count: not locked, and no failure for a
    lockout period (a failure restarts the row's clock). Returns how many rows went."""
    now = now or timezone.now()
    stale = now - timedelta(minutes=settings.LOCKOUT_MINUTES)
    deleted, _ = SignInThrottle.objects.filter(updated_at__lt=stale).exclude(locked_until__gt=now).delete()
    return deleted


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str
    expires_in: int
    session_id: object


def _access_token(session: AuthSession) -> str:
    """Signed claims: the session, its user and, as a hint for authentication, the organization it started in."""
    claims = {"s": str(session.pk), "u": str(session.user_id)}
    if session.organization_id:
        claims["o"] = str(session.organization_id)
    return signing.dumps(claims, salt=ACCESS_SALT)


def issue_tokens(*, user: User, organization_id=None, request=None) -> TokenPair:
    """A new session; its organization is `organization_id`, else the user's default membership's."""
    ip, agent = _client(request)
    if organization_id is None:
        organization_id = default_organization_id(user)
    session = AuthSession(
        user=user,
        organization_id=organization_id,
        ip_address=ip,
        user_agent=agent,
        expires_at=timezone.now() + timedelta(seconds=settings.REFRESH_TOKEN_TTL_SECONDS),
        last_used_at=timezone.now(),
    )
    refresh = new_refresh_token(session.pk)
    session.refresh_token_hash = digest(refresh)
    session.save(force_insert=True)
    return TokenPair(_access_token(session), refresh, settings.ACCESS_TOKEN_TTL_SECONDS, session.pk)


def sign_in(*, email: str, password: str, request=None) -> TokenPair:
    user = authenticate_password(email=email, password=password, request=request)
    pair = issue_tokens(user=user, request=request)
    audit_login(user=user, success=True, request=request, session_id=pair.session_id)
    return pair


def refresh_tokens(*, refresh: str, request=None) -> TokenPair:
    """Rotate: the presented refresh token is spent and a new pair is returned. A spent token that comes back
    means someone else holds a copy of it: the whole session is revoked, its newer tokens with it."""
    session_id = refresh_session_id(refresh or "")
    with transaction.atomic():
        session = (
            AuthSession.objects.select_for_update().select_related("user").filter(pk=session_id).first()
            if session_id
            else None
        )
        if session is not None and not same_digest(session.refresh_token_hash, digest(refresh)):
            revoke_session(session_id=session.pk, user=session.user, request=request, reason="refresh_token_reused")
            session = None
        if session is not None and session.is_active and session.user.is_active:
            new_refresh = new_refresh_token(session.pk)
            session.refresh_token_hash = digest(new_refresh)
            session.last_used_at = timezone.now()
            session.save(update_fields=["refresh_token_hash", "last_used_at", "updated_at"])
            return TokenPair(_access_token(session), new_refresh, settings.ACCESS_TOKEN_TTL_SECONDS, session.pk)
    raise NotAuthenticated(gettext("The refresh token is invalid, expired or revoked"), code="invalid_token")


def revoke_session(*, session_id, user=None, request=None, reason: str = "logout") -> None:
    with transaction.atomic():
        revoked = AuthSession.objects.filter(pk=session_id, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_reason=reason
        )
        if revoked and user is not None:
            audit_logout(user=user, request=request, session_id=session_id, reason=reason)


def revoke_all_sessions(*, user_id, reason: str) -> None:
    AuthSession.objects.filter(user_id=user_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=reason
    )


def access_token_claims(token: str) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID | None]:
    """(session id, user id, organization the session started in) of a well-signed, unexpired access token;
    whether the session is still live is the caller's to check (`identity.queries.session_identity`)."""
    try:
        claims = signing.loads(token, salt=ACCESS_SALT, max_age=settings.ACCESS_TOKEN_TTL_SECONDS)
        org = uuid.UUID(claims["o"]) if claims.get("o") else None
        return uuid.UUID(claims["s"]), uuid.UUID(claims["u"]), org
    except signing.SignatureExpired as exc:
        raise NotAuthenticated(gettext("The access token expired; refresh it"), code="token_expired") from exc
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise NotAuthenticated(gettext("The access token is invalid"), code="invalid_token") from exc


def api_token_organization(token: str):
    """The organization of an API token, read through a narrow SECURITY DEFINER function (the token table is
    under row-level security and no organization is known yet)."""
    prefix = api_token_prefix(token)
    if prefix is None:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT identity_api_token_organization(%s)", [prefix])
        row = cursor.fetchone()
    return row[0] if row else None


def resolve_api_token(token: str) -> ApiToken:
    """Inside the token's tenant context: the live ApiToken whose digest matches."""
    row = ApiToken.objects.select_related("user").filter(token_prefix=api_token_prefix(token)).first()
    if row is None or not same_digest(row.token_hash, digest(token)):
        raise NotAuthenticated(gettext("The API token is invalid"), code="invalid_token")
    now = timezone.now()
    if row.revoked_at is not None or (row.expires_at and row.expires_at <= now) or not row.user.is_active:
        raise NotAuthenticated(gettext("The API token is expired or revoked"), code="invalid_token")
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row
