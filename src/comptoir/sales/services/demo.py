"""The demo organization's sales (`comptoir demo`): from February (the shop is stocked in January) month by month up
to today two orders of the demo customers for the stocked products at the shop, confirmed (reserving); one held, one
cancelled, today's second left in draft. Logistics ships and delivers them (`logistics.services.demo`). Written
through the real services; deterministic; skipped when the organization has orders already, or no stock at the
shop."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction

from comptoir.catalog.queries.products import products
from comptoir.inventory.queries.stock import stock_balance
from comptoir.parties.queries import parties
from comptoir.platform.errors import DomainError
from comptoir.sales.models import SalesOrder
from comptoir.sales.services import orders

WAREHOUSE = "SHOP"


def _day(year: int, month: int, dom: int, today: datetime.date) -> datetime.date:
    return min(datetime.date(year, month, dom), today)


def seed_demo_sales(*, actor, today: datetime.date) -> list:
    """The demo orders, confirmed where the stock allows; returns them (none when there were orders already).
    Logistics ships and delivers them (`logistics.services.demo`)."""
    if SalesOrder.objects.exists():
        return []
    customers = list(parties(party_type="CUSTOMER").order_by("party_number")) + list(
        parties(party_type="BOTH").order_by("party_number")
    )
    on_shelf = {
        row.product_id: row.quantity - row.reserved_quantity
        for row in stock_balance(warehouse=WAREHOUSE).filter(batch__isnull=True)
    }
    stocked = [p for p in products(track_inventory=True).order_by("code") if on_shelf.get(p.pk, 0) >= 6]
    if not customers or len(stocked) < 2:
        return []
    made = []
    with transaction.atomic():
        for month in range(2, today.month + 1):  # the shop is stocked from January 20th
            for n in range(2):
                party = customers[(month + n) % len(customers)]
                first, second = stocked[(month + n) % len(stocked)], stocked[(month + n + 1) % len(stocked)]
                data = orders.OrderInput(
                    party=party.pk,
                    order_date=_day(today.year, month, 3 + 10 * n, today),
                    warehouse=WAREHOUSE,
                    customer_po_number=f"PO-{month:02d}{n}",
                    lines=[
                        orders.OrderLineInput(product=first.code, quantity=Decimal(1 + n)),
                        orders.OrderLineInput(product=second.code, quantity=Decimal(1), discount_pct=Decimal(5)),
                    ],
                )
                order = orders.create_order(actor=actor, data=data)
                if month == today.month and n == 1:
                    continue  # today's second order stays a draft
                try:
                    with transaction.atomic():
                        orders.confirm_order(actor=actor, order_id=order.pk)
                except DomainError:
                    continue  # the shelf ran out: the order waits in draft
                made.append(order)
        if len(made) > 3:
            orders.cancel_order(actor=actor, order_id=made[-1].pk, reason="customer changed its mind")
            orders.hold_order(actor=actor, order_id=made[-2].pk, reason="awaiting payment")
            made = made[:-2]
    return made
