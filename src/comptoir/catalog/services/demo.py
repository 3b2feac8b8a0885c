"""The demo organization's catalogue (`comptoir demo`): a few categories, twenty products of every type, a default
selling list with quantity tiers, a trade list and a default buying list, written through the real services.
The demo's suppliers (the parties demo) are the default suppliers of the goods, and the trade list is the
customers' who buy most. Deterministic; skipped when the organization already has products."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction

from comptoir.accounting.queries.taxes import tax_rate_for
from comptoir.accounting.services.taxes import TaxRateInput, create_tax_rate
from comptoir.catalog.constants import PriceListKind, ProductType
from comptoir.catalog.models import Product
from comptoir.catalog.services.categories import CategoryInput, create_category
from comptoir.catalog.services.pricing import (
    PartyPriceListInput,
    PriceInput,
    PriceListInput,
    add_price,
    assign_price_list,
    create_price_list,
)
from comptoir.catalog.services.products import ProductInput, create_product
from comptoir.parties.queries import parties

TAXES = (("VAT20", "VAT 20%", "20"), ("VAT5", "VAT 5.5%", "5.5"))
# (code, name, parent code)
CATEGORIES = (
    ("TOOLS", "Tools", None),
    ("POWER", "Power tools", "TOOLS"),
    ("HAND", "Hand tools", "TOOLS"),
    ("GARDEN", "Garden", None),
    ("MATERIALS", "Materials", None),
    ("SERVICES", "Services", None),
)
P, M, S, MF, B, DG = (ProductType.PRODUCT, ProductType.MATERIAL, ProductType.SERVICE, ProductType.MANUFACTURED,
                      ProductType.BUNDLE, ProductType.DIGITAL)  # fmt: skip
# (code, name, type, category, unit, list price, standard cost, barcode)
PRODUCTS = (
    ("DRL-18", "Cordless drill 18 V", P, "POWER", "pcs", "129.90", "72.50", "4006381333931"),
    ("SAW-CIRC", "Circular saw 1400 W", P, "POWER", "pcs", "159.00", "91.00", "4006381333948"),
    ("SND-ORB", "Orbital sander", P, "POWER", "pcs", "69.90", "38.20", "4006381333955"),
    ("BAT-18", "Battery 18 V 4 Ah", P, "POWER", "pcs", "59.00", "31.00", "4006381333962"),
    ("HAM-500", "Claw hammer 500 g", P, "HAND", "pcs", "18.50", "7.90", "4006381333979"),
    ("SCR-SET", "Screwdriver set, 12 pieces", P, "HAND", "set", "24.90", "11.40", "4006381333986"),
    ("SAW-HAND", "Hand saw 550 mm", P, "HAND", "pcs", "21.00", "9.80", "4006381333993"),
    ("TAPE-5", "Measuring tape 5 m", P, "HAND", "pcs", "9.90", "3.60", "4006381334006"),
    ("HOSE-25", "Garden hose 25 m", P, "GARDEN", "pcs", "34.90", "17.00", "4006381334013"),
    ("SHEAR", "Pruning shears", P, "GARDEN", "pcs", "16.90", "7.10", "4006381334020"),
    ("SOIL-40", "Potting soil 40 l", M, "GARDEN", "bag", "8.90", "4.20", ""),
    ("SCREW-4", "Wood screws 4×40, box of 200", M, "MATERIALS", "box", "7.50", "2.90", ""),
    ("PLANK-OAK", "Oak plank 2 m", M, "MATERIALS", "pcs", "27.00", "15.50", ""),
    ("GLUE-W", "Wood glue 750 g", M, "MATERIALS", "pcs", "11.90", "5.10", ""),
    ("BENCH", "Workbench, assembled", MF, "TOOLS", "pcs", "289.00", "165.00", ""),
    ("KIT-START", "Starter tool kit", B, "TOOLS", "set", "99.00", "52.00", ""),
    ("INSTALL", "Installation on site", S, "SERVICES", "h", "55.00", "30.00", ""),
    ("REPAIR", "Tool repair", S, "SERVICES", "h", "45.00", "24.00", ""),
    ("SHARPEN", "Blade sharpening", S, "SERVICES", "pcs", "12.00", "4.00", ""),
    ("GUIDE-PDF", "Woodworking guide (PDF)", DG, "SERVICES", "pcs", "14.90", "0", ""),
)
REDUCED_VAT = {"SOIL-40"}
RETAIL_TIERS = {"SCREW-4": (("10", "6.90"), ("50", "6.20")), "SOIL-40": (("10", "7.90"),)}
TRADE_DISCOUNT = Decimal("0.85")


def _tax_rates(actor, start: datetime.date) -> None:
    for code, name, rate in TAXES:
        if tax_rate_for(code, start) is None:
            data = TaxRateInput(code=code, name=name, tax_type="VAT", rate=Decimal(rate), effective_from=start,
                                output_account="2100", input_account="1400")  # fmt: skip
            create_tax_rate(actor=actor, data=data)


def seed_demo_catalog(*, actor, today: datetime.date) -> int:
    """The demo catalogue; returns the number of products written (0 when there were some already)."""
    if Product.objects.exists():
        return 0
    start = datetime.date(today.year - 1, 1, 1)
    suppliers = list(parties(party_type="SUPPLIER").order_by("party_number").values_list("party_number", flat=True))
    trade_customers = list(parties(party_type="CUSTOMER", tier="GOLD").values_list("party_number", flat=True))
    trade_customers += parties(party_type="CUSTOMER", tier="PLATINUM").values_list("party_number", flat=True)
    with transaction.atomic():
        _tax_rates(actor, start)
        for code, name, parent in CATEGORIES:
            create_category(actor=actor, data=CategoryInput(code=code, name=name, parent=parent))
        for i, (code, name, kind, category, unit, price, cost, barcode) in enumerate(PRODUCTS):
            stocked = kind not in (ProductType.SERVICE, ProductType.DIGITAL)
            supplier = suppliers[i % len(suppliers)] if suppliers and stocked else None
            data = ProductInput(
                code=code, name=name, type=kind, category=category, uom=unit, list_price=Decimal(price),
                standard_cost=Decimal(cost), barcode=barcode, sku=f"SKU-{code}",
                tax_rate="VAT5" if code in REDUCED_VAT else "VAT20", reorder_point=Decimal(5),
                reorder_quantity=Decimal(20), min_stock_level=Decimal(2), default_supplier=supplier,
            )  # fmt: skip
            create_product(actor=actor, data=data)
        retail = create_price_list(actor=actor, data=PriceListInput(name="Retail", valid_from=start, is_default=True))
        trade = create_price_list(actor=actor, data=PriceListInput(name="Trade customers", valid_from=start))
        buying = create_price_list(
            actor=actor,
            data=PriceListInput(name="Supplier prices", kind=PriceListKind.BUYING, valid_from=start, is_default=True),
        )
        for code, _name, kind, _category, _unit, price, cost, _barcode in PRODUCTS:
            add_price(actor=actor, price_list_id=retail.pk, data=PriceInput(product=code, rate=Decimal(price)))
            for quantity, rate in RETAIL_TIERS.get(code, ()):
                tier = PriceInput(product=code, rate=Decimal(rate), min_quantity=Decimal(quantity))
                add_price(actor=actor, price_list_id=retail.pk, data=tier)
            trade_rate = (Decimal(price) * TRADE_DISCOUNT).quantize(Decimal("0.01"))
            add_price(actor=actor, price_list_id=trade.pk, data=PriceInput(product=code, rate=trade_rate))
            if kind not in (ProductType.SERVICE, ProductType.DIGITAL):
                add_price(actor=actor, price_list_id=buying.pk, data=PriceInput(product=code, rate=Decimal(cost)))
        for number in trade_customers:
            assign_price_list(actor=actor, data=PartyPriceListInput(party=number, price_list=trade.pk))
    return len(PRODUCTS)
