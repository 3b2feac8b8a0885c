"""The demo organization's deliveries (`comptoir demo`): a carrier, and for each confirmed demo order a shipment
dispatched two days after it was taken (half of them in two parts, one by the company's own van) and delivered
three days later unless it is still on its way; one delivery partly returned. Written through the real services;
deterministic; skipped when the organization has shipments already."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction

from comptoir.logistics.models import Shipment
from comptoir.logistics.services import carriers, returns, shipments
from comptoir.platform.errors import DomainError
from comptoir.sales.queries import order_items


def seed_demo_logistics(*, actor, today: datetime.date, orders) -> int:
    """Shipments of the demo `orders` (CONFIRMED ones); returns how many were dispatched."""
    if Shipment.objects.exists() or not orders:
        return 0
    sent = 0
    with transaction.atomic():
        carrier = carriers.create_carrier(
            actor=actor, data=carriers.CarrierInput(code="GEODIS", name="Geodis", phone="+33 1 00 00 00 00")
        )
        delivered = []
        for i, order in enumerate(orders):
            lines = order_items(order.pk)
            day = min(order.order_date + datetime.timedelta(days=2), today)
            parts = [lines[:1], lines[1:]] if i % 2 and len(lines) > 1 else [lines]
            for n, part in enumerate(parts):
                data = shipments.ShipmentInput(
                    sales_order=order.pk,
                    shipped_date=day,
                    carrier=None if n else carrier.pk,
                    tracking_number="" if n else f"GEO{order.order_number[-6:]}",
                    vehicle_number="AB-123-CD" if n else "",
                    lines=[shipments.ShipmentLineInput(order_item=line.pk, quantity=line.quantity) for line in part],
                )
                try:
                    with transaction.atomic():
                        shipment = shipments.create_shipment(actor=actor, data=data, dispatch=True)
                except DomainError:
                    continue  # the shelf of that day ran short (a later demo issue took it): the order waits
                sent += 1
                arrival = day + datetime.timedelta(days=3)
                if arrival <= today:
                    shipments.deliver_shipment(actor=actor, shipment_id=shipment.pk, delivered_date=arrival)
                    delivered.append((shipment, arrival))
        if delivered:
            shipment, arrival = delivered[len(delivered) // 2]
            item = shipment.items.order_by("line_no").first()
            returns.return_shipment(
                actor=actor,
                shipment_id=shipment.pk,
                data=returns.ReturnInput(
                    return_date=min(arrival + datetime.timedelta(days=4), today),
                    reason="damaged in transit",
                    lines=[returns.ReturnLineInput(shipment_item=item.pk, quantity=Decimal(1))],
                ),
            )
    return sent
