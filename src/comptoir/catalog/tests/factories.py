"""Deterministic builders for the catalogue's tests, through the real services."""

from __future__ import annotations

import datetime
from decimal import Decimal

from comptoir.accounting.services.taxes import TaxRateInput, create_tax_rate
from comptoir.catalog.services.categories import CategoryInput, create_category
from comptoir.catalog.services.pricing import PriceInput, PriceListInput, add_price, create_price_list
from comptoir.catalog.services.products import ProductInput, create_product

D = datetime.date
START = D(2026, 1, 1)


def vat(actor, code="VAT20", rate="20"):
    return create_tax_rate(
        actor=actor, data=TaxRateInput(code=code, name=code, rate=Decimal(rate), tax_type="VAT", effective_from=START)
    )


def category(actor, name, code=None, parent=None):
    return create_category(actor=actor, data=CategoryInput(name=name, code=code, parent=parent))


def product(actor, code="P1", **fields):
    fields.setdefault("name", f"Product {code}")
    fields.setdefault("uom", "pcs")
    money = ("list_price", "standard_cost")
    return create_product(
        actor=actor, data=ProductInput(code=code, **{k: Decimal(v) if k in money else v for k, v in fields.items()})
    )


def price_list(actor, name="Retail", **fields):
    fields.setdefault("valid_from", START)
    return create_price_list(actor=actor, data=PriceListInput(name=name, **fields))


def price(actor, price_list_, product_, rate, **fields):
    if "min_quantity" in fields:
        fields["min_quantity"] = Decimal(str(fields["min_quantity"]))
    return add_price(
        actor=actor,
        price_list_id=price_list_.pk,
        data=PriceInput(product=product_.code, rate=Decimal(str(rate)), **fields),
    )
