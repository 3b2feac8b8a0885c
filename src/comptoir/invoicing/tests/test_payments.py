"""Payments through the API: allocations to one or more invoices (partial, full, advance, over-payment on account,
later allocation of an advance, refund), the receipt and payment entries settling the invoices' open items, the
invoices' paid amounts and statuses, and the refusals (over-allocation, cancelling a paid invoice…) writing
nothing."""

from __future__ import annotations

import pytest

from comptoir.accounting.models import JournalEntry, OpenItem
from comptoir.invoicing.models import Invoice, Payment, PaymentAllocation
from comptoir.invoicing.tests.factories import balances, day, get_invoice, invoice, line, party, pay
from comptoir.platform.tenancy import tenant_context

pytestmark = pytest.mark.django_db


def _open_items(tenant, account_code) -> list[str]:
    with tenant_context(tenant.organization):
        return sorted(
            f"{row.outstanding:.2f}"
            for row in OpenItem.objects.filter(account__code=account_code).exclude(outstanding=0)
        )


def test_a_receipt_settles_two_invoices_and_keeps_the_rest_on_account(tenant):
    api = tenant.api
    customer = party(api, "Acme")
    code = customer["party_number"]
    first = invoice(api, code, [line("1", "100")])
    second = invoice(api, code, [line("1", "80")])
    receipt = pay(api, code, "250", [(first["invoice_number"], "100"), (second["id"], "30")])
    assert (receipt["status"], receipt["payment_number"]) == ("COMPLETED", "RCPT-2026-000001")
    assert (receipt["allocated_amount"], receipt["unallocated_amount"]) == ("130.00", "120.00")
    a, b = get_invoice(api, first["id"]), get_invoice(api, second["id"])
    assert (a["status"], a["paid_amount"], a["balance_due"]) == ("PAID", "100.00", "0.00")
    assert (b["status"], b["paid_amount"], b["balance_due"]) == ("PARTIALLY_PAID", "30.00", "50.00")
    assert [p["payment_number"] for p in a["payments"]] == ["RCPT-2026-000001"]
    # the books: 180 billed, 250 received → the party owes −70 (70 on account); the bank holds 250
    assert balances(tenant, code, "1100") == {code: "-70.00", "1100": "250.00"}
    # open items: the second invoice's 50 and the 120 advance (a credit on the receivable side)
    assert _open_items(tenant, code) == ["-120.00", "50.00"]
    # the advance allocated later settles the second invoice
    later = api.post(f"invoicing/payments/{receipt['id']}/allocate",
                     {"allocations": [{"invoice": second["id"], "amount": "50"}], "date": day(3, 20)})  # fmt: skip
    assert later.status_code == 200, later.json()
    assert (later.json()["allocated_amount"], later.json()["unallocated_amount"]) == ("180.00", "70.00")
    assert get_invoice(api, second["id"])["status"] == "PAID"
    assert _open_items(tenant, code) == ["-70.00"]
    assert balances(tenant, code) == {code: "-70.00"}


def test_a_refund_reopens_the_invoices(tenant):
    api = tenant.api
    customer = party(api, "Acme")
    made = invoice(api, customer["id"], [line("1", "100")])
    receipt = pay(api, customer["id"], "100", [(made["id"], "100")], method="CASH")
    assert receipt["account"] == "1000" and get_invoice(api, made["id"])["status"] == "PAID"
    refunded = api.post(f"invoicing/payments/{receipt['id']}/refund")
    assert refunded.status_code == 200 and refunded.json()["status"] == "REFUNDED"
    after = get_invoice(api, made["id"])
    # nothing paid again, past its due date (March): overdue
    assert (after["status"], after["paid_amount"], after["balance_due"]) == ("OVERDUE", "0.00", "100.00")
    assert balances(tenant, customer["party_number"], "1000") == {customer["party_number"]: "100.00", "1000": "0.00"}
    assert _open_items(tenant, customer["party_number"]) == ["100.00"]


def test_a_card_payment_waits_and_its_allocation_holds_the_invoice(tenant):
    api = tenant.api
    customer = party(api, "Acme")
    made = invoice(api, customer["id"], [line("1", "100")])
    card = pay(api, customer["id"], "60", [(made["id"], "60")], method="CARD")
    assert (card["status"], card["payment_number"], card["journal_entry"]) == ("PENDING", None, None)
    assert get_invoice(api, made["id"])["paid_amount"] == "0.00"
    over = pay(api, customer["id"], "50", [(made["id"], "50")], expect=422)
    assert (over["code"], over["errors"][0]["field"]) == ("over_allocation", "allocations[0].amount")
    assert api.post(f"invoicing/payments/{card['id']}/process").json()["status"] == "PROCESSING"
    done = api.post(f"invoicing/payments/{card['id']}/complete").json()
    assert (done["status"], done["payment_number"]) == ("COMPLETED", "RCPT-2026-000001")
    assert get_invoice(api, made["id"])["status"] == "PARTIALLY_PAID"
    failed = pay(api, customer["id"], "40", [(made["id"], "40")], method="CHECK")
    assert api.post(f"invoicing/payments/{failed['id']}/fail").json()["status"] == "FAILED"
    assert pay(api, customer["id"], "40", [(made["id"], "40")])["status"] == "COMPLETED"  # the failed one freed it
    assert get_invoice(api, made["id"])["status"] == "PAID"


def test_a_supplier_is_paid_and_a_credit_note_is_refunded(tenant):
    api = tenant.api
    supplier = party(api, "Parts Co", party_type="SUPPLIER")
    bill = invoice(api, supplier["id"], [line("1", "200")], invoice_type="PURCHASE", supplier_invoice_number="B-1")
    paid = pay(api, supplier["id"], "200", [(bill["id"], "200")], direction="OUTGOING")
    assert paid["payment_number"] == "PAY-2026-000001" and get_invoice(api, bill["id"])["status"] == "PAID"
    assert balances(tenant, supplier["party_number"], "1100") == {supplier["party_number"]: "0.00", "1100": "-200.00"}
    customer = party(api, "Acme")
    sale = invoice(api, customer["id"], [line("1", "100")])
    pay(api, customer["id"], "100", [(sale["id"], "100")])
    note = invoice(api, customer["id"], [line("1", "25")], invoice_type="CREDIT_NOTE", original_invoice=sale["id"])
    assert (note["credited_amount"], note["balance_due"]) == ("0.00", "25.00")  # nothing left to settle: on account
    refund = pay(api, customer["id"], "25", [(note["id"], "25")], direction="OUTGOING")
    assert get_invoice(api, note["id"])["status"] == "PAID"
    assert refund["status"] == "COMPLETED"
    assert balances(tenant, customer["party_number"]) == {customer["party_number"]: "0.00"}


@pytest.mark.parametrize(
    ("case", "code", "field"),
    [
        ("over_invoice", "over_allocation", "allocations[0].amount"),
        ("over_payment", "over_allocation", "allocations"),
        ("other_party", "party_mismatch", "allocations[0].invoice"),
        ("purchase_invoice", "not_payable", "allocations[0].invoice"),
        ("draft", "not_payable", "allocations[0].invoice"),
        ("twice", "already_allocated", "allocations[1].invoice"),
        ("decimals", "too_many_decimals", "amount"),
        ("unknown_invoice", "unknown", "allocations[0].invoice"),
    ],
)
def test_payment_refusals_write_nothing(tenant, case, code, field):
    api = tenant.api
    customer = party(api, "Acme", party_type="BOTH")
    other = party(api, "Other")
    made = invoice(api, customer["id"], [line("1", "100")])
    foreign = invoice(api, other["id"], [line("1", "100")])
    bill = invoice(api, customer["id"], [line("1", "100")], invoice_type="PURCHASE")
    draft = invoice(api, customer["id"], [line("1", "100")], submit=False)
    amount, allocations = {
        "over_invoice": ("200", [(made["id"], "100.01")]),
        "over_payment": ("50", [(made["id"], "60")]),
        "other_party": ("100", [(foreign["id"], "10")]),
        "purchase_invoice": ("100", [(bill["id"], "10")]),
        "draft": ("100", [(draft["id"], "10")]),
        "twice": ("100", [(made["id"], "10"), (made["id"], "10")]),
        "decimals": ("10.001", []),
        "unknown_invoice": ("100", [("SINV-2026-999999", "10")]),
    }[case]
    with tenant_context(tenant.organization):
        before = (Payment.objects.count(), PaymentAllocation.objects.count(), JournalEntry.objects.count())
    refused = pay(api, customer["id"], amount, allocations, expect=422)
    assert (refused["code"], refused["errors"][0]["field"]) == (code, field), refused
    with tenant_context(tenant.organization):
        assert (Payment.objects.count(), PaymentAllocation.objects.count(), JournalEntry.objects.count()) == before
        assert Invoice.objects.get(pk=made["id"]).paid_amount == 0


def test_a_paid_invoice_is_not_cancelled(tenant):
    api = tenant.api
    customer = party(api, "Acme")
    made = invoice(api, customer["id"], [line("1", "100")])
    pay(api, customer["id"], "10", [(made["id"], "10")])
    refused = api.post(f"invoicing/invoices/{made['id']}/cancel")
    assert refused.status_code == 409 and refused.json()["code"] == "invoice_paid"
    pending = invoice(api, customer["id"], [line("1", "100")])
    pay(api, customer["id"], "10", [(pending["id"], "10")], method="CARD")
    held = api.post(f"invoicing/invoices/{pending['id']}/cancel")
    assert held.status_code == 409 and held.json()["code"] == "invoice_paid"
    with tenant_context(tenant.organization):
        assert set(Invoice.objects.values_list("status", flat=True)) == {"PARTIALLY_PAID", "SUBMITTED"}
        assert JournalEntry.objects.filter(status="REVERSED").count() == 0
