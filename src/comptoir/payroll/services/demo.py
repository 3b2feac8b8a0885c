"""The demo organization's payroll (`comptoir demo`, after HR's demo): a bank account for each HR demo employee
without one (their party's), pay structures (BASIC by grade, a fixed ALLOWANCE, HRA = BASIC × 0.40,
TAX = (BASIC + HRA) × 0.10) and a payroll run for each month of the current year that ended before `today`,
processed, posted and paid (the latest one posted, to pay). Deterministic; does nothing when there are no employees
or the organization has runs already."""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal

from django.db import transaction

from comptoir.hr import queries as hr_queries
from comptoir.parties import queries as party_queries
from comptoir.parties.services.children import BankAccountInput, create_bank_account
from comptoir.payroll import queries
from comptoir.payroll.services import heads, runs, structures


def _formula_heads(actor) -> None:
    if not queries.pay_heads().filter(code="HRA").exists():
        heads.create_pay_head(
            actor=actor,
            data=heads.PayHeadInput(
                code="HRA",
                name="House rent allowance",
                pay_type="EARNING",
                is_fixed=False,
                calculation_formula="BASIC * 0.40",
                sequence=15,
            ),
        )
    tax = queries.resolve_pay_head("TAX")
    if tax.is_fixed:
        heads.update_pay_head(
            actor=actor,
            head_id=tax.pk,
            changes=heads.PayHeadPatch(is_fixed=False, calculation_formula="(BASIC + HRA) * 0.10"),
        )


def seed_demo_payroll(*, actor, today: datetime.date) -> int:
    """Returns the number of runs written."""
    year_start = datetime.date(today.year, 1, 1)
    employees = hr_queries.employees_in_period(year_start, today)
    if not employees or queries.runs().exists():
        return 0
    with transaction.atomic():
        _formula_heads(actor)
        banks = party_queries.primary_bank_accounts(e.party_id for e in employees)
        for n, employee in enumerate(employees):
            if employee.party_id not in banks:  # where the bank payment file pays them
                create_bank_account(
                    actor=actor,
                    party_id=employee.party_id,
                    data=BankAccountInput(account_number=f"{40_000_000 + n:08d}", bank_name="Demo Bank"),
                )
            since = max(employee.hire_date, year_start)
            for code, amount in (
                ("BASIC", Decimal(2400 + 150 * (n % 10))),
                ("ALLOWANCE", Decimal(150)),
                ("HRA", Decimal(0)),
                ("TAX", Decimal(0)),
            ):
                structures.set_pay_structure(
                    actor=actor,
                    data=structures.PayStructureInput(
                        employee=str(employee.id), pay_head=code, amount=amount, effective_from=since
                    ),
                )
    written = 0
    for month in range(1, today.month):
        start = datetime.date(today.year, month, 1)
        end = start.replace(day=calendar.monthrange(today.year, month)[1])
        run = runs.create_run(
            actor=actor,
            data=runs.RunInput(
                name=f"{start:%B %Y} payroll", pay_period_start=start, pay_period_end=end, payment_date=end
            ),
        )
        runs.process_run(actor=actor, run_id=run.pk)
        runs.post_run(actor=actor, run_id=run.pk)
        if month < today.month - 1:
            runs.pay_run(actor=actor, run_id=run.pk)
        written += 1
    return written
