"""The AR/AP aging from the invoices' outstanding amounts (by party and bucket, as of a day), the customer
statement, the daily jobs (overdue marking, dunning levels with their notification, recurring invoices), the PDF in
English and Russian with the amount in words, and the e-mail with the PDF attached."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail

from comptoir.invoicing import tasks
from comptoir.invoicing.models import Invoice
from comptoir.invoicing.services.documents import amount_in_words
from comptoir.invoicing.services.schedules import dunning_level
from comptoir.invoicing.tests.factories import day, get_invoice, invoice, line, party, pay
from comptoir.platform.models import Notification
from comptoir.platform.tenancy import tenant_context

pytestmark = pytest.mark.django_db


def test_the_aging_buckets_the_outstanding_amounts_by_party(tenant):
    api = tenant.api
    acme, beta = party(api, "Acme"), party(api, "Beta")
    # due dates: Acme 01-31 (60 days before 04-01 → 31-60) and 03-25 (7 days: 0-30); Beta 05-01 (not due)
    old = invoice(api, acme["id"], [line("1", "100")], date=day(1, 1), due_date=day(1, 31))
    invoice(api, acme["id"], [line("1", "40")], date=day(3, 1), due_date=day(3, 25))
    invoice(api, beta["id"], [line("1", "250.50")], date=day(3, 2), due_date=day(5, 1))
    pay(api, acme["id"], "30", [(old["id"], "30")], date=day(2, 15))
    pay(api, acme["id"], "70", [(old["id"], "70")], date=day(4, 10))  # after the aging's day: still open then
    supplier = party(api, "Parts", party_type="SUPPLIER")
    invoice(api, supplier["id"], [line("1", "9")], invoice_type="PURCHASE", date=day(1, 5), due_date=day(1, 5))
    report = api.get("invoicing/aging", kind="receivable", as_of=day(4, 1)).json()
    assert [(r["number"], r["outstanding"], r["days_overdue"], r["bucket"]) for r in report["rows"]] == [
        ("SINV-2026-000001", "70.00", 60, "31-60"),
        ("SINV-2026-000002", "40.00", 7, "0-30"),
        ("SINV-2026-000003", "250.50", 0, "not_due"),
    ]
    assert [(p["name"], p["total"], p["buckets"]["31-60"]) for p in report["parties"]] == [
        ("Acme", "110.00", "70.00"), ("Beta", "250.50", "0.00"),
    ]  # fmt: skip
    assert report["buckets"] == {"not_due": "250.50", "0-30": "40.00", "31-60": "70.00", "61-90": "0.00", "90+": "0.00"}
    assert report["total"] == "360.50"
    later = api.get("invoicing/aging", kind="receivable", as_of=day(4, 30)).json()
    assert later["total"] == "290.50"  # the 70 paid on 04-10 is gone
    payable = api.get("invoicing/aging", kind="payable", as_of=day(4, 1)).json()
    assert [(r["party_name"], r["outstanding"], r["bucket"]) for r in payable["rows"]] == [("Parts", "9.00", "61-90")]
    statement = api.get(f"invoicing/statements/{acme['id']}", date_from=day(1, 1), date_to=day(12, 31)).json()
    assert (statement["closing_balance"], len(statement["lines"])) == ("40.00", 4)
    assert [(i["invoice_number"], i["balance_due"]) for i in statement["open_invoices"]] == [
        ("SINV-2026-000002", "40.00")
    ]


def test_the_daily_job_marks_overdue_invoices_and_raises_dunning(tenant):
    api = tenant.api
    customer = party(api, "Acme")
    late = invoice(api, customer["id"], [line("1", "100")], date=day(3, 1), due_date=day(3, 1))
    partly = invoice(api, customer["id"], [line("1", "100")], date=day(3, 1), due_date=day(3, 20))
    pay(api, customer["id"], "50", [(partly["id"], "50")])
    invoice(api, customer["id"], [line("1", "100")], date=day(3, 1), due_date=day(12, 31))
    with tenant_context(tenant.organization):
        tasks.run_daily(datetime.date(2026, 4, 5))  # 35 days past the first due date, 16 past the second
    first, second = get_invoice(api, late["id"]), get_invoice(api, partly["id"])
    assert (first["status"], first["dunning_level"]) == ("OVERDUE", 2)  # 35 ≥ 7 and 30
    assert (second["status"], second["dunning_level"]) == ("OVERDUE", 1)
    with tenant_context(tenant.organization):
        assert Invoice.objects.filter(status="SUBMITTED").count() == 1
        titles = sorted(Notification.objects.values_list("title", flat=True))
        assert titles == ["Invoice SINV-2026-000001: dunning level 2", "Invoice SINV-2026-000002: dunning level 1"]
        tasks.run_daily(datetime.date(2026, 4, 6))  # nothing new to raise
        assert Notification.objects.count() == 2
    paid = pay(api, customer["id"], "50", [(partly["id"], "50")])
    assert paid["status"] == "COMPLETED" and get_invoice(api, partly["id"])["status"] == "PAID"
    assert [dunning_level(d, [7, 30, 60]) for d in (0, 6, 7, 29, 30, 60, 400)] == [0, 0, 1, 1, 2, 3, 3]


def test_a_recurring_schedule_makes_its_invoices(tenant):
    api = tenant.api
    customer = party(api, "Acme")
    template = invoice(api, customer["id"], [line("1", "99", description="Hosting")], date=day(1, 1))
    made = api.post("invoicing/recurring-invoices", {"name": "Hosting", "template": template["invoice_number"],
                                                     "frequency": "MONTHLY", "start_date": day(2, 1),
                                                     "end_date": day(4, 15), "auto_submit": True})  # fmt: skip
    assert made.status_code == 201, made.json()
    with tenant_context(tenant.organization):
        tasks.run_daily(datetime.date(2026, 3, 15))
    listed = api.get("invoicing/invoices", party=customer["party_number"]).json()["items"]
    assert sorted((i["invoice_date"], i["invoice_number"], i["total_amount"]) for i in listed) == [
        (day(1, 1), "SINV-2026-000001", "99.00"),
        (day(2, 1), "SINV-2026-000002", "99.00"),
        (day(3, 1), "SINV-2026-000003", "99.00"),
    ]
    schedule = api.get(f"invoicing/recurring-invoices/{made.json()['id']}").json()
    assert (schedule["next_date"], schedule["invoices_made"]) == (day(4, 1), 2)


def test_the_pdf_in_english_and_russian_and_the_email_with_it(tenant, django_capture_on_commit_callbacks):
    api = tenant.api
    customer = party(api, "Acme", email="billing@acme.example")
    made = invoice(api, customer["id"], [line("2", "617.28", description="Consulting")])
    assert amount_in_words(Decimal("1234.56"), "EUR", 2) == "One thousand, two hundred and thirty-four EUR 56/100"
    assert amount_in_words(Decimal("1234.56"), "RUB", 2, "ru") == "Одна тысяча двести тридцать четыре RUB 56/100"
    for language in ("en", "ru"):
        pdf = api.get(f"invoicing/invoices/{made['id']}/pdf", language=language)
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF") and "SINV-2026-000001.pdf" in pdf["Content-Disposition"]
    with django_capture_on_commit_callbacks(execute=True):
        sent = api.post(f"invoicing/invoices/{made['id']}/send", {"language": "en"})
    assert sent.status_code == 200 and sent.json()["sent_at"] is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["billing@acme.example"] and "SINV-2026-000001" in message.subject
    assert message.attachments[0][0] == "SINV-2026-000001.pdf" and message.attachments[0][1].startswith(b"%PDF")
    draft = invoice(api, customer["id"], [line()], submit=False)
    refused = api.post(f"invoicing/invoices/{draft['id']}/send")
    assert refused.status_code == 409 and len(mail.outbox) == 1
