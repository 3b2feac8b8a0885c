"""The demo organization's stock (`comptoir demo`): a main warehouse with two bins and a shop, valued on an account
of their own (1310 Warehouse stock: the demo books record purchases on 1300 by hand); the stocked products
of the demo catalogue received at their standard cost early in the year, part moved to the shop, sales issued month
by month up to today, potting soil in two batches, a count of the shop with a shortage, and two reservations.
Written through the real services; deterministic; skipped when the organization already has a warehouse."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction

from comptoir.accounting.constants import AccountType
from comptoir.accounting.services.chart import AccountInput, create_account
from comptoir.catalog.queries.products import products
from comptoir.inventory.models import Warehouse
from comptoir.inventory.services import counts, entries, reservations, warehouses

# (code, name, type, parent)
WAREHOUSES = (
    ("MAIN", "Main warehouse", "MAIN", None),
    ("MAIN-A1", "Main · aisle 1", "BIN", "MAIN"),
    ("MAIN-A2", "Main · aisle 2", "BIN", "MAIN"),
    ("SHOP", "Shop", "BRANCH", None),
)
STOCK_ACCOUNT = "1310"
BATCHES = (("SOIL-40", "SOIL-2401", 2, 8), ("SOIL-40", "SOIL-2402", 5, 14))  # (product, number, made, expires) months


def _line(product, quantity, **places) -> entries.StockEntryLineInput:
    return entries.StockEntryLineInput(product=product, quantity=Decimal(quantity), **places)


def _post(actor, entry_type, day, lines, reference="") -> None:
    data = entries.StockEntryInput(entry_type=entry_type, date=day, lines=lines, reference=reference, post=True)
    entries.create_stock_entry(actor=actor, data=data)


def seed_demo_stock(*, actor, today: datetime.date) -> int:
    """The demo stock; returns the number of stock entries posted (0 when there were warehouses already)."""
    if Warehouse.objects.exists():
        return 0
    year = today.year
    posted = 0
    stocked = [p for p in products(track_inventory=True).order_by("code") if p.code != "SOIL-40"]
    with transaction.atomic():
        # the demo books record purchases on 1300 by hand: the warehouses' perpetual stock has an account of its own
        create_account(
            actor=actor,
            data=AccountInput(code=STOCK_ACCOUNT, name="Warehouse stock", group="11", account_type=AccountType.STOCK),
        )
        for code, name, kind, parent in WAREHOUSES:
            data = warehouses.WarehouseInput(
                code=code, name=name, type=kind, parent=parent, inventory_account=None if parent else STOCK_ACCOUNT
            )
            warehouses.create_warehouse(actor=actor, data=data)
        for product, number, made, expires in BATCHES:
            expiry = datetime.date(year + (expires - 1) // 12, (expires - 1) % 12 + 1, 28)
            batch = warehouses.BatchInput(
                product=product, batch_number=number, mfg_date=datetime.date(year - 1, made, 1), exp_date=expiry
            )
            warehouses.create_batch(actor=actor, data=batch)
        receipt = [
            _line(p.code, 40 + 10 * (i % 4), to_warehouse="MAIN-A1" if i % 2 else "MAIN-A2", unit_cost=p.standard_cost)
            for i, p in enumerate(stocked)
        ]
        receipt += [_line("SOIL-40", 30, to_warehouse="MAIN-A1", batch=number) for _p, number, _m, _e in BATCHES]
        _post(actor, "RECEIPT", min(datetime.date(year, 1, 10), today), receipt, "GRN-1")
        posted += 1
        moved = [
            _line(p.code, 30, from_warehouse="MAIN-A1" if i % 2 else "MAIN-A2", to_warehouse="SHOP")
            for i, p in enumerate(stocked)
        ]
        _post(actor, "TRANSFER", min(datetime.date(year, 1, 20), today), moved, "TRF-1")
        posted += 1
        for month in range(2, today.month + 1):
            day = min(datetime.date(year, month, 15), today)
            sold = [_line(p.code, 1 + (i + month) % 2, from_warehouse="SHOP") for i, p in enumerate(stocked)]
            sold.append(_line("SOIL-40", 3, from_warehouse="MAIN-A1"))  # first-expiring batch first
            _post(actor, "ISSUE", day, sold, f"SALES-{month:02d}")
            posted += 1
        count = counts.create_stock_count(actor=actor, data=counts.StockCountInput(warehouse="SHOP", count_date=today))
        counts.start_stock_count(actor=actor, count_id=count.pk)
        first = count.lines.order_by("product__code").select_related("product").first()
        counts.record_counts(
            actor=actor,
            count_id=count.pk,
            lines=[
                counts.CountedLine(
                    product=line.product.code,
                    batch=None,
                    counted_quantity=line.system_quantity - (1 if line.pk == first.pk else 0),
                )
                for line in count.lines.select_related("product")
            ],
        )
        counts.complete_stock_count(actor=actor, count_id=count.pk)
        for p in stocked[:2]:
            reservations.reserve_stock(
                actor=actor,
                data=reservations.ReservationInput(product=p.code, warehouse="SHOP", quantity=Decimal(2)),
            )
    return posted
