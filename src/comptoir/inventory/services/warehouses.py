"""Warehouses (a tree: a bin is a child of its warehouse) and batches. A warehouse never moves under itself or its
own subtree; it cannot be deactivated while it holds stock, and its inventory account changes only while no
movement touches it (the books would no longer match the stock)."""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from comptoir.accounting.constants import AccountType
from comptoir.inventory.constants import WarehouseType
from comptoir.inventory.errors import InventoryError
from comptoir.inventory.models import StockBalance, StockBatch, StockMovement, Warehouse
from comptoir.inventory.module import WAREHOUSE_CREATED, WAREHOUSE_UPDATED
from comptoir.inventory.queries.refs import (
    resolve_account,
    resolve_product,
    resolve_warehouse,
    system_stock_account,
)
from comptoir.platform.constants import AuditAction
from comptoir.platform.errors import Conflict, ValidationFailed
from comptoir.platform.inputs import UNSET, Patch, _Unset
from comptoir.platform.locks import lock_row
from comptoir.platform.services.audit import record_audit, snapshot
from comptoir.platform.services.events import emit_event
from comptoir.platform.tenancy import require_org_id

AUDITED = ("code", "name", "type", "parent", "inventory_account", "capacity", "description", "is_active")


@dataclasses.dataclass(frozen=True, kw_only=True)
class WarehouseInput:
    """A new warehouse; `parent` and `inventory_account` by id or code."""

    code: str
    name: str
    type: str = WarehouseType.MAIN
    parent: str | uuid.UUID | None = None
    inventory_account: str | uuid.UUID | None = None
    capacity: Decimal | None = None
    description: str = ""


@dataclasses.dataclass(frozen=True, kw_only=True)
class WarehousePatch(Patch):
    code: str | _Unset = UNSET
    name: str | _Unset = UNSET
    type: str | _Unset = UNSET
    parent: str | uuid.UUID | None | _Unset = UNSET
    inventory_account: str | uuid.UUID | None | _Unset = UNSET
    capacity: Decimal | None | _Unset = UNSET
    description: str | _Unset = UNSET
    is_active: bool | _Unset = UNSET


def _text(value, field: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(_("%(field)s is required") % {"field": field}, code="required", field=field)
    return text


def _stock_account(ref):
    if ref is None or ref == "":
        return None
    account = resolve_account(ref, "inventory_account")
    if account.account_type != AccountType.STOCK:
        raise ValidationFailed(
            _("Account %(code)s is not a stock account") % {"code": account.code},
            code=InventoryError.INVALID_ACCOUNT,
            field="inventory_account",
        )
    return account


def _place(row: Warehouse, parent_ref) -> None:
    """Put `row` under the warehouse `parent_ref` (None: a root), refusing a cycle; sets its path."""
    parent = resolve_warehouse(parent_ref, "parent") if parent_ref not in (None, "") else None
    if parent is not None and row.pk is not None and f"/{row.pk}/" in parent.path:
        raise ValidationFailed(_("A warehouse cannot move under itself"), code=InventoryError.CYCLE, field="parent")
    row.parent = parent
    row.path = f"{parent.path if parent else '/'}{row.pk}/"


def _save(row: Warehouse) -> None:
    if Warehouse.objects.filter(code=row.code).exclude(pk=row.pk).exists():
        raise ValidationFailed(
            _("A warehouse with code %(code)s exists") % {"code": row.code}, code="duplicate", field="code"
        )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as exc:  # a concurrent warehouse took the code after the check
        raise ValidationFailed(_("A warehouse with this code exists"), code="duplicate", field="code") from exc


def _payload(row: Warehouse) -> dict:
    return {"id": row.pk, "code": row.code, "name": row.name, "type": row.type, "is_active": row.is_active}


def create_warehouse(*, actor, data: WarehouseInput) -> Warehouse:
    """A new active warehouse, a root or a child of `parent` (whose inventory account it takes unless it names
    one)."""
    with transaction.atomic():
        row = Warehouse(
            organization_id=require_org_id(),
            code=_text(data.code, "code"),
            name=_text(data.name, "name"),
            type=data.type,
            inventory_account=_stock_account(data.inventory_account),
            capacity=data.capacity,
            description=data.description,
            created_by=actor,
            updated_by=actor,
        )
        row.pk = row._meta.pk.get_default()
        _place(row, data.parent)
        if row.inventory_account is None and row.parent is not None:  # a bin values its stock as its warehouse
            row.inventory_account = row.parent.inventory_account
        _save(row)
        record_audit(actor=actor, action=AuditAction.CREATE, obj=row, new=snapshot(row, AUDITED))
        emit_event(event_type=WAREHOUSE_CREATED, payload=_payload(row), source=row)
    return row


def _has_movements(row: Warehouse) -> bool:
    return StockMovement.objects.filter(Q(from_warehouse=row) | Q(to_warehouse=row)).exists()


def update_warehouse(*, actor, warehouse_id, changes: WarehousePatch) -> Warehouse:
    """Change the fields sent. Moving it re-roots its subtree's paths."""
    changes.refuse_nulls("code", "name", "type", "is_active")
    given = changes.provided()
    with transaction.atomic():
        row = lock_row(Warehouse.objects, warehouse_id, what="warehouse")
        old = snapshot(row, AUDITED)
        old_path = row.path
        for name in ("code", "name"):
            if name in given:
                setattr(row, name, _text(given[name], name))
        for name in ("type", "capacity", "description"):
            if name in given:
                setattr(row, name, given[name])
        if "inventory_account" in given:
            account = _stock_account(given["inventory_account"])
            default = system_stock_account()  # where a warehouse naming no account values its stock
            if (account or default) != (row.inventory_account or default) and _has_movements(row):
                raise Conflict(
                    _("The stock of this warehouse is on the books already; its account cannot change"),
                    code=InventoryError.ACCOUNT_IN_USE,
                    field="inventory_account",
                )
            row.inventory_account = account
        holds_stock = StockBalance.objects.filter(warehouse__path__startswith=row.path).exclude(quantity=0)
        if given.get("is_active") is False and row.is_active and holds_stock.exists():
            raise Conflict(
                _("A warehouse holding stock cannot be deactivated"),
                code=InventoryError.STOCK_ON_HAND,
                field="is_active",
            )
        if "is_active" in given:
            row.is_active = given["is_active"]
        if "parent" in given:
            _place(row, given["parent"])
        row.updated_by = actor
        _save(row)
        if row.path != old_path:
            for child in Warehouse.objects.filter(path__startswith=old_path).exclude(pk=row.pk):
                child.path = row.path + child.path[len(old_path) :]
                child.save(update_fields=["path", "updated_at"])
        new = snapshot(row, AUDITED)
        record_audit(actor=actor, action=AuditAction.UPDATE, obj=row, old=old, new=new)
        emit_event(
            event_type=WAREHOUSE_UPDATED,
            payload={**_payload(row), "changed": sorted(k for k in new if new[k] != old[k])},
            source=row,
        )
    return row


@dataclasses.dataclass(frozen=True, kw_only=True)
class BatchInput:
    """A new batch of `product` (id or code)."""

    product: str | uuid.UUID
    batch_number: str
    mfg_date: datetime.date | None = None
    exp_date: datetime.date | None = None


def create_batch(*, actor, data: BatchInput) -> StockBatch:
    """A batch: its number is unique per product; it expires on or after it was made."""
    with transaction.atomic():
        product = resolve_product(data.product)
        if not product.track_inventory:
            raise ValidationFailed(
                _("Product %(code)s tracks no stock") % {"code": product.code},
                code=InventoryError.UNTRACKED_PRODUCT,
                field="product",
            )
        if data.mfg_date and data.exp_date and data.exp_date < data.mfg_date:
            raise ValidationFailed(_("A batch cannot expire before it is made"), code="invalid_range", field="exp_date")
        number = _text(data.batch_number, "batch_number")
        if StockBatch.objects.filter(product=product, batch_number=number).exists():
            raise ValidationFailed(
                _("Batch %(number)s exists") % {"number": number}, code="duplicate", field="batch_number"
            )
        row = StockBatch(
            organization_id=require_org_id(),
            product=product,
            batch_number=number,
            mfg_date=data.mfg_date,
            exp_date=data.exp_date,
            created_by=actor,
            updated_by=actor,
        )
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError as exc:
            raise ValidationFailed(
                _("Batch %(number)s exists") % {"number": number}, code="duplicate", field="batch_number"
            ) from exc
        record_audit(
            actor=actor,
            action=AuditAction.CREATE,
            obj=row,
            new=snapshot(row, ("product", "batch_number", "mfg_date", "exp_date")),
        )
    return row
