"""References by id or by code, as every input of the inventory takes them: a warehouse by its code, a batch by its
number (of the line's product), a product and an account by their code (the catalogue's and the books' own
resolvers). An unknown reference is a field error
(`unknown`), never a 404."""

from __future__ import annotations

import uuid

from django.db.models import Q
from django.utils.translation import gettext as _

from comptoir.accounting.constants import AccountType
from comptoir.accounting.queries.books import accounts
from comptoir.accounting.services.chart import resolve_account
from comptoir.catalog.queries.refs import resolve_product
from comptoir.inventory.models import StockBatch, Warehouse
from comptoir.platform.errors import ValidationFailed

__all__ = ["resolve_account", "resolve_batch", "resolve_product", "resolve_warehouse", "system_stock_account"]


def _as_uuid(ref) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(ref))
    except ValueError:
        return None


def _text(ref, field: str) -> str:
    text = str(ref).strip() if ref is not None else ""
    if not text:
        raise ValidationFailed(_("%(field)s is required") % {"field": field}, code="required", field=field)
    return text


def resolve_warehouse(ref, field: str = "warehouse") -> Warehouse:
    """The warehouse named by its id or its code."""
    text = _text(ref, field)
    key = _as_uuid(text)
    row = Warehouse.objects.filter(Q(pk=key) if key else Q(code=text)).first()
    if row is None:
        raise ValidationFailed(_("No warehouse %(ref)s") % {"ref": text}, code="unknown", field=field)
    return row


def resolve_batch(ref, product, field: str = "batch") -> StockBatch:
    """The batch named by its id or its number; it must be a batch of `product`."""
    text = _text(ref, field)
    key = _as_uuid(text)
    row = StockBatch.objects.filter(Q(pk=key) if key else Q(batch_number=text, product=product)).first()
    if row is None:
        raise ValidationFailed(_("No batch %(ref)s") % {"ref": text}, code="unknown", field=field)
    if row.product_id != product.pk:
        raise ValidationFailed(
            _("Batch %(number)s is not a batch of %(code)s") % {"number": row.batch_number, "code": product.code},
            code="batch_mismatch",
            field=field,
        )
    return row


def system_stock_account():
    """The organization's system stock account (the default chart's 1300 Inventory), where warehouses that name
    none value their stock."""
    return accounts(account_type=AccountType.STOCK).filter(is_system=True).order_by("code").first()


def inventory_settings() -> dict:
    """Every `inventory.*` setting's effective value (the declared default where none is set), in one query: the
    writers of the stock read them once per document."""
    from comptoir.inventory.module import MODULE  # the module's declaration, not a model: no import cycle
    from comptoir.platform.queries.configuration import decoded_value, effective_settings

    values = {spec.key: spec.default for spec in MODULE.settings}
    for row in effective_settings(category="inventory"):
        if row.key in values:
            values[row.key] = decoded_value(row)
    return values
