"""The demo organization's purchasing (`comptoir demo`, after the stock): from February to today, an order a month to
one of the demo suppliers for two stocked products, confirmed and received into the main warehouse's second aisle a
few days later (the latest order only in part), a few damaged units sent back (an order above the approval
threshold waits for approval), and one requisition awaiting
approval. Written through the real services; deterministic; skipped when the organization has purchase orders or
lacks the demo suppliers and warehouse."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction

from comptoir.catalog.queries.products import products
from comptoir.inventory.queries.stock import warehouses
from comptoir.parties.queries import parties
from comptoir.purchasing.models import PurchaseOrder
from comptoir.purchasing.services import orders, receipts, requisitions

WAREHOUSE = "MAIN-A2"  # no transfer leaves it after January: receipts there are never back-dated


def seed_demo_purchasing(*, actor, today: datetime.date) -> int:
    """The demo purchase orders; returns how many were written (0 when skipped)."""
    if PurchaseOrder.objects.exists() or not warehouses().filter(code=WAREHOUSE).exists():
        return 0
    suppliers = list(parties(party_type="SUPPLIER").order_by("name"))
    stocked = list(products(track_inventory=True).exclude(code="SOIL-40").order_by("code"))
    if not suppliers or len(stocked) < 2:
        return 0
    year, written = today.year, 0
    with transaction.atomic():
        for month in range(2, today.month + 1):
            ordered, received = datetime.date(year, month, 3), datetime.date(year, month, 8)
            if received > today:
                break
            party = suppliers[month % len(suppliers)]
            picked = [stocked[(2 * month) % len(stocked)], stocked[(2 * month + 1) % len(stocked)]]
            lines = [
                orders.OrderLineInput(
                    product=p.code, quantity=Decimal(20 + 5 * (i + month) % 3), unit_rate=p.standard_cost or Decimal(1)
                )
                for i, p in enumerate(picked)
            ]
            order = orders.create_order(
                actor=actor,
                data=orders.OrderInput(party=party.pk, order_date=ordered, warehouse=WAREHOUSE, lines=lines),
            )
            written += 1
            if orders.needs_approval(order):  # the owner may not approve its own order: it waits for someone else
                orders.submit_order(actor=actor, order_id=order.pk)
                continue
            orders.confirm_order(actor=actor, order_id=order.pk)
            items = list(order.items.order_by("line_no"))
            latest = month == today.month or datetime.date(year, month + 1, 8) > today
            taken = [
                receipts.ReceiptLineInput(
                    order_item=item.pk, quantity=(item.quantity / 2).quantize(Decimal(1)) if latest else item.quantity
                )
                for item in items
            ]
            receipt = receipts.receive_goods(
                actor=actor, order_id=order.pk, data=receipts.ReceiptInput(date=received, lines=taken)
            )
            if month % 4 == 3:  # a few damaged units go back
                line = receipt.lines.order_by("line_no").first()
                receipts.return_goods(
                    actor=actor,
                    receipt_id=receipt.pk,
                    data=receipts.ReturnInput(
                        date=min(received + datetime.timedelta(days=2), today),
                        lines=[receipts.ReturnLineInput(receipt_line=line.pk, quantity=Decimal(2))],
                        reason="Damaged in transit",
                    ),
                )
        req = requisitions.create_requisition(
            actor=actor,
            data=requisitions.RequisitionInput(
                request_date=today,
                supplier=suppliers[0].pk,
                description="Restock the shop",
                lines=[
                    requisitions.RequisitionLineInput(product=p.code, quantity=Decimal(10), unit_price=p.standard_cost)
                    for p in stocked[:3]
                ],
            ),
        )
        requisitions.submit_requisition(actor=actor, requisition_id=req.pk)
    return written
