"""The current organization (tenant) and user, held in context variables and mirrored to PostgreSQL.

Layer 1 of DESIGN §4 is the ORM (`TenantManager` raises with no organization in context); layer 2 is row-level
security keyed on the session settings `comptoir.org_id` and `comptoir.user_id`, which this module keeps equal to
the context variables on the thread's connection: before each statement, and only when they differ.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

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


SCOPE_SQL = "SELECT set_config('comptoir.org_id', %s, false), set_config('comptoir.user_id', %s, false)"


class _SetInTransaction:
    """Registered with on_commit when the settings are written inside a transaction: the value holds while the
    entry is pending (a savepoint rollback drops it) and after the commit (which calls it); after a rollback
    PostgreSQL has restored the earlier value, so what the connection holds is unknown again."""

    def __init__(self) -> None:
        self.committed = False

    def __call__(self) -> None:
        self.committed = True


def _held(connection):
    """The (organization, user) the connection's session settings hold, or None when unknown."""
    state = getattr(connection, "comptoir_scope", None)
    if state is None:
        return None
    scope, marker = state
    if marker is None or marker.committed:
        return scope
    if connection.in_atomic_block and any(entry[1] is marker for entry in connection.run_on_commit):
        return scope
    return None


def sync_connection_settings(connection) -> None:
    """Write the context to the connection's session settings, in one statement, when they differ from what it
    holds. Called before every statement (`scope_guard`), so entering and leaving a context costs nothing until
    a query runs, and a request leaves its settings for the next one to replace."""
    wanted = (_org_id.get(), _user_id.get())
    if connection.connection is None or _held(connection) == wanted:
        return
    marker = None
    if connection.in_atomic_block:
        marker = _SetInTransaction()
        connection.on_commit(marker)
    elif not connection.get_autocommit():  # a transaction managed by hand: no way to learn how it ends
        marker = _SetInTransaction()
    connection.comptoir_scope = (wanted, marker)  # first, so this statement passes the guard
    try:
        with connection.cursor() as cursor:
            cursor.execute(SCOPE_SQL, [str(wanted[0] or ""), str(wanted[1] or "")])
    except BaseException:
        connection.comptoir_scope = None
        raise


def scope_guard(execute, sql, params, many, context):
    """Execute wrapper of every connection: the statement runs under the current context's settings."""
    sync_connection_settings(context["connection"])
    return execute(sql, params, many, context)


def attach(connection) -> None:
    """A new connection holds no settings; from now on every statement is preceded by what it needs."""
    connection.comptoir_scope = ((None, None), None)
    if scope_guard not in connection.execute_wrappers:
        connection.execute_wrappers.append(scope_guard)


@contextmanager
def tenant_context(organization, user=None) -> Iterator[uuid.UUID]:
    """Run the block as `organization` (an instance or id), optionally as `user`."""
    org_token = _org_id.set(_as_uuid(organization))
    user_token = _user_id.set(_as_uuid(user)) if user is not None else None
    try:
        yield _org_id.get()
    finally:
        _org_id.reset(org_token)
        if user_token is not None:
            _user_id.reset(user_token)


@contextmanager
def user_context(user) -> Iterator[None]:
    """Run the block as `user` with no organization: RLS shows only the user's own memberships."""
    org_token = _org_id.set(None)
    user_token = _user_id.set(_as_uuid(user))
    try:
        yield
    finally:
        _org_id.reset(org_token)
        _user_id.reset(user_token)
