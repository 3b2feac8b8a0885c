"""Procure to pay, through the API only: a requisition asked by a stock keeper and approved by the owner, converted
into an order, approved by a buyer other than its creator above the threshold, received in two parts and partly
returned, the returned nuts received again, then the supplier's bill of the receipts (three-way match; goods
received not billed cleared to zero) and its payment: the order BILLED, the supplier's balance back to nothing.
Exact quantities, order totals, stock values and the ledger (inventory 1300, goods received not billed 2300, input
tax 1400, bank 1100) at every step; the stock and the books proven equal at the end."""

from decimal import Decimal as D

from comptoir.accounting.services.books import check_books
from comptoir.inventory.services.books import check_stock
from comptoir.platform.tenancy import tenant_context
from comptoir.purchasing.tests.factories import accounts, day, ok, setup, stock
from tests.support.api import member_client


def test_procure_to_pay(tenant):
    owner = tenant.api
    supplier = setup(owner)  # BOLT, NUT, MAIN, VAT20; approval above 1000
    _keeper_user, keeper = member_client(tenant, roles=["STOCK_KEEPER"])
    _buyer_user, buyer = member_client(tenant, roles=["PURCHASING"])

    # the stock keeper asks for 100 bolts and 40 nuts
    req = ok(
        keeper.post(
            "purchasing/requisitions",
            {
                "request_date": day(3, 1),
                "supplier": supplier["party_number"],
                "lines": [
                    {"product": "BOLT", "quantity": "100", "unit_price": "2.40"},
                    {"product": "NUT", "quantity": "40", "unit_price": "1.10"},
                ],
            },
        ),
        201,
    )
    assert (req["status"], req["total_amount"]) == ("DRAFT", "284.00")
    ok(keeper.post(f"purchasing/requisitions/{req['id']}/submit"))
    refused = keeper.post(f"purchasing/requisitions/{req['id']}/approve")
    assert refused.status_code == 403  # a stock keeper approves nothing
    assert ok(owner.post(f"purchasing/requisitions/{req['id']}/approve"))["status"] == "APPROVED"

    # the buyer turns it into an order at agreed prices, with a 5 % discount on the nuts
    po = ok(
        buyer.post(
            f"purchasing/requisitions/{req['id']}/order",
            {"order_date": day(3, 2), "warehouse": "MAIN", "use_estimates": True},
        ),
        201,
    )
    assert ok(owner.get(f"purchasing/requisitions/{req['id']}"))["status"] == "ORDERED"
    lines = [
        {"product": "BOLT", "quantity": "400", "unit_rate": "2.40", "tax_rate": "VAT20"},
        {"product": "NUT", "quantity": "200", "unit_rate": "1.10", "discount_pct": "5", "tax_rate": "VAT20"},
    ]
    po = ok(buyer.patch(f"purchasing/orders/{po['id']}", {"lines": lines, "shipping_cost": "15"}))
    # 400 × 2.40 = 960.00; 200 × 1.10 = 220.00 − 11.00 = 209.00; tax 192.00 + 41.80; + 15 shipping
    assert [(x["net_amount"], x["tax_amount"], x["gross_amount"]) for x in po["lines"]] == [
        ("960.00", "192.00", "1152.00"),
        ("209.00", "41.80", "250.80"),
    ]
    assert (po["subtotal"], po["tax_amount"], po["total_amount"]) == ("1169.00", "233.80", "1417.80")
    assert po["requisition"] == req["id"] and po["order_number"].startswith("PO-")

    # above the threshold: its creator cannot approve it, nor confirm it unapproved
    url = f"purchasing/orders/{po['id']}"
    assert ok(buyer.post(f"{url}/submit"))["status"] == "PENDING"
    assert buyer.post(f"{url}/confirm").json()["code"] == "approval_required"
    assert buyer.post(f"{url}/approve").json()["code"] == "self_approval"
    assert ok(owner.post(f"{url}/approve"))["approved_by"] == str(tenant.owner.pk)
    assert ok(buyer.post(f"{url}/confirm"))["status"] == "CONFIRMED"

    # first receipt: 250 bolts and all the nuts, at the order's net prices (the nuts at 1.045)
    bolt, nut = po["lines"][0]["id"], po["lines"][1]["id"]
    first = ok(
        keeper.post(
            f"{url}/receipts",
            {
                "date": day(3, 5),
                "lines": [{"order_item": bolt, "quantity": "250"}, {"order_item": nut, "quantity": "200"}],
            },
        ),
        201,
    )
    assert [(x["unit_cost"], x["value"]) for x in first["lines"]] == [("2.4000", "600.00"), ("1.0450", "209.00")]
    assert first["total_value"] == "809.00" and first["receipt_number"].startswith("GRN-")
    assert ok(owner.get(url))["status"] == "IN_PROGRESS"
    assert accounts(owner) == {"1300": D("809.00"), "2300": D("-809.00")}
    assert stock(owner) == {("BOLT", "250.000", "600.00"), ("NUT", "200.000", "209.00")}

    # the rest of the bolts: the order is received
    second = ok(
        keeper.post(f"{url}/receipts", {"date": day(3, 9), "lines": [{"order_item": bolt, "quantity": "150"}]}), 201
    )
    assert second["total_value"] == "360.00"
    got = ok(owner.get(url))
    assert got["status"] == "COMPLETED" and [x["received_quantity"] for x in got["lines"]] == ["400.000", "200.000"]
    assert sorted(got["receipts"]) == sorted([first["id"], second["id"]])
    assert accounts(owner) == {"1300": D("1169.00"), "2300": D("-1169.00")}

    # one more bolt is refused: no tolerance by default
    over = keeper.post(f"{url}/receipts", {"date": day(3, 9), "lines": [{"order_item": bolt, "quantity": "1"}]})
    assert over.status_code == 409  # the order is complete: it receives nothing

    # 30 nuts go back (damaged): out at the receipt's cost, 30 × 1.045 = 31.35, from goods received not billed
    nut_line = first["lines"][1]["id"]
    back = ok(
        keeper.post(
            f"purchasing/receipts/{first['id']}/returns",
            {"date": day(3, 12), "reason": "Damaged", "lines": [{"receipt_line": nut_line, "quantity": "30"}]},
        ),
        201,
    )
    assert (back["total_value"], back["debit_note_amount"], back["debit_note_pending"]) == ("31.35", "0.00", False)
    assert back["return_number"].startswith("PRT-")
    got = ok(owner.get(url))
    assert got["status"] == "IN_PROGRESS"  # 30 nuts are owed again
    assert [(x["received_quantity"], x["returned_quantity"]) for x in got["lines"]] == [
        ("400.000", "0.000"),
        ("170.000", "30.000"),
    ]
    assert accounts(owner) == {"1300": D("1137.65"), "2300": D("-1137.65")}
    assert stock(owner) == {("BOLT", "400.000", "960.00"), ("NUT", "170.000", "177.65")}
    assert ok(owner.get(f"purchasing/receipts/{first['id']}"))["returns"] == [back["id"]]

    # what invoicing will bill: received − billed at the order's price, and the value received
    billable = ok(owner.get(f"{url}/billable"))
    assert [(b["billable_quantity"], b["net_unit_price"], b["received_value"]) for b in billable] == [
        ("400.000", "2.4000", "960.00"),
        ("170.000", "1.0450", "177.65"),
    ]

    # the 30 nuts come again: everything is received
    third = ok(
        keeper.post(f"{url}/receipts", {"date": day(3, 14), "lines": [{"order_item": nut, "quantity": "30"}]}), 201
    )
    assert third["total_value"] == "31.35"
    assert ok(owner.get(url))["status"] == "COMPLETED"
    assert accounts(owner) == {"1300": D("1169.00"), "2300": D("-1169.00")}

    # the supplier's bill: more nuts than received is refused (nothing written), then everything received
    bills = "invoicing/invoices/from-purchase-order"
    body = {"purchase_order": po["id"], "invoice_date": day(3, 20), "supplier_invoice_number": "FD-2026-118"}
    over = owner.post(bills, {**body, "lines": [{"purchase_order_item": nut, "quantity": "201"}]})
    assert (over.status_code, over.json()["code"]) == (409, "over_billing")
    assert ok(owner.get("invoicing/invoices", invoice_type="PURCHASE"))["items"] == []
    bill = ok(owner.post(bills, {**body, "submit": True}), 201)
    # 400 × 2.40 = 960.00 (tax 192.00); 200 × 1.10 = 220.00 − 11.00 = 209.00 (tax 41.80)
    assert [(x["quantity"], x["net_amount"], x["tax_amount"]) for x in bill["lines"]] == [
        ("400.000", "960.00", "192.00"),
        ("200.000", "209.00", "41.80"),
    ]
    assert (bill["subtotal"], bill["discount_amount"], bill["tax_amount"], bill["total_amount"]) == (
        "1180.00",
        "11.00",
        "233.80",
        "1402.80",
    )
    assert (bill["status"], bill["balance_due"], bill["invoice_type"]) == ("SUBMITTED", "1402.80", "PURCHASE")
    got = ok(owner.get(url))
    assert got["status"] == "BILLED" and [x["billed_quantity"] for x in got["lines"]] == ["400.000", "200.000"]
    # Dr 2300 1169.00 (cleared to zero), Dr input tax 1400 233.80, Cr the supplier 1402.80
    assert accounts(owner, ("1300", "1400", "2300")) == {"1300": D("1169.00"), "1400": D("233.80"), "2300": D(0)}
    party = ok(owner.get(f"parties/{supplier['id']}"))
    assert party["balance"] == "-1402.80"

    # the supplier is paid by bank transfer: the bill PAID, the supplier's account settled
    paid = ok(
        owner.post(
            "invoicing/payments",
            {
                "direction": "OUTGOING",
                "party": supplier["id"],
                "payment_date": day(3, 28),
                "amount": "1402.80",
                "method": "BANK_TRANSFER",
                "allocations": [{"invoice": bill["id"], "amount": "1402.80"}],
            },
        ),  # fmt: skip
        201,
    )
    assert paid["status"] == "COMPLETED"
    bill = ok(owner.get(f"invoicing/invoices/{bill['id']}"))
    assert (bill["status"], bill["paid_amount"], bill["balance_due"]) == ("PAID", "1402.80", "0.00")
    assert ok(owner.get(f"parties/{supplier['id']}"))["balance"] == "0.00"
    assert accounts(owner, ("1100", "1300", "1400", "2300")) == {
        "1100": D("-1402.80"),
        "1300": D("1169.00"),
        "1400": D("233.80"),
        "2300": D(0),
    }

    with tenant_context(tenant.organization):
        assert check_stock() == [] and check_books() == []
