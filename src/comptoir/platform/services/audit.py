"""The audit log: who did what to which record, written in the business transaction (DESIGN §5).

A row is an INSERT on the caller's connection, so it commits or rolls back with the business change. The
organization comes from the tenant context (NULL before one is known, e.g. at sign-in); the request id, client
IP, user agent, path, method and source come from the request context (`comptoir.platform.audit`). The table is
append-only: PostgreSQL refuses UPDATE and DELETE.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import uuid
from collections.abc import Iterable, Mapping
from contextvars import ContextVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from comptoir.platform.audit import RequestContext, current_request
from comptoir.platform.constants import AuditAction
from comptoir.platform.db import gathered, insert_rows
from comptoir.platform.models import AuditLog
from comptoir.platform.tenancy import current_org_id

_gathered: ContextVar[list[AuditLog] | None] = ContextVar("comptoir_audit_gathered", default=None)


def audit_in_one_statement():
    """A block whose audit rows are written together in one statement when it ends (`platform.db.gathered`): for a
    service that writes several, e.g. an invoice created, its entry posted and the invoice submitted."""
    return gathered(_gathered, insert_rows)


def json_safe(value):
    """`value` with Decimal, UUID, dates, enums and model instances turned into JSON strings/primitives."""
    if isinstance(value, enum.Enum):
        value = value.value
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(v) for v in value]
    return str(value)


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict:
    """The JSON-safe values of `fields` on `obj` (a relation is recorded as the id it points to)."""
    out = {}
    for name in fields:
        field = obj._meta.get_field(name)
        out[name] = json_safe(getattr(obj, field.attname))
    return out


def diff(old: Mapping | None, new: Mapping | None) -> dict:
    """{field: [old, new]} for every field whose value differs (a side that is missing counts as None)."""
    old, new = old or {}, new or {}
    return {key: [old.get(key), new.get(key)] for key in sorted(set(old) | set(new)) if old.get(key) != new.get(key)}


def record_audit(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id=None,
    object_repr: str | None = None,
    old: Mapping | None = None,
    new: Mapping | None = None,
    reason: str = "",
    metadata: Mapping | None = None,
) -> AuditLog:
    """Write one audit row in the current transaction. `actor` is the acting user (None for the system);
    `obj` names the record (else give `object_type` as 'app_label.model' and `object_id`); `old`/`new` are the
    values before and after, from which `changes` = {field: [old, new]} is computed."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_repr = str(obj) if object_repr is None else object_repr
    return _insert(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr or "",
        workspace_id=getattr(obj, "workspace_id", None),
        old=old,
        new=new,
        reason=reason,
        metadata=metadata,
    )


def audit_login(*, user, success: bool, email: str = "", request=None, session_id=None, reason: str = "") -> AuditLog:
    """LOGIN or LOGIN_FAILED, with no organization. `user` is None when the e-mail matched nobody; the e-mail
    tried is kept. Call it for a failure outside the transaction the failure rolls back, or the row goes too."""
    return _insert(
        actor=user,
        action=AuditAction.LOGIN if success else AuditAction.LOGIN_FAILED,
        object_type=_user_type(user),
        object_id=getattr(user, "pk", None),
        object_repr=str(user) if user is not None else email,
        user_email=getattr(user, "email", None) or email,
        session_id=session_id,
        reason=reason,
        context=RequestContext.from_http(request) if request is not None else None,
    )


def audit_logout(*, user, request=None, session_id=None, reason: str = "") -> AuditLog:
    """LOGOUT of `user` (one session, or all of them when `session_id` is None)."""
    return _insert(
        actor=user,
        action=AuditAction.LOGOUT,
        object_type=_user_type(user),
        object_id=user.pk,
        object_repr=str(user),
        session_id=session_id,
        reason=reason,
        context=RequestContext.from_http(request) if request is not None else None,
    )


def _user_type(user) -> str:
    return user._meta.label_lower if user is not None else settings.AUTH_USER_MODEL.lower()


def _insert(
    *,
    actor,
    action: str,
    object_type: str | None,
    object_id,
    object_repr: str,
    workspace_id=None,
    old: Mapping | None = None,
    new: Mapping | None = None,
    reason: str = "",
    metadata: Mapping | None = None,
    user_email: str | None = None,
    session_id=None,
    context: RequestContext | None = None,
) -> AuditLog:
    if action not in AuditAction.values:
        raise ValueError(f"Unknown audit action {action!r}")
    if not object_type:
        raise ValueError("An audit row needs obj or object_type")
    old_values = json_safe(dict(old)) if old is not None else None
    new_values = json_safe(dict(new)) if new is not None else None
    ctx = context or current_request()
    row = AuditLog(
        timestamp=timezone.now(),
        organization_id=current_org_id(),
        workspace_id=workspace_id,
        actor_user=actor,
        user_email=(user_email if user_email is not None else getattr(actor, "email", "") or "")[:255],
        session_id=str(session_id) if session_id else ctx.session_id,
        request_id=ctx.request_id[:64],
        action=action,
        object_type=object_type[:100],
        object_id=object_id,
        object_repr=object_repr[:255],
        old_values=old_values,
        new_values=new_values,
        changes=diff(old_values, new_values) if (old_values or new_values) else None,
        ip_address=ctx.ip_address,
        user_agent=ctx.user_agent,
        request_path=ctx.path,
        http_method=ctx.method,
        source=ctx.source,
        reason=reason,
        metadata=json_safe(dict(metadata or {})),
    )
    gathered = _gathered.get()
    if gathered is None:
        insert_rows([row])
    else:
        gathered.append(row)
    return row
