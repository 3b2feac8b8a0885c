"""Payroll runs (entities §13): DRAFT → PROCESSED (a payslip per employee employed in the period with a pay
structure in effect, pro-rated by calendar days) ↔ DRAFT → POSTED (one journal entry for the run) → PAID (one
payment entry for the run); DRAFT/PROCESSED → CANCELLED, POSTED → CANCELLED through the reversal of its entry.
Each move follows the document skeleton (`platform.documents.move_document`): lock → transition → post → number
→ event.

Computation: heads in `sequence` order. A fixed head gives the employee's structure amount × the days paid in
its range ÷ the days of the period (days paid: the days employed in the period less approved unpaid leave); a
formula head, listed in the employee's structure, evaluates its formula over the amounts of the heads before it
and its structure amount (AMOUNT). Every head is rounded half up to the currency before the next one reads it."""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from collections import defaultdict
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.accounting.constants import AccountType
from comptoir.accounting.services import PostingLine, SourceRef, post_document, reverse_entry
from comptoir.accounting.services.chart import resolve_account
from comptoir.hr import queries as hr_queries
from comptoir.parties import queries as party_queries
from comptoir.payroll import queries
from comptoir.payroll.constants import AMOUNT_NAME, PayslipStatus, PayType, RunStatus
from comptoir.payroll.errors import PayrollError
from comptoir.payroll.models import PayHead, PayrollRun, Payslip, PayslipLine
from comptoir.payroll.module import (
    PAYMENT_ACCOUNT,
    RUN_CANCELLED,
    RUN_CREATED,
    RUN_DOCUMENT,
    RUN_PAID,
    RUN_PAYMENT_DOCUMENT,
    RUN_POSTED,
    RUN_PROCESSED,
    RUN_REOPENED,
    RUN_SERIES,
)
from comptoir.payroll.services.heads import default_account
from comptoir.platform.constants import AuditAction
from comptoir.platform.documents import move_document
from comptoir.platform.errors import Conflict, ValidationFailed
from comptoir.platform.formulas import FormulaError, parse_formula
from comptoir.platform.inputs import UNSET, Patch, _Unset
from comptoir.platform.locks import advisory_lock, lock_row
from comptoir.platform.money import round_money
from comptoir.platform.queries.configuration import get_setting
from comptoir.platform.queries.core import current_organization
from comptoir.platform.services.audit import record_audit, snapshot
from comptoir.platform.services.events import emit_event
from comptoir.platform.services.numbering import next_number

AUDITED = ("name", "pay_period_start", "pay_period_end", "payment_date", "notes")
ZERO = Decimal(0)
# Payslip columns of the seeded earning heads; any other earning is an allowance.
EARNING_COLUMNS = {"BASIC": "basic_salary", "BONUS": "bonuses", "OVERTIME": "overtime_pay"}
PAYMENT_ACCOUNT_TYPES = (AccountType.BANK, AccountType.CASH)


@dataclasses.dataclass(frozen=True, kw_only=True)
class RunInput:
    name: str
    pay_period_start: datetime.date
    pay_period_end: datetime.date
    payment_date: datetime.date
    notes: str = ""


@dataclasses.dataclass(frozen=True, kw_only=True)
class RunPatch(Patch):
    name: str | _Unset = UNSET
    pay_period_start: datetime.date | _Unset = UNSET
    pay_period_end: datetime.date | _Unset = UNSET
    payment_date: datetime.date | _Unset = UNSET
    notes: str | None | _Unset = UNSET


def _payload(run: PayrollRun) -> dict:
    return {
        "id": str(run.pk),
        "number": run.number,
        "name": run.name,
        "status": run.status,
        "pay_period_start": str(run.pay_period_start),
        "pay_period_end": str(run.pay_period_end),
        "total_earnings": str(run.total_earnings),
        "total_deductions": str(run.total_deductions),
        "net_pay": str(run.net_pay),
        "employee_count": run.employee_count,
        "journal_entry": str(run.journal_entry_id) if run.journal_entry_id else None,
    }


def _check_period(run: PayrollRun) -> None:
    if run.pay_period_start >= run.pay_period_end:
        raise ValidationFailed(
            _("The pay period must end after it starts"), code=PayrollError.INVALID_PERIOD, field="pay_period_end"
        )
    advisory_lock("payroll.runs")
    other = queries.overlapping_runs(run.pay_period_start, run.pay_period_end, exclude=run.pk).first()
    if other is not None:
        raise ValidationFailed(
            _("Payroll run %(name)s covers this period already") % {"name": other.name},
            code=PayrollError.OVERLAPPING_RUN,
            field="pay_period_start",
        )


def create_run(*, actor, data: RunInput) -> PayrollRun:
    """A DRAFT run for a period no live run overlaps (one payslip per employee and period)."""
    name = (data.name or "").strip()
    if not name:
        raise ValidationFailed(_("%(field)s is required") % {"field": "name"}, code="required", field="name")
    with transaction.atomic():
        run = PayrollRun(
            name=name,
            pay_period_start=data.pay_period_start,
            pay_period_end=data.pay_period_end,
            payment_date=data.payment_date,
            notes=data.notes or "",
            currency=current_organization().base_currency,
            created_by=actor,
            updated_by=actor,
        )
        _check_period(run)
        run.save()
        record_audit(actor=actor, action=AuditAction.CREATE, obj=run, new=snapshot(run, AUDITED))
        emit_event(event_type=RUN_CREATED, payload=_payload(run), source=run)
    return run


def _locked(run_id) -> PayrollRun:
    return lock_row(PayrollRun.objects.select_related("currency"), run_id, what=_("payroll run"))


def update_run(*, actor, run_id, changes: RunPatch) -> PayrollRun:
    """Change a DRAFT run's name, period, payment date or notes; a run past DRAFT is not edited."""
    changes.refuse_nulls("name", "pay_period_start", "pay_period_end", "payment_date")
    with transaction.atomic():
        run = _locked(run_id)
        if run.status != RunStatus.DRAFT:
            raise Conflict(
                _("A %(status)s payroll run cannot be edited") % {"status": run.get_status_display()},
                code=PayrollError.NOT_EDITABLE,
                field="status",
            )
        old = snapshot(run, AUDITED)
        for name, value in changes.provided().items():
            setattr(run, name, value if value is not None else "")
        run.name = run.name.strip()
        if not run.name:
            raise ValidationFailed(_("%(field)s is required") % {"field": "name"}, code="required", field="name")
        _check_period(run)
        run.updated_by = actor
        run.version += 1
        run.save()
        record_audit(actor=actor, action=AuditAction.UPDATE, obj=run, old=old, new=snapshot(run, AUDITED))
    return run


# ---- computing the payslips ------------------------------------------------------------------------------------


@dataclasses.dataclass
class _Head:
    row: PayHead
    formula: object | None


def _heads() -> list[_Head]:
    heads = []
    for head in PayHead.objects.filter(is_active=True).order_by("sequence", "code"):
        formula = None if head.is_fixed else parse_formula(head.calculation_formula)
        heads.append(_Head(head, formula))
    return heads


class _Days:
    """Days paid of one employee in a sub-range of the period: employed days less unpaid leave, counted in the
    employee's unpaid leave ranges of the period (read for every employee of the run at once: no statement here)."""

    def __init__(self, employee, start, end, leave=()):
        self.employee, self.start, self.end, self.leave = employee, start, end, leave
        self.lo = max(start, employee.hire_date)
        self.hi = min(end, employee.termination_date or end)

    def paid(self, lo, hi) -> tuple[int, Decimal]:
        lo, hi = max(lo, self.lo), min(hi, self.hi)
        if lo > hi:
            return 0, ZERO
        return (hi - lo).days + 1, hr_queries.leave_days_in(self.leave, lo, hi)


def _bank_snapshot(bank) -> dict:
    """The payslip's copy of the employee's primary bank account (the party's ciphertexts as they are: encrypted at
    rest with the same keys), or blanks."""
    if bank is None:
        return {}
    return {
        "bank_name": bank.bank_name,
        "bank_account_number_encrypted": bank.account_number_encrypted,
        "bank_account_last4": bank.account_number_last4,
        "bank_iban_encrypted": bank.iban_encrypted,
        "bank_iban_masked": bank.iban_masked,
        "bank_swift_code": bank.swift_code,
    }


def _compute_one(
    run, employee, heads, ranges, currency, days_in_period, leave=(), bank=None
) -> tuple[Payslip, list[PayslipLine]] | None:
    """The payslip of one employee, or None when no structure of theirs is in effect in the period."""
    if not ranges:
        return None
    days = _Days(employee, run.pay_period_start, run.pay_period_end, leave)
    employed, unpaid = days.paid(run.pay_period_start, run.pay_period_end)
    values: dict[str, Decimal] = {h.row.code: ZERO for h in heads}
    lines: list[PayslipLine] = []
    for head in heads:
        own = ranges.get(head.row.pk)
        if not own:
            continue
        if head.formula is None:
            full = own[-1].amount
            share = ZERO
            for structure in own:
                lo = max(structure.effective_from, run.pay_period_start)
                hi = min(structure.effective_to or run.pay_period_end, run.pay_period_end)
                span, off = days.paid(lo, hi)
                share += structure.amount * (Decimal(span) - off) / days_in_period
            amount = round_money(share, currency)
        else:
            full = own[-1].amount
            try:
                result = head.formula.evaluate({**values, AMOUNT_NAME: full})
            except FormulaError as exc:
                raise ValidationFailed(
                    _("Head %(code)s of employee %(employee)s: %(error)s")
                    % {"code": head.row.code, "employee": employee.employee_number, "error": str(exc)},
                    code=PayrollError.FORMULA_FAILED,
                    field="calculation_formula",
                ) from exc
            amount = round_money(result, currency)
            if amount < 0:
                raise ValidationFailed(
                    _("Head %(code)s of employee %(employee)s comes to a negative amount")
                    % {"code": head.row.code, "employee": employee.employee_number},
                    code=PayrollError.FORMULA_FAILED,
                    field="calculation_formula",
                )
        values[head.row.code] = amount
        lines.append(
            PayslipLine(
                organization_id=run.organization_id,
                pay_head=head.row,
                code=head.row.code,
                name=head.row.name,
                pay_type=head.row.pay_type,
                sequence=head.row.sequence,
                full_amount=full,
                amount=amount,
            )
        )
    slip = Payslip(
        organization_id=run.organization_id,
        payroll_run=run,
        employee_id=employee.id,
        party_id=employee.party_id,
        payable_account_id=employee.account_id,
        cost_center_id=employee.cost_center_id,
        **_bank_snapshot(bank),
        payslip_number=f"PS-{run.pay_period_start:%Y%m%d}-{employee.employee_number}",
        period_start=run.pay_period_start,
        period_end=run.pay_period_end,
        days_in_period=days_in_period,
        days_paid=Decimal(employed) - unpaid,
        unpaid_leave_days=unpaid,
        currency=currency,
        payment_date=run.payment_date,
    )
    for line in lines:
        if line.pay_type == PayType.EARNING:
            column = EARNING_COLUMNS.get(line.code, "allowances")
            setattr(slip, column, getattr(slip, column) + line.amount)
            slip.gross += line.amount
        elif line.pay_type == PayType.REIMBURSEMENT:
            slip.reimbursements += line.amount
        elif line.code == "TAX":
            slip.tax_amount += line.amount
        else:
            slip.deductions += line.amount
    slip.net_salary = slip.gross + slip.reimbursements - slip.deductions - slip.tax_amount
    if slip.net_salary < 0:
        raise ValidationFailed(
            _("Employee %(employee)s's deductions exceed their pay") % {"employee": employee.employee_number},
            code=PayrollError.NEGATIVE_NET_PAY,
            field="status",
        )
    return slip, lines


def _compute(actor, run: PayrollRun) -> None:
    """Write the run's payslips and lines and its totals (a constant number of statements: the employees' unpaid
    leave and primary bank accounts are read for all of them at once)."""
    employees = hr_queries.employees_in_period(run.pay_period_start, run.pay_period_end)
    leave = hr_queries.unpaid_leave_by_employee([e.id for e in employees], run.pay_period_start, run.pay_period_end)
    heads = _heads()
    by_employee: dict = defaultdict(lambda: defaultdict(list))
    structures = queries.structures_in_period([e.id for e in employees], run.pay_period_start, run.pay_period_end)
    for structure in structures:
        by_employee[structure.employee_id][structure.pay_head_id].append(structure)
    banks = party_queries.primary_bank_accounts(e.party_id for e in employees)
    currency = run.currency
    days_in_period = Decimal((run.pay_period_end - run.pay_period_start).days + 1)
    slips, all_lines = [], []
    for employee in employees:
        computed = _compute_one(run, employee, heads, by_employee.get(employee.id), currency, days_in_period,
                                leave.get(employee.id, ()), banks.get(employee.party_id))  # fmt: skip
        if computed is None:
            continue
        slip, lines = computed
        slip.created_by = slip.updated_by = actor
        slips.append(slip)
        all_lines.append(lines)
    if not slips:
        raise ValidationFailed(
            _("No employee has a pay structure in effect in this period"),
            code=PayrollError.NO_PAYSLIPS,
            field="pay_period_start",
        )
    try:
        with transaction.atomic():
            Payslip.objects.bulk_create(slips, batch_size=1000)
    except IntegrityError as exc:
        raise ValidationFailed(
            _("An employee is paid for this period by another payroll run already"),
            code=PayrollError.OVERLAPPING_RUN,
            field="pay_period_start",
        ) from exc
    rows = []
    for slip, lines in zip(slips, all_lines, strict=True):
        for line in lines:
            line.payslip = slip
            line.created_by = line.updated_by = actor
            rows.append(line)
    PayslipLine.objects.bulk_create(rows, batch_size=2000)
    run.total_earnings = sum((s.gross + s.reimbursements for s in slips), ZERO)
    run.total_deductions = sum((s.deductions + s.tax_amount for s in slips), ZERO)
    run.net_pay = run.total_earnings - run.total_deductions
    run.employee_count = len(slips)


TOTALS = ("total_earnings", "total_deductions", "net_pay", "employee_count")


def _clear(run: PayrollRun) -> None:
    PayslipLine.objects.filter(payslip__payroll_run=run).delete()
    Payslip.objects.filter(payroll_run=run).delete()
    run.total_earnings = run.total_deductions = run.net_pay = ZERO
    run.employee_count = 0


def _totals_audit(run: PayrollRun) -> dict:
    return {name: str(getattr(run, name)) for name in TOTALS}


def process_run(*, actor, run_id) -> PayrollRun:
    """DRAFT → PROCESSED: the payslips computed, or nothing."""
    return move_document(
        lambda: _locked(run_id),
        actor=actor,
        to=RunStatus.PROCESSED,
        post=lambda run: _compute(actor, run),
        also=TOTALS,
        audit=_totals_audit,
        event_type=RUN_PROCESSED,
        payload=_payload,
    )


def reopen_run(*, actor, run_id, reason: str = "") -> PayrollRun:
    """PROCESSED → DRAFT: its payslips removed, to change the run or the structures and process it again."""
    return move_document(
        lambda: _locked(run_id),
        actor=actor,
        to=RunStatus.DRAFT,
        post=_clear,
        also=TOTALS,
        event_type=RUN_REOPENED,
        payload=_payload,
        reason=reason,
    )


def recompute_run(*, actor, run_id) -> PayrollRun:
    """A PROCESSED run's payslips computed again from the current structures and leave."""
    with transaction.atomic():
        run = _locked(run_id)
        if run.status != RunStatus.PROCESSED:
            raise Conflict(_("Only a processed payroll run is recomputed"), code="invalid_transition", field="status")
        _clear(run)
        _compute(actor, run)
        run.updated_by = actor
        run.version += 1
        run.save(update_fields=[*TOTALS, "updated_by", "version", "updated_at"])
        record_audit(actor=actor, action=AuditAction.UPDATE, obj=run, new=_totals_audit(run), reason="recompute")
        emit_event(event_type=RUN_PROCESSED, payload=_payload(run), source=run)
    return run


# ---- the books -------------------------------------------------------------------------------------------------


def _head_accounts(head_ids) -> dict:
    """The account of each head (its own, else its type's setting), as Account rows."""
    accounts, defaults = {}, {}
    for head in PayHead.objects.select_related("account").filter(pk__in=head_ids):
        if head.account is not None:
            accounts[head.pk] = head.account
        else:
            key = (head.pay_type, head.code == "TAX")
            if key not in defaults:
                defaults[key] = default_account(head.pay_type, head.code)
            accounts[head.pk] = defaults[key]
    return accounts


def _post(actor, run: PayrollRun) -> None:
    """The run's one entry: Dr each earning and reimbursement head's account (per cost center where the account
    takes one), Cr each employee's payable (naming their party) with their net, Cr each deduction head's account."""
    sums = (
        PayslipLine.objects.filter(payslip__payroll_run=run)
        .values_list("pay_head_id", "pay_type", "payslip__cost_center_id")
        .annotate(total=Sum("amount"))
        .order_by("pay_head_id", "payslip__cost_center_id")
    )
    sums = list(sums)
    accounts = _head_accounts({row[0] for row in sums})
    debits: dict = defaultdict(lambda: ZERO)
    credits: dict = defaultdict(lambda: ZERO)
    for head_id, pay_type, cost_center_id, total in sums:
        account = accounts[head_id]
        if pay_type == PayType.DEDUCTION:
            credits[account.pk] += total
        else:
            center = cost_center_id if account.is_cost_center_applicable else None
            debits[(account.pk, center)] += total
    lines = [
        PostingLine(account, "DR", amount, cost_center=center)
        for (account, center), amount in debits.items()
        if amount > 0
    ]
    slips = Payslip.objects.filter(payroll_run=run, net_salary__gt=0).values_list(
        "payable_account_id", "party_id", "net_salary"
    )
    lines += [PostingLine(account, "CR", net, party=SourceRef("parties.party", party)) for account, party, net in slips]
    lines += [PostingLine(account, "CR", amount) for account, amount in credits.items() if amount > 0]
    if not lines:
        raise ValidationFailed(_("The payroll run has nothing to post"), code=PayrollError.NO_PAYSLIPS, field="status")
    entry = post_document(
        actor=actor,
        source=SourceRef(RUN_DOCUMENT, run.pk),
        date=run.pay_period_end,
        journal_type="PAYROLL",
        lines=lines,
        narration=f"Payroll {run.name}",
        reference_number=run.name[:50],
    )
    run.journal_entry = entry
    Payslip.objects.filter(payroll_run=run, status=PayslipStatus.DRAFT).update(status=PayslipStatus.APPROVED)


def post_run(*, actor, run_id) -> PayrollRun:
    """PROCESSED → POSTED: the run's one journal entry (dated the period's last day, which must be in an open
    period) and its number (PR-2026-000001), or nothing."""
    return move_document(
        lambda: _locked(run_id),
        actor=actor,
        to=RunStatus.POSTED,
        action=AuditAction.POST,
        post=lambda run: _post(actor, run),
        number=lambda run: next_number(document_type=RUN_SERIES, on=run.pay_period_end),
        also=("journal_entry",),
        audit=lambda run: {"journal_entry": str(run.journal_entry_id)},
        event_type=RUN_POSTED,
        payload=_payload,
    )


def resolve_payment_account(ref):
    """The bank or cash account salaries are paid from: a bank account of the books (its id) or a ledger
    account (id or code) of type BANK or CASH; the setting payroll.payment_account when none is named."""
    from comptoir.accounting.queries.banks import bank_accounts

    if ref is None or str(ref).strip() == "":
        ref = get_setting(PAYMENT_ACCOUNT)
    try:
        bank = bank_accounts().select_related("account").filter(pk=uuid.UUID(str(ref))).first()
    except ValueError:  # not an id: a ledger account's code
        bank = None
    account = bank.account if bank is not None else resolve_account(ref, "bank_account")
    if account.account_type not in PAYMENT_ACCOUNT_TYPES:
        raise ValidationFailed(
            _("Account %(code)s is not a bank or cash account") % {"code": account.code},
            code=PayrollError.NOT_A_PAYMENT_ACCOUNT,
            field="bank_account",
        )
    return account


def _pay(actor, run: PayrollRun, bank_account) -> None:
    """The run's one payment entry and its payslips PAID: a constant number of statements for any number of
    payslips (one read, one posting, one update)."""
    account = resolve_payment_account(bank_account)
    slips = Payslip.objects.filter(payroll_run=run, status=PayslipStatus.APPROVED)
    owed = list(
        slips.filter(net_salary__gt=0)
        .values_list("payable_account_id", "party_id", "net_salary")
        .order_by("payslip_number")
    )
    entry = None
    if owed:
        lines = [
            PostingLine(payable, "DR", net, party=SourceRef("parties.party", party)) for payable, party, net in owed
        ]
        lines.append(PostingLine(account, "CR", sum((net for _payable, _party, net in owed), ZERO)))
        entry = post_document(
            actor=actor,
            source=SourceRef(RUN_PAYMENT_DOCUMENT, run.pk),
            date=run.payment_date,
            journal_type="PAY",
            narration=f"Salaries {run.name}",
            reference_number=(run.number or run.name)[:50],
            lines=lines,
        )
    slips.update(
        status=PayslipStatus.PAID,
        payment_entry=entry,
        payment_date=run.payment_date,
        payment_method="BANK" if account.account_type == AccountType.BANK else "CASH",
        updated_by=actor,
        updated_at=timezone.now(),
    )
    run.payment_account = account
    run.payment_entry = entry


def pay_run(*, actor, run_id, bank_account=None) -> PayrollRun:
    """POSTED → PAID: the run's one payment entry (Dr each employee's payable naming their party, Cr the bank or
    cash account with the total), dated the run's payment date; the payslips PAID."""
    return move_document(
        lambda: _locked(run_id),
        actor=actor,
        to=RunStatus.PAID,
        post=lambda run: _pay(actor, run, bank_account),
        also=("payment_account", "payment_entry"),
        event_type=RUN_PAID,
        payload=_payload,
    )


def _cancel(actor, run: PayrollRun, date) -> None:
    if run.status == RunStatus.POSTED and run.journal_entry_id:
        run.reversal_entry = reverse_entry(
            actor=actor,
            entry_id=run.journal_entry_id,
            date=date or run.pay_period_end,
            narration=f"Reversal of payroll {run.name}",
        )
    Payslip.objects.filter(payroll_run=run).exclude(status=PayslipStatus.CANCELLED).update(
        status=PayslipStatus.CANCELLED
    )


def cancel_run(*, actor, run_id, reason: str = "", date: datetime.date | None = None) -> PayrollRun:
    """DRAFT/PROCESSED → CANCELLED; POSTED → CANCELLED through the reversal of its entry (on `date`, else the
    period's last day; the date's period must be open). A paid run is not cancelled."""
    return move_document(
        lambda: _locked(run_id),
        actor=actor,
        to=RunStatus.CANCELLED,
        action=AuditAction.CANCEL,
        post=lambda run: _cancel(actor, run, date),
        also=("reversal_entry",),
        event_type=RUN_CANCELLED,
        payload=_payload,
        reason=reason,
    )
