"""A payroll run through its states: the payslips computed to the cent (pro-rated by calendar days, formula
heads over earlier heads), one journal entry for the run, one payment entry for the run, the reversal on cancel."""

from __future__ import annotations

from comptoir.accounting.models import JournalLine
from comptoir.payroll.tests.factories import MARCH, YEAR, month_with_two, ok
from comptoir.platform.tenancy import tenant_context


def _lines(slip) -> dict:
    return {line["code"]: line["amount"] for line in slip["lines"]}


def test_process_computes_every_payslip_to_the_cent(tenant):
    data = month_with_two(tenant.api)
    run = data["run"]
    assert run["status"] == "PROCESSED" and run["employee_count"] == 2
    slips = {s["employee"]["code"]: s for s in run["payslips"]}
    ada, bob = slips[data["ada"]["employee_number"]], slips[data["bob"]["employee_number"]]
    assert _lines(ada) == {"BASIC": "3100.00", "HRA": "1240.00", "TAX": "434.00", "DEDUCTION": "50.00"}
    assert (ada["gross"], ada["tax_amount"], ada["deductions"], ada["net_salary"]) == (
        "4340.00",
        "434.00",
        "50.00",
        "3856.00",
    )
    # hired on the 16th: 16 of 31 days; 2000 × 16 / 31 = 1032.258… → 1032.26; tax 103.226 → 103.23
    assert (bob["days_paid"], bob["days_in_period"]) == ("16.00", "31.00")
    assert _lines(bob) == {"BASIC": "1032.26", "TAX": "103.23"}
    assert bob["net_salary"] == "929.03"
    assert (run["total_earnings"], run["total_deductions"], run["net_pay"]) == ("5372.26", "587.23", "4785.03")


def test_post_writes_one_entry_and_pay_one_for_the_run(tenant):
    api = tenant.api
    data = month_with_two(api)
    run_id = data["run"]["id"]
    posted = ok(api.post(f"payroll/runs/{run_id}/post"))
    assert posted["status"] == "POSTED" and posted["number"].startswith(f"PR-{YEAR}-")
    assert {s["status"] for s in posted["payslips"]} == {"APPROVED"}
    entry = ok(api.get(f"accounting/journal-entries/{posted['journal_entry']}"))
    assert entry["status"] == "POSTED" and entry["date"] == MARCH[1]
    lines = sorted((line["account_code"], line["entry_type"], line["amount"]) for line in entry["lines"])
    ada_account, bob_account = data["ada"]["account"], data["bob"]["account"]
    assert lines == sorted(
        [
            ("6000", "DR", "5372.26"),
            (ada_account, "CR", "3856.00"),
            (bob_account, "CR", "929.03"),
            ("2100", "CR", "537.23"),
            ("2250", "CR", "50.00"),
        ]
    )
    paid = ok(api.post(f"payroll/runs/{run_id}/pay", {"bank_account": "1100"}))
    assert paid["status"] == "PAID" and {s["status"] for s in paid["payslips"]} == {"PAID"}
    # one payment entry for the run, named by every payslip: Dr each payable (naming the party), Cr the bank
    assert {s["payment_entry"] for s in paid["payslips"]} == {paid["payment_entry"]}
    with tenant_context(tenant.organization):
        lines = JournalLine.objects.filter(entry_id=paid["payment_entry"]).select_related("account", "entry")
        rows = sorted((line.account.code, line.entry_type, f"{line.amount:.2f}", str(line.party_id)) for line in lines)
        assert {line.entry.source_type for line in lines} == {"payroll.payrollrun.payment"}
    assert rows == sorted(
        [
            (ada_account, "DR", "3856.00", data["ada"]["party"]),
            (bob_account, "DR", "929.03", data["bob"]["party"]),
            ("1100", "CR", "4785.03", "None"),
        ]
    )
    balances = {
        r["account"]: r["balance"]
        for r in ok(api.get("accounting/reports/trial-balance", as_of=f"{YEAR}-12-31"))["rows"]
    }
    assert balances["1100"] == "-4785.03"
    assert balances.get(ada_account, "0.00") in ("0.00", "0")
    assert balances["2100"] == "-537.23" and balances["6000"] == "5372.26"


def test_cancel_a_posted_run_reverses_its_entry(tenant):
    api = tenant.api
    run_id = month_with_two(api)["run"]["id"]
    posted = ok(api.post(f"payroll/runs/{run_id}/post"))
    cancelled = ok(api.post(f"payroll/runs/{run_id}/cancel", {"reason": "wrong rates"}))
    assert cancelled["status"] == "CANCELLED" and cancelled["reversal_entry"]
    assert ok(api.get(f"accounting/journal-entries/{posted['journal_entry']}"))["status"] == "REVERSED"
    assert {s["status"] for s in cancelled["payslips"]} == {"CANCELLED"}
    # the period is free again: a new run pays the same employees
    again = ok(
        api.post(
            "payroll/runs",
            {"name": "March again", "pay_period_start": MARCH[0], "pay_period_end": MARCH[1], "payment_date": MARCH[1]},
        ),
        201,
    )
    assert ok(api.post(f"payroll/runs/{again['id']}/process"))["employee_count"] == 2


def test_reopen_and_recompute_follow_the_structures(tenant):
    api = tenant.api
    data = month_with_two(api)
    run_id = data["run"]["id"]
    structure_id = ok(api.get("payroll/pay-structures", employee=data["bob"]["id"]))["items"]
    basic = next(s for s in structure_id if s["pay_head"]["code"] == "BASIC")
    ok(api.patch(f"payroll/pay-structures/{basic['id']}", {"amount": "3100"}))
    recomputed = ok(api.post(f"payroll/runs/{run_id}/recompute"))
    bob = next(s for s in recomputed["payslips"] if s["employee"]["id"] == data["bob"]["id"])
    assert bob["basic_salary"] == "1600.00"
    reopened = ok(api.post(f"payroll/runs/{run_id}/reopen", {}))
    assert reopened["status"] == "DRAFT" and reopened["payslips"] == [] and reopened["net_pay"] == "0.00"


def test_rows_past_the_parameter_limit_of_a_statement_are_inserted_in_parts(tenant, monkeypatch):
    """A run's entry has a line per employee: `platform.db.insert_rows` splits what exceeds PostgreSQL's 65,535
    parameters per statement (here a limit of two rows per statement, to keep the test small)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from comptoir.payroll.models import PayHead
    from comptoir.platform import db
    from comptoir.platform.tenancy import tenant_context

    monkeypatch.setattr(db, "MAX_PARAMETERS", 2 * len(PayHead._meta.concrete_fields) + 1)
    with tenant_context(tenant.organization):
        rows = [
            PayHead(organization_id=tenant.organization.pk, code=f"X{n}", name=f"X{n}", pay_type="EARNING")
            for n in range(5)
        ]
        with CaptureQueriesContext(connection) as captured:
            db.insert_rows(rows)
        inserts = [q for q in captured.captured_queries if q["sql"].startswith('INSERT INTO "payroll_payhead"')]
        assert len(inserts) == 3  # 2 + 2 + 1 rows
        assert PayHead.objects.filter(code__startswith="X").count() == 5


def test_an_entry_past_the_parameter_limit_keeps_every_cache_exact(tenant, monkeypatch):
    """A run's entry past the 65,535 parameters of a statement (here a limit of 30) writes its balance caches and
    open items in several statements: `check_books` finds them equal to the ledger."""
    from comptoir.accounting.services import books

    monkeypatch.setattr(books, "MAX_PARAMETERS", 30)
    api = tenant.api
    run_id = month_with_two(api)["run"]["id"]
    ok(api.post(f"payroll/runs/{run_id}/post"))
    ok(api.post(f"payroll/runs/{run_id}/pay", {}))
    balances = {
        r["account"]: r["balance"]
        for r in ok(api.get("accounting/reports/trial-balance", as_of=f"{YEAR}-12-31"))["rows"]
    }
    assert (balances["6000"], balances["1100"]) == ("5372.26", "-4785.03")
    with tenant_context(tenant.organization):
        assert books.check_books() == []
