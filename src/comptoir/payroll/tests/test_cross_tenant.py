"""Every payroll endpoint answers 404 for another organization's rows; nothing of theirs changes."""

import pytest

from comptoir.payroll.models import PayrollRun
from comptoir.payroll.tests.factories import YEAR, month_with_two, ok
from comptoir.platform.tenancy import tenant_context

ENDPOINTS = [
    ("get", "payroll/pay-heads/{head}", None),
    ("patch", "payroll/pay-heads/{head}", {"name": "Mine"}),
    ("get", "payroll/pay-structures/{structure}", None),
    ("patch", "payroll/pay-structures/{structure}", {"amount": "1"}),
    ("get", "payroll/runs/{run}", None),
    ("patch", "payroll/runs/{run}", {"name": "Mine"}),
    ("post", "payroll/runs/{run}/process", None),
    ("post", "payroll/runs/{run}/recompute", None),
    ("post", "payroll/runs/{run}/reopen", {}),
    ("post", "payroll/runs/{run}/post", None),
    ("post", "payroll/runs/{run}/pay", {}),
    ("post", "payroll/runs/{run}/cancel", {}),
    ("get", "payroll/runs/{run}/register", None),
    ("get", "payroll/runs/{run}/bank-file", None),
    ("get", "payroll/payslips/{payslip}", None),
    ("get", "payroll/payslips/{payslip}/pdf", None),
    ("post", "payroll/payslips/{payslip}/email", None),
]


@pytest.fixture
def theirs(other_tenant):
    data = month_with_two(other_tenant.api)
    api = other_tenant.api
    return {
        "head": ok(api.get("payroll/pay-heads"))["items"][0]["id"],
        "structure": ok(api.get("payroll/pay-structures"))["items"][0]["id"],
        "run": data["run"]["id"],
        "payslip": data["run"]["payslips"][0]["id"],
    }


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_another_organizations_rows_are_not_found(tenant, other_tenant, theirs, method, path, body):
    response = tenant.api.request(method, path.format(**theirs), body)
    assert response.status_code == 404 and response.json()["code"] == "not_found", response.json()
    with tenant_context(other_tenant.organization):
        run = PayrollRun.objects.get(pk=theirs["run"])
        assert (run.name, run.status) == ("March payroll", "PROCESSED")


def test_another_organizations_rows_are_not_listed(tenant, theirs):
    api = tenant.api
    for path in ("payroll/runs", "payroll/payslips", "payroll/pay-structures"):
        assert ok(api.get(path))["items"] == [], path
    assert {h["code"] for h in ok(api.get("payroll/pay-heads"))["items"]} == {
        "BASIC", "ALLOWANCE", "BONUS", "OVERTIME", "TAX", "DEDUCTION"}  # fmt: skip
    assert ok(api.get("payroll/reports/yearly-summary", year=YEAR))["rows"] == []
    refused = api.post("payroll/pay-structures", {"employee": "EMP-000001", "pay_head": theirs["head"],
                                                  "amount": "1", "effective_from": f"{YEAR}-01-01"})  # fmt: skip
    assert refused.status_code == 422 and refused.json()["code"] == "unknown"
