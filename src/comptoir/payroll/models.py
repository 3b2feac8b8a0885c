"""Payroll (entities §13): pay heads, each employee's pay structure, payroll runs (one journal entry each) with
their payslips and payslip lines."""

from django.db import models
from django.db.models import F, Q

from comptoir.payroll.constants import PAYSLIP_TRANSITIONS, RUN_TRANSITIONS, PayslipStatus, PayType, RunStatus
from comptoir.platform.crypto import masked
from comptoir.platform.models import PostableDocument, TenantModel
from comptoir.platform.money import AMOUNT_DECIMALS, AMOUNT_DIGITS


def _money(**kwargs) -> models.DecimalField:
    return models.DecimalField(max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_DECIMALS, **kwargs)


def _days(**kwargs) -> models.DecimalField:
    return models.DecimalField(max_digits=6, decimal_places=2, **kwargs)


class PayHead(TenantModel):
    """An earning, deduction or reimbursement: a fixed amount (the employee's structure amount, pro-rated), or a
    formula over the codes of the heads before it (by `sequence`) and the structure amount (`AMOUNT`). Posted to
    `account`, or to the account of its type's setting when none is named."""

    code = models.CharField(max_length=50)
    name = models.CharField(max_length=100)
    pay_type = models.CharField(max_length=20, choices=PayType.choices)
    is_taxable = models.BooleanField(default=True)
    is_fixed = models.BooleanField(default=True)
    calculation_formula = models.TextField(blank=True)
    account = models.ForeignKey("accounting.Account", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    sequence = models.IntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["sequence", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="pay_head_code_unique"),
            models.CheckConstraint(
                condition=Q(is_fixed=True) | ~Q(calculation_formula=""), name="pay_head_formula_when_not_fixed"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "pay_type"], name="pay_head_type"),
            models.Index(fields=["organization", "sequence"], name="pay_head_sequence"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class EmployeePayStructure(TenantModel):
    """What an employee gets of a head from `effective_from` to `effective_to` (open when NULL): an amount per
    period for a fixed head, the value a formula reads as `AMOUNT` otherwise. Ranges of one (employee, head) do
    not overlap (a locked check; an exclusion constraint too where btree_gist exists)."""

    employee = models.ForeignKey("hr.Employee", on_delete=models.CASCADE, related_name="+")
    pay_head = models.ForeignKey(PayHead, on_delete=models.PROTECT, related_name="structures")
    amount = _money()
    currency = models.ForeignKey("platform.Currency", on_delete=models.PROTECT, related_name="+")
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["employee", "pay_head__sequence", "effective_from"]
        verbose_name = "pay structure"
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="pay_structure_range",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="pay_structure_amount_non_negative"),
        ]
        indexes = [
            models.Index(fields=["organization", "employee", "effective_from"], name="pay_structure_employee"),
            models.Index(fields=["organization", "pay_head", "effective_from"], name="pay_structure_head"),
        ]


class PayrollRun(PostableDocument):
    """A pay period's payroll: its payslips and, once posted, the one journal entry of the run; paid by one
    payment entry for the whole run."""

    TRANSITIONS = RUN_TRANSITIONS

    number = models.CharField(max_length=50, blank=True)
    name = models.CharField(max_length=100)
    pay_period_start = models.DateField()
    pay_period_end = models.DateField()
    payment_date = models.DateField()
    status = models.CharField(max_length=20, choices=RunStatus.choices, default=RunStatus.DRAFT)
    journal_entry = models.OneToOneField(
        "accounting.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reversal_entry = models.OneToOneField(
        "accounting.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payment_account = models.ForeignKey(
        "accounting.Account", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The one payment entry of the run: Dr each employee's payable (naming their party), Cr the bank.
    payment_entry = models.OneToOneField(
        "accounting.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    total_earnings = _money(default=0)
    total_deductions = _money(default=0)
    net_pay = _money(default=0)
    employee_count = models.IntegerField(default=0)
    currency = models.ForeignKey("platform.Currency", on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pay_period_start", "-created_at"]
        verbose_name = "payroll run"
        constraints = [
            models.CheckConstraint(
                condition=Q(pay_period_start__lt=F("pay_period_end")), name="payroll_run_period_order"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "pay_period_start", "pay_period_end"], name="payroll_run_period"),
            models.Index(fields=["organization", "status"], name="payroll_run_status"),
        ]

    def __str__(self) -> str:
        return self.name


class Payslip(TenantModel):
    """One employee's pay in a run: the columns are the sums of its lines by kind; net = gross − deductions − tax
    (reimbursements are paid on top). One per employee and period among the live runs (a partial unique index)."""

    TRANSITIONS = PAYSLIP_TRANSITIONS

    payroll_run = models.ForeignKey(PayrollRun, on_delete=models.CASCADE, related_name="payslips")
    employee = models.ForeignKey("hr.Employee", on_delete=models.PROTECT, related_name="+")
    # The employee's party and payable account, and the cost center of their department, as they were.
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    payable_account = models.ForeignKey("accounting.Account", on_delete=models.PROTECT, related_name="+")
    cost_center = models.ForeignKey(
        "accounting.CostCenter", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The employee's primary bank account when the run was processed (empty: none), encrypted as the party's is;
    # only its masked forms are shown, the full number only in the run's bank payment file.
    bank_name = models.CharField(max_length=100, blank=True)
    bank_account_number_encrypted = models.TextField(blank=True)
    bank_account_last4 = models.CharField(max_length=4, blank=True)
    bank_iban_encrypted = models.TextField(blank=True)
    bank_iban_masked = models.CharField(max_length=12, blank=True)
    bank_swift_code = models.CharField(max_length=11, blank=True)
    payslip_number = models.CharField(max_length=50)
    period_start = models.DateField()
    period_end = models.DateField()
    days_in_period = _days()
    days_paid = _days()
    unpaid_leave_days = _days(default=0)
    basic_salary = _money(default=0)
    allowances = _money(default=0)
    bonuses = _money(default=0)
    overtime_pay = _money(default=0)
    reimbursements = _money(default=0)
    gross = _money(default=0)
    deductions = _money(default=0)
    tax_amount = _money(default=0)
    net_salary = _money(default=0)
    currency = models.ForeignKey("platform.Currency", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=PayslipStatus.choices, default=PayslipStatus.DRAFT)
    payment_date = models.DateField(null=True, blank=True)
    payment_method = models.CharField(max_length=50, blank=True)
    payment_entry = models.ForeignKey(  # the run's payment entry
        "accounting.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["payslip_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "payslip_number"],
                condition=~Q(status=PayslipStatus.CANCELLED),
                name="payslip_number_unique",
            ),
            models.UniqueConstraint(
                fields=["organization", "employee", "period_start"],
                condition=~Q(status=PayslipStatus.CANCELLED),
                name="payslip_one_per_employee_period",
            ),
            models.CheckConstraint(
                condition=Q(net_salary=F("gross") + F("reimbursements") - F("deductions") - F("tax_amount")),
                name="payslip_net",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "employee", "period_start"], name="payslip_employee_period"),
            models.Index(fields=["organization", "payroll_run"], name="payslip_run"),
        ]

    def __str__(self) -> str:
        return self.payslip_number

    @property
    def bank_account(self) -> str:
        """The snapshot's account number as it is shown: masked, its last 4 characters."""
        return masked(self.bank_account_last4)


class PayslipLine(TenantModel):
    """One head's amount on a payslip, with the head's type and code as they were."""

    payslip = models.ForeignKey(Payslip, on_delete=models.CASCADE, related_name="lines")
    pay_head = models.ForeignKey(PayHead, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=50)
    name = models.CharField(max_length=100)
    pay_type = models.CharField(max_length=20, choices=PayType.choices)
    sequence = models.IntegerField(default=0)
    full_amount = _money(default=0)
    amount = _money()

    class Meta:
        ordering = ["sequence", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "payslip", "pay_head"], name="payslip_line_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="payslip_line_amount_non_negative"),
        ]
