"""Builders for payroll's tests, through the real API."""

from __future__ import annotations

import datetime

from comptoir.platform.tenancy import tenant_context

YEAR = datetime.date.today().year  # the organization's current fiscal year: its periods are open
MARCH = (f"{YEAR}-03-01", f"{YEAR}-03-31")


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.json()
    return response.json()


def employee(api, first_name="Ada", last_name="Lovelace", hire_date=f"{YEAR - 1}-01-01", **fields) -> dict:
    body = {"first_name": first_name, "last_name": last_name, "hire_date": hire_date, "status": "ACTIVE", **fields}
    return ok(api.post("hr/employees", body), 201)


def structure(api, employee_ref, head, amount, effective_from=f"{YEAR - 1}-01-01", **fields) -> dict:
    body = {
        "employee": employee_ref,
        "pay_head": head,
        "amount": str(amount),
        "effective_from": effective_from,
        **fields,
    }
    return ok(api.post("payroll/pay-structures", body), 201)


def formula_heads(api) -> None:
    """HRA = BASIC × 0.40 (an earning) and TAX = (BASIC + HRA) × 0.10."""
    ok(
        api.post(
            "payroll/pay-heads",
            {
                "code": "HRA",
                "name": "House rent allowance",
                "pay_type": "EARNING",
                "is_fixed": False,
                "calculation_formula": "BASIC * 0.40",
                "sequence": 15,
            },
        ),
        201,
    )
    tax = next(h for h in ok(api.get("payroll/pay-heads"))["items"] if h["code"] == "TAX")
    ok(api.patch(f"payroll/pay-heads/{tax['id']}", {"is_fixed": False, "calculation_formula": "(BASIC + HRA) * 0.10"}))


def run(api, start=MARCH[0], end=MARCH[1], name="March payroll", payment_date=None) -> dict:
    body = {"name": name, "pay_period_start": start, "pay_period_end": end, "payment_date": payment_date or end}
    return ok(api.post("payroll/runs", body), 201)


def month_with_two(api) -> dict:
    """Ada (BASIC 3100, HRA, TAX, DEDUCTION 50) and Bob (BASIC 2000, TAX, hired on the 16th of March), a run
    for March processed."""
    formula_heads(api)
    ada = employee(api, "Ada", "Lovelace")
    bob = employee(api, "Bob", "Builder", hire_date=f"{YEAR}-03-16")
    for head, amount in (("BASIC", "3100"), ("HRA", "0"), ("TAX", "0"), ("DEDUCTION", "50")):
        structure(api, ada["employee_number"], head, amount)
    for head, amount in (("BASIC", "2000"), ("TAX", "0")):
        structure(api, bob["id"], head, amount, effective_from=f"{YEAR}-03-16")
    row = run(api)
    processed = ok(api.post(f"payroll/runs/{row['id']}/process"))
    return {"ada": ada, "bob": bob, "run": processed}


def count(tenant, model) -> int:
    with tenant_context(tenant.organization):
        return model.objects.count()
