"""The current organization (tenant) and user, held in context variables and mirrored to PostgreSQL.

Layer 1 of DESIGN §4 is the ORM (`TenantManager` raises with no organization in context); layer 2 is row-level
security keyed on the session settings `comptoir.org_id` and `comptoir.user_id`, which this module keeps equal to
the context variables on the thread's connection.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connections

_org_id: ContextVar[uuid.UUID | None] = ContextVar("comptoir_org_id", default=None)
_user_id: ContextVar[uuid.UUID | None] = ContextVar("comptoir_user_id", default=None)


class NoTenantError(RuntimeError):
    """A tenant-owned table was queried with no organization in context."""


def current_org_id() -> uuid.UUID | None:
    return _org_id.get()


def require_org_id() -> uuid.UUID:
    org_id = _org_id.get()
    if org_id is None:
        raise NoTenantError("no organization in context: wrap the call in tenant_context(organization)")
    return org_id


def current_user_id() -> uuid.UUID | None:
    return _user_id.get()


def _as_uuid(value) -> uuid.UUID | None:
    if value is None:
        return None
    if isinstance(value, uuid.UUID):
        return value
    return getattr(value, "pk", None) or uuid.UUID(str(value))


def sync_connection_settings(connection) -> None:
    """Write the context to the connection's session settings when they differ from what it holds."""
    wanted = (_org_id.get(), _user_id.get())
    if connection.connection is None or getattr(connection, "comptoir_scope", None) == wanted:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('comptoir.org_id', %s, false), set_config('comptoir.user_id', %s, false)",
            [str(wanted[0] or ""), str(wanted[1] or "")],
        )
    connection.comptoir_scope = wanted


def _sync_all() -> None:
    for connection in connections.all(initialized_only=True):
        sync_connection_settings(connection)


@contextmanager
def tenant_context(organization, user=None) -> Iterator[uuid.UUID]:
    """Run the block as `organization` (an instance or id), optionally as `user`."""
    org_token = _org_id.set(_as_uuid(organization))
    user_token = _user_id.set(_as_uuid(user)) if user is not None else None
    try:
        _sync_all()
        yield _org_id.get()
    finally:
        _org_id.reset(org_token)
        if user_token is not None:
            _user_id.reset(user_token)
        _sync_all()


@contextmanager
def user_context(user) -> Iterator[None]:
    """Run the block as `user` with no organization: RLS shows only the user's own memberships."""
    org_token = _org_id.set(None)
    user_token = _user_id.set(_as_uuid(user))
    try:
        _sync_all()
        yield
    finally:
        _org_id.reset(org_token)
        _user_id.reset(user_token)
        _sync_all()
