"""Tax rates and the one tax computation invoicing and purchasing use.

A rate is simple (VAT 20) or composite (GST 18 = CGST 9 + SGST 9): a composite's rate is the sum of its
components', which share its validity dates. Rates of one code never overlap in time while active. A rate is not
edited once made: end it (effective_to) and create the next one. `compute_tax` is pure: ROUND_HALF_UP to the
currency's decimals, components that sum exactly to the tax."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from comptoir.accounting.constants import TaxType
from comptoir.accounting.models import Account, AccountGroup, TaxRate
from comptoir.accounting.services.chart import resolve_account
from comptoir.platform.constants import AuditAction
from comptoir.platform.errors import Conflict, NotFound, ValidationFailed
from comptoir.platform.inputs import UNSET, Patch, _Unset
from comptoir.platform.locks import advisory_lock
from comptoir.platform.money import round_money
from comptoir.platform.services.audit import record_audit, snapshot
from comptoir.platform.tenancy import require_org_id

TAX_AUDITED = (
    "code", "name", "tax_type", "rate", "parent", "output_account", "input_account", "effective_from",
    "effective_to", "is_active", "description",
)  # fmt: skip
HUNDRED = Decimal(100)


# --- the computation ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """A tax rate as the computation sees it; `components` empty for a simple rate."""

    id: object
    code: str
    rate: Decimal
    output_account_id: object = None
    input_account_id: object = None
    components: tuple[Rate, ...] = ()

    @classmethod
    def of(cls, tax_rate: TaxRate) -> Rate:
        """From a TaxRate (prefetch its `components` to keep this free of queries)."""
        parts = tuple(cls.of(c) for c in sorted(tax_rate.components.all(), key=lambda c: c.code))
        return cls(
            tax_rate.pk, tax_rate.code, tax_rate.rate, tax_rate.output_account_id, tax_rate.input_account_id, parts
        )


@dataclass(frozen=True)
class ComponentTax:
    tax_rate_id: object
    code: str
    rate: Decimal
    amount: Decimal
    output_account_id: object
    input_account_id: object


@dataclass(frozen=True)
class TaxBreakdown:
    net: Decimal
    tax: Decimal
    gross: Decimal
    rate: Decimal
    inclusive: bool
    currency: str
    components: tuple[ComponentTax, ...]


def compute_tax(*, amount, tax_rate: Rate | TaxRate, inclusive: bool, currency) -> TaxBreakdown:
    """Net, tax and gross of `amount` (the net when exclusive, the gross when inclusive), rounded half up to the
    currency's decimals after rounding `amount` itself; net + tax = gross exactly. The tax is split over the
    components in proportion to their rates with cumulative rounding, so the parts sum exactly to the tax and the
    rounding remainder lands on the last component (for two components: the last gets tax - first)."""
    rate = tax_rate if isinstance(tax_rate, Rate) else Rate.of(tax_rate)
    try:
        amount = round_money(amount if isinstance(amount, Decimal) else Decimal(str(amount)), currency)
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationFailed(_("amount is a number"), code="invalid", field="amount") from None
    if inclusive:
        gross = amount
        tax = round_money(gross * rate.rate / (HUNDRED + rate.rate), currency)
        net = gross - tax
    else:
        net = amount
        tax = round_money(net * rate.rate / HUNDRED, currency)
        gross = net + tax
    parts = rate.components or (rate,)
    amounts, done, cumulative = [], Decimal(0), Decimal(0)
    for part in parts:
        cumulative += part.rate
        upto = round_money(tax * cumulative / rate.rate, currency) if rate.rate else Decimal(0)
        amounts.append(upto - done)
        done = upto
    amounts[-1] += tax - done  # nil unless the component rates do not sum to the rate
    components = tuple(
        ComponentTax(p.id, p.code, p.rate, a, p.output_account_id, p.input_account_id)
        for p, a in zip(parts, amounts, strict=True)
    )
    return TaxBreakdown(net, tax, gross, rate.rate, inclusive, currency.code, components)


@dataclass(frozen=True, kw_only=True)
class TaxLine:
    """A document line's amount (its net, or its gross when `inclusive`) under a rate."""

    amount: Decimal
    tax_rate: Rate | TaxRate
    inclusive: bool


def compute_line_taxes(*, lines: list[TaxLine], currency) -> list[TaxBreakdown]:
    """`compute_tax` for each line: each line is rounded on its own."""
    return [
        compute_tax(amount=line.amount, tax_rate=line.tax_rate, inclusive=line.inclusive, currency=currency)
        for line in lines
    ]


# --- the writes --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class TaxComponentInput:
    """A simple rate, or a component of a composite one (CGST 9 of GST 18); accounts by id or code."""

    code: str
    name: str
    rate: Decimal
    tax_type: str = TaxType.OTHER
    output_account: str | uuid.UUID | None = None
    input_account: str | uuid.UUID | None = None


@dataclass(frozen=True, kw_only=True)
class TaxRateInput(TaxComponentInput):
    """A rate in force from `effective_from` (to `effective_to`, included); composite with `components`."""

    effective_from: datetime.date
    effective_to: datetime.date | None = None
    description: str = ""
    components: tuple[TaxComponentInput, ...] = ()


@dataclass(frozen=True, kw_only=True)
class TaxRatePatch(Patch):
    name: str | None | _Unset = UNSET
    description: str | None | _Unset = UNSET
    effective_to: datetime.date | None | _Unset = UNSET
    output_account: str | uuid.UUID | None | _Unset = UNSET
    input_account: str | uuid.UUID | None | _Unset = UNSET


def _lock_tax_rates() -> None:
    """Serialize tax-rate writes in the organization (the overlap check reads then writes)."""
    advisory_lock("accounting.tax_rate")


def _required(value: str | None, field: str) -> str:
    """`value` stripped; a blank (or null) one is refused as `required`."""
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(
            _("%(field)s is required") % {"field": field.rpartition(".")[2]}, code="required", field=field
        )
    return text


def _leaf_account(ref, field: str) -> Account | None:
    """The account named by id or code; a group is refused (postings go to leaves only)."""
    if ref is None or ref == "":
        return None
    try:
        account = resolve_account(ref, field)
    except ValidationFailed:
        if AccountGroup.objects.filter(code=str(ref)).exists():
            raise ValidationFailed(
                _("'%(ref)s' is a group, not an account") % {"ref": ref}, code="not_leaf", field=field
            ) from None
        raise
    if not account.is_active:
        raise ValidationFailed(
            _("Account %(code)s is inactive") % {"code": account.code}, code="inactive_account", field=field
        )
    return account


def _check_range(start: datetime.date, end: datetime.date | None) -> None:
    if end is not None and end < start:
        raise ValidationFailed(_("effective_to is before effective_from"), code="invalid_range", field="effective_to")


def _check_no_overlap(code: str, start, end, field: str, exclude=None) -> None:
    clash = TaxRate.objects.filter(code=code, is_active=True).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=start)
    )
    if end is not None:
        clash = clash.filter(effective_from__lte=end)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if (found := clash.first()) is not None:
        raise ValidationFailed(
            _("Tax %(code)s is already in force from %(effective_from)s")
            % {"code": code, "effective_from": found.effective_from},
            code="overlapping_dates",
            field=field,
        )


def _rate_row(data: TaxComponentInput, field: str, *, start, end, actor, parent=None, description: str = "") -> TaxRate:
    prefix = f"{field}." if field else ""
    return TaxRate(
        organization_id=require_org_id(),
        code=_required(data.code, f"{prefix}code"),
        name=_required(data.name, f"{prefix}name"),
        tax_type=data.tax_type,
        rate=data.rate,
        parent=parent,
        output_account=_leaf_account(data.output_account, f"{prefix}output_account"),
        input_account=_leaf_account(data.input_account, f"{prefix}input_account"),
        effective_from=start,
        effective_to=end,
        description=description,
        created_by=actor,
        updated_by=actor,
    )


def create_tax_rate(*, actor, data: TaxRateInput) -> TaxRate:
    """A rate, with its `components` when composite (their rates sum to its rate). Refused when a rate of the same
    code is in force on overlapping dates."""
    start, end = data.effective_from, data.effective_to
    _check_range(start, end)
    codes = [c.code.strip() for c in data.components]
    if len(set(codes) | {data.code.strip()}) != len(codes) + 1:
        raise ValidationFailed(
            _("Component codes differ from each other and the rate's"), code="duplicate", field="components"
        )
    with transaction.atomic():
        _lock_tax_rates()
        row = _rate_row(data, "", start=start, end=end, actor=actor, description=data.description)
        parts = [
            _rate_row(c, f"components[{i}]", start=start, end=end, actor=actor, parent=row)
            for i, c in enumerate(data.components)
        ]
        if parts and sum(p.rate for p in parts) != row.rate:
            raise ValidationFailed(
                _("The components sum to %(sum)s, not %(rate)s")
                % {"sum": sum(p.rate for p in parts), "rate": row.rate},
                code="rate_mismatch",
                field="rate",
            )
        for i, part in enumerate([row, *parts]):
            _check_no_overlap(part.code, start, end, f"components[{i - 1}].code" if i else "effective_from")
        try:
            with transaction.atomic():
                row.save()
                TaxRate.objects.bulk_create(parts)
        except IntegrityError as exc:
            raise ValidationFailed(
                _("A rate with this code starts on that day"), code="duplicate", field="code"
            ) from exc
        record_audit(
            actor=actor,
            action=AuditAction.CREATE,
            obj=row,
            new={**snapshot(row, TAX_AUDITED), "components": [p.code for p in parts]},
        )
    return row


def _locked_rate(tax_rate_id) -> TaxRate:
    row = TaxRate.objects.select_for_update().filter(pk=tax_rate_id).first()
    if row is None:
        raise NotFound(_("No such tax rate"))
    return row


def update_tax_rate(*, actor, tax_rate_id, changes: TaxRatePatch) -> TaxRate:
    """Change name, description, accounts or effective_to (a composite passes its end date to its components; a
    component's dates follow its composite). The rate itself is not edited: end it and create the next one."""
    given = changes.provided()
    with transaction.atomic():
        _lock_tax_rates()
        row = _locked_rate(tax_rate_id)
        old = snapshot(row, TAX_AUDITED)
        if "name" in given:
            row.name = _required(given["name"], "name")
        if "description" in given:
            row.description = given["description"] or ""
        for name in ("output_account", "input_account"):
            if name in given:
                setattr(row, name, _leaf_account(given[name], name))
        if "effective_to" in given and given["effective_to"] != row.effective_to:
            if row.parent_id:
                raise ValidationFailed(
                    _("A component's dates follow its composite"), code="component", field="effective_to"
                )
            _check_range(row.effective_from, given["effective_to"])
            if row.is_active:
                for code, pk in [(row.code, row.pk), *row.components.values_list("code", "pk")]:
                    _check_no_overlap(code, row.effective_from, given["effective_to"], "effective_to", exclude=pk)
            row.effective_to = given["effective_to"]
            row.components.update(effective_to=row.effective_to, updated_by=actor)
        row.updated_by = actor
        row.save()
        record_audit(actor=actor, action=AuditAction.UPDATE, obj=row, old=old, new=snapshot(row, TAX_AUDITED))
    return row


def deactivate_tax_rate(*, actor, tax_rate_id, reason: str = "") -> TaxRate:
    """Active → inactive, with its components; it is no longer found for any date. Refused on a component."""
    with transaction.atomic():
        row = _locked_rate(tax_rate_id)
        if row.parent_id:
            raise Conflict(_("Deactivate the composite rate, not a component"), code="component")
        if not row.is_active:
            raise Conflict(_("Tax rate %(code)s is already inactive") % {"code": row.code}, code="already_inactive")
        row.is_active = False
        row.updated_by = actor
        row.save(update_fields=["is_active", "updated_by", "updated_at"])
        row.components.update(is_active=False, updated_by=actor)
        record_audit(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=row,
            old={"is_active": True},
            new={"is_active": False},
            reason=reason,
        )
    return row
