"""Request and response shapes of payroll. Amounts are decimal strings; a reference field takes the target's id
or its code (a pay head's code, an employee's number, an account's code)."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import Field

from comptoir.payroll.constants import PayslipStatus, PayType, RunStatus
from comptoir.platform.schemas.base import AmountString, ClearableText, DecimalString, Input, Page

REF = Field(None, max_length=100, description="an id or a code")


class Ref(Schema):
    id: uuid.UUID
    code: str
    name: str


def _employee(obj):
    e = obj.employee
    return {"id": e.pk, "code": e.employee_number, "name": e.name}


# ---- pay heads -------------------------------------------------------------------------------------------------


class PayHeadIn(Input):
    code: str = Field(min_length=1, max_length=50)
    name: str = Field(min_length=1, max_length=100)
    pay_type: PayType
    is_fixed: bool = True
    calculation_formula: str = Field("", max_length=500)
    account: str | None = REF
    sequence: int = Field(0, ge=-1_000_000, le=1_000_000)
    is_taxable: bool = True
    is_active: bool = True


class PayHeadPatch(Input):
    name: str | None = Field(None, min_length=1, max_length=100)
    is_fixed: bool | None = None
    calculation_formula: ClearableText = Field(None, max_length=500)
    account: str | None = REF
    sequence: int | None = Field(None, ge=-1_000_000, le=1_000_000)
    is_taxable: bool | None = None
    is_active: bool | None = None


class PayHeadOut(Schema):
    id: uuid.UUID
    code: str
    name: str
    pay_type: str
    is_fixed: bool
    calculation_formula: str
    account: Ref | None
    sequence: int
    is_taxable: bool
    is_active: bool

    @staticmethod
    def resolve_account(obj):
        a = obj.account
        return None if a is None else {"id": a.pk, "code": a.code, "name": a.name}


class PayHeadPage(Page):
    items: list[PayHeadOut]


class PayHeadFilters(Schema):
    pay_type: PayType | None = None
    is_active: bool | None = None
    is_fixed: bool | None = None
    q: str | None = Field(None, max_length=100)


# ---- pay structures --------------------------------------------------------------------------------------------


class PayStructureIn(Input):
    employee: str = Field(min_length=1, max_length=100, description="an employee's id or number")
    pay_head: str = Field(min_length=1, max_length=100, description="a pay head's id or code")
    amount: Decimal = Field(ge=0, max_digits=20, decimal_places=4)
    effective_from: datetime.date
    effective_to: datetime.date | None = None
    notes: str = Field("", max_length=10_000)


class PayStructurePatch(Input):
    amount: Decimal | None = Field(None, ge=0, max_digits=20, decimal_places=4)
    effective_from: datetime.date | None = None
    effective_to: datetime.date | None = None
    notes: ClearableText = Field(None, max_length=10_000)


class PayStructureOut(Schema):
    id: uuid.UUID
    employee: Ref
    pay_head: Ref
    amount: AmountString
    currency: str
    effective_from: datetime.date
    effective_to: datetime.date | None
    notes: str

    @staticmethod
    def resolve_employee(obj):
        return _employee(obj)

    @staticmethod
    def resolve_pay_head(obj):
        h = obj.pay_head
        return {"id": h.pk, "code": h.code, "name": h.name}

    @staticmethod
    def resolve_currency(obj):
        return obj.currency.code


class PayStructurePage(Page):
    items: list[PayStructureOut]


class PayStructureFilters(Schema):
    employee: uuid.UUID | None = None
    pay_head: uuid.UUID | None = None
    active_on: datetime.date | None = None


# ---- runs and payslips -----------------------------------------------------------------------------------------


class RunIn(Input):
    name: str = Field(min_length=1, max_length=100)
    pay_period_start: datetime.date
    pay_period_end: datetime.date
    payment_date: datetime.date
    notes: str = Field("", max_length=10_000)


class RunPatch(Input):
    name: str | None = Field(None, min_length=1, max_length=100)
    pay_period_start: datetime.date | None = None
    pay_period_end: datetime.date | None = None
    payment_date: datetime.date | None = None
    notes: ClearableText = Field(None, max_length=10_000)


class PayIn(Input):
    bank_account: str | None = Field(
        None,
        max_length=100,
        description="a bank account's id, or a bank or cash "
        "ledger account's id or code (default: the setting payroll.payment_account)",
    )


class CancelIn(Input):
    reason: str = Field("", max_length=1000)
    date: datetime.date | None = Field(
        None, description="a posted run: the reversal's date (default: the period's last day)"
    )


class ReopenIn(Input):
    reason: str = Field("", max_length=1000)


class PayslipLineOut(Schema):
    code: str
    name: str
    pay_type: str
    sequence: int
    full_amount: AmountString
    amount: AmountString


class PayslipOut(Schema):
    id: uuid.UUID
    payslip_number: str
    payroll_run: uuid.UUID = Field(alias="payroll_run_id")
    employee: Ref
    period_start: datetime.date
    period_end: datetime.date
    days_in_period: DecimalString
    days_paid: DecimalString
    unpaid_leave_days: DecimalString
    basic_salary: AmountString
    allowances: AmountString
    bonuses: AmountString
    overtime_pay: AmountString
    reimbursements: AmountString
    gross: AmountString
    deductions: AmountString
    tax_amount: AmountString
    net_salary: AmountString
    currency: str
    status: str
    payment_date: datetime.date | None
    payment_method: str
    payment_entry: uuid.UUID | None = Field(None, alias="payment_entry_id")
    bank_name: str
    bank_account: str = Field(description="the employee's bank account when the run was processed, masked")
    bank_iban: str = Field(alias="bank_iban_masked", description="masked: country, check digits and last 4")
    bank_swift_code: str

    @staticmethod
    def resolve_employee(obj):
        return _employee(obj)

    @staticmethod
    def resolve_currency(obj):
        return obj.currency.code


class PayslipDetailOut(PayslipOut):
    lines: list[PayslipLineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())


class PayslipPage(Page):
    items: list[PayslipOut]


class PayslipFilters(Schema):
    run: uuid.UUID | None = None
    employee: uuid.UUID | None = None
    status: PayslipStatus | None = None
    year: int | None = Field(None, ge=1900, le=9999)
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


class RunOut(Schema):
    id: uuid.UUID
    number: str
    name: str
    pay_period_start: datetime.date
    pay_period_end: datetime.date
    payment_date: datetime.date
    status: str
    currency: str
    total_earnings: AmountString
    total_deductions: AmountString
    net_pay: AmountString
    employee_count: int
    journal_entry: uuid.UUID | None = Field(None, alias="journal_entry_id")
    reversal_entry: uuid.UUID | None = Field(None, alias="reversal_entry_id")
    payment_entry: uuid.UUID | None = Field(None, alias="payment_entry_id")
    notes: str
    processed_at: datetime.datetime | None
    posted_at: datetime.datetime | None
    paid_at: datetime.datetime | None
    cancelled_at: datetime.datetime | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_currency(obj):
        return obj.currency.code


class RunWarning(Schema):
    code: str
    employee: str
    message: str


class RunDetailOut(RunOut):
    payslips: list[PayslipDetailOut]
    warnings: list[RunWarning] = Field(description="what stands in the way of paying: employees without a bank account")

    @staticmethod
    def resolve_payslips(obj):
        return getattr(obj, "payslip_rows", [])

    @staticmethod
    def resolve_warnings(obj):
        return getattr(obj, "warnings", [])


class RunPage(Page):
    items: list[RunOut]


class RunFilters(Schema):
    status: RunStatus | None = None
    year: int | None = Field(None, ge=1900, le=9999)
    q: str | None = Field(None, max_length=100)


# ---- reports ---------------------------------------------------------------------------------------------------


class RegisterRow(Schema):
    payslip_number: str
    employee: str
    employee_name: str
    status: str
    days_paid: DecimalString
    unpaid_leave_days: DecimalString
    basic_salary: AmountString
    allowances: AmountString
    bonuses: AmountString
    overtime_pay: AmountString
    reimbursements: AmountString
    gross: AmountString
    deductions: AmountString
    tax_amount: AmountString
    net_salary: AmountString


class Totals(Schema):
    basic_salary: AmountString
    allowances: AmountString
    bonuses: AmountString
    overtime_pay: AmountString
    reimbursements: AmountString
    gross: AmountString
    deductions: AmountString
    tax_amount: AmountString
    net_salary: AmountString


class RegisterOut(Schema):
    count: int
    rows: list[RegisterRow]
    totals: Totals


class SummaryRow(Schema):
    employee: str
    employee_name: str
    payslips: int
    basic_salary: AmountString
    allowances: AmountString
    bonuses: AmountString
    overtime_pay: AmountString
    reimbursements: AmountString
    gross: AmountString
    deductions: AmountString
    tax_amount: AmountString
    net_salary: AmountString


class SummaryOut(Schema):
    year: int
    rows: list[SummaryRow]
    totals: Totals


class SummaryParams(Schema):
    year: int = Field(ge=1900, le=9999)
    employee: uuid.UUID | None = None


class EmailOut(Schema):
    sent_to: str


FORMATS = Literal["csv"]
