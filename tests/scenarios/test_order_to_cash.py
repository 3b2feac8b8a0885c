"""Order to cash, end to end through the API (first half: order → delivery → return; invoicing and payments follow
when the invoicing module lands): a customer orders 15 widgets bought at 4.00 then 5.00; confirming reserves them;
two shipments (8, then 7) take them out first in, first out (cost of goods sold 32.00 then 33.00) and roll the order
up to SHIPPED then DELIVERED; the first shipment comes back whole at its original cost. Every figure is checked to
the cent: the order's totals and taxes, the stock, the reservations, the cost of goods sold, the books by account."""

from decimal import Decimal

from comptoir.accounting.queries.books import accounts, balances_of
from comptoir.inventory.services.books import check_stock
from comptoir.platform.tenancy import tenant_context
from comptoir.sales import queries as sales_queries
from comptoir.sales.tests.factories import address, confirm, customer, day, ship, vat


def _books(tenant) -> dict:
    """Debit − credit of the accounts the flow touches."""
    with tenant_context(tenant.organization):
        ids = dict(accounts().filter(code__in=["1300", "2300", "5000"]).values_list("code", "id"))
        balances = balances_of(ids.values())
        return {code: balances.get(pk, Decimal(0)) for code, pk in ids.items()}


def _stock(api) -> tuple:
    row = api.get("inventory/stock-balance", product="WIDGET").json()["items"][0]
    return row["on_hand"], row["reserved"], row["value"]


def test_order_to_delivery_and_return(tenant):
    api = tenant.api
    vat(api)
    party = customer(api, "Quincaillerie Dupont")
    address(api, party, "SHIPPING", city="Nantes")
    api.post("inventory/warehouses", {"code": "MAIN", "name": "Main"})
    assert api.post("catalog/products", {"code": "WIDGET", "name": "Widget", "uom": "pcs",
                                         "list_price": "12.00"}).status_code == 201  # fmt: skip
    for date, cost in ((day(1, 10), "4.00"), (day(1, 20), "5.00")):
        line = {"product": "WIDGET", "to_warehouse": "MAIN", "quantity": "10", "unit_cost": cost}
        assert api.post("inventory/stock-entries", {"entry_type": "RECEIPT", "date": date, "lines": [line],
                                                    "post": True}).status_code == 201  # fmt: skip
    assert _books(tenant) == {"1300": Decimal("90.00"), "2300": Decimal("-90.00"), "5000": Decimal(0)}

    # the order: 15 × 12.00 = 180.00, VAT 20 % = 36.00, total 216.00
    lines = [{"product": "WIDGET", "quantity": "15", "tax_rate": "VAT20"}]
    created = api.post(
        "sales/orders", {"party": party["party_number"], "order_date": day(2, 1), "warehouse": "MAIN", "lines": lines}
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["subtotal"], body["tax_amount"], body["total_amount"]) == ("180.00", "36.00", "216.00")
    assert body["lines"][0]["unit_rate"] == "12.0000"
    assert api.get(f"sales/orders/{body['id']}").json()["shipping_address"]["city"] == "Nantes"

    body = confirm(api, body["id"])
    assert body["status"] == "CONFIRMED"
    assert _stock(api) == ("20.000", "15.000", "90.00")

    # first shipment: 8 of the 4.00 layer
    first = ship(api, body, {"WIDGET": "8"}, shipped_date=day(2, 2))
    assert (first["status"], first["total_cost"]) == ("IN_TRANSIT", "32.00")
    assert api.get(f"sales/orders/{body['id']}").json()["status"] == "IN_PROGRESS"
    assert _stock(api) == ("12.000", "7.000", "58.00")
    assert _books(tenant) == {"1300": Decimal("58.00"), "2300": Decimal("-90.00"), "5000": Decimal("32.00")}

    # second shipment: the last 2 at 4.00 and 5 at 5.00 = 33.00
    second = ship(api, body, {"WIDGET": "7"}, shipped_date=day(2, 3))
    assert second["total_cost"] == "33.00"
    assert api.get(f"sales/orders/{body['id']}").json()["status"] == "SHIPPED"
    assert _stock(api) == ("5.000", "0.000", "25.00")
    assert _books(tenant) == {"1300": Decimal("25.00"), "2300": Decimal("-90.00"), "5000": Decimal("65.00")}

    for shipment, date in ((first, day(2, 4)), (second, day(2, 5))):
        delivered = api.post(f"logistics/shipments/{shipment['id']}/deliver", {"delivered_date": date})
        assert delivered.status_code == 200, delivered.json()
    order = api.get(f"sales/orders/{body['id']}").json()
    assert (order["status"], order["delivered_date"]) == ("DELIVERED", day(2, 5))
    line = order["lines"][0]
    assert (line["shipped_quantity"], line["delivered_quantity"], line["unit_cost"]) == ("15.000", "15.000", "4.3333")

    # the first shipment comes back whole at the cost it left with (8 × 4.00), its value to credit 96.00 + 19.20
    returned = api.post(
        f"logistics/shipments/{first['id']}/return", {"return_date": day(2, 10), "reason": "wrong size"}
    )
    assert returned.status_code == 201, returned.json()
    ret = returned.json()
    assert (ret["total_cost"], ret["net_amount"], ret["tax_amount"], ret["gross_amount"]) == (
        "32.00", "96.00", "19.20", "115.20")  # fmt: skip
    assert api.get(f"logistics/shipments/{first['id']}").json()["status"] == "RETURNED"
    assert _stock(api) == ("13.000", "0.000", "57.00")
    assert _books(tenant) == {"1300": Decimal("57.00"), "2300": Decimal("-90.00"), "5000": Decimal("33.00")}
    order = api.get(f"sales/orders/{body['id']}").json()
    assert (order["status"], order["lines"][0]["returned_quantity"]) == ("DELIVERED", "8.000")
    with tenant_context(tenant.organization):
        (line,) = sales_queries.invoiceable_lines(body["id"])
        assert (line.delivered, line.returned, line.invoiceable) == (Decimal(15), Decimal(8), Decimal(7))
        assert check_stock() == []
    # the return is what invoicing will credit
    assert [r["return_number"] for r in api.get("logistics/returns", credited=False).json()["items"]] == [
        ret["return_number"]
    ]
