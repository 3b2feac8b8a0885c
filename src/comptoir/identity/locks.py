"""Lock helpers of identity and their order (after the platform's: `comptoir.platform.locks`).

A transaction of identity locks, in this order: the user (`lock_user`), then one membership
(`comptoir.platform.locks.lock_member`), then its roles, then a session or token of that user. A password reset or
an e-mail change locks the user first, so it queues behind a concurrent one instead of interleaving with it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from comptoir.identity.models import User
from comptoir.platform.locks import lock_row


def lock_user(user_id) -> User:
    """The user, locked `FOR UPDATE` (users are global rows: no organization filter)."""
    return lock_row(User.objects, user_id, what=gettext_lazy("user"))
