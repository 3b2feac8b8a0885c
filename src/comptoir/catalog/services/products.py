"""Products. Code and SKU are unique among the organization's live products; SERVICE and DIGITAL products never
track stock; a discontinued product is final and no longer edited. A product is never removed: other records
point to it (PROTECT foreign keys, and a trigger refuses a DELETE), so `delete_product` only marks it deleted.
Its stock is not here: the inventory computes it from its ledger."""

from __future__ import annotations

import dataclasses
import uuid
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.catalog.constants import UNSTOCKED_TYPES, PriceListKind, ProductStatus, ProductType
from comptoir.catalog.models import Product
from comptoir.catalog.module import PRODUCT_CREATED, PRODUCT_DELETED, PRODUCT_STATUS_CHANGED, PRODUCT_UPDATED
from comptoir.catalog.queries.refs import (
    resolve_category,
    resolve_currency,
    resolve_tax,
    resolve_trading_party,
    resolve_unit,
)
from comptoir.catalog.services.categories import text_of
from comptoir.platform.constants import AuditAction
from comptoir.platform.errors import Conflict, ValidationFailed
from comptoir.platform.inputs import UNSET, Patch, _Unset
from comptoir.platform.locks import lock_row
from comptoir.platform.services.audit import json_safe, record_audit, snapshot
from comptoir.platform.services.events import emit_event
from comptoir.platform.tenancy import require_org_id
from comptoir.platform.transitions import transition

AUDITED = (
    "code", "sku", "barcode", "name", "description", "type", "category", "uom", "status", "track_inventory",
    "currency", "list_price", "standard_cost", "markup_percent", "tax_rate", "vat_included", "vat_exempt",
    "hsn_code", "min_stock_level", "max_stock_level", "reorder_point", "reorder_quantity", "weight", "dimensions",
    "color", "lead_time_days", "production_time", "requires_production", "images", "specifications",
    "custom_fields", "tags", "default_supplier",
)  # fmt: skip
# Fields copied as given (the schema has checked them); references and rules are handled one by one.
PLAIN = (
    "barcode", "description", "list_price", "standard_cost", "markup_percent", "vat_included", "vat_exempt",
    "hsn_code", "min_stock_level", "max_stock_level", "reorder_point", "reorder_quantity", "weight", "dimensions",
    "color", "lead_time_days", "production_time", "requires_production", "images", "specifications",
    "custom_fields",
)  # fmt: skip
JSON_FIELDS = ("dimensions", "images", "specifications", "custom_fields")
ZERO = Decimal(0)


@dataclasses.dataclass(frozen=True, kw_only=True)
class ProductInput:
    """A new product; `uom`, `category` and `tax_rate` by id or code, `default_supplier` by id or party number,
    `currency` an ISO code (default: the base currency). `track_inventory` left out is true, except for SERVICE
    and DIGITAL products."""

    code: str
    name: str
    uom: str | uuid.UUID
    type: str = ProductType.PRODUCT
    sku: str | None = None
    barcode: str = ""
    description: str = ""
    category: str | uuid.UUID | None = None
    track_inventory: bool | None = None
    currency: str | None = None
    list_price: Decimal = ZERO
    standard_cost: Decimal = ZERO
    markup_percent: Decimal | None = None
    tax_rate: str | uuid.UUID | None = None
    vat_included: bool = True
    vat_exempt: bool = False
    hsn_code: str = ""
    min_stock_level: Decimal = ZERO
    max_stock_level: Decimal | None = None
    reorder_point: Decimal = ZERO
    reorder_quantity: Decimal = ZERO
    weight: Decimal | None = None
    dimensions: dict = dataclasses.field(default_factory=dict)
    color: str = ""
    lead_time_days: int | None = None
    production_time: int | None = None
    requires_production: bool = False
    images: list = dataclasses.field(default_factory=list)
    specifications: dict = dataclasses.field(default_factory=dict)
    custom_fields: dict = dataclasses.field(default_factory=dict)
    tags: tuple[str, ...] = ()
    default_supplier: str | uuid.UUID | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class ProductPatch(Patch):
    code: str | _Unset = UNSET
    name: str | _Unset = UNSET
    uom: str | uuid.UUID | _Unset = UNSET
    type: str | _Unset = UNSET
    sku: str | None | _Unset = UNSET
    barcode: str | _Unset = UNSET
    description: str | _Unset = UNSET
    category: str | uuid.UUID | None | _Unset = UNSET
    track_inventory: bool | _Unset = UNSET
    currency: str | _Unset = UNSET
    list_price: Decimal | _Unset = UNSET
    standard_cost: Decimal | _Unset = UNSET
    markup_percent: Decimal | None | _Unset = UNSET
    tax_rate: str | uuid.UUID | None | _Unset = UNSET
    vat_included: bool | _Unset = UNSET
    vat_exempt: bool | _Unset = UNSET
    hsn_code: str | _Unset = UNSET
    min_stock_level: Decimal | _Unset = UNSET
    max_stock_level: Decimal | None | _Unset = UNSET
    reorder_point: Decimal | _Unset = UNSET
    reorder_quantity: Decimal | _Unset = UNSET
    weight: Decimal | None | _Unset = UNSET
    dimensions: dict | _Unset = UNSET
    color: str | _Unset = UNSET
    lead_time_days: int | None | _Unset = UNSET
    production_time: int | None | _Unset = UNSET
    requires_production: bool | _Unset = UNSET
    images: list | _Unset = UNSET
    specifications: dict | _Unset = UNSET
    custom_fields: dict | _Unset = UNSET
    tags: tuple[str, ...] | list[str] | _Unset = UNSET
    default_supplier: str | uuid.UUID | None | _Unset = UNSET


def _category(ref):
    if ref is None or ref == "":
        return None
    category = resolve_category(ref)
    if not category.is_active:
        raise ValidationFailed(
            _("Category %(category)s is inactive") % {"category": category}, code="inactive", field="category"
        )
    return category


def _tags(values) -> list[str]:
    """Stripped, without blanks or repeats, in their order."""
    return list(dict.fromkeys(t.strip() for t in values or () if t and t.strip()))


def _apply(row: Product, values: dict, *, explicit_tracking: bool) -> None:
    """Set `values` (a create's or a patch's fields) on `row`, resolving references and checking the rules that
    involve several fields."""
    for name in PLAIN:
        if name in values:
            setattr(row, name, json_safe(values[name]) if name in JSON_FIELDS else values[name])
    if "code" in values:
        row.code = text_of(values["code"], "code")
    if "name" in values:
        row.name = text_of(values["name"], "name")
    if "sku" in values:
        row.sku = (values["sku"] or "").strip() or None
    if "barcode" in values:
        row.barcode = (values["barcode"] or "").strip()
    if "type" in values:
        row.type = values["type"]
    if "uom" in values:
        row.uom = resolve_unit(values["uom"])
    if "category" in values:
        row.category = _category(values["category"])
    if "currency" in values:
        row.currency = resolve_currency(values["currency"])
    if "tax_rate" in values:
        ref = values["tax_rate"]
        row.tax_rate = resolve_tax(ref, timezone.localdate()) if ref not in (None, "") else None
    if "tags" in values:
        row.tags = _tags(values["tags"])
    if "default_supplier" in values:
        ref = values["default_supplier"]
        row.default_supplier = (
            resolve_trading_party(ref, PriceListKind.BUYING, "default_supplier") if ref not in (None, "") else None
        )
    if "track_inventory" in values and values["track_inventory"] is not None:
        row.track_inventory = values["track_inventory"]
    if row.type in UNSTOCKED_TYPES and row.track_inventory:
        if explicit_tracking:
            raise ValidationFailed(
                _("A %(type)s product never tracks stock") % {"type": row.get_type_display()},
                code="untracked_type",
                field="track_inventory",
            )
        row.track_inventory = False
    if row.max_stock_level is not None and row.max_stock_level < row.min_stock_level:
        raise ValidationFailed(
            _("The maximum stock level is below the minimum"), code="invalid_range", field="max_stock_level"
        )


def _check_unique(row: Product) -> None:
    live = Product.objects.filter(deleted_at__isnull=True).exclude(pk=row.pk)
    if live.filter(code=row.code).exists():
        raise ValidationFailed(
            _("A product with code '%(code)s' exists") % {"code": row.code}, code="duplicate", field="code"
        )
    if row.sku and live.filter(sku=row.sku).exists():
        raise ValidationFailed(
            _("A product with SKU '%(sku)s' exists") % {"sku": row.sku}, code="duplicate", field="sku"
        )


def _save(row: Product) -> None:
    _check_unique(row)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as exc:  # a concurrent product took the code or the SKU after the check
        raise ValidationFailed(_("A product with this code or SKU exists"), code="duplicate", field="code") from exc


def _payload(row: Product) -> dict:
    return {"id": row.pk, "code": row.code, "name": row.name, "type": row.type, "status": row.status}


def create_product(*, actor, data: ProductInput) -> Product:
    """A new ACTIVE product."""
    values = dataclasses.asdict(data)
    with transaction.atomic():
        row = Product(organization_id=require_org_id(), created_by=actor, updated_by=actor)
        _apply(row, values, explicit_tracking=data.track_inventory is not None)
        _save(row)
        record_audit(actor=actor, action=AuditAction.CREATE, obj=row, new=snapshot(row, AUDITED))
        emit_event(event_type=PRODUCT_CREATED, payload=_payload(row), source=row)
    return row


def _locked(product_id) -> Product:
    return lock_row(Product.objects.filter(deleted_at__isnull=True), product_id, what=gettext_lazy("product"))


def update_product(*, actor, product_id, changes: ProductPatch) -> Product:
    """Change the fields sent. A discontinued product is no longer edited."""
    changes.refuse_nulls("code", "name", "uom", "type", "currency", "track_inventory")
    given = changes.provided()
    with transaction.atomic():
        row = _locked(product_id)
        if row.status == ProductStatus.DISCONTINUED:
            raise Conflict(_("Product %(code)s is discontinued") % {"code": row.code}, code="discontinued")
        old = snapshot(row, AUDITED)
        _apply(row, given, explicit_tracking="track_inventory" in given)
        row.updated_by = actor
        _save(row)
        new = snapshot(row, AUDITED)
        record_audit(actor=actor, action=AuditAction.UPDATE, obj=row, old=old, new=new)
        emit_event(
            event_type=PRODUCT_UPDATED,
            payload={**_payload(row), "changed": sorted(k for k in new if new[k] != old[k])},
            source=row,
        )
    return row


def _move(actor, product_id, to: str, reason: str = "") -> Product:
    with transaction.atomic():
        row = _locked(product_id)
        before = row.status
        transition(row, to, actor=actor, reason=reason)
        emit_event(event_type=PRODUCT_STATUS_CHANGED, payload={**_payload(row), "from": before}, source=row)
    return row


def deactivate_product(*, actor, product_id, reason: str = "") -> Product:
    """ACTIVE → INACTIVE: kept on documents, offered on no new one."""
    return _move(actor, product_id, ProductStatus.INACTIVE, reason)


def activate_product(*, actor, product_id) -> Product:
    """INACTIVE → ACTIVE."""
    return _move(actor, product_id, ProductStatus.ACTIVE)


def discontinue_product(*, actor, product_id, reason: str = "") -> Product:
    """ACTIVE or INACTIVE → DISCONTINUED, for good."""
    return _move(actor, product_id, ProductStatus.DISCONTINUED, reason)


def delete_product(*, actor, product_id, reason: str = "") -> Product:
    """Mark a product deleted (soft delete): it leaves every list and lookup, frees its code and SKU, and stays
    on the documents and prices that name it."""
    with transaction.atomic():
        row = _locked(product_id)
        row.deleted_at, row.deleted_by, row.updated_by = timezone.now(), actor, actor
        row.save(update_fields=["deleted_at", "deleted_by", "updated_by", "updated_at"])
        record_audit(actor=actor, action=AuditAction.DELETE, obj=row, old=snapshot(row, AUDITED), reason=reason)
        emit_event(event_type=PRODUCT_DELETED, payload=_payload(row), source=row)
    return row
