"""Invoices through the API: figures to the cent (lines, discounts, taxes with per-line and per-document rounding,
composite taxes), the journal entry of each type, numbering per type, notes against originals, drafts edited and
submitted ones refused, every refusal writing nothing."""

from __future__ import annotations

import pytest

from comptoir.accounting.models import JournalEntry
from comptoir.invoicing.models import Invoice, InvoiceLine
from comptoir.invoicing.tests.factories import balances, day, get_invoice, invoice, line, party, product, tax_rate
from comptoir.platform.tenancy import tenant_context

pytestmark = pytest.mark.django_db


def _entry_lines(tenant, entry_id) -> list[tuple[str, str, str]]:
    with tenant_context(tenant.organization):
        entry = JournalEntry.objects.get(pk=entry_id)
        return sorted(
            (line.account.code, line.entry_type, f"{line.amount:.2f}") for line in entry.lines.select_related("account")
        )


def test_a_sales_invoice_posts_the_party_income_and_tax(tenant):
    api = tenant.api
    customer = party(api, "Acme", credit_days=15)
    tax_rate(api, "VAT12", "12")
    product(api, "WIDGET", list_price="10")
    made = invoice(
        api,
        customer["party_number"],
        [line("3", "33.33", product="WIDGET", tax_rate="VAT12", discount_pct="10"), line("1", "50", description="Fee")],
    )
    # 3 × 33.33 = 99.99, −10 % = 10.00 → net 89.99, tax 12 % = 10.80 (10.7988); fee 50.00 untaxed
    assert (made["status"], made["invoice_number"]) == ("SUBMITTED", "SINV-2026-000001")
    assert (made["subtotal"], made["discount_amount"], made["tax_amount"], made["total_amount"]) == (
        "149.99", "10.00", "10.80", "150.79",
    )  # fmt: skip
    assert (made["paid_amount"], made["balance_due"], made["due_date"]) == ("0.00", "150.79", day(3, 16))
    assert [(ln["net_amount"], ln["tax_amount"], ln["gross_amount"]) for ln in made["lines"]] == [
        ("89.99", "10.80", "100.79"), ("50.00", "0.00", "50.00"),
    ]  # fmt: skip
    assert _entry_lines(tenant, made["journal_entry"]) == [
        ("2100", "CR", "10.80"), ("4000", "CR", "50.00"), ("4000", "CR", "89.99"),
        (customer["party_number"], "DR", "150.79"),
    ]  # fmt: skip
    assert balances(tenant, customer["party_number"], "4000", "2100") == {
        customer["party_number"]: "150.79", "4000": "-139.99", "2100": "-10.80",
    }  # fmt: skip


def test_taxes_rounded_per_line_or_per_document(tenant):
    api = tenant.api
    customer = party(api, "Acme")
    tax_rate(api, "GST18", "18", components=(("CGST9", "9"), ("SGST9", "9")))
    lines = [line("1", "0.05", tax_rate="GST18") for _ in range(3)]
    # per line: 18 % of 0.05 = 0.009 → 0.01 each, 0.03 in all; CGST 0.01 (0.005 → 0.01) + SGST 0 per line
    per_line = invoice(api, customer["id"], lines)
    assert (per_line["tax_amount"], per_line["total_amount"]) == ("0.03", "0.18")
    assert [(t["code"], t["amount"]) for t in per_line["taxes"]] == [("CGST9", "0.03"), ("SGST9", "0.00")]
    assert api.request("put", "platform/settings/invoicing.tax_rounding", {"value": "DOCUMENT"}).status_code == 200
    # per document: 18 % of 0.15 = 0.027 → 0.03, spread 0.01 per line; CGST half of it 0.015 → 0.02, SGST the rest
    per_document = invoice(api, customer["id"], lines)
    assert (per_document["tax_amount"], per_document["total_amount"]) == ("0.03", "0.18")
    assert [ln["tax_amount"] for ln in per_document["lines"]] == ["0.01", "0.01", "0.01"]
    assert [(t["code"], t["amount"]) for t in per_document["taxes"]] == [("CGST9", "0.02"), ("SGST9", "0.01")]
    # where they differ: 7 lines of 0.10 at 5 %: per line 0.01 each (0.005 → 0.01) = 0.07; per document 0.035 → 0.04
    tax_rate(api, "VAT5", "5")
    sevens = [line("1", "0.10", tax_rate="VAT5") for _ in range(7)]
    assert invoice(api, customer["id"], sevens)["tax_amount"] == "0.04"
    assert api.request("put", "platform/settings/invoicing.tax_rounding", {"value": "LINE"}).status_code == 200
    assert invoice(api, customer["id"], sevens)["tax_amount"] == "0.07"


def test_a_purchase_invoice_posts_the_mirror_with_input_tax(tenant):
    api = tenant.api
    supplier = party(api, "Parts Co", party_type="SUPPLIER")
    tax_rate(api, "VAT12", "12", input_account="1400", output_account="2100")
    product(api, "BOLT")  # a stocked product: its purchase clears goods received
    made = invoice(
        api, supplier["id"], [line("10", "2.50", product="BOLT", tax_rate="VAT12"), line("1", "40", tax_rate="VAT12")],
        invoice_type="PURCHASE", supplier_invoice_number="B-77",
    )  # fmt: skip
    assert (made["invoice_number"], made["total_amount"]) == ("PINV-2026-000001", "72.80")
    assert _entry_lines(tenant, made["journal_entry"]) == [
        ("1400", "DR", "7.80"), ("2300", "DR", "25.00"), ("6900", "DR", "40.00"),
        (supplier["party_number"], "CR", "72.80"),
    ]  # fmt: skip


def test_a_proforma_is_numbered_and_posts_nothing(tenant):
    customer = party(tenant.api, "Acme")
    made = invoice(tenant.api, customer["id"], [line()], invoice_type="PROFORMA")
    assert (made["invoice_number"], made["journal_entry"], made["status"]) == ("PF-2026-000001", None, "SUBMITTED")


def test_notes_settle_their_original_and_never_exceed_it(tenant):
    api = tenant.api
    customer = party(api, "Acme")
    original = invoice(api, customer["id"], [line("1", "100")])
    note = invoice(api, customer["id"], [line("1", "30")], invoice_type="CREDIT_NOTE",
                   original_invoice=original["invoice_number"])  # fmt: skip
    assert (note["invoice_number"], note["credited_amount"], note["balance_due"]) == ("CN-2026-000001", "30.00", "0.00")
    assert _entry_lines(tenant, note["journal_entry"]) == [
        ("4000", "DR", "30.00"),
        (customer["party_number"], "CR", "30.00"),
    ]
    after = get_invoice(api, original["id"])
    assert (after["status"], after["credited_amount"], after["balance_due"]) == ("PARTIALLY_PAID", "30.00", "70.00")
    refused = invoice(api, customer["id"], [line("1", "70.01")], invoice_type="CREDIT_NOTE",
                      original_invoice=original["id"], expect=422)  # fmt: skip
    assert refused["code"] == "note_exceeds_original"
    rest = invoice(api, customer["id"], [line("1", "70")], invoice_type="CREDIT_NOTE", original_invoice=original["id"])
    assert rest["status"] == "SUBMITTED" and get_invoice(api, original["id"])["status"] == "PAID"
    assert balances(tenant, customer["party_number"]) == {customer["party_number"]: "0.00"}
    # cancelling the note gives back what it settled
    assert api.post(f"invoicing/invoices/{rest['id']}/cancel").status_code == 200
    assert get_invoice(api, original["id"])["balance_due"] == "70.00"


def test_a_draft_is_edited_and_a_submitted_invoice_is_immutable(tenant):
    api = tenant.api
    customer = party(api, "Acme")
    draft = invoice(api, customer["id"], [line("1", "10")], submit=False)
    assert (draft["status"], draft["invoice_number"], draft["journal_entry"]) == ("DRAFT", None, None)
    edited = api.patch(f"invoicing/invoices/{draft['id']}", {"lines": [line("2", "10"), line("1", "5")]})
    assert edited.status_code == 200 and edited.json()["total_amount"] == "25.00"
    submitted = api.post(f"invoicing/invoices/{draft['id']}/submit")
    assert submitted.status_code == 200 and submitted.json()["invoice_number"] == "SINV-2026-000001"
    refused = api.patch(f"invoicing/invoices/{draft['id']}", {"notes": "late"})
    assert refused.status_code == 409 and refused.json()["code"] == "not_editable"
    again = api.post(f"invoicing/invoices/{draft['id']}/submit")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    with tenant_context(tenant.organization):
        assert Invoice.objects.get().notes == "" and InvoiceLine.objects.count() == 2
        assert JournalEntry.objects.filter(source_id=draft["id"]).count() == 1


def test_cancelling_an_unpaid_invoice_reverses_its_entry(tenant):
    api = tenant.api
    customer = party(api, "Acme")
    made = invoice(api, customer["id"], [line("1", "100")])
    cancelled = api.post(f"invoicing/invoices/{made['id']}/cancel", {"reason": "wrong customer"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "CANCELLED"
    assert balances(tenant, customer["party_number"], "4000") == {customer["party_number"]: "0.00", "4000": "0.00"}
    with tenant_context(tenant.organization):
        assert JournalEntry.objects.get(pk=made["journal_entry"]).status == "REVERSED"


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"party": "SUPPLIER"}, "wrong_party_type", "party"),
        ({"invoice_type": "PURCHASE"}, "wrong_party_type", "party"),
        ({"party": "NOPE"}, "unknown", "party"),
        ({"due_date": day(2, 1)}, "invalid_dates", "due_date"),
        ({"lines": [{"quantity": "1", "unit_rate": "1"}]}, "required", "lines[0].description"),
        ({"lines": [line(product="NOPE")]}, "unknown", "lines[0].product"),
        ({"lines": [line(tax_rate="NOPE")]}, "unknown", "lines[0].tax_rate"),
        ({"lines": [line(), line(product="NOPE")]}, "unknown", "lines[1].product"),  # the products read at once
        ({"lines": [line(), line(tax_rate="NOPE"), line(tax_rate="NOPE")]}, "unknown", "lines[1].tax_rate"),
        ({"lines": [line(quantity="0")]}, "validation_error", "lines.0.quantity"),
        ({"lines": []}, "validation_error", "lines"),
        ({"invoice_type": "CREDIT_NOTE"}, "original_required", "original_invoice"),
        ({"original_invoice": "SINV-2026-000001"}, "wrong_original", "original_invoice"),
        ({"currency": "USD"}, "missing_exchange_rate", "exchange_rate"),
        ({"invoice_date": "2019-01-01", "due_date": "2019-01-31"}, "no_fiscal_period", "date"),
    ],
)
def test_invoice_refusals_write_nothing(tenant, change, code, field):
    api = tenant.api
    customer = party(api, "Acme")
    party(api, "Parts Co", party_type="SUPPLIER")
    invoice(api, customer["id"], [line()])
    body = {"party": customer["id"], **change}
    if body["party"] == "SUPPLIER":
        body["party"] = "P-000002"
    with tenant_context(tenant.organization):
        before = (Invoice.objects.count(), InvoiceLine.objects.count(), JournalEntry.objects.count())
    refused = invoice(api, body.pop("party"), body.pop("lines", [line()]), expect=422, **body)
    error = refused["errors"][0] if refused.get("errors") else {}
    assert refused["code"] == code or error.get("code") == code, refused
    assert error.get("field", "").endswith(field) or field in str(refused), refused
    with tenant_context(tenant.organization):
        assert (Invoice.objects.count(), InvoiceLine.objects.count(), JournalEntry.objects.count()) == before


def test_a_supplier_invoice_number_is_recorded_once_per_supplier(tenant):
    api = tenant.api
    supplier = party(api, "Parts Co", party_type="SUPPLIER")
    other = party(api, "Other Co", party_type="BOTH")
    invoice(api, supplier["id"], [line()], invoice_type="PURCHASE", supplier_invoice_number="B-1")
    invoice(api, other["id"], [line()], invoice_type="PURCHASE", supplier_invoice_number="B-1")
    refused = invoice(api, supplier["id"], [line()], invoice_type="PURCHASE", supplier_invoice_number="B-1", expect=422)
    assert (refused["code"], refused["errors"][0]["field"]) == ("duplicate", "supplier_invoice_number")
    with tenant_context(tenant.organization):
        assert Invoice.objects.count() == 2


def test_a_foreign_currency_invoice_posts_at_its_rate_and_balances_in_base(tenant):
    api = tenant.api
    customer = party(api, "Acme")
    tax_rate(api, "VAT12", "12")
    made = invoice(api, customer["id"], [line("1", "10.01", tax_rate="VAT12"), line("1", "10.01", tax_rate="VAT12")],
                   currency="USD", exchange_rate="1.5")  # fmt: skip
    # USD: nets 10.01 + 10.01, taxes 1.20 + 1.20 → 22.42; in EUR at 1.5: the party 33.63 (33.63); income 15.02 +
    # 15.02 (15.015 each), tax 3.60 = 33.64 → the 0.01 of rounding debited to the rounding account
    assert (made["currency"], made["total_amount"]) == ("USD", "22.42")
    with tenant_context(tenant.organization):
        entry = JournalEntry.objects.get(pk=made["journal_entry"])
        rows = sorted((ln.account.code, ln.entry_type, f"{ln.base_amount:.2f}") for ln in entry.lines.all())
    assert rows == [
        ("2100", "CR", "3.60"), ("4000", "CR", "15.02"), ("4000", "CR", "15.02"),
        ("4900", "DR", "0.01"), (customer["party_number"], "DR", "33.63"),
    ]  # fmt: skip


def test_a_debit_note_corrects_a_purchase_invoice(tenant):
    api = tenant.api
    supplier = party(api, "Parts Co", party_type="SUPPLIER")
    bill = invoice(api, supplier["id"], [line("1", "80")], invoice_type="PURCHASE", supplier_invoice_number="B-9")
    note = invoice(api, supplier["id"], [line("1", "20")], invoice_type="DEBIT_NOTE", original_invoice=bill["id"])
    assert (note["invoice_number"], note["credited_amount"]) == ("DBN-2026-000001", "20.00")
    assert _entry_lines(tenant, note["journal_entry"]) == [
        ("6900", "CR", "20.00"),
        (supplier["party_number"], "DR", "20.00"),
    ]
    after = get_invoice(api, bill["id"])
    assert (after["status"], after["balance_due"]) == ("PARTIALLY_PAID", "60.00")
    assert balances(tenant, supplier["party_number"]) == {supplier["party_number"]: "-60.00"}
    wrong = invoice(api, supplier["id"], [line("1", "1")], invoice_type="CREDIT_NOTE", original_invoice=bill["id"],
                    expect=422)  # fmt: skip
    assert wrong["code"] == "wrong_party_type"  # a credit note is a customer's
