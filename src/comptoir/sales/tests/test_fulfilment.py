"""The quantities invoicing moves on an order's lines, called directly as invoicing will: what is invoiceable
(goods delivered − returned − invoiced, services ordered − invoiced), `record_invoiced_quantities` refusing
over-invoicing and writing nothing then, the order COMPLETED once delivered and invoiced, and the reverse for a
cancelled invoice."""

from decimal import Decimal

import pytest

from comptoir.platform.errors import Conflict, ValidationFailed
from comptoir.platform.tenancy import tenant_context
from comptoir.sales import queries, services
from comptoir.sales.models import OrderItem, SalesOrder
from comptoir.sales.tests.factories import confirm, customer, day, order, ship, stocked


@pytest.fixture
def delivered(tenant):
    """An order of 4 bolts (goods) and 1 installation (a service); 3 bolts shipped and delivered."""
    api = tenant.api
    party = customer(api)
    stocked(api, "BOLT", "10", "2")
    api.post("catalog/products", {"code": "FIT", "name": "Fitting", "uom": "pcs", "type": "SERVICE",
                                  "track_inventory": False, "list_price": "50"})  # fmt: skip
    body = confirm(api, order(api, party["id"], [{"product": "BOLT", "quantity": "4"},
                                                 {"product": "FIT", "quantity": "1"}])["id"])  # fmt: skip
    shipment = ship(api, body, {"BOLT": "3"}, shipped_date=day(2, 2))
    api.post(f"logistics/shipments/{shipment['id']}/deliver", {"delivered_date": day(2, 3)})
    return body


def _lines(order_id) -> dict:
    return {line.product_code: line for line in queries.invoiceable_lines(order_id)}


def _state(order_id) -> tuple:
    return (
        SalesOrder.objects.get(pk=order_id).status,
        sorted(OrderItem.objects.filter(sales_order_id=order_id).values_list("invoiced_quantity", flat=True)),
    )


def test_invoiceable_quantities_and_over_invoicing(tenant, delivered):
    order_id = delivered["id"]
    with tenant_context(tenant.organization, user=tenant.owner):
        lines = _lines(order_id)
        assert (lines["BOLT"].invoiceable, lines["FIT"].invoiceable) == (Decimal(3), Decimal(1))
        bolt, fit = lines["BOLT"].order_item_id, lines["FIT"].order_item_id
        before = _state(order_id)
        with pytest.raises(Conflict) as refused:
            services.record_invoiced_quantities(actor=tenant.owner, order_id=order_id, quantities={bolt: Decimal(4)})
        assert refused.value.code == "over_invoicing"
        with pytest.raises(ValidationFailed) as wrong:
            services.record_invoiced_quantities(
                actor=tenant.owner, order_id=order_id, quantities={bolt: Decimal(1), "not-a-line": Decimal(1)}
            )
        assert wrong.value.code == "wrong_order"
        assert _state(order_id) == before
        services.record_invoiced_quantities(
            actor=tenant.owner, order_id=order_id, quantities={bolt: Decimal(3), fit: Decimal(1)}
        )
        assert _state(order_id) == ("IN_PROGRESS", [Decimal(1), Decimal(3)])
        assert _lines(order_id)["BOLT"].invoiceable == 0
        with pytest.raises(Conflict):
            services.record_invoiced_quantities(actor=tenant.owner, order_id=order_id, quantities={fit: Decimal(1)})


def test_delivered_and_invoiced_is_completed_and_a_cancelled_invoice_reopens(tenant, delivered):
    api = tenant.api
    order_id = delivered["id"]
    ship_rest = ship(api, delivered, {"BOLT": "1"}, shipped_date=day(2, 4))
    assert api.get(f"sales/orders/{order_id}").json()["status"] == "SHIPPED"
    api.post(f"logistics/shipments/{ship_rest['id']}/deliver", {"delivered_date": day(2, 5)})
    assert api.get(f"sales/orders/{order_id}").json()["status"] == "DELIVERED"
    with tenant_context(tenant.organization, user=tenant.owner):
        lines = _lines(order_id)
        everything = {line.order_item_id: line.invoiceable for line in lines.values()}
        assert set(everything.values()) == {Decimal(4), Decimal(1)}
        services.record_invoiced_quantities(actor=tenant.owner, order_id=order_id, quantities=everything)
        assert _state(order_id)[0] == "COMPLETED"
        with pytest.raises(Conflict) as refused:
            services.release_invoiced_quantities(
                actor=tenant.owner, order_id=order_id, quantities={lines["FIT"].order_item_id: Decimal(2)}
            )
        assert refused.value.code == "over_invoicing" and _state(order_id)[0] == "COMPLETED"
        services.release_invoiced_quantities(
            actor=tenant.owner, order_id=order_id, quantities={lines["BOLT"].order_item_id: Decimal(4)}
        )
        assert _state(order_id) == ("DELIVERED", [Decimal(0), Decimal(1)])


def test_a_draft_order_is_not_invoiced(tenant):
    api = tenant.api
    party = customer(api)
    stocked(api, "BOLT", "10", "2")
    body = order(api, party["id"], [{"product": "BOLT", "quantity": "1"}])
    with tenant_context(tenant.organization, user=tenant.owner), pytest.raises(Conflict) as refused:
        services.record_invoiced_quantities(
            actor=tenant.owner, order_id=body["id"], quantities={body["lines"][0]["id"]: Decimal(1)}
        )
    assert refused.value.code == "invalid_transition"
    assert api.get(f"sales/orders/{body['id']}/invoiceable").json()[0]["invoiceable"] == "0.000"
