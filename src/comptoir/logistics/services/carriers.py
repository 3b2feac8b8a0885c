"""Carriers: who moves the goods (none for the company's own delivery)."""

from __future__ import annotations

import dataclasses

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from comptoir.logistics.models import Carrier
from comptoir.logistics.module import CARRIER_CREATED, CARRIER_UPDATED
from comptoir.platform.constants import AuditAction
from comptoir.platform.errors import Conflict
from comptoir.platform.inputs import UNSET, Patch, _Unset
from comptoir.platform.locks import lock_row
from comptoir.platform.services.audit import record_audit, snapshot
from comptoir.platform.services.events import emit_event
from comptoir.platform.tenancy import require_org_id

AUDITED = ("code", "name", "phone", "email", "gstin", "transport_id", "tracking_url_template", "is_active")


@dataclasses.dataclass(frozen=True, kw_only=True)
class CarrierInput:
    code: str
    name: str
    phone: str = ""
    email: str = ""
    gstin: str = ""
    transport_id: str = ""
    tracking_url_template: str = ""


@dataclasses.dataclass(frozen=True, kw_only=True)
class CarrierPatch(Patch):
    code: str | _Unset = UNSET
    name: str | _Unset = UNSET
    phone: str | None | _Unset = UNSET
    email: str | None | _Unset = UNSET
    gstin: str | None | _Unset = UNSET
    transport_id: str | None | _Unset = UNSET
    tracking_url_template: str | None | _Unset = UNSET
    is_active: bool | _Unset = UNSET


def _duplicate(code: str) -> Conflict:
    return Conflict(_("A carrier %(code)s exists already") % {"code": code}, code="duplicate", field="code")


def _payload(row: Carrier) -> dict:
    return {"id": row.pk, "code": row.code, "name": row.name, "is_active": row.is_active}


def create_carrier(*, actor, data: CarrierInput) -> Carrier:
    with transaction.atomic():
        row = Carrier(organization_id=require_org_id(), created_by=actor, updated_by=actor, **dataclasses.asdict(data))
        row.gstin = row.gstin.upper()
        try:
            with transaction.atomic():
                row.save(force_insert=True)
        except IntegrityError:
            raise _duplicate(data.code) from None
        record_audit(actor=actor, action=AuditAction.CREATE, obj=row, new=snapshot(row, AUDITED))
        emit_event(event_type=CARRIER_CREATED, payload=_payload(row), source=row)
    return row


def update_carrier(*, actor, carrier_id, patch: CarrierPatch) -> Carrier:
    with transaction.atomic():
        row = lock_row(Carrier.objects, carrier_id, what=_("carrier"))
        before = snapshot(row, AUDITED)
        patch.refuse_nulls("code", "name", "is_active")
        for name, value in patch.provided().items():
            setattr(row, name, "" if value is None else value)
        row.gstin = row.gstin.upper()
        row.updated_by = actor
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            raise _duplicate(row.code) from None
        record_audit(actor=actor, action=AuditAction.UPDATE, obj=row, old=before, new=snapshot(row, AUDITED))
        emit_event(event_type=CARRIER_UPDATED, payload=_payload(row), source=row)
    return row
