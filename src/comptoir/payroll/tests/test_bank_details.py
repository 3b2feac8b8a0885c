"""The bank payment file pays each employee to the primary bank account of their party, as it was when the run was
processed (a snapshot on the payslip, encrypted at rest, masked everywhere but the file); an employee without one
is a warning of the run and stops the file (422 missing_bank_account, naming them)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from comptoir.hr.tests.factories import linked
from comptoir.parties.tests.factories import IBAN
from comptoir.payroll.tests.factories import MARCH, YEAR, employee, ok, run, structure
from comptoir.platform.models import AuditLog
from comptoir.platform.tenancy import tenant_context

ADA_NUMBER = "0011 2233 4455"


def _bank(api, person, **body) -> dict:
    return ok(api.post(f"parties/{person['party']}/bank-accounts", body), 201)


def _csv(response) -> str:
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content).decode()


@pytest.fixture
def staff(tenant) -> dict:
    api = tenant.api
    ada, ada_user, ada_api = linked(tenant, first_name="Ada", last_name="Lovelace", hire_date=f"{YEAR - 1}-01-01")
    bob = employee(api, "Bob", "Builder")
    _bank(api, ada, account_number=ADA_NUMBER, iban=IBAN, swift_code="BNPAFRPP", bank_name="BNP")
    for person, amount in ((ada, "3100"), (bob, "2000")):
        structure(api, person["id"], "BASIC", amount)
    processed = ok(api.post(f"payroll/runs/{run(api)['id']}/process"))
    slips = {s["employee"]["id"]: s for s in processed["payslips"]}
    return {"ada": ada, "ada_user": ada_user, "ada_api": ada_api, "bob": bob, "run": processed,
            "ada_slip": slips[ada["id"]]["id"], "bob_slip": slips[bob["id"]]["id"]}  # fmt: skip


def test_an_employee_without_a_bank_account_is_a_warning_and_stops_the_bank_file(tenant, staff):
    api, run_id, bob = tenant.api, staff["run"]["id"], staff["bob"]
    assert staff["run"]["warnings"] == [
        {
            "code": "missing_bank_account",
            "employee": bob["employee_number"],
            "message": f"Bob Builder ({bob['employee_number']}) has no primary bank account",
        }
    ]
    ok(api.post(f"payroll/runs/{run_id}/post"))
    with tenant_context(tenant.organization):
        exports = AuditLog.objects.filter(action="EXPORT").count()
    refused = api.get(f"payroll/runs/{run_id}/bank-file")
    assert refused.status_code == 422
    assert refused.json()["errors"][0] == {
        "field": "bank_account",
        "code": "missing_bank_account",
        "message": f"No bank payment file while employees have no bank account: {bob['employee_number']}",
    }
    with tenant_context(tenant.organization):
        assert AuditLog.objects.filter(action="EXPORT").count() == exports  # nothing was read out
    # the desk's link goes back to the run's page and says why
    client = Client()
    client.force_login(tenant.owner)
    page = client.get(f"/payroll/files/runs/{run_id}/bank-payments.csv", follow=True)
    assert page.redirect_chain[-1][0] == f"/payroll/runs/{run_id}/"
    assert "have no bank account" in page.content.decode()


def test_the_bank_file_pays_to_the_snapshot_of_each_primary_account(tenant, staff):
    api, run_id = tenant.api, staff["run"]["id"]
    ada, bob = staff["ada"], staff["bob"]
    bob_bank = _bank(api, bob, account_number="9988776655", bank_name="Crédit Agricole")
    assert ok(api.post(f"payroll/runs/{run_id}/recompute"))["warnings"] == []
    ok(api.post(f"payroll/runs/{run_id}/post"))
    # changed after processing: the payslip keeps what the run was processed with
    ok(api.patch(f"parties/{bob['party']}/bank-accounts/{bob_bank['id']}", {"account_number": "1111222233"}))
    body = _csv(api.get(f"payroll/runs/{run_id}/bank-file"))
    assert body == (
        "payslip_number,employee,name,bank_name,account_number,iban,swift_code,amount,currency,payment_date\r\n"
        f"PS-{YEAR}0301-{ada['employee_number']},{ada['employee_number']},Ada Lovelace,BNP,001122334455,"
        f"FR7630006000011234567890189,BNPAFRPP,3100.00,EUR,{MARCH[1]}\r\n"
        f"PS-{YEAR}0301-{bob['employee_number']},{bob['employee_number']},Bob Builder,Crédit Agricole,9988776655,,,"
        f"2000.00,EUR,{MARCH[1]}\r\n"
    )
    with tenant_context(tenant.organization):
        assert AuditLog.objects.filter(action="EXPORT", metadata__bank_file=run_id).exists()
        with connection.cursor() as cursor:
            cursor.execute("SELECT bank_account_number_encrypted || bank_iban_encrypted FROM payroll_payslip")
            stored = " ".join(row[0] for row in cursor.fetchall())
    assert "001122334455" not in stored and "9988776655" not in stored and "30006000" not in stored


def test_the_bank_account_is_masked_and_only_the_employees_own(tenant, staff):
    slip = ok(tenant.api.get(f"payroll/payslips/{staff['ada_slip']}"))
    assert (slip["bank_name"], slip["bank_account"], slip["bank_iban"], slip["bank_swift_code"]) == (
        "BNP",
        "••••4455",
        "FR76••••0189",
        "BNPAFRPP",
    )
    run_body = tenant.api.get(f"payroll/runs/{staff['run']['id']}").content.decode()
    assert "001122334455" not in run_body and "30006000" not in run_body
    ada_api = staff["ada_api"]
    own = ok(ada_api.get(f"payroll/payslips/{staff['ada_slip']}"))
    assert own["bank_account"] == "••••4455" and "001122334455" not in str(own)
    assert ada_api.get(f"payroll/payslips/{staff['bob_slip']}").status_code == 404
    assert ada_api.get(f"payroll/runs/{staff['run']['id']}/bank-file").status_code == 403
    client = Client()
    client.force_login(staff["ada_user"])
    page = client.get(f"/payroll/payslips/{staff['ada_slip']}/").content.decode()
    assert "••••4455" in page and "001122334455" not in page
    assert client.get(f"/payroll/files/runs/{staff['run']['id']}/bank-payments.csv").status_code in (403, 404)
