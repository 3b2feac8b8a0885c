"""Price lists and their item prices. A list sells or buys in one currency, valid from a date (to another,
included); at most one active list per kind and currency is the default. An item prices a product from a minimum
quantity up, within the list's validity; the windows of one (list, product, minimum quantity) never overlap. The
resolution that reads them is `catalog.queries.pricing.resolve_price`."""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.catalog.constants import PriceListKind, ProductStatus
from comptoir.catalog.models import PartyPriceList, PriceList, PriceListItem
from comptoir.catalog.module import (
    PARTY_PRICE_LIST_ASSIGNED,
    PRICE_LIST_CREATED,
    PRICE_LIST_UPDATED,
    PRICES_CHANGED,
)
from comptoir.catalog.queries.refs import (
    resolve_currency,
    resolve_price_list,
    resolve_product,
    resolve_trading_party,
)
from comptoir.catalog.services.categories import text_of
from comptoir.platform.constants import AuditAction
from comptoir.platform.errors import NotFound, ValidationFailed
from comptoir.platform.inputs import UNSET, Patch, _Unset
from comptoir.platform.locks import advisory_lock, lock_row
from comptoir.platform.services.audit import record_audit, snapshot
from comptoir.platform.services.events import emit_event
from comptoir.platform.tenancy import require_org_id

LIST_AUDITED = ("name", "kind", "currency", "is_default", "is_active", "valid_from", "valid_to", "description")
ITEM_AUDITED = ("price_list", "product", "rate", "min_quantity", "valid_from", "valid_to")


@dataclasses.dataclass(frozen=True, kw_only=True)
class PriceListInput:
    name: str
    valid_from: datetime.date
    kind: str = PriceListKind.SELLING
    currency: str | None = None  # ISO code; default: the base currency
    is_default: bool = False
    valid_to: datetime.date | None = None
    description: str = ""


@dataclasses.dataclass(frozen=True, kw_only=True)
class PriceListPatch(Patch):
    name: str | _Unset = UNSET
    is_default: bool | _Unset = UNSET
    is_active: bool | _Unset = UNSET
    valid_from: datetime.date | _Unset = UNSET
    valid_to: datetime.date | None | _Unset = UNSET
    description: str | _Unset = UNSET


@dataclasses.dataclass(frozen=True, kw_only=True)
class PriceInput:
    """A product's price (by id or code) from `min_quantity` up; its window defaults to the list's start."""

    product: str | uuid.UUID
    rate: Decimal
    min_quantity: Decimal = Decimal(1)
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class PricePatch(Patch):
    rate: Decimal | _Unset = UNSET
    valid_to: datetime.date | None | _Unset = UNSET


def _check_range(start, end, field: str = "valid_to") -> None:
    if end is not None and end < start:
        raise ValidationFailed(_("The end date is before the start date"), code="invalid_range", field=field)


def _check_default(row: PriceList) -> None:
    if not (row.is_default and row.is_active):
        return
    other = PriceList.objects.filter(
        deleted_at__isnull=True, is_active=True, is_default=True, kind=row.kind, currency_id=row.currency_id
    ).exclude(pk=row.pk)
    if (found := other.first()) is not None:
        message = (
            _("'%(name)s' is already the default selling list in %(currency)s")
            if row.kind == PriceListKind.SELLING
            else _("'%(name)s' is already the default buying list in %(currency)s")
        )
        raise ValidationFailed(
            message % {"name": found.name, "currency": row.currency.code},
            code="duplicate_default",
            field="is_default",
        )


def _lock_lists() -> None:
    """Serialise the writes of price lists in the organization (the name and default checks read, then write)."""
    advisory_lock("catalog.price_lists")


def _save_list(row: PriceList) -> None:
    if PriceList.objects.filter(deleted_at__isnull=True, name=row.name).exclude(pk=row.pk).exists():
        raise ValidationFailed(
            _("A price list named '%(name)s' exists") % {"name": row.name}, code="duplicate", field="name"
        )
    _check_default(row)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as exc:  # a write outside these services took the name or the default
        raise ValidationFailed(_("A price list clashes with this one"), code="duplicate", field="name") from exc


def create_price_list(*, actor, data: PriceListInput) -> PriceList:
    _check_range(data.valid_from, data.valid_to)
    with transaction.atomic():
        _lock_lists()
        row = PriceList(
            organization_id=require_org_id(),
            name=text_of(data.name, "name"),
            kind=data.kind,
            currency=resolve_currency(data.currency),
            is_default=data.is_default,
            valid_from=data.valid_from,
            valid_to=data.valid_to,
            description=data.description or "",
            created_by=actor,
            updated_by=actor,
        )
        _save_list(row)
        record_audit(actor=actor, action=AuditAction.CREATE, obj=row, new=snapshot(row, LIST_AUDITED))
        emit_event(event_type=PRICE_LIST_CREATED, payload=_list_payload(row), source=row)
    return row


def _list_payload(row: PriceList) -> dict:
    return {"id": row.pk, "name": row.name, "kind": row.kind, "currency": row.currency.code}


def _locked_list(price_list_id) -> PriceList:
    return lock_row(
        PriceList.objects.filter(deleted_at__isnull=True).select_related("currency"),
        price_list_id,
        what=gettext_lazy("price list"),
    )


def update_price_list(*, actor, price_list_id, changes: PriceListPatch) -> PriceList:
    """Rename, (un)set as default, (de)activate, change the validity or the description. Kind and currency are
    fixed at creation. The list's items must stay within its validity."""
    changes.refuse_nulls("name", "is_default", "is_active", "valid_from")
    given = changes.provided()
    with transaction.atomic():
        _lock_lists()
        row = _locked_list(price_list_id)
        old = snapshot(row, LIST_AUDITED)
        for name in ("is_default", "is_active", "valid_from", "valid_to", "description"):
            if name in given:
                setattr(row, name, given[name])
        if "name" in given:
            row.name = text_of(given["name"], "name")
        _check_range(row.valid_from, row.valid_to, "valid_to" if "valid_to" in given else "valid_from")
        outside = row.items.filter(valid_from__lt=row.valid_from)
        if row.valid_to is not None:
            outside = row.items.filter(
                Q(valid_from__lt=row.valid_from) | Q(valid_from__gt=row.valid_to) | Q(valid_to__gt=row.valid_to)
            )
        if outside.exists():
            raise ValidationFailed(
                _("Some prices of the list fall outside these dates"),
                code="outside_validity",
                field="valid_to" if "valid_to" in given else "valid_from",
            )
        row.updated_by = actor
        _save_list(row)
        new = snapshot(row, LIST_AUDITED)
        record_audit(actor=actor, action=AuditAction.UPDATE, obj=row, old=old, new=new)
        emit_event(event_type=PRICE_LIST_UPDATED, payload=_list_payload(row), source=row)
    return row


def delete_price_list(*, actor, price_list_id) -> PriceList:
    """Mark a price list deleted: it is no longer listed nor used to resolve a price."""
    with transaction.atomic():
        row = _locked_list(price_list_id)
        row.deleted_at, row.deleted_by, row.updated_by = timezone.now(), actor, actor
        row.save(update_fields=["deleted_at", "deleted_by", "updated_by", "updated_at"])
        record_audit(actor=actor, action=AuditAction.DELETE, obj=row, old=snapshot(row, LIST_AUDITED))
    return row


# --- item prices --------------------------------------------------------------------------------------------------


def _check_window(price_list: PriceList, start, end, field: str) -> None:
    """A price's window lies within its list's validity (an open end stops with the list's)."""
    ends_after = price_list.valid_to is not None and (
        start > price_list.valid_to or (end or start) > price_list.valid_to
    )
    if start < price_list.valid_from or ends_after:
        raise ValidationFailed(
            _("A price's dates fall within its list's validity"), code="outside_validity", field=field
        )


def _check_overlap(item: PriceListItem, field: str) -> None:
    """Called with the list locked: no other window of the same product and minimum quantity meets this one."""
    clash = PriceListItem.objects.filter(
        price_list_id=item.price_list_id, product_id=item.product_id, min_quantity=item.min_quantity
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=item.valid_from))
    if item.valid_to is not None:
        clash = clash.filter(valid_from__lte=item.valid_to)
    if (found := clash.exclude(pk=item.pk).first()) is not None:
        raise ValidationFailed(
            _("This product already has a price from %(quantity)s on these dates (from %(date)s)")
            % {"quantity": found.min_quantity, "date": found.valid_from},
            code="overlapping_dates",
            field=field,
        )


def _prices_changed(actor, price_list: PriceList, action: str, item: PriceListItem, old=None, new=None) -> None:
    record_audit(actor=actor, action=action, obj=item, object_repr=f"{price_list.name}: {item.product.code}",
                 old=old, new=new)  # fmt: skip
    emit_event(
        event_type=PRICES_CHANGED,
        payload={**_list_payload(price_list), "product": item.product_id, "action": action},
        source=price_list,
    )


def add_price(*, actor, price_list_id, data: PriceInput) -> PriceListItem:
    """A new item price of a live, not discontinued product."""
    with transaction.atomic():
        price_list = _locked_list(price_list_id)
        product = resolve_product(data.product)
        if product.status == ProductStatus.DISCONTINUED:
            raise ValidationFailed(
                _("Product %(code)s is discontinued") % {"code": product.code}, code="discontinued", field="product"
            )
        start = data.valid_from or price_list.valid_from
        _check_range(start, data.valid_to)
        _check_window(price_list, start, data.valid_to, "valid_from")
        item = PriceListItem(
            organization_id=require_org_id(),
            price_list=price_list,
            product=product,
            rate=data.rate,
            min_quantity=data.min_quantity,
            valid_from=start,
            valid_to=data.valid_to,
            created_by=actor,
            updated_by=actor,
        )
        _check_overlap(item, "valid_from")
        item.save()
        _prices_changed(actor, price_list, AuditAction.CREATE, item, new=snapshot(item, ITEM_AUDITED))
    return item


def _locked_item(price_list: PriceList, item_id) -> PriceListItem:
    item = PriceListItem.objects.select_related("product").filter(price_list=price_list, pk=item_id).first()
    if item is None:
        raise NotFound(_("No such price"))
    return item


def update_price(*, actor, price_list_id, item_id, changes: PricePatch) -> PriceListItem:
    """Change a price's rate, or end (or reopen) its window."""
    changes.refuse_nulls("rate")
    given = changes.provided()
    with transaction.atomic():
        price_list = _locked_list(price_list_id)
        item = _locked_item(price_list, item_id)
        old = snapshot(item, ITEM_AUDITED)
        if "rate" in given:
            item.rate = given["rate"]
        if "valid_to" in given:
            item.valid_to = given["valid_to"]
            _check_range(item.valid_from, item.valid_to)
            _check_window(price_list, item.valid_from, item.valid_to, "valid_to")
            _check_overlap(item, "valid_to")
        item.updated_by = actor
        item.save()
        _prices_changed(actor, price_list, AuditAction.UPDATE, item, old=old, new=snapshot(item, ITEM_AUDITED))
    return item


def remove_price(*, actor, price_list_id, item_id) -> None:
    """Remove an item price from its list (a line of the list, not a master: it goes)."""
    with transaction.atomic():
        price_list = _locked_list(price_list_id)
        item = _locked_item(price_list, item_id)
        _prices_changed(actor, price_list, AuditAction.DELETE, item, old=snapshot(item, ITEM_AUDITED))
        item.delete()


# --- the price list of a party ------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True)
class PartyPriceListInput:
    """`party` (id or number) is sold at (SELLING) or bought from at (BUYING) `price_list` (id or name)."""

    party: str | uuid.UUID
    price_list: str | uuid.UUID
    kind: str = PriceListKind.SELLING


ASSIGNMENT_AUDITED = ("party", "kind", "price_list")


def assign_price_list(*, actor, data: PartyPriceListInput) -> PartyPriceList:
    """Give a customer its selling list or a supplier its buying list (replacing the one it had). The list is of
    that kind (`wrong_kind`) and active; the party trades that way (`wrong_party_type`)."""
    with transaction.atomic():
        _lock_lists()
        party = resolve_trading_party(data.party, data.kind)
        price_list = resolve_price_list(data.price_list)
        if price_list.kind != data.kind:
            message = (
                _("'%(name)s' is a selling list")
                if price_list.kind == PriceListKind.SELLING
                else _("'%(name)s' is a buying list")
            )
            raise ValidationFailed(
                message % {"name": price_list.name},
                code="wrong_kind",
                field="price_list",
            )
        if not price_list.is_active:
            raise ValidationFailed(
                _("'%(name)s' is inactive") % {"name": price_list.name}, code="inactive", field="price_list"
            )
        row = PartyPriceList.objects.filter(party=party, kind=data.kind).first()
        old = snapshot(row, ASSIGNMENT_AUDITED) if row else None
        if row is None:
            row = PartyPriceList(organization_id=require_org_id(), party=party, kind=data.kind, created_by=actor)
        row.price_list, row.updated_by = price_list, actor
        row.save()
        action = AuditAction.UPDATE if old else AuditAction.CREATE
        new = snapshot(row, ASSIGNMENT_AUDITED)
        record_audit(actor=actor, action=action, obj=row, object_repr=f"{party}: {price_list.name}", old=old, new=new)
        emit_event(
            event_type=PARTY_PRICE_LIST_ASSIGNED,
            payload={"party": party.pk, "kind": data.kind, "price_list": price_list.pk},
            source=row,
        )
    return row


def unassign_price_list(*, actor, assignment_id) -> None:
    """The party goes back to the default list of the kind."""
    with transaction.atomic():
        row = lock_row(
            PartyPriceList.objects.select_related("party"), assignment_id, what=gettext_lazy("price list of a party")
        )
        record_audit(actor=actor, action=AuditAction.DELETE, obj=row, object_repr=str(row.party),
                     old=snapshot(row, ASSIGNMENT_AUDITED))  # fmt: skip
        row.delete()
