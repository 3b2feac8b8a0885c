"""References by id or by code, as every input of the catalogue accepts them: a unit by its symbol, a tax rate,
a category and a product by their code. An unknown reference is a field error (`unknown`), never a 404."""

from __future__ import annotations

import datetime
import uuid

from django.db.models import Q
from django.utils.translation import gettext as _

from comptoir.accounting.queries.taxes import resolve_tax_rate
from comptoir.catalog.constants import PriceListKind
from comptoir.catalog.models import PriceList, Product, ProductCategory
from comptoir.parties.constants import PartyType
from comptoir.parties.queries import resolve_party
from comptoir.platform.db import fetch_rows
from comptoir.platform.errors import ValidationFailed
from comptoir.platform.queries.core import base_currency, currencies_by_code, units


def _as_uuid(ref) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(ref))
    except ValueError:
        return None


def _required(ref, field: str) -> str:
    text = str(ref).strip() if ref is not None else ""
    if not text:
        raise ValidationFailed(_("%(field)s is required") % {"field": field}, code="required", field=field)
    return text


def resolve_unit(ref, field: str = "uom"):
    """The unit named by its id or its symbol (`pcs`, `kg`)."""
    text = _required(ref, field)
    key = _as_uuid(text)
    unit = units().filter(Q(pk=key) if key else Q(symbol=text)).first()
    if unit is None:
        raise ValidationFailed(_("No unit '%(ref)s'") % {"ref": text}, code="unknown", field=field)
    return unit


def resolve_category(ref, field: str = "category") -> ProductCategory:
    """A live category named by its id or its code."""
    text = _required(ref, field)
    key = _as_uuid(text)
    row = ProductCategory.objects.filter(Q(pk=key) if key else Q(code=text), deleted_at__isnull=True).first()
    if row is None:
        raise ValidationFailed(_("No category '%(ref)s'") % {"ref": text}, code="unknown", field=field)
    return row


def resolve_product(ref, field: str = "product") -> Product:
    """A live product named by its id or its code."""
    text = _required(ref, field)
    key = _as_uuid(text)
    row = (
        Product.objects.select_related("currency", "uom")
        .filter(Q(pk=key) if key else Q(code=text), deleted_at__isnull=True)
        .first()
    )
    if row is None:
        raise ValidationFailed(_("No product '%(ref)s'") % {"ref": text}, code="unknown", field=field)
    return row


def products_by_ref(refs) -> dict:
    """{reference: product} of the live products named by their ids or codes, as `resolve_product` names them
    (the reference stripped; one query). A reference that names none is left out: resolve it for its error."""
    texts = {str(ref).strip() for ref in refs if ref is not None and str(ref).strip()}
    keys = {text: _as_uuid(text) for text in texts}
    ids = [key for key in keys.values() if key]
    codes = [text for text, key in keys.items() if not key]
    rows = fetch_rows(Product, "(id = ANY(%s) OR code = ANY(%s)) AND deleted_at IS NULL", [ids, codes])
    by_id = {row.pk: row for row in rows}
    by_code = {row.code: row for row in by_id.values()}
    out = {text: by_id.get(key) if key else by_code.get(text) for text, key in keys.items()}
    return {text: row for text, row in out.items() if row is not None}


def resolve_price_list(ref, field: str = "price_list") -> PriceList:
    """A live price list named by its id or its name."""
    text = _required(ref, field)
    key = _as_uuid(text)
    row = (
        PriceList.objects.select_related("currency")
        .filter(Q(pk=key) if key else Q(name=text), deleted_at__isnull=True)
        .first()
    )
    if row is None:
        raise ValidationFailed(_("No price list '%(ref)s'") % {"ref": text}, code="unknown", field=field)
    return row


def resolve_currency(code: str | None, field: str = "currency"):
    """The currency of an ISO code (any case); the organization's base currency when none is given."""
    if not code:
        return base_currency()
    currency = currencies_by_code([code.upper()]).get(code.upper())
    if currency is None:
        raise ValidationFailed(_("Unknown currency %(code)s") % {"code": code}, code="unknown", field=field)
    return currency


def resolve_tax(ref, on_date: datetime.date, field: str = "tax_rate"):
    """An active tax rate named by its id or its code (the one in force on `on_date`)."""
    row = resolve_tax_rate(_required(ref, field), on_date, field)
    if not row.is_active:
        raise ValidationFailed(_("Tax rate %(code)s is inactive") % {"code": row.code}, code="inactive", field=field)
    return row


# The parties a kind of price list applies to: we sell to customers and buy from suppliers.
PARTY_TYPES_OF_KIND = {
    PriceListKind.SELLING: frozenset({PartyType.CUSTOMER, PartyType.BOTH}),
    PriceListKind.BUYING: frozenset({PartyType.SUPPLIER, PartyType.BOTH}),
}


def resolve_trading_party(ref, kind: str, field: str = "party"):
    """The party named by its id or number, a customer for SELLING, a supplier for BUYING (`wrong_party_type`)."""
    party = resolve_party(_required(ref, field), field)
    if party.party_type not in PARTY_TYPES_OF_KIND[kind]:
        message = (
            _("%(party)s is a %(type)s, not a customer")
            if kind == PriceListKind.SELLING
            else _("%(party)s is a %(type)s, not a supplier")
        )
        raise ValidationFailed(
            message % {"party": party, "type": party.get_party_type_display().lower()},
            code="wrong_party_type",
            field=field,
        )
    return party
