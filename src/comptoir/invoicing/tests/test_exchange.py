"""Realized exchange differences, computed by hand to the cent. The organization keeps its books in USD; invoices
and payments are in EUR, each at its own rate. A settlement clears the invoice on the party's account at the
invoice's base amount (its share of what is open, the exact rest last); the difference is an exchange gain (4800,
a credit) or loss (6700, a debit); the party's account ends at 0.00 in USD and the trial balance balances."""

from __future__ import annotations

import pytest
from tests.support.api import make_tenant

from comptoir.accounting.models import JournalEntry, JournalLine, OpenItem
from comptoir.invoicing.models import Payment
from comptoir.invoicing.tests.factories import balances, day, get_invoice, invoice, line, party, pay
from comptoir.platform.services.configuration import set_setting
from comptoir.platform.tenancy import tenant_context

pytestmark = pytest.mark.django_db
EUR = {"currency": "EUR"}


@pytest.fixture
def usd(db):
    return make_tenant(currency="USD")


def _trial_balance(api) -> tuple[str, str]:
    response = api.get("accounting/reports/trial-balance", as_of=day(12, 31))
    assert response.status_code == 200, response.json()
    totals = response.json()["totals"]
    return totals["debit"], totals["credit"]


def _lines(tenant, payment_id) -> list[tuple[str, str, str, str]]:
    """(account, side, amount in its currency, base amount) of the payment's entry."""
    with tenant_context(tenant.organization):
        entry = Payment.objects.get(pk=payment_id).journal_entry_id
        rows = JournalLine.objects.filter(entry_id=entry).select_related("account").order_by("line_no")
        return [(r.account.code, r.entry_type, f"{r.amount:.2f}", f"{r.base_amount:.2f}") for r in rows]


def _open(tenant, code) -> list[str]:
    with tenant_context(tenant.organization):
        rows = OpenItem.objects.filter(account__code=code).exclude(outstanding=0)
        return sorted(f"{row.outstanding:.2f}" for row in rows)


def test_a_receipt_at_a_higher_rate_is_a_gain(usd):
    api = usd.api
    code = party(api, "Euro Buyer")["party_number"]
    sale = invoice(api, code, [line("1", "1000")], exchange_rate="1.10", **EUR)  # AR 1,100.00 USD
    receipt = pay(api, code, "1000", [(sale["id"], "1000")], exchange_rate="1.15", **EUR)  # the bank 1,150.00 USD
    assert receipt["status"] == "COMPLETED" and get_invoice(api, sale["id"])["status"] == "PAID"
    assert _lines(usd, receipt["id"]) == [
        ("1100", "DR", "1000.00", "1150.00"),
        (code, "CR", "1000.00", "1100.00"),  # the invoice's own base amount
        ("4800", "CR", "50.00", "50.00"),
    ]
    assert balances(usd, code, "1100", "4000", "4800") == {
        code: "0.00", "1100": "1150.00", "4000": "-1100.00", "4800": "-50.00"
    }  # fmt: skip
    assert _open(usd, code) == []
    assert _trial_balance(api) == ("1150.00", "1150.00")


def test_a_supplier_paid_at_a_higher_rate_is_a_loss(usd):
    api = usd.api
    code = party(api, "Euro Seller", party_type="SUPPLIER")["party_number"]
    bill = invoice(api, code, [line("1", "1000")], invoice_type="PURCHASE", exchange_rate="1.10", **EUR)
    paid = pay(api, code, "1000", [(bill["id"], "1000")], direction="OUTGOING", exchange_rate="1.15", **EUR)
    assert _lines(usd, paid["id"]) == [
        ("1100", "CR", "1000.00", "1150.00"),
        (code, "DR", "1000.00", "1100.00"),
        ("6700", "DR", "50.00", "50.00"),
    ]
    assert balances(usd, code, "1100", "6900", "6700") == {
        code: "0.00", "1100": "-1150.00", "6900": "1100.00", "6700": "50.00"
    }  # fmt: skip
    assert _trial_balance(api) == ("1150.00", "1150.00")


def test_two_partial_receipts_at_two_rates_leave_the_party_at_zero(usd):
    api = usd.api
    code = party(api, "Euro Buyer")["party_number"]
    sale = invoice(api, code, [line("1", "1000")], exchange_rate="1.10", **EUR)  # AR 1,100.00
    # 333.33 EUR at 1.15 = 383.33 USD; it settles 1,100.00 × 333.33 / 1,000 = 366.663 → 366.66: a gain of 16.67
    first = pay(api, code, "333.33", [(sale["id"], "333.33")], exchange_rate="1.15", date=day(3, 10), **EUR)
    assert _lines(usd, first["id"]) == [
        ("1100", "DR", "333.33", "383.33"),
        (code, "CR", "333.33", "366.66"),
        ("4800", "CR", "16.67", "16.67"),
    ]
    assert _open(usd, code) == ["733.34"]
    # 666.67 EUR at 1.05 = 700.0035 → 700.00 USD; it settles the rest, 733.34: a loss of 33.34
    second = pay(api, code, "666.67", [(sale["id"], "666.67")], exchange_rate="1.05", date=day(3, 20), **EUR)
    assert _lines(usd, second["id"]) == [
        ("1100", "DR", "666.67", "700.00"),
        (code, "CR", "666.67", "733.34"),
        ("6700", "DR", "33.34", "33.34"),
    ]
    assert get_invoice(api, sale["id"])["status"] == "PAID"
    assert balances(usd, code, "1100", "4800", "6700") == {
        code: "0.00", "1100": "1083.33", "4800": "-16.67", "6700": "33.34"
    }  # fmt: skip
    assert _open(usd, code) == []
    assert _trial_balance(api) == ("1116.67", "1116.67")


def test_an_advance_allocated_later_and_refunded(usd):
    api = usd.api
    code = party(api, "Euro Buyer")["party_number"]
    advance = pay(api, code, "500", exchange_rate="1.20", date=day(3, 1), **EUR)  # 600.00 USD on account
    sale = invoice(api, code, [line("1", "400")], exchange_rate="1.10", date=day(3, 5), **EUR)  # AR 440.00
    later = api.post(f"invoicing/payments/{advance['id']}/allocate",
                     {"allocations": [{"invoice": sale["id"], "amount": "400"}], "date": day(3, 15)})  # fmt: skip
    assert later.status_code == 200, later.json()
    # the JV takes 600.00 × 400 / 500 = 480.00 off the advance, settles the invoice's 440.00: a gain of 40.00
    with tenant_context(usd.organization):
        entry = JournalEntry.objects.get(source_type="invoicing.paymentallocation")
        rows = JournalLine.objects.filter(entry=entry).select_related("account").order_by("line_no")
        assert [(r.account.code, r.entry_type, f"{r.base_amount:.2f}") for r in rows] == [
            (code, "DR", "480.00"), (code, "CR", "440.00"), ("4800", "CR", "40.00"),
        ]  # fmt: skip
    assert get_invoice(api, sale["id"])["status"] == "PAID"
    assert balances(usd, code, "4800") == {code: "-120.00", "4800": "-40.00"}  # 100 EUR left at 1.20
    assert _open(usd, code) == ["-120.00"]
    # the refund reverses the receipt and the allocation, its exchange gain with them
    refunded = api.post(f"invoicing/payments/{advance['id']}/refund", {"date": day(3, 25)})
    assert refunded.status_code == 200, refunded.json()
    assert get_invoice(api, sale["id"])["balance_due"] == "400.00"
    assert balances(usd, code, "1100", "4800") == {code: "440.00", "1100": "0.00", "4800": "0.00"}
    assert _open(usd, code) == ["440.00"]
    assert _trial_balance(api)[0] == _trial_balance(api)[1]


def test_a_credit_note_at_another_rate_then_the_rest_paid(usd):
    api = usd.api
    code = party(api, "Euro Buyer")["party_number"]
    sale = invoice(api, code, [line("1", "1000")], exchange_rate="1.10", **EUR)  # AR 1,100.00
    # 200 EUR at 1.20: revenue back 240.00; it settles 1,100.00 × 200 / 1,000 = 220.00 of the invoice: a gain of 20
    note = invoice(api, code, [line("1", "200")], invoice_type="CREDIT_NOTE", original_invoice=sale["id"],
                   exchange_rate="1.20", date=day(3, 5), **EUR)  # fmt: skip
    assert note["credited_amount"] == "200.00"
    assert balances(usd, code, "4000", "4800") == {code: "880.00", "4000": "-860.00", "4800": "-20.00"}
    # the rest received at the invoice's rate: no difference
    receipt = pay(api, code, "800", [(sale["id"], "800")], exchange_rate="1.10", date=day(3, 20), **EUR)
    assert _lines(usd, receipt["id"]) == [("1100", "DR", "800.00", "880.00"), (code, "CR", "800.00", "880.00")]
    assert balances(usd, code) == {code: "0.00"}
    assert _open(usd, code) == []


def test_a_credit_notes_rest_refunded_at_another_rate(usd):
    api = usd.api
    code = party(api, "Euro Buyer")["party_number"]
    sale = invoice(api, code, [line("1", "100")], exchange_rate="1.10", **EUR)
    pay(api, code, "100", [(sale["id"], "100")], exchange_rate="1.10", **EUR)
    note = invoice(api, code, [line("1", "100")], invoice_type="CREDIT_NOTE", original_invoice=sale["id"],
                   exchange_rate="1.20", date=day(3, 12), **EUR)  # fmt: skip
    assert balances(usd, code) == {code: "-120.00"}  # nothing left to settle: 100 EUR on account at 1.20
    refund = pay(api, code, "100", [(note["id"], "100")], direction="OUTGOING", exchange_rate="1.25",
                 date=day(3, 20), **EUR)  # fmt: skip
    assert _lines(usd, refund["id"]) == [
        ("1100", "CR", "100.00", "125.00"),
        (code, "DR", "100.00", "120.00"),
        ("6700", "DR", "5.00", "5.00"),
    ]
    assert balances(usd, code) == {code: "0.00"}


def test_no_rate_refuses_the_payment(usd):
    api = usd.api
    code = party(api, "Euro Buyer")["party_number"]
    sale = invoice(api, code, [line("1", "1000")], exchange_rate="1.10", **EUR)
    refused = pay(api, code, "1000", [(sale["id"], "1000")], expect=422, **EUR)
    assert (refused["code"], refused["errors"][0]["field"]) == ("missing_exchange_rate", "exchange_rate")
    with tenant_context(usd.organization):
        assert not Payment.objects.exists()
    assert get_invoice(api, sale["id"])["balance_due"] == "1000.00"


def test_an_exchange_account_that_is_missing_refuses_the_payment(usd):
    api = usd.api
    code = party(api, "Euro Buyer")["party_number"]
    sale = invoice(api, code, [line("1", "1000")], exchange_rate="1.10", **EUR)
    with tenant_context(usd.organization, user=usd.owner):
        set_setting(actor=usd.owner, key="invoicing.exchange_gain_account", value="4890")
    refused = pay(api, code, "1000", [(sale["id"], "1000")], exchange_rate="1.15", expect=422, **EUR)
    assert (refused["code"], refused["errors"][0]["field"]) == ("unknown", "account")
    with tenant_context(usd.organization):
        assert not Payment.objects.exists() and not JournalEntry.objects.filter(journal_type__code="RCP").exists()
    assert get_invoice(api, sale["id"])["balance_due"] == "1000.00"
    assert balances(usd, code) == {code: "1100.00"}
