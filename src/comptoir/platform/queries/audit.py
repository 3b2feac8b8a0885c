"""Reads of the audit log, always scoped to the organization in context."""

from __future__ import annotations

from django.utils.translation import gettext as _

from comptoir.platform.errors import ValidationFailed
from comptoir.platform.models import AuditLog
from comptoir.platform.tenancy import require_org_id


def audit_log(*, object_type=None, object_id=None, actor=None, action=None, date_from=None, date_to=None):
    """The organization's audit rows, filtered; `date_from <= timestamp < date_to`. Served by the
    (organization_id, timestamp) index."""
    if date_from is not None and date_to is not None and date_from >= date_to:
        raise ValidationFailed(_("date_from must be before date_to"), code="invalid_range", field="date_to")
    qs = AuditLog.objects.filter(organization_id=require_org_id())
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if actor:
        qs = qs.filter(actor_user_id=actor)
    if action:
        qs = qs.filter(action=action)
    if date_from is not None:
        qs = qs.filter(timestamp__gte=date_from)
    if date_to is not None:
        qs = qs.filter(timestamp__lt=date_to)
    return qs
