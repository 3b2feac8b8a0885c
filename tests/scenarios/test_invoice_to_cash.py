"""Invoices to cash, through the API only, as a sales clerk, a purchaser and an accountant would: sales invoices
with a composite tax, a credit note, a supplier's bill, a receipt settling one invoice and part of another, an
advance allocated later, a supplier paid — then the books by account, the parties' balances, the accounting's aging
(from the open items the payments settled) beside invoicing's (from the invoices and payments), every figure to the
cent, and the books' caches still equal to the ledger."""

from comptoir.accounting.services.books import check_books
from comptoir.invoicing.tests.factories import balances, day, invoice, line, party, pay, tax_rate
from comptoir.platform.tenancy import tenant_context
from tests.support.api import member_client


def ok(response, status=200) -> dict:
    assert response.status_code == status, response.content
    return response.json()


def test_invoice_to_cash(tenant):
    _user, sales = member_client(tenant, roles=["SALES"])
    _user, buyer = member_client(tenant, roles=["PURCHASING"])
    _user, accountant = member_client(tenant, roles=["ACCOUNTANT"])
    tax_rate(tenant.api, "GST18", "18", components=(("CGST9", "9"), ("SGST9", "9")), output_account="2100",
             input_account="1400")  # fmt: skip
    hotel = party(sales, "Hôtel du Lac", credit_days=30)["party_number"]  # P-000001
    cafe = party(sales, "Café des Arts", credit_days=15)["party_number"]  # P-000002
    mill = party(buyer, "Moulin Roux", party_type="SUPPLIER", credit_days=45)["party_number"]  # P-000003

    # 1. Hôtel: 4 h × 55.00 −10 % = 198.00 + GST 35.64 (CGST 17.82, SGST 17.82) = 233.64, due 03-31
    first = invoice(sales, hotel, [line("4", "55", tax_rate="GST18", discount_pct="10")], date=day(3, 1))
    assert (first["invoice_number"], first["total_amount"], first["due_date"]) == ("SINV-2026-000001", "233.64",
                                                                                   day(3, 31))  # fmt: skip
    # 2. Café: 3 × 12.35 = 37.05 + GST 6.67 (6.669) = 43.72, due 03-20
    second = invoice(sales, cafe, [line("3", "12.35", tax_rate="GST18")], date=day(3, 5))
    assert (second["tax_amount"], second["total_amount"]) == ("6.67", "43.72")
    assert [t["amount"] for t in second["taxes"]] == ["3.34", "3.33"]  # 3.335 → 3.34, the rest to SGST
    # 3. a credit note of 1 h (55.00 −10 % = 49.50 + 8.91 = 58.41) against the first invoice
    note = invoice(sales, hotel, [line("1", "55", tax_rate="GST18", discount_pct="10")], invoice_type="CREDIT_NOTE",
                   original_invoice=first["invoice_number"], date=day(3, 8))  # fmt: skip
    assert (note["invoice_number"], note["total_amount"]) == ("CN-2026-000001", "58.41")
    # 4. the mill's bill: 100 kg × 1.25 = 125.00 + GST 22.50 = 147.50, due 04-24
    bill = invoice(buyer, mill, [line("100", "1.25", tax_rate="GST18", description="Flour")], invoice_type="PURCHASE",
                   supplier_invoice_number="MR-88", date=day(3, 10))  # fmt: skip
    assert (bill["invoice_number"], bill["total_amount"]) == ("PINV-2026-000001", "147.50")

    # 5. the hotel pays 200.00: 175.23 settles what the note left of its invoice, 24.77 stays on account
    receipt = pay(accountant, hotel, "200", [(first["id"], "175.23")], date=day(3, 20))
    assert (receipt["allocated_amount"], receipt["unallocated_amount"]) == ("175.23", "24.77")
    assert ok(accountant.get(f"invoicing/invoices/{first['id']}"))["status"] == "PAID"
    # 6. the café pays 20.00 on account; later allocated to its invoice
    advance = pay(accountant, cafe, "20", date=day(3, 25), method="CASH")
    later = {"allocations": [{"invoice": second["invoice_number"], "amount": "20"}], "date": day(3, 26)}
    ok(accountant.post(f"invoicing/payments/{advance['id']}/allocate", later))
    assert ok(accountant.get(f"invoicing/invoices/{second['id']}"))["balance_due"] == "23.72"
    # 7. the mill is paid 100.00 of its bill
    pay(accountant, mill, "100", [(bill["id"], "100")], direction="OUTGOING", date=day(4, 1))

    # the books by account: income 198.00 + 37.05 − 49.50; output GST 35.64 + 6.67 − 8.91; input GST 22.50
    assert balances(tenant, "4000", "2100", "1400", "6900", "1100", "1000", hotel, cafe, mill) == {
        "4000": "-185.55", "2100": "-33.40", "1400": "22.50", "6900": "125.00", "1100": "100.00", "1000": "20.00",
        hotel: "-24.77", cafe: "23.72", mill: "-47.50",
    }  # fmt: skip

    # accounting's aging on 04-10 reads the open items the entries left; invoicing's reads the invoices and payments
    books = ok(accountant.get("accounting/reports/aging", kind="receivable", as_of=day(4, 10)))
    assert sorted((r["account"], r["outstanding"], r["bucket"]) for r in books["rows"]) == [
        (hotel, "-24.77", "0-30"), (cafe, "23.72", "0-30"),
    ]  # fmt: skip
    ours = ok(accountant.get("invoicing/aging", kind="receivable", as_of=day(4, 10)))
    assert [(r["number"], r["outstanding"], r["days_overdue"], r["bucket"]) for r in ours["rows"]] == [
        ("RCPT-2026-000001", "-24.77", 21, "0-30"), ("SINV-2026-000002", "23.72", 21, "0-30"),
    ]  # fmt: skip
    assert (ours["buckets"], ours["total"]) == (books["buckets"], books["total"])
    payable = ok(accountant.get("invoicing/aging", kind="payable", as_of=day(4, 10)))
    assert [(p["name"], p["total"], p["buckets"]["not_due"]) for p in payable["parties"]] == [
        ("Moulin Roux", "47.50", "47.50"),
    ]
    with tenant_context(tenant.organization):
        assert check_books() == []
