"""`comptoir bench payroll` (issue 11): a payroll run for `--employees` employees (default 5,000), processed
(payslips computed: BASIC and ALLOWANCE fixed, HRA = BASIC × 0.40, TAX = (BASIC + HRA) × 0.10, one employee in ten
hired mid-month), posted (the run's one journal entry: a payable line per employee) and paid (the run's one payment
entry: a debit per employee's payable, the bank credited). Figures: wall time and
statements of each step, per payslip. The employees are hired through `hr.services.employees.create_employee` (each
with its party and payable account); their pay structures are bulk-inserted."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comptoir.hr.services.employees import EmployeeInput, create_employee
from comptoir.identity.services import accounts as identity_accounts
from comptoir.payroll.models import EmployeePayStructure, PayHead
from comptoir.payroll.services import heads, runs
from comptoir.platform.db import owner_mode
from comptoir.platform.queries.core import current_organization
from comptoir.platform.services import OrganizationInput
from comptoir.platform.tenancy import tenant_context

PASSWORD = "bench-password-1234"


def set_up(employees: int, month: tuple[datetime.date, datetime.date], echo: Callable[[str], None]):
    code = f"P{int(time.time()) % 10**8}"
    org, owner = identity_accounts.sign_up(
        organization=OrganizationInput(name=f"Payroll bench {code}", code=code, country="FR", base_currency="EUR"),
        user=identity_accounts.UserInput(email=f"{code.lower()}@bench.example", password=PASSWORD),
    )
    began = time.perf_counter()
    with tenant_context(org, user=owner):
        heads.create_pay_head(
            actor=owner,
            data=heads.PayHeadInput(
                code="HRA",
                name="HRA",
                pay_type="EARNING",
                is_fixed=False,
                calculation_formula="BASIC * 0.40",
                sequence=15,
            ),
        )
        tax = PayHead.objects.get(code="TAX")
        heads.update_pay_head(
            actor=owner,
            head_id=tax.pk,
            changes=heads.PayHeadPatch(is_fixed=False, calculation_formula="(BASIC + HRA) * 0.10"),
        )
        ids = []
        for n in range(employees):
            joined = month[0] + datetime.timedelta(days=15) if n % 10 == 0 else datetime.date(month[0].year - 1, 1, 1)
            row = create_employee(
                actor=owner,
                data=EmployeeInput(first_name=f"E{n}", last_name="Bench", hire_date=joined, status="ACTIVE"),
            )
            ids.append((row.pk, joined))
        by_code = {h.code: h for h in PayHead.objects.all()}
        currency = current_organization().base_currency
        rows = [
            EmployeePayStructure(
                organization_id=org.pk,
                employee_id=pk,
                pay_head=by_code[code],
                amount=amount,
                currency=currency,
                effective_from=joined,
                created_by=owner,
                updated_by=owner,
            )
            for n, (pk, joined) in enumerate(ids)
            for code, amount in (
                ("BASIC", Decimal(2000 + n % 1000)),
                ("ALLOWANCE", Decimal(150)),
                ("HRA", 0),
                ("TAX", 0),
            )
        ]
        EmployeePayStructure.objects.bulk_create(rows, batch_size=5000)
    with owner_mode(), connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    echo(f"<!-- {employees:,} employees hired (party and account each) in {time.perf_counter() - began:.0f} s -->")
    return org, owner


def _measure(step: Callable[[], object]) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as captured:
        began = time.perf_counter()
        step()
        elapsed = time.perf_counter() - began
    return elapsed, len(captured.captured_queries)


def run(*, employees: int, echo: Callable[[str], None]) -> None:
    today = timezone.localdate()
    start = datetime.date(today.year, today.month, 1) - datetime.timedelta(days=1)
    month = (start.replace(day=1), start)  # last month: an open period of the current year (January: this month)
    if month[0].year != today.year:
        month = (datetime.date(today.year, 1, 1), datetime.date(today.year, 1, 31))
    org, owner = set_up(employees, month, echo)
    echo(f"\n## A payroll run for {employees:,} employees ({month[0]:%B %Y})\n")
    echo("| step | time (s) | statements | ms per payslip | statements per payslip |")
    echo("|---|---:|---:|---:|---:|")
    with tenant_context(org, user=owner):
        row = runs.create_run(
            actor=owner,
            data=runs.RunInput(name="Bench", pay_period_start=month[0], pay_period_end=month[1], payment_date=month[1]),
        )
        for name, step in (("process", runs.process_run), ("post", runs.post_run), ("pay", runs.pay_run)):
            elapsed, statements = _measure(lambda step=step: step(actor=owner, run_id=row.pk))
            echo(
                f"| {name} | {elapsed:.2f} | {statements:,} | {elapsed * 1000 / employees:.2f} | "
                f"{statements / employees:.2f} |"
            )
