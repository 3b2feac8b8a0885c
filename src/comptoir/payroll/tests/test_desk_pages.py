"""The run's desk page: created from the form, moved by its buttons (process, post, pay), showing its register and
totals; a refusal shown next to its field; the payslip page with its lines and PDF link."""

from __future__ import annotations

from django.test import Client

from comptoir.payroll.tests.factories import MARCH, employee, ok, structure


def test_a_run_from_the_desk_form_to_paid(tenant):
    api = tenant.api
    ada = employee(api, "Ada", "Lovelace")
    structure(api, ada["id"], "BASIC", "3100")
    client = Client()
    client.force_login(tenant.owner)
    form = {"name": "March payroll", "pay_period_start": MARCH[0], "pay_period_end": MARCH[1],
            "payment_date": MARCH[1]}  # fmt: skip
    created = client.post("/payroll/runs/new/", form)
    assert created.status_code == 302, created.content.decode()[:2000]
    page_url = created["Location"]
    again = client.post("/payroll/runs/new/", form).content.decode()
    assert 'data-testid="error-pay_period_start"' in again
    page = client.get(page_url).content.decode()
    assert "Process" in page and "Post" not in page.split("Process", 1)[1][:20]
    for action in ("process", "post", "pay"):
        moved = client.post(f"{page_url}{action}/", {})
        assert moved.status_code == 302, (action, moved.content.decode()[:2000])
    page = client.get(page_url).content.decode()
    assert "Payroll register" in page and "Lovelace" in page and "3,100.00" in page
    assert "Bank payment file (CSV)" in page
    run = ok(api.get("payroll/runs"))["items"][0]
    assert run["status"] == "PAID"
    slip = ok(api.get("payroll/payslips"))["items"][0]
    detail = client.get(f"/payroll/payslips/{slip['id']}/").content.decode()
    assert "BASIC" in detail and f"/payroll/files/payslips/{slip['id']}.pdf" in detail
