"""Order to cash, end to end through the API: a customer orders 15 widgets bought at 4.00 then 5.00; confirming
reserves them; two shipments (8, then 7) take them out first in, first out (cost of goods sold 32.00 then 33.00) and
roll the order up to SHIPPED then DELIVERED; what was delivered is invoiced (216.00, the order COMPLETED) and paid
100.00; the first shipment comes back whole at its original cost and is credited (115.20) against the invoice.
Every figure is checked to the cent: the order's totals and taxes, the stock, the reservations, the cost of goods
sold, the invoice's balance, the party's balance, the books by account."""

from decimal import Decimal

from comptoir.accounting.queries.books import accounts, balances_of
from comptoir.inventory.services.books import check_stock
from comptoir.parties.models import Party
from comptoir.platform.tenancy import tenant_context
from comptoir.sales import queries as sales_queries
from comptoir.sales.tests.factories import address, confirm, customer, day, ship, vat

CODES = ["1100", "1300", "2100", "2300", "4000", "5000"]
NOTHING = dict.fromkeys([*CODES, "receivable"], Decimal(0))


def _books(tenant, party) -> dict:
    """Debit − credit of the accounts the flow touches (`receivable`: the customer's own account)."""
    with tenant_context(tenant.organization):
        ids = dict(accounts().filter(code__in=CODES).values_list("code", "id"))
        ids["receivable"] = Party.objects.get(pk=party["id"]).account_id
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
    assert _books(tenant, party) == {**NOTHING, "1300": Decimal("90.00"), "2300": Decimal("-90.00"), "5000": Decimal(0)}

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
    assert _books(tenant, party) == {
        **NOTHING,
        "1300": Decimal("58.00"),
        "2300": Decimal("-90.00"),
        "5000": Decimal("32.00"),
    }

    # second shipment: the last 2 at 4.00 and 5 at 5.00 = 33.00
    second = ship(api, body, {"WIDGET": "7"}, shipped_date=day(2, 3))
    assert second["total_cost"] == "33.00"
    assert api.get(f"sales/orders/{body['id']}").json()["status"] == "SHIPPED"
    assert _stock(api) == ("5.000", "0.000", "25.00")
    assert _books(tenant, party) == {
        **NOTHING,
        "1300": Decimal("25.00"),
        "2300": Decimal("-90.00"),
        "5000": Decimal("65.00"),
    }

    for shipment, date in ((first, day(2, 4)), (second, day(2, 5))):
        delivered = api.post(f"logistics/shipments/{shipment['id']}/deliver", {"delivered_date": date})
        assert delivered.status_code == 200, delivered.json()
    order = api.get(f"sales/orders/{body['id']}").json()
    assert (order["status"], order["delivered_date"]) == ("DELIVERED", day(2, 5))
    line = order["lines"][0]
    assert (line["shipped_quantity"], line["delivered_quantity"], line["unit_cost"]) == ("15.000", "15.000", "4.3333")

    # what was delivered is invoiced: 15 × 12.00 + VAT 20 % = 216.00; the order is COMPLETED
    made = api.post("invoicing/invoices/from-sales-order",
                    {"sales_order": body["order_number"], "invoice_date": day(2, 6), "submit": True})  # fmt: skip
    assert made.status_code == 201, made.json()
    made = made.json()
    assert (made["subtotal"], made["tax_amount"], made["total_amount"]) == ("180.00", "36.00", "216.00")
    assert made["lines"][0]["order_item"] == body["lines"][0]["id"]
    order = api.get(f"sales/orders/{body['id']}").json()
    assert (order["status"], order["lines"][0]["invoiced_quantity"]) == ("COMPLETED", "15.000")
    assert _books(tenant, party) == {**NOTHING, "receivable": Decimal("216.00"), "1300": Decimal("25.00"),
                              "2100": Decimal("-36.00"), "2300": Decimal("-90.00"), "4000": Decimal("-180.00"),
                              "5000": Decimal("65.00")}  # fmt: skip
    # a payment of 100.00 allocated to it
    paid = api.post("invoicing/payments", {"direction": "INCOMING", "party": party["id"], "payment_date": day(2, 7),
                                           "amount": "100.00", "method": "BANK_TRANSFER",
                                           "allocations": [{"invoice": made["id"], "amount": "100.00"}]})  # fmt: skip
    assert paid.status_code == 201, paid.json()
    invoice = api.get(f"invoicing/invoices/{made['id']}").json()
    assert (invoice["status"], invoice["paid_amount"], invoice["balance_due"]) == ("PARTIALLY_PAID", "100.00", "116.00")
    assert api.get(f"parties/{party['id']}").json()["balance"] == "116.00"

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
    order = api.get(f"sales/orders/{body['id']}").json()
    assert (order["status"], order["lines"][0]["returned_quantity"]) == ("COMPLETED", "8.000")
    with tenant_context(tenant.organization):
        (line,) = sales_queries.invoiceable_lines(body["id"])
        assert (line.delivered, line.returned, line.invoiceable) == (Decimal(15), Decimal(8), Decimal(0))
        assert check_stock() == []
    assert [r["return_number"] for r in api.get("logistics/returns", credited=False).json()["items"]] == [
        ret["return_number"]
    ]

    # its credit note, against the invoice: 115.20 of the 116.00 it still owed
    note = api.post("invoicing/invoices/from-return",
                    {"sales_return": ret["id"], "invoice_date": day(2, 11), "submit": True})  # fmt: skip
    assert note.status_code == 201, note.json()
    note = note.json()
    assert (note["invoice_type"], note["original_invoice"], note["total_amount"]) == (
        "CREDIT_NOTE", made["id"], "115.20")  # fmt: skip
    invoice = api.get(f"invoicing/invoices/{made['id']}").json()
    assert (invoice["credited_amount"], invoice["balance_due"]) == ("115.20", "0.80")
    assert api.get(f"parties/{party['id']}").json()["balance"] == "0.80"
    assert api.get("logistics/returns", credited=False).json()["items"] == []
    assert api.get(f"sales/orders/{body['id']}").json()["status"] == "COMPLETED"
    assert _books(tenant, party) == {**NOTHING, "1100": Decimal("100.00"), "receivable": Decimal("0.80"),
                                     "1300": Decimal("57.00"),
                              "2100": Decimal("-16.80"), "2300": Decimal("-90.00"), "4000": Decimal("-84.00"),
                              "5000": Decimal("33.00")}  # fmt: skip
