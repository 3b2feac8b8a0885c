"""Payroll's declaration (entities §13, issue 11 §2): pay heads, pay structures, payroll runs posted to the books
as one journal entry each and paid by one payment entry each, payslips (an employee sees only their own)."""

from django.utils.translation import gettext_lazy as _

from comptoir.platform.constants import SettingType
from comptoir.platform.modules import MenuEntry, ModuleSpec, Series, SettingSpec

RUN_DOCUMENT = "payroll.payrollrun"
RUN_PAYMENT_DOCUMENT = "payroll.payrollrun.payment"  # the run's payment entry (source id: the run)
RUN_SERIES = "PAYROLL_RUN"

PAY_HEAD_CREATED = "payroll.pay_head.created"
PAY_HEAD_UPDATED = "payroll.pay_head.updated"
PAY_STRUCTURE_SET = "payroll.pay_structure.set"
PAY_STRUCTURE_ENDED = "payroll.pay_structure.ended"
RUN_CREATED = "payroll.run.created"
RUN_PROCESSED = "payroll.run.processed"
RUN_REOPENED = "payroll.run.reopened"
RUN_POSTED = "payroll.run.posted"
RUN_PAID = "payroll.run.paid"
RUN_CANCELLED = "payroll.run.cancelled"
PAYSLIP_SENT = "payroll.payslip.sent"

MANAGE_PAYROLL = "payroll.manage_payroll"
PROCESS_RUN = "payroll.process_payrollrun"
POST_RUN = "payroll.post_payrollrun"
PAY_RUN = "payroll.pay_payrollrun"
CANCEL_RUN = "payroll.cancel_payrollrun"

EXPENSE_ACCOUNT = "payroll.expense_account"
TAX_ACCOUNT = "payroll.tax_account"
DEDUCTIONS_ACCOUNT = "payroll.deductions_account"
PAYMENT_ACCOUNT = "payroll.payment_account"
# The liability account payroll opens in a chart that lacks one, for deductions other than tax.
DEDUCTIONS_ACCOUNT_CODE = "2250"


def _account_code(value) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(str(_("An account code is required")))


_READ = ("payroll.view_*",)

MODULE = ModuleSpec(
    name="payroll",
    label=_("Payroll"),
    depends_on=("platform", "identity", "accounting", "parties", "hr"),
    permissions={
        MANAGE_PAYROLL: "See every employee's payslips and pay structures (others see only their own payslips)",
        PROCESS_RUN: "Process a payroll run (compute its payslips), recompute it or take it back to draft",
        POST_RUN: "Post a payroll run to the books (its one journal entry)",
        PAY_RUN: "Pay a posted payroll run (its payment entry) and read its bank payment file",
        CANCEL_RUN: "Cancel a payroll run (a posted one through the reversal of its entry)",
    },
    restricted_permissions=frozenset({MANAGE_PAYROLL}),
    roles={"PAYROLL": ("Payroll accountant", "Pay heads, pay structures, payroll runs and payslips")},
    role_grants={
        "PAYROLL": (
            "payroll.*",
            MANAGE_PAYROLL,
            "hr.view_employee",
            "hr.view_department",
            "hr.manage_all",  # payroll names any employee (hr's record rule); it edits none (no hr.change_*)
            "accounting.view_*",
            "parties.view_*",
        ),
        "HR": (
            "payroll.view_*",
            "payroll.add_employeepaystructure",
            "payroll.change_employeepaystructure",
            MANAGE_PAYROLL,
        ),
        "ACCOUNTANT": (*_READ, MANAGE_PAYROLL),
        "EMPLOYEE": ("payroll.view_payslip",),
    },
    switchable=True,
    default_enabled=True,
    numbering=(Series(document_type=RUN_SERIES, prefix="PR-{year}-"),),
    settings=(
        SettingSpec(
            EXPENSE_ACCOUNT,
            SettingType.STRING,
            default="6000",
            validator=_account_code,
            description="Account debited by an earning or reimbursement head that names none",
        ),
        SettingSpec(
            TAX_ACCOUNT,
            SettingType.STRING,
            default="2100",
            validator=_account_code,
            description="Account credited by the TAX head (tax payable)",
        ),
        SettingSpec(
            DEDUCTIONS_ACCOUNT,
            SettingType.STRING,
            default=DEDUCTIONS_ACCOUNT_CODE,
            validator=_account_code,
            description="Account credited by a deduction head that names none",
        ),
        SettingSpec(
            PAYMENT_ACCOUNT,
            SettingType.STRING,
            default="1100",
            validator=_account_code,
            description="Bank or cash account salaries are paid from, unless the payment names one",
        ),
    ),
    events=(
        PAY_HEAD_CREATED,
        PAY_HEAD_UPDATED,
        PAY_STRUCTURE_SET,
        PAY_STRUCTURE_ENDED,
        RUN_CREATED,
        RUN_PROCESSED,
        RUN_REOPENED,
        RUN_POSTED,
        RUN_PAID,
        RUN_CANCELLED,
        PAYSLIP_SENT,
    ),
    api=(("/payroll", "comptoir.payroll.api.router"),),
    urls=(("payroll/", "comptoir.payroll.urls"),),
    menu=(
        MenuEntry(_("Payroll runs"), "payroll.view_payrollrun", view="payroll.runs"),
        MenuEntry(_("Payslips"), "payroll.view_payslip", view="payroll.payslips"),
        MenuEntry(_("Pay structures"), "payroll.view_employeepaystructure", view="payroll.pay-structures"),
        MenuEntry(_("Pay heads"), "payroll.view_payhead", view="payroll.pay-heads"),
    ),
    desk="comptoir.payroll.desk.DESK",
    posting_documents=(RUN_DOCUMENT, RUN_PAYMENT_DOCUMENT),
    record_rules={  # what an attachment of these rows is reached through (an employee: their own)
        "payroll.payslip": "comptoir.payroll.queries.payslips",
        "payroll.payslipline": "comptoir.payroll.queries.payslip_lines",
        "payroll.employeepaystructure": "comptoir.payroll.queries.pay_structures",
    },
)
