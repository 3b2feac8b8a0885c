"""Hire to payroll, the HR half (payroll extends `hired_and_on_leave` with its run): post a job, hire a candidate
mid-month, take paid and unpaid leave, with every balance checked, and the figures payroll reads from
`hr.queries` (the employees of the period with their dates, unpaid leave days, the payable account)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from comptoir.hr import queries
from comptoir.platform.tenancy import tenant_context

YEAR = datetime.date.today().year + 1


@pytest.fixture
def hired_and_on_leave(tenant) -> dict:
    """A veteran employee and a candidate hired on the 16th of March; the joiner takes 2 days of annual leave and
    3 days of unpaid leave in March, both approved by HR."""
    api = tenant.api
    assert api.post("hr/departments", {"name": "Engineering", "code": "ENG"}).status_code == 201
    veteran = api.post("hr/employees", {"first_name": "Vera", "last_name": "Veteran", "hire_date": f"{YEAR - 2}-05-01",
                                        "department": "ENG", "status": "ACTIVE"}).json()  # fmt: skip
    posting = api.post("hr/job-postings", {"title": "Engineer", "description": "Build things", "department": "ENG"})
    assert posting.status_code == 201
    candidate = api.post("hr/candidates", {"job_posting": posting.json()["id"], "first_name": "Jo",
                                           "last_name": "Joiner", "email": "jo@example.com"}).json()  # fmt: skip
    for stage in ("SCREENING", "INTERVIEW", "OFFERED"):
        assert api.post(f"hr/candidates/{candidate['id']}/status", {"status": stage}).status_code == 200
    hired = api.post(f"hr/candidates/{candidate['id']}/hire",
                     {"hire_date": f"{YEAR}-03-16", "reports_to": veteran["id"]}).json()  # fmt: skip
    joiner = api.get(f"hr/employees/{hired['hired_employee']}").json()
    assert joiner["status"] == "ACTIVE" and joiner["department"]["code"] == "ENG"
    # accrued on hire: 24 days × 10 months left / 12 = 20 annual, 10 × 10 / 12 = 8.5 sick (to the half day)
    balances = {b["leave_type"]: b for b in api.get("hr/leave-balances", employee=joiner["id"]).json()["items"]}
    assert (balances["ANNUAL"]["total_days"], balances["SICK"]["total_days"]) == ("20.0", "8.5")
    paid = api.post("hr/leave-requests", {"employee": joiner["id"], "leave_type": "ANNUAL",
                                          "start_date": f"{YEAR}-03-19", "end_date": f"{YEAR}-03-20"}).json()  # fmt: skip  # noqa: E501
    unpaid = api.post("hr/leave-requests", {"employee": joiner["id"], "leave_type": "UNPAID",
                                            "start_date": f"{YEAR}-03-25", "end_date": f"{YEAR}-03-27"}).json()  # fmt: skip  # noqa: E501
    for leave in (paid, unpaid):
        assert api.post(f"hr/leave-requests/{leave['id']}/approve").json()["status"] == "APPROVED"
    return {"veteran": veteran, "joiner": joiner, "paid": paid, "unpaid": unpaid}


def test_hire_and_leave_give_payroll_its_figures(tenant, hired_and_on_leave):
    joiner, veteran = hired_and_on_leave["joiner"], hired_and_on_leave["veteran"]
    paid = hired_and_on_leave["paid"]
    march = (datetime.date(YEAR, 3, 1), datetime.date(YEAR, 3, 31))
    annual = tenant.api.get("hr/leave-balances", employee=joiner["id"], leave_type="ANNUAL").json()["items"][0]
    assert (annual["used_days"], annual["reserved_days"], annual["available_days"]) == (
        paid["total_days"], "0.0", str(Decimal("20.0") - Decimal(paid["total_days"])))  # fmt: skip
    assert tenant.api.get("hr/leave-balances", employee=joiner["id"], leave_type="UNPAID").json()["items"] == []
    with tenant_context(tenant.organization):
        period = {e.id.hex: e for e in queries.employees_in_period(*march)}
        assert set(period) == {uuid_hex(joiner["id"]), uuid_hex(veteran["id"])}
        assert period[uuid_hex(joiner["id"])].hire_date == datetime.date(YEAR, 3, 16)
        assert queries.unpaid_leave_days(joiner["id"], *march) == Decimal(3)
        assert queries.unpaid_leave_days(joiner["id"], datetime.date(YEAR, 3, 26), march[1]) == Decimal(2)
        assert queries.unpaid_leave_days(veteran["id"], *march) == Decimal(0)
        party, account = queries.employee_account(joiner["id"])
    assert str(party) == joiner["party"]
    assert tenant.api.get(f"accounting/accounts/{account}").json()["code"] == joiner["account"]
    assert queries_before_hire_exclude_joiner(tenant, joiner)


def uuid_hex(value: str) -> str:
    return value.replace("-", "")


def queries_before_hire_exclude_joiner(tenant, joiner) -> bool:
    with tenant_context(tenant.organization):
        february = queries.employees_in_period(datetime.date(YEAR, 2, 1), datetime.date(YEAR, 2, 28))
    return str(joiner["id"]) not in {str(e.id) for e in february}


# ---- the payroll half ------------------------------------------------------------------------------------------


def _ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.json()
    return response.json()


def test_hire_to_payroll_march_posted_and_paid_to_the_cent(tenant, hired_and_on_leave):
    """March of YEAR: the veteran paid the whole month; the joiner (hired on the 16th, 3 days of unpaid leave)
    13 of 31 days. Heads: BASIC and ALLOWANCE fixed, HRA = BASIC × 0.40, TAX = (BASIC + HRA) × 0.10, DEDUCTION
    fixed. One journal entry for the run, a payment per payslip from the bank, the ledger checked to the cent."""
    api = tenant.api
    veteran, joiner = hired_and_on_leave["veteran"], hired_and_on_leave["joiner"]
    _ok(api.post("accounting/fiscal-years", {"name": f"FY{YEAR}", "start_date": f"{YEAR}-01-01",
                                             "end_date": f"{YEAR}-12-31"}), 201)  # fmt: skip
    _ok(api.post("payroll/pay-heads", {"code": "HRA", "name": "House rent allowance", "pay_type": "EARNING",
                                       "is_fixed": False, "calculation_formula": "BASIC * 0.40", "sequence": 15}), 201)  # fmt: skip  # noqa: E501
    tax = next(h for h in _ok(api.get("payroll/pay-heads"))["items"] if h["code"] == "TAX")
    _ok(api.patch(f"payroll/pay-heads/{tax['id']}", {"is_fixed": False, "calculation_formula": "(BASIC + HRA) * 0.10"}))
    since = f"{YEAR - 1}-01-01"
    for head, amount in (("BASIC", "3100"), ("HRA", "0"), ("TAX", "0"), ("DEDUCTION", "50")):
        _ok(api.post("payroll/pay-structures", {"employee": veteran["employee_number"], "pay_head": head,
                                                "amount": amount, "effective_from": since}), 201)  # fmt: skip
    for head, amount in (("BASIC", "2000"), ("ALLOWANCE", "310"), ("TAX", "0")):
        _ok(api.post("payroll/pay-structures", {"employee": joiner["id"], "pay_head": head, "amount": amount,
                                                "effective_from": f"{YEAR}-03-16"}), 201)  # fmt: skip
    run = _ok(api.post("payroll/runs", {"name": f"March {YEAR}", "pay_period_start": f"{YEAR}-03-01",
                                        "pay_period_end": f"{YEAR}-03-31", "payment_date": f"{YEAR}-03-31"}), 201)  # fmt: skip  # noqa: E501
    run = _ok(api.post(f"payroll/runs/{run['id']}/process"))
    slips = {s["employee"]["id"]: s for s in run["payslips"]}
    vet, new = slips[veteran["id"]], slips[joiner["id"]]
    lines = {k: {line["code"]: line["amount"] for line in s["lines"]} for k, s in (("vet", vet), ("new", new))}
    assert lines["vet"] == {"BASIC": "3100.00", "HRA": "1240.00", "TAX": "434.00", "DEDUCTION": "50.00"}
    # 16 days employed less 3 unpaid = 13 of 31: 2000 × 13/31 = 838.709… → 838.71; 310 × 13/31 = 130.00
    assert (new["days_paid"], new["unpaid_leave_days"]) == ("13.00", "3.00")
    assert lines["new"] == {"BASIC": "838.71", "ALLOWANCE": "130.00", "TAX": "83.87"}
    assert (vet["net_salary"], new["net_salary"]) == ("3856.00", "884.84")
    assert (run["total_earnings"], run["total_deductions"], run["net_pay"]) == ("5308.71", "567.87", "4740.84")

    run = _ok(api.post(f"payroll/runs/{run['id']}/post"))
    entry = _ok(api.get(f"accounting/journal-entries/{run['journal_entry']}"))
    assert sorted((line["account_code"], line["entry_type"], line["amount"]) for line in entry["lines"]) == sorted([
        ("6000", "DR", "5308.71"), (veteran["account"], "CR", "3856.00"), (joiner["account"], "CR", "884.84"),
        ("2100", "CR", "517.87"), ("2250", "CR", "50.00")])  # fmt: skip
    run = _ok(api.post(f"payroll/runs/{run['id']}/pay", {"bank_account": "1100"}))
    assert run["status"] == "PAID" and {s["status"] for s in run["payslips"]} == {"PAID"}
    trial = _ok(api.get("accounting/reports/trial-balance", as_of=f"{YEAR}-03-31"))
    balances = {r["account"]: r["balance"] for r in trial["rows"]}
    assert (balances["6000"], balances["1100"], balances["2100"], balances["2250"]) == (
        "5308.71", "-4740.84", "-517.87", "-50.00")  # fmt: skip
    assert balances.get(veteran["account"], "0.00") == "0.00" and balances.get(joiner["account"], "0.00") == "0.00"
    assert trial["totals"]["debit"] == trial["totals"]["credit"]
