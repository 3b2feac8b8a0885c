"""Reads of payroll, scoped to the organization in context and, for pay, by the record rule: a member holding
payroll.manage_payroll (payroll accountants, HR, accountants) or hr.manage_all sees everyone's payslips and pay
structures; anyone else sees only their own (the employee linked to their user), never their reports'. Without a
user in context (a job, the demo) there is no rule. `access_<noun>` answers NotFound for a row that is missing,
of another organization or outside the rule."""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, Sum
from django.utils.translation import gettext as _

from comptoir.hr import queries as hr_queries
from comptoir.hr.module import MANAGE_ALL
from comptoir.identity.queries import member_permissions
from comptoir.payroll.constants import PayslipStatus, PayType
from comptoir.payroll.errors import PayrollError
from comptoir.payroll.models import EmployeePayStructure, PayHead, PayrollRun, Payslip, PayslipLine
from comptoir.payroll.module import MANAGE_PAYROLL
from comptoir.platform import crypto
from comptoir.platform.errors import NotFound, ValidationFailed
from comptoir.platform.queries.filters import filter_present
from comptoir.platform.tenancy import current_user_id, require_org_id


@dataclasses.dataclass(frozen=True)
class PayScope:
    """Whose pay the user in context may see: everyone (`everyone`), else only `me` (None: nobody)."""

    everyone: bool
    me: uuid.UUID | None = None

    def sees(self, employee_id) -> bool:
        return self.everyone or (self.me is not None and employee_id == self.me)


def pay_scope() -> PayScope:
    """The record rule of pay (two statements with a user in context, none without)."""
    user_id = current_user_id()
    if user_id is None:
        return PayScope(True)
    permissions = member_permissions(require_org_id(), user_id)
    if MANAGE_PAYROLL in permissions or MANAGE_ALL in permissions:
        return PayScope(True)
    me = hr_queries.my_employee()
    return PayScope(False, me.pk if me else None)


def _scoped(qs, field: str = "employee_id", rule: PayScope | None = None):
    rule = rule or pay_scope()
    if rule.everyone:
        return qs
    return qs.filter(**{field: rule.me}) if rule.me else qs.none()


def _by_id_or_code(qs, ref, field: str, code_field: str, missing: str):
    if ref is None or str(ref).strip() == "":
        raise ValidationFailed(_("%(field)s is required") % {"field": field}, code="required", field=field)
    try:
        key = {"pk": uuid.UUID(str(ref))}
    except ValueError:
        key = {code_field: str(ref).strip().upper()}
    row = qs.filter(**key).first()
    if row is None:
        raise ValidationFailed(missing % {"ref": ref}, code="unknown", field=field)
    return row


# ---- pay heads and structures ----------------------------------------------------------------------------------


def pay_heads(*, pay_type=None, is_active=None, is_fixed=None, q=None):
    qs = filter_present(
        PayHead.objects.select_related("account"), pay_type=pay_type, is_active=is_active, is_fixed=is_fixed
    )
    if q and q.strip():
        qs = qs.filter(Q(code__icontains=q.strip()) | Q(name__icontains=q.strip()))
    return qs


def access_pay_head(head_id) -> PayHead:
    row = pay_heads().filter(pk=head_id).first()
    if row is None:
        raise NotFound(_("No such pay head"))
    return row


def resolve_pay_head(ref, field: str = "pay_head") -> PayHead:
    return _by_id_or_code(PayHead.objects.all(), ref, field, "code", _("No pay head “%(ref)s”"))


def pay_structures(*, employee=None, pay_head=None, active_on=None):
    """Pay structure ranges (within the record rule); `active_on` keeps those in effect on that date."""
    qs = filter_present(
        EmployeePayStructure.objects.select_related("employee", "pay_head", "currency"),
        employee=employee,
        pay_head=pay_head,
    )
    if active_on:
        qs = qs.filter(effective_from__lte=active_on).filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=active_on)
        )
    return _scoped(qs)


def access_pay_structure(structure_id) -> EmployeePayStructure:
    row = pay_structures().filter(pk=structure_id).first()
    if row is None:
        raise NotFound(_("No such pay structure"))
    return row


def structures_in_period(employee_ids, date_from: datetime.date, date_to: datetime.date):
    """The ranges of `employee_ids` in effect at some day of [date_from, date_to], of active heads (one
    statement)."""
    return (
        EmployeePayStructure.objects.filter(
            employee_id__in=employee_ids, pay_head__is_active=True, effective_from__lte=date_to
        )
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=date_from))
        .order_by("employee_id", "pay_head_id", "effective_from")
    )


# ---- runs and payslips -----------------------------------------------------------------------------------------


def runs(*, status=None, year=None, q=None):
    qs = filter_present(PayrollRun.objects.select_related("currency", "journal_entry"), status=status)
    if year:
        qs = qs.filter(pay_period_start__year=year)
    if q and q.strip():
        qs = qs.filter(Q(name__icontains=q.strip()) | Q(number__icontains=q.strip()))
    return qs


def access_run(run_id) -> PayrollRun:
    row = runs().filter(pk=run_id).first()
    if row is None:
        raise NotFound(_("No such payroll run"))
    return row


def overlapping_runs(date_from, date_to, *, exclude=None):
    """The live (not cancelled) runs whose period overlaps [date_from, date_to]."""
    qs = PayrollRun.objects.exclude(status="CANCELLED").filter(
        pay_period_start__lte=date_to, pay_period_end__gte=date_from
    )
    return qs.exclude(pk=exclude) if exclude else qs


def payslips(*, run=None, employee=None, status=None, year=None, date_from=None, date_to=None):
    """Payslips within the record rule; `date_from`/`date_to` keep those whose period overlaps the range."""
    qs = filter_present(
        Payslip.objects.select_related("employee", "payroll_run", "currency"),
        payroll_run=run,
        employee=employee,
        status=status,
    )
    if year:
        qs = qs.filter(period_start__year=year)
    qs = filter_present(qs, period_end__gte=date_from, period_start__lte=date_to)
    return _scoped(qs)


def payslip_lines():
    """The lines of the payslips within the record rule."""
    return _scoped(PayslipLine.objects.all(), "payslip__employee_id")


def access_payslip(payslip_id) -> Payslip:
    row = (
        payslips()
        .prefetch_related(Prefetch("lines", queryset=PayslipLine.objects.order_by("sequence", "code")))
        .filter(pk=payslip_id)
        .first()
    )
    if row is None:
        raise NotFound(_("No such payslip"))
    return row


def run_payslips(run_id):
    """The run's payslips within the record rule, with their lines (two statements)."""
    lines = Prefetch("lines", queryset=PayslipLine.objects.order_by("sequence", "code"))
    return list(payslips(run=run_id).prefetch_related(lines).order_by("payslip_number"))


REGISTER_FIELDS = (
    "basic_salary",
    "allowances",
    "bonuses",
    "overtime_pay",
    "reimbursements",
    "gross",
    "deductions",
    "tax_amount",
    "net_salary",
)


def run_register(run_id) -> dict:
    """The payroll register of a run: a row per payslip (within the record rule) and the column totals (two
    statements)."""
    rows = [
        {
            "payslip_number": p.payslip_number,
            "employee": p.employee.employee_number,
            "employee_name": p.employee.name,
            "status": p.status,
            "days_paid": p.days_paid,
            "unpaid_leave_days": p.unpaid_leave_days,
            **{name: getattr(p, name) for name in REGISTER_FIELDS},
        }
        for p in payslips(run=run_id).order_by("payslip_number")
    ]
    totals = {name: sum((r[name] for r in rows), Decimal(0)) for name in REGISTER_FIELDS}
    return {"rows": rows, "totals": totals, "count": len(rows)}


def head_totals(run_id) -> list[dict]:
    """Σ amount per head of a run's payslips, by sequence (one statement)."""
    return list(
        PayslipLine.objects.filter(payslip__payroll_run_id=run_id)
        .values("pay_head_id", "code", "name", "pay_type", "sequence")
        .annotate(amount=Sum("amount"), employees=Count("id"))
        .order_by("sequence", "code")
    )


def yearly_summary(year: int, *, employee=None) -> dict:
    """Per employee (within the record rule), the year's pay from live payslips: sums by column and the number of
    payslips (one statement)."""
    qs = payslips(year=year, employee=employee).exclude(status=PayslipStatus.CANCELLED)
    grouped = (
        qs.values("employee_id", "employee__employee_number", "employee__first_name", "employee__last_name")
        .annotate(payslips=Count("id"), **{name: Sum(name) for name in REGISTER_FIELDS})
        .order_by("employee__employee_number")
    )
    rows = [
        {
            "employee": g["employee__employee_number"],
            "employee_name": f"{g['employee__first_name']} {g['employee__last_name']}",
            "payslips": g["payslips"],
            **{name: g[name] for name in REGISTER_FIELDS},
        }
        for g in grouped
    ]
    totals = {name: sum((r[name] for r in rows), Decimal(0)) for name in REGISTER_FIELDS}
    return {"year": year, "rows": rows, "totals": totals}


def run_warnings(slips) -> list[dict]:
    """What stands in the way of paying `slips` (a run's payslips) by bank: each live payslip with a net to pay
    whose employee had no primary bank account when the run was processed."""
    return [
        {
            "code": PayrollError.MISSING_BANK_ACCOUNT,
            "employee": p.employee.employee_number,
            "message": _("%(employee)s (%(number)s) has no primary bank account")
            % {"employee": p.employee.name, "number": p.employee.employee_number},
        }
        for p in slips
        if p.net_salary > 0 and p.status != PayslipStatus.CANCELLED and not p.bank_account_number_encrypted
    ]


def bank_file_rows(run_id) -> list[dict]:
    """The run's bank payments, one per payslip with a net to pay, to the bank account of its snapshot (the full
    number: the file goes to the bank). Refused when an employee of the run has no bank account (a file that left
    someone out would go unnoticed): 422 `missing_bank_account` naming them."""
    qs = (
        Payslip.objects.filter(payroll_run_id=run_id, net_salary__gt=0)
        .exclude(status=PayslipStatus.CANCELLED)
        .select_related("employee", "payroll_run", "currency")
        .order_by("payslip_number")
    )
    slips = list(qs)
    missing = run_warnings(slips)
    if missing:
        raise ValidationFailed(
            _("No bank payment file while employees have no bank account: %(employees)s")
            % {"employees": ", ".join(w["employee"] for w in missing)},
            code=PayrollError.MISSING_BANK_ACCOUNT,
            field="bank_account",
        )
    return [
        {
            "payslip_number": p.payslip_number,
            "employee": p.employee.employee_number,
            "name": p.employee.name,
            "bank_name": p.bank_name,
            "account_number": crypto.decrypt(p.bank_account_number_encrypted),
            "iban": crypto.decrypt(p.bank_iban_encrypted) if p.bank_iban_encrypted else "",
            "swift_code": p.bank_swift_code,
            "amount": p.net_salary,
            "currency": p.currency.code,
            "payment_date": p.payroll_run.payment_date,
        }
        for p in slips
    ]


EARNING_TYPES = (PayType.EARNING, PayType.REIMBURSEMENT)
