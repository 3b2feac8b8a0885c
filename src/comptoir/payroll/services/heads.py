"""Pay heads: seeded per organization (BASIC, ALLOWANCE, BONUS, OVERTIME, TAX, DEDUCTION) with their accounts;
created and changed with their formula checked when saved (`platform.formulas`, never `eval`): a formula may read
only the codes of the heads before it (a lower `sequence`) and the structure amount `AMOUNT`."""

from __future__ import annotations

import dataclasses

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from comptoir.accounting.constants import AccountType
from comptoir.accounting.services.chart import AccountInput, create_account, resolve_account
from comptoir.payroll.constants import AMOUNT_NAME, DEFAULT_HEADS, PayType
from comptoir.payroll.errors import PayrollError
from comptoir.payroll.models import PayHead
from comptoir.payroll.module import (
    DEDUCTIONS_ACCOUNT,
    DEDUCTIONS_ACCOUNT_CODE,
    EXPENSE_ACCOUNT,
    PAY_HEAD_CREATED,
    PAY_HEAD_UPDATED,
    TAX_ACCOUNT,
)
from comptoir.platform.constants import AuditAction
from comptoir.platform.errors import ValidationFailed
from comptoir.platform.formulas import FormulaError, parse_formula
from comptoir.platform.inputs import UNSET, Patch, _Unset
from comptoir.platform.locks import advisory_lock, lock_row
from comptoir.platform.queries.configuration import get_setting
from comptoir.platform.services.audit import record_audit, snapshot
from comptoir.platform.services.events import emit_event
from comptoir.platform.tenancy import require_org_id

AUDITED = (
    "code",
    "name",
    "pay_type",
    "is_taxable",
    "is_fixed",
    "calculation_formula",
    "account",
    "sequence",
    "is_active",
)
# Accounts a head may post to, by its type: an earning or reimbursement is an expense, a deduction a liability.
_ACCOUNT_TYPES = {
    PayType.EARNING: {AccountType.EXPENSE},
    PayType.REIMBURSEMENT: {AccountType.EXPENSE},
    PayType.DEDUCTION: {AccountType.TAX, AccountType.GENERAL, AccountType.SUPPLIER, AccountType.EMPLOYEE},
}


@dataclasses.dataclass(frozen=True, kw_only=True)
class PayHeadInput:
    code: str
    name: str
    pay_type: str
    is_fixed: bool = True
    calculation_formula: str = ""
    account: str | None = None
    sequence: int = 0
    is_taxable: bool = True
    is_active: bool = True


@dataclasses.dataclass(frozen=True, kw_only=True)
class PayHeadPatch(Patch):
    name: str | _Unset = UNSET
    is_fixed: bool | _Unset = UNSET
    calculation_formula: str | None | _Unset = UNSET
    account: str | None | _Unset = UNSET
    sequence: int | _Unset = UNSET
    is_taxable: bool | _Unset = UNSET
    is_active: bool | _Unset = UNSET


def default_account(pay_type: str, code: str = ""):
    """The account a head of `pay_type` posts to when it names none (the module's settings)."""
    if pay_type == PayType.DEDUCTION:
        return resolve_account(get_setting(TAX_ACCOUNT if code == "TAX" else DEDUCTIONS_ACCOUNT), "account")
    return resolve_account(get_setting(EXPENSE_ACCOUNT), "account")


def _account(ref, pay_type: str):
    if ref is None or str(ref).strip() == "":
        return None
    account = resolve_account(ref, "account")
    if account.account_type not in _ACCOUNT_TYPES[pay_type]:
        raise ValidationFailed(
            _("Account %(code)s cannot take a head of this type") % {"code": account.code},
            code=PayrollError.INVALID_ACCOUNT,
            field="account",
        )
    return account


def check_formula(head: PayHead) -> None:
    """A formula head's formula parses and reads only earlier heads' codes and AMOUNT; a fixed head has none."""
    if head.is_fixed:
        head.calculation_formula = ""
        return
    earlier = set(PayHead.objects.filter(sequence__lt=head.sequence).exclude(pk=head.pk).values_list("code", flat=True))
    try:
        formula = parse_formula(head.calculation_formula, allowed=earlier | {AMOUNT_NAME})
    except FormulaError as exc:
        raise ValidationFailed(str(exc), code=PayrollError.INVALID_FORMULA, field="calculation_formula") from exc
    head.calculation_formula = formula.text


def _check_later_formulas(head: PayHead) -> None:
    """A head moved later (or renamed) must not break a formula of a head before it that reads it."""
    readers = PayHead.objects.filter(is_fixed=False, sequence__lte=head.sequence).exclude(pk=head.pk)
    for other in readers:
        if head.code in parse_formula(other.calculation_formula).names:
            raise ValidationFailed(
                _("Head %(code)s reads this head: keep this head before it") % {"code": other.code},
                code=PayrollError.INVALID_FORMULA,
                field="sequence",
            )


def _save(head: PayHead) -> None:
    try:
        with transaction.atomic():
            head.save()
    except IntegrityError as exc:
        raise ValidationFailed(
            _("A pay head with code '%(code)s' exists") % {"code": head.code}, code="duplicate", field="code"
        ) from exc


def create_pay_head(*, actor, data: PayHeadInput) -> PayHead:
    """A new head; its formula (if not fixed) is checked against the heads before it."""
    code = (data.code or "").strip().upper()
    name = (data.name or "").strip()
    if not code:
        raise ValidationFailed(_("%(field)s is required") % {"field": "code"}, code="required", field="code")
    if not name:
        raise ValidationFailed(_("%(field)s is required") % {"field": "name"}, code="required", field="name")
    with transaction.atomic():
        advisory_lock("payroll.pay_heads")
        head = PayHead(
            code=code,
            name=name,
            pay_type=data.pay_type,
            is_fixed=data.is_fixed,
            calculation_formula=data.calculation_formula or "",
            sequence=data.sequence,
            is_taxable=data.is_taxable,
            is_active=data.is_active,
            account=_account(data.account, data.pay_type),
            created_by=actor,
            updated_by=actor,
        )
        check_formula(head)
        _save(head)
        record_audit(actor=actor, action=AuditAction.CREATE, obj=head, new=snapshot(head, AUDITED))
        emit_event(event_type=PAY_HEAD_CREATED, payload={"id": str(head.pk), "code": head.code}, source=head)
    return head


def update_pay_head(*, actor, head_id, changes: PayHeadPatch) -> PayHead:
    """Change the fields sent (the code and type stay: payslips name them); a formula is checked again."""
    changes.refuse_nulls("name", "is_fixed", "sequence", "is_taxable", "is_active")
    with transaction.atomic():
        advisory_lock("payroll.pay_heads")
        head = lock_row(PayHead.objects, head_id, what=_("pay head"))
        old = snapshot(head, AUDITED)
        values = changes.provided()
        if "account" in values:
            head.account = _account(values.pop("account"), head.pay_type)
        for name, value in values.items():
            setattr(head, name, value if value is not None else "")
        head.updated_by = actor
        check_formula(head)
        _check_later_formulas(head)
        _save(head)
        record_audit(actor=actor, action=AuditAction.UPDATE, obj=head, old=old, new=snapshot(head, AUDITED))
        emit_event(event_type=PAY_HEAD_UPDATED, payload={"id": str(head.pk), "code": head.code}, source=head)
    return head


def ensure_deductions_account(*, actor):
    """The liability account of deductions other than tax: the chart's DEDUCTIONS_ACCOUNT_CODE, opened under the
    current liabilities of the tax account when the chart lacks it."""
    try:
        return resolve_account(DEDUCTIONS_ACCOUNT_CODE)
    except ValidationFailed:
        tax = resolve_account(get_setting(TAX_ACCOUNT))
        data = AccountInput(
            code=DEDUCTIONS_ACCOUNT_CODE,
            name="Payroll deductions payable",
            group=tax.group_id,
            account_type=AccountType.GENERAL,
        )
        return create_account(actor=actor, data=data, is_system=True)


def install_default_heads(*, actor) -> None:
    """The default heads and their accounts, in the organization in context; heads whose code exists are left."""
    with transaction.atomic():
        deductions = ensure_deductions_account(actor=actor)
        existing = set(PayHead.objects.values_list("code", flat=True))
        org_id = require_org_id()
        expense, tax = resolve_account(get_setting(EXPENSE_ACCOUNT)), resolve_account(get_setting(TAX_ACCOUNT))
        accounts = {PayType.EARNING: expense, "TAX": tax, PayType.DEDUCTION: deductions}
        heads = [
            PayHead(
                organization_id=org_id,
                code=code,
                name=name,
                pay_type=pay_type,
                sequence=sequence,
                is_taxable=taxable,
                account=accounts.get(code) or accounts[pay_type],
                created_by=actor,
                updated_by=actor,
            )
            for code, name, pay_type, sequence, taxable in DEFAULT_HEADS
            if code not in existing
        ]
        PayHead.objects.bulk_create(heads)
        for head in heads:
            record_audit(actor=actor, action=AuditAction.CREATE, obj=head, new=snapshot(head, AUDITED))


def on_organization_created(*, organization, actor) -> None:
    install_default_heads(actor=actor)
