"""Real threads racing: the same run processed twice at once, and posted twice at once — one wins, one journal
entry; two runs created for the same period at once — one is refused."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import close_old_connections

from comptoir.accounting.models import JournalEntry
from comptoir.payroll.models import PayrollRun, Payslip
from comptoir.payroll.services import runs
from comptoir.payroll.tests.factories import MARCH, YEAR, employee, ok, run, structure
from comptoir.platform.errors import DomainError
from comptoir.platform.tenancy import tenant_context


def _race(tenant, calls) -> list:
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def go(i, call):
        try:
            with tenant_context(tenant.organization, user=tenant.owner):
                barrier.wait()
                results[i] = call()
        except Exception as exc:  # noqa: BLE001 (reported by the assertions)
            results[i] = exc
        finally:
            close_old_connections()

    threads = [threading.Thread(target=go, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def _one_refused(results, code: str) -> None:
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], DomainError), results
    assert refused[0].code == code


@pytest.mark.django_db(transaction=True)
def test_the_same_run_processed_and_posted_twice_at_once_gives_one_entry(tenant):
    api = tenant.api
    for n in range(3):
        row = employee(api, f"E{n}", "Racer")
        structure(api, row["id"], "BASIC", "1000")
    run_id = run(api)["id"]
    _one_refused(_race(tenant, [lambda: runs.process_run(actor=tenant.owner, run_id=run_id)] * 2),
                 "invalid_transition")  # fmt: skip
    with tenant_context(tenant.organization):
        assert Payslip.objects.filter(payroll_run_id=run_id).count() == 3
    _one_refused(_race(tenant, [lambda: runs.post_run(actor=tenant.owner, run_id=run_id)] * 2), "invalid_transition")
    with tenant_context(tenant.organization):
        assert JournalEntry.objects.filter(source_type="payroll.payrollrun", source_id=run_id).count() == 1
        assert PayrollRun.objects.get(pk=run_id).status == "POSTED"


@pytest.mark.django_db(transaction=True)
def test_two_runs_for_the_same_period_at_once_one_is_refused(tenant):
    data = runs.RunInput(name="March", pay_period_start=datetime.date.fromisoformat(MARCH[0]),
                         pay_period_end=datetime.date.fromisoformat(MARCH[1]),
                         payment_date=datetime.date(YEAR, 3, 31))  # fmt: skip
    _one_refused(_race(tenant, [lambda: runs.create_run(actor=tenant.owner, data=data)] * 2), "overlapping_run")
    assert len(ok(tenant.api.get("payroll/runs"))["items"]) == 1
