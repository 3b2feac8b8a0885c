"""The demo's payroll, a payslip's PDF and e-mail, the bank payment file and the reports' files."""

from __future__ import annotations

import datetime

from django.core import mail

from comptoir.payroll.models import PayrollRun
from comptoir.payroll.services.demo import seed_demo_payroll
from comptoir.payroll.tests.factories import YEAR, employee, month_with_two, ok
from comptoir.platform.tenancy import tenant_context


def test_the_demo_pays_every_month_before_today(tenant):
    for n in range(3):
        employee(tenant.api, f"D{n}", "Demo", hire_date=f"{YEAR - 1}-06-01")
    today = datetime.date(YEAR, 4, 10)
    with tenant_context(tenant.organization, user=tenant.owner):
        assert seed_demo_payroll(actor=tenant.owner, today=today) == 3
        runs = list(PayrollRun.objects.order_by("pay_period_start").values_list("id", "status", "employee_count"))
        assert seed_demo_payroll(actor=tenant.owner, today=today) == 0
    assert [row[1:] for row in runs] == [("PAID", 3), ("PAID", 3), ("POSTED", 3)]
    # every demo employee has a bank account: the latest run's bank file lists them all
    bank_file = tenant.api.get(f"payroll/runs/{runs[-1][0]}/bank-file")
    assert bank_file.status_code == 200 and len(b"".join(bank_file.streaming_content).decode().splitlines()) == 4


def test_payslip_pdf_email_bank_file_and_reports(tenant, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    api = tenant.api
    data = month_with_two(api)
    run_id, slip = data["run"]["id"], data["run"]["payslips"][0]
    pdf = api.get(f"payroll/payslips/{slip['id']}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    ok(api.patch(f"hr/employees/{slip['employee']['id']}", {"email": "ada@example.com"}))
    ok(api.post(f"payroll/runs/{run_id}/post"))
    with django_capture_on_commit_callbacks(execute=True):
        sent = ok(api.post(f"payroll/payslips/{slip['id']}/email"))
    assert sent == {"sent_to": "ada@example.com"}
    assert len(mail.outbox) == 1 and mail.outbox[0].attachments[0][0] == f"{slip['payslip_number']}.pdf"
    # nobody has a bank account here: the bank file is refused (test_bank_details.py reads the file itself)
    assert api.get(f"payroll/runs/{run_id}/bank-file").json()["code"] == "missing_bank_account"
    register = api.get(f"payroll/runs/{run_id}/register", format="csv")
    assert register.status_code == 200 and len(b"".join(register.streaming_content).decode().splitlines()) == 3
    summary = ok(api.get("payroll/reports/yearly-summary", year=YEAR))
    assert summary["totals"]["net_salary"] == "4785.03" and len(summary["rows"]) == 2
    xlsx = api.get("payroll/reports/yearly-summary", year=YEAR, format="xlsx")
    assert xlsx.status_code == 200 and b"".join(xlsx.streaming_content)[:2] == b"PK"
