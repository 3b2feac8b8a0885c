"""Organizations and workspaces. Every write leaves an audit row in its transaction."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from zoneinfo import available_timezones

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.platform.constants import (
    ORGANIZATION_TRANSITIONS,
    WORKSPACE_TRANSITIONS,
    AuditAction,
    WorkspaceStatus,
    WorkspaceType,
)
from comptoir.platform.errors import Conflict, NotFound, ValidationFailed
from comptoir.platform.hooks import initialize_organization
from comptoir.platform.http import check_version
from comptoir.platform.ids import uuid7
from comptoir.platform.inputs import UNSET, Patch, _Unset
from comptoir.platform.models import (
    Country,
    Currency,
    Organization,
    OrganizationFeature,
    Workspace,
)
from comptoir.platform.services.audit import record_audit, snapshot
from comptoir.platform.tenancy import require_org_id, tenant_context
from comptoir.platform.transitions import transition

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{1,19}$")
ORGANIZATION_AUDITED = ["code", "name", "legal_name", "country", "base_currency", "timezone", "language", "status"]
WORKSPACE_AUDITED = ["name", "type", "description", "status", "is_default"]


def _record_update(*, actor, obj, old: dict, fields) -> None:
    """An UPDATE audit row with the fields whose values changed, if any did."""
    new = snapshot(obj, fields)
    changed = [name for name in fields if old[name] != new[name]]
    if changed:
        record_audit(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=obj,
            old={n: old[n] for n in changed},
            new={n: new[n] for n in changed},
        )


@dataclass(frozen=True, kw_only=True)
class OrganizationInput:
    name: str
    code: str
    country: str
    base_currency: str | None = None
    legal_name: str = ""
    timezone: str = "UTC"
    language: str = "en"


def _country(code: str, field: str = "country") -> Country:
    country = Country.objects.filter(code=(code or "").upper()).select_related("default_currency").first()
    if country is None:
        raise ValidationFailed(_("Unknown country '%(code)s'") % {"code": code}, code="unknown_country", field=field)
    return country


def active_currency(code: str, field: str = "base_currency") -> Currency:
    """The active currency of ISO code `code` (any case, spaces trimmed); 422 `unknown_currency` on `field`."""
    currency = Currency.objects.filter(code=(code or "").strip().upper(), is_active=True).first()
    if currency is None:
        raise ValidationFailed(_("Unknown currency '%(code)s'") % {"code": code}, code="unknown_currency", field=field)
    return currency


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _timezone(name: str, field: str = "timezone") -> str:
    if name not in _time_zones():
        raise ValidationFailed(_("Unknown time zone '%(name)s'") % {"name": name}, code="unknown_timezone", field=field)
    return name


def create_organization(*, data: OrganizationInput, actor=None) -> Organization:
    """Create an organization with its default workspace and feature switches. Runs in its own tenant context
    so row-level security admits the new rows."""
    if not CODE_RE.match(data.code or ""):
        raise ValidationFailed(_("Code must be 2-20 letters, digits, '-' or '_'"), code="invalid_code", field="code")
    if not (data.name or "").strip():
        raise ValidationFailed(_("Name is required"), code="required", field="name")
    country = _country(data.country)
    currency = active_currency(data.base_currency) if data.base_currency else country.default_currency
    if currency is None:
        raise ValidationFailed(_("Give a base currency"), code="required", field="base_currency")
    _timezone(data.timezone)
    org_id = uuid7()
    with tenant_context(org_id, user=actor), transaction.atomic():
        try:
            with transaction.atomic():
                org = Organization.objects.create(
                    id=org_id,
                    code=data.code,
                    name=data.name.strip(),
                    legal_name=data.legal_name,
                    country=country,
                    base_currency=currency,
                    timezone=data.timezone,
                    language=data.language,
                    created_by=actor,
                )
        except IntegrityError as exc:
            raise ValidationFailed(
                _("Code '%(code)s' is taken") % {"code": data.code}, code="duplicate", field="code"
            ) from exc
        workspace = Workspace.objects.create(
            organization=org, name="Main", type=WorkspaceType.MAIN, is_default=True, created_by=actor
        )
        OrganizationFeature.objects.create(organization=org, created_by=actor)
        initialize_organization(organization=org, actor=actor)
        record_audit(
            actor=actor,
            action=AuditAction.CREATE,
            obj=org,
            new=snapshot(org, ORGANIZATION_AUDITED),
            metadata={"default_workspace_id": workspace.pk},
        )
    return org


@dataclass(frozen=True, kw_only=True)
class OrganizationPatch(Patch):
    """The fields of the organization to change; `country` and `base_currency` are ISO codes."""

    name: str | _Unset = UNSET
    legal_name: str | _Unset = UNSET
    kind: str | _Unset = UNSET
    company_type: str | _Unset = UNSET
    industry: str | _Unset = UNSET
    size: str | _Unset = UNSET
    employee_count: int | None | _Unset = UNSET
    annual_revenue: Decimal | None | _Unset = UNSET
    country: str | _Unset = UNSET
    base_currency: str | _Unset = UNSET
    bin: str | _Unset = UNSET
    tax_id: str | _Unset = UNSET
    registration_number: str | _Unset = UNSET
    gstin: str | _Unset = UNSET
    pan: str | _Unset = UNSET
    email: str | _Unset = UNSET
    phone: str | _Unset = UNSET
    website: str | _Unset = UNSET
    timezone: str | _Unset = UNSET
    language: str | _Unset = UNSET
    settings: dict | _Unset = UNSET
    metadata: dict | _Unset = UNSET
    status: str | _Unset = UNSET


def update_organization(*, actor, patch: OrganizationPatch, expected_version: int | None = None) -> Organization:
    """Change the organization in context, guarded by the version the caller read. The status moves per
    ORGANIZATION_TRANSITIONS; the name is not blank; country, currency and time zone exist; an organization in
    Kazakhstan keeps its BIN. Audited with the fields whose values changed."""
    changes = patch.provided()
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=require_org_id())
        check_version(org.version, expected_version)
        old = snapshot(org, changes)
        if "status" in changes and changes["status"] != org.status:
            transition(org, changes["status"], actor=actor, transitions=ORGANIZATION_TRANSITIONS, save=False)
        if "name" in changes and not changes["name"].strip():
            raise ValidationFailed(_("Name is required"), code="required", field="name")
        for name, value in changes.items():
            if name == "status":
                continue
            if name == "country":
                org.country = _country(value)
            elif name == "base_currency":
                org.base_currency = active_currency(value)
            elif name == "timezone":
                org.timezone = _timezone(value)
            else:
                setattr(org, name, value)
        if org.country_id and org.country.code == "KZ" and "bin" in changes and not org.bin:
            raise ValidationFailed(_("BIN is required for organizations in Kazakhstan"), code="required", field="bin")
        org.version = F("version") + 1
        org.save()
        org.refresh_from_db()
        _record_update(actor=actor, obj=org, old=old, fields=[name for name in changes if name != "status"])
    return org


@dataclass(frozen=True, kw_only=True)
class WorkspaceInput:
    name: str
    type: str = WorkspaceType.MAIN
    description: str = ""


def create_workspace(*, actor, data: WorkspaceInput) -> Workspace:
    if not (data.name or "").strip():
        raise ValidationFailed(_("Name is required"), code="required", field="name")
    with transaction.atomic():
        if Workspace.objects.filter(name__iexact=data.name.strip(), deleted_at__isnull=True).exists():
            raise ValidationFailed(
                _("A workspace named '%(name)s' exists") % {"name": data.name}, code="duplicate", field="name"
            )
        ws = Workspace.objects.create(
            name=data.name.strip(),
            type=data.type,
            description=data.description,
            created_by=actor,
            updated_by=actor,
        )
        record_audit(actor=actor, action=AuditAction.CREATE, obj=ws, new=snapshot(ws, WORKSPACE_AUDITED))
    return ws


@dataclass(frozen=True, kw_only=True)
class WorkspacePatch(Patch):
    name: str | _Unset = UNSET
    type: str | _Unset = UNSET
    description: str | _Unset = UNSET
    status: str | _Unset = UNSET
    settings: dict | _Unset = UNSET


def update_workspace(*, actor, workspace_id, patch: WorkspacePatch, expected_version: int | None = None) -> Workspace:
    """Change a workspace, guarded by the version the caller read: an archived one is read-only, the default one
    stays active, the status moves per WORKSPACE_TRANSITIONS and the name is unique among live workspaces."""
    changes = patch.provided()
    with transaction.atomic():
        ws = Workspace.objects.select_for_update().filter(pk=workspace_id, deleted_at__isnull=True).first()
        if ws is None:
            raise NotFound(_("Workspace not found"))
        check_version(ws.version, expected_version)
        if ws.status == WorkspaceStatus.ARCHIVED:
            raise Conflict(_("An archived workspace is read-only"), code="workspace_archived")
        old = snapshot(ws, changes)
        if "status" in changes and changes["status"] != ws.status:
            if ws.is_default:
                raise Conflict(_("The default workspace stays active"), code="default_workspace", field="status")
            transition(ws, changes["status"], actor=actor, transitions=WORKSPACE_TRANSITIONS, save=False)
        if "name" in changes:
            name = changes["name"].strip()
            if not name:
                raise ValidationFailed(_("Name is required"), code="required", field="name")
            clash = Workspace.objects.filter(name__iexact=name, deleted_at__isnull=True).exclude(pk=ws.pk)
            if clash.exists():
                raise ValidationFailed(
                    _("A workspace named '%(name)s' exists") % {"name": name}, code="duplicate", field="name"
                )
            changes["name"] = name
        for name, value in changes.items():
            if name != "status":
                setattr(ws, name, value)
        ws.updated_by = actor
        ws.version = F("version") + 1
        ws.save()
        ws.refresh_from_db()
        _record_update(actor=actor, obj=ws, old=old, fields=[name for name in changes if name != "status"])
    return ws


def delete_workspace(*, actor, workspace_id) -> None:
    """Soft-delete a workspace; the default one cannot be deleted."""
    with transaction.atomic():
        ws = Workspace.objects.select_for_update().filter(pk=workspace_id, deleted_at__isnull=True).first()
        if ws is None:
            raise NotFound(_("Workspace not found"))
        if ws.is_default:
            raise Conflict(_("The default workspace cannot be deleted"), code="default_workspace")
        ws.deleted_at = timezone.now()
        ws.deleted_by = actor
        ws.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
        record_audit(actor=actor, action=AuditAction.DELETE, obj=ws, old=snapshot(ws, WORKSPACE_AUDITED))
