"""Types, statuses and the allowed status moves of payroll, declared as data (entities §13)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PayType(models.TextChoices):
    EARNING = "EARNING", _("Earning")
    DEDUCTION = "DEDUCTION", _("Deduction")
    REIMBURSEMENT = "REIMBURSEMENT", _("Reimbursement")


class RunStatus(models.TextChoices):
    DRAFT = "DRAFT", pgettext_lazy("payroll run", "Draft")
    PROCESSED = "PROCESSED", pgettext_lazy("payroll run", "Processed")
    POSTED = "POSTED", pgettext_lazy("payroll run", "Posted")
    PAID = "PAID", pgettext_lazy("payroll run", "Paid")
    CANCELLED = "CANCELLED", pgettext_lazy("payroll run", "Cancelled")


class PayslipStatus(models.TextChoices):
    DRAFT = "DRAFT", pgettext_lazy("payslip", "Draft")
    APPROVED = "APPROVED", pgettext_lazy("payslip", "Approved")
    PAID = "PAID", pgettext_lazy("payslip", "Paid")
    CANCELLED = "CANCELLED", pgettext_lazy("payslip", "Cancelled")


_D, _PR, _PO, _PA, _C = (RunStatus.DRAFT, RunStatus.PROCESSED, RunStatus.POSTED, RunStatus.PAID, RunStatus.CANCELLED)
# DRAFT → PROCESSED (payslips computed) ↔ DRAFT (to recompute) → POSTED (one journal entry) → PAID (one payment entry);
# DRAFT/PROCESSED → CANCELLED; POSTED → CANCELLED only through the reversal of its entry.
RUN_TRANSITIONS = frozenset({(_D, _PR), (_PR, _D), (_PR, _PO), (_PO, _PA), (_D, _C), (_PR, _C), (_PO, _C)})
# Runs whose payslips count: one payslip per employee and period among them.
LIVE_RUN_STATUSES = (_D, _PR, _PO, _PA)

_SD, _SA, _SP, _SC = PayslipStatus.DRAFT, PayslipStatus.APPROVED, PayslipStatus.PAID, PayslipStatus.CANCELLED
# DRAFT → APPROVED (the run is posted) → PAID; DRAFT → CANCELLED, APPROVED → CANCELLED (the run's entry reversed).
PAYSLIP_TRANSITIONS = frozenset({(_SD, _SA), (_SA, _SP), (_SD, _SC), (_SA, _SC)})

# The heads every organization starts with (entities §13, from seed 000's Payroll columns):
# (code, name, pay type, sequence, taxable).
DEFAULT_HEADS = (
    ("BASIC", "Basic salary", PayType.EARNING, 10, True),
    ("ALLOWANCE", "Allowance", PayType.EARNING, 20, True),
    ("BONUS", "Bonus", PayType.EARNING, 30, True),
    ("OVERTIME", "Overtime", PayType.EARNING, 40, True),
    ("TAX", "Income tax", PayType.DEDUCTION, 100, False),
    ("DEDUCTION", "Other deductions", PayType.DEDUCTION, 110, False),
)
# The name the employee's structure amount takes in a formula: `AMOUNT * 0.10`.
AMOUNT_NAME = "AMOUNT"
