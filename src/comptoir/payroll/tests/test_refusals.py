"""Every rule of payroll refused with its code, writing nothing: an invalid formula, an overlapping structure, a
second run for a period, a run in a closed period, editing a run past DRAFT, moves its state does not allow."""

from __future__ import annotations

import pytest

from comptoir.accounting.models import JournalEntry
from comptoir.payroll.models import EmployeePayStructure, PayHead, PayrollRun, Payslip
from comptoir.payroll.tests.factories import MARCH, YEAR, count, employee, month_with_two, ok, run, structure
from comptoir.platform.models import AuditLog


def _nothing_written(tenant, before: dict) -> None:
    assert _counts(tenant) == before


def _counts(tenant) -> dict:
    return {m.__name__: count(tenant, m) for m in (PayHead, EmployeePayStructure, PayrollRun, Payslip,
                                                     JournalEntry, AuditLog)}  # fmt: skip


@pytest.mark.parametrize(
    ("formula", "why"),
    [
        ("__import__('os').system('true')", "a call of another function"),
        ("BASIC.real", "an attribute"),
        ("BONUS * 2", "a later head"),
        ("UNKNOWN + 1", "an unknown code"),
        ("BASIC *", "not well formed"),
        ("", "empty"),
    ],
)
def test_an_invalid_formula_is_refused_when_the_head_is_saved(tenant, formula, why):
    before = _counts(tenant)
    response = tenant.api.post("payroll/pay-heads", {"code": "HRA", "name": "HRA", "pay_type": "EARNING",
                                                     "is_fixed": False, "calculation_formula": formula,
                                                     "sequence": 15})  # fmt: skip
    assert response.status_code == 422, why
    error = response.json()
    assert error["code"] == "invalid_formula" and error["errors"][0]["field"] == "calculation_formula", why
    _nothing_written(tenant, before)


def test_a_head_change_that_breaks_a_formula_is_refused(tenant):
    api = tenant.api
    ok(api.post("payroll/pay-heads", {"code": "HRA", "name": "HRA", "pay_type": "EARNING", "is_fixed": False,
                                      "calculation_formula": "BASIC * 0.4", "sequence": 15}), 201)  # fmt: skip
    basic = next(h for h in ok(api.get("payroll/pay-heads"))["items"] if h["code"] == "BASIC")
    before = _counts(tenant)
    response = api.patch(f"payroll/pay-heads/{basic['id']}", {"sequence": 50})
    assert response.status_code == 422 and response.json()["code"] == "invalid_formula"
    _nothing_written(tenant, before)
    duplicate = api.post("payroll/pay-heads", {"code": "basic", "name": "Again", "pay_type": "EARNING"})
    assert duplicate.status_code == 422 and duplicate.json()["code"] == "duplicate"
    wrong = api.post("payroll/pay-heads", {"code": "X", "name": "X", "pay_type": "EARNING", "account": "2100"})
    assert wrong.status_code == 422 and wrong.json()["code"] == "invalid_account"
    _nothing_written(tenant, before)


@pytest.mark.parametrize(
    ("start", "end"),
    [(f"{YEAR}-06-01", None), (f"{YEAR}-01-01", f"{YEAR}-02-01"), (f"{YEAR - 2}-01-01", None)],
)
def test_an_overlapping_structure_is_refused(tenant, start, end):
    api = tenant.api
    ada = employee(api)
    structure(api, ada["id"], "BASIC", "3000", effective_from=f"{YEAR}-02-01", effective_to=f"{YEAR}-12-31")
    before = _counts(tenant)
    body = {"employee": ada["id"], "pay_head": "BASIC", "amount": "3100", "effective_from": start}
    if end:
        body["effective_to"] = end
    response = api.post("payroll/pay-structures", body)
    assert response.status_code == 422 and response.json()["code"] == "overlapping_structure", response.json()
    assert response.json()["errors"][0]["field"] == "effective_from"
    _nothing_written(tenant, before)
    # the day after the range ends is free
    structure(api, ada["id"], "BASIC", "3100", effective_from=f"{YEAR + 1}-01-01")


def test_a_structure_moved_onto_another_is_refused(tenant):
    api = tenant.api
    ada = employee(api)
    structure(api, ada["id"], "BASIC", "3000", effective_from=f"{YEAR}-01-01", effective_to=f"{YEAR}-01-31")
    later = structure(api, ada["id"], "BASIC", "3100", effective_from=f"{YEAR}-02-01")
    before = _counts(tenant)
    response = api.patch(f"payroll/pay-structures/{later['id']}", {"effective_from": f"{YEAR}-01-15"})
    assert response.status_code == 422 and response.json()["code"] == "overlapping_structure"
    bad = api.patch(f"payroll/pay-structures/{later['id']}", {"effective_to": f"{YEAR}-01-01"})
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_range"
    _nothing_written(tenant, before)


def test_a_second_run_for_the_same_period_is_refused(tenant):
    api = tenant.api
    run(api)
    before = _counts(tenant)
    for start, end in (MARCH, (f"{YEAR}-03-15", f"{YEAR}-04-14")):
        response = api.post("payroll/runs", {"name": "Again", "pay_period_start": start, "pay_period_end": end,
                                             "payment_date": end})  # fmt: skip
        assert response.status_code == 422 and response.json()["code"] == "overlapping_run"
    backwards = api.post("payroll/runs", {"name": "Back", "pay_period_start": f"{YEAR}-05-31",
                                          "pay_period_end": f"{YEAR}-05-01", "payment_date": f"{YEAR}-05-31"})  # fmt: skip  # noqa: E501
    assert backwards.status_code == 422 and backwards.json()["code"] == "invalid_period"
    _nothing_written(tenant, before)


def test_a_run_with_nobody_to_pay_is_refused(tenant):
    row = run(tenant.api)
    before = _counts(tenant)
    response = tenant.api.post(f"payroll/runs/{row['id']}/process")
    assert response.status_code == 422 and response.json()["code"] == "no_payslips"
    _nothing_written(tenant, before)
    assert ok(tenant.api.get(f"payroll/runs/{row['id']}"))["status"] == "DRAFT"


def test_deductions_above_the_pay_are_refused(tenant):
    api = tenant.api
    ada = employee(api)
    structure(api, ada["id"], "BASIC", "100")
    structure(api, ada["id"], "DEDUCTION", "150")
    row = run(api)
    before = _counts(tenant)
    response = api.post(f"payroll/runs/{row['id']}/process")
    assert response.status_code == 422 and response.json()["code"] == "negative_net_pay"
    _nothing_written(tenant, before)


def test_payroll_for_a_closed_period_is_refused(tenant):
    api = tenant.api
    run_id = month_with_two(api)["run"]["id"]
    year = next(y for y in ok(api.get("accounting/fiscal-years"))["items"] if y["start_date"] == f"{YEAR}-01-01")
    periods = ok(api.get(f"accounting/fiscal-years/{year['id']}"))["periods"]
    march = next(p for p in periods if p["start_date"] == MARCH[0])
    ok(api.post(f"accounting/periods/{march['id']}/close"))
    before = _counts(tenant)
    response = api.post(f"payroll/runs/{run_id}/post")
    assert response.status_code in (409, 422) and response.json()["code"] == "period_closed", response.json()
    _nothing_written(tenant, before)
    assert ok(api.get(f"payroll/runs/{run_id}"))["status"] == "PROCESSED"


def test_a_run_past_draft_is_not_edited_and_moves_follow_the_machine(tenant):
    api = tenant.api
    run_id = month_with_two(api)["run"]["id"]
    ok(api.post(f"payroll/runs/{run_id}/post"))
    before = _counts(tenant)
    edit = api.patch(f"payroll/runs/{run_id}", {"name": "Renamed"})
    assert edit.status_code == 409 and edit.json()["code"] == "not_editable"
    for action in ("process", "post", "recompute", "reopen"):
        response = api.post(f"payroll/runs/{run_id}/{action}", {})
        assert response.status_code == 409 and response.json()["code"] == "invalid_transition", action
    not_a_bank = api.post(f"payroll/runs/{run_id}/pay", {"bank_account": "6000"})
    assert not_a_bank.status_code == 422 and not_a_bank.json()["code"] == "not_a_payment_account"
    _nothing_written(tenant, before)
    ok(api.post(f"payroll/runs/{run_id}/pay", {}))
    paid_cancel = api.post(f"payroll/runs/{run_id}/cancel", {})
    assert paid_cancel.status_code == 409 and paid_cancel.json()["code"] == "invalid_transition"
