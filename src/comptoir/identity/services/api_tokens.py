"""Personal API tokens: the secret is returned once; scopes must be permissions the member holds."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.identity.models import ApiToken
from comptoir.identity.tokens import digest, new_api_token
from comptoir.platform.errors import NotFound, ValidationFailed


def create_api_token(
    *,
    actor,
    held_permissions: frozenset[str],
    name: str,
    scopes: list[str],
    expires_at: datetime | None = None,
    scoped_caller: bool = False,
) -> tuple[ApiToken, str]:
    """An empty scope list lets the token act with every permission of its member. A caller that is itself an
    API token (`scoped_caller`) cannot widen its own reach that way: its empty list becomes its permissions."""
    if not (name or "").strip():
        raise ValidationFailed(_("Name is required"), code="required", field="name")
    if not scopes and scoped_caller:
        scopes = sorted(held_permissions)
    beyond = sorted(set(scopes) - held_permissions)
    if beyond:
        raise ValidationFailed(
            _("Scopes beyond your permissions: %(beyond)s") % {"beyond": ", ".join(beyond)},
            code="scope_not_held",
            field="scopes",
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed(_("Expiry must be in the future"), code="in_past", field="expires_at")
    prefix, secret = new_api_token()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor,
            name=name.strip(),
            token_prefix=prefix,
            token_hash=digest(secret),
            scopes=sorted(set(scopes)),
            expires_at=expires_at,
            created_by=actor,
        )
    return token, secret


def revoke_api_token(*, actor, token_id, any_user: bool = False) -> ApiToken:
    with transaction.atomic():
        qs = ApiToken.objects.select_for_update().filter(pk=token_id)
        if not any_user:
            qs = qs.filter(user=actor)
        token = qs.first()
        if token is None:
            raise NotFound(_("API token not found"))
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.updated_by = actor
            token.save(update_fields=["revoked_at", "updated_by", "updated_at"])
    return token
