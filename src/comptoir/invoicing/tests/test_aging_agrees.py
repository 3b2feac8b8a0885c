"""Invoicing's aging (by party, from the invoices, notes, payments and their allocations) and accounting's (by
account, from the open items of the books) give the same totals per bucket and per party, to the cent, with
partial payments, a credit note, an advance allocated later, an advance left on account, a payment after the day
and foreign invoices settled at other rates (their base amounts). Books in USD; as of 2026-06-30."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest
from tests.support.api import make_tenant

from comptoir.invoicing.tests.factories import day, invoice, line, party, pay

pytestmark = pytest.mark.django_db
AS_OF = day(6, 30)
EUR = {"currency": "EUR"}


def _by_party(report) -> dict:
    return {p["party_number"]: (p["buckets"], p["total"]) for p in report["parties"]}


def _books_by_account(report) -> dict:
    """Accounting's aging rows summed per account and bucket, as the invoicing report shows them per party."""
    sums: dict = defaultdict(lambda: defaultdict(Decimal))
    for row in report["rows"]:
        sums[row["account"]][row["bucket"]] += Decimal(row["outstanding"])
    out = {}
    for account, buckets in sums.items():
        full = {b: f"{buckets[b]:.2f}" for b in ("not_due", "0-30", "31-60", "61-90", "90+")}
        out[account] = (full, f"{sum(buckets.values()):.2f}")
    return out


def _buckets(not_due="0.00", b30="0.00", b60="0.00", b90="0.00", more="0.00") -> dict:
    return {"not_due": not_due, "0-30": b30, "31-60": b60, "61-90": b90, "90+": more}


def test_invoicings_aging_agrees_with_the_books():
    api = make_tenant(currency="USD").api
    acme = party(api, "Acme")["party_number"]
    beta = party(api, "Beta")["party_number"]
    parts = party(api, "Parts", party_type="SUPPLIER")["party_number"]
    # Acme, in USD: 1,000.00 due 03-31 (91 days: 90+), 400 paid; paid in full only after the day
    first = invoice(api, acme, [line("1", "1000")], date=day(3, 1), due_date=day(3, 31))
    pay(api, acme, "400", [(first["id"], "400")], date=day(4, 15))
    pay(api, acme, "600", [(first["id"], "600")], date=day(7, 5))
    # 500.00 due 05-15 (46 days: 31-60), credited 120, then an advance of 100 allocated to it: 280 left
    second = invoice(api, acme, [line("1", "500")], date=day(5, 1), due_date=day(5, 15))
    invoice(api, acme, [line("1", "120")], invoice_type="CREDIT_NOTE", original_invoice=second["id"], date=day(5, 20))
    advance = pay(api, acme, "100", date=day(6, 1))
    allocated = api.post(f"invoicing/payments/{advance['id']}/allocate",
                         {"allocations": [{"invoice": second["id"], "amount": "100"}], "date": day(6, 5)})  # fmt: skip
    assert allocated.status_code == 200, allocated.json()
    pay(api, acme, "250", date=day(6, 10))  # an advance left on account (20 days: 0-30)
    # Beta, in EUR: 1,000 at 1.10 (1,100.00) due 06-20 (0-30), 333.33 received at 1.15 settle 366.66: 733.34 left
    third = invoice(api, beta, [line("1", "1000")], date=day(5, 21), due_date=day(6, 20), exchange_rate="1.10", **EUR)
    pay(api, beta, "333.33", [(third["id"], "333.33")], date=day(6, 1), exchange_rate="1.15", **EUR)
    # 200 at 1.12 (224.00) due 07-31 (not due), credited 50 at 1.20 which settles 224.00 × 50 / 200 = 56.00: 168.00
    fourth = invoice(api, beta, [line("1", "200")], date=day(6, 1), due_date=day(7, 31), exchange_rate="1.12", **EUR)
    invoice(api, beta, [line("1", "50")], invoice_type="CREDIT_NOTE", original_invoice=fourth["id"], date=day(6, 25),
            exchange_rate="1.20", **EUR)  # fmt: skip
    # Parts: 300.00 due 06-15 (0-30), 100 paid; 100 EUR at 1.10 (110.00) due 05-01 (31-60), 40 paid at 1.05 settle
    # 44.00: 66.00 left
    bill = invoice(api, parts, [line("1", "300")], invoice_type="PURCHASE", date=day(5, 16), due_date=day(6, 15))
    pay(api, parts, "100", [(bill["id"], "100")], direction="OUTGOING", date=day(6, 20))
    euro_bill = invoice(api, parts, [line("1", "100")], invoice_type="PURCHASE", date=day(4, 1), due_date=day(5, 1),
                        exchange_rate="1.10", **EUR)  # fmt: skip
    pay(api, parts, "40", [(euro_bill["id"], "40")], direction="OUTGOING", date=day(5, 10), exchange_rate="1.05",
        **EUR)  # fmt: skip

    receivable = api.get("invoicing/aging", kind="receivable", as_of=AS_OF).json()
    books = api.get("accounting/reports/aging", kind="receivable", as_of=AS_OF).json()
    expected = {
        acme: (_buckets(b30="-250.00", b60="280.00", more="600.00"), "630.00"),
        beta: (_buckets(not_due="168.00", b30="733.34"), "901.34"),
    }
    assert _by_party(receivable) == expected
    assert _books_by_account(books) == expected
    assert receivable["buckets"] == books["buckets"] == _buckets("168.00", "483.34", "280.00", "0.00", "600.00")
    assert receivable["total"] == books["total"] == "1531.34"
    # the foreign invoices: what is left in EUR beside its base amount in the books
    assert sorted((r["number"], r["currency"], r["outstanding"], r["base_outstanding"]) for r in receivable["rows"]
                  if r["party_number"] == beta) == [
        ("SINV-2026-000003", "EUR", "666.67", "733.34"), ("SINV-2026-000004", "EUR", "150.00", "168.00"),
    ]  # fmt: skip

    payable = api.get("invoicing/aging", kind="payable", as_of=AS_OF).json()
    books = api.get("accounting/reports/aging", kind="payable", as_of=AS_OF).json()
    expected = {parts: (_buckets(b30="200.00", b60="66.00"), "266.00")}
    assert _by_party(payable) == expected
    assert _books_by_account(books) == expected
    assert payable["buckets"] == books["buckets"] and payable["total"] == books["total"] == "266.00"


def test_the_desks_aging_page_and_its_files(tenant, other_tenant):
    from django.test import Client

    api = tenant.api
    acme = party(api, "Acme")["party_number"]
    made = invoice(api, acme, [line("1", "100")], date=day(3, 1), due_date=day(3, 31))
    pay(api, acme, "30", [(made["id"], "30")], date=day(4, 1))
    pay(api, acme, "15", date=day(4, 20))  # an advance
    invoice(other_tenant.api, party(other_tenant.api, "Other Co")["party_number"], [line("1", "999")])
    client = Client()
    client.force_login(tenant.owner)
    page = client.get("/invoicing/aging/", {"kind": "receivable", "as_of": AS_OF})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Receivables aging" in html and f"{acme} Acme" in html and "Other Co" not in html
    assert made["invoice_number"] in html and "RCPT-2026-000002" in html
    assert "Total Acme" in html and "55.00" in html  # 70.00 over 90 days − 15.00 in 61–90
    csv = client.get("/invoicing/aging/", {"kind": "receivable", "as_of": AS_OF, "format": "csv"})
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    text = b"".join(csv.streaming_content if csv.streaming else [csv.content]).decode("utf-8-sig")
    assert made["invoice_number"] in text and "-15.00" in text and "55.00" in text
    for fmt, kind in (("xlsx", "spreadsheet"), ("pdf", "pdf")):
        file = client.get("/invoicing/aging/", {"kind": "payable", "as_of": AS_OF, "format": fmt})
        assert file.status_code == 200 and kind in file["Content-Type"]
    refused = client.get("/invoicing/aging/", {"kind": "receivable", "as_of": "someday"})
    assert refused.status_code == 422 and "is not a date" in refused.content.decode()
    refused = client.get("/invoicing/aging/", {"kind": "owed", "as_of": AS_OF})
    assert refused.status_code == 422 and "receivable or payable" in refused.content.decode()
