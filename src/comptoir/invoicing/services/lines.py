"""An invoice's lines and taxes, computed in one place: every path that makes an invoice (the API, the desk, a
recurring schedule, later an order's delivered quantities) feeds `build_lines` with `InvoiceLineInput`s.

Amounts: quantity × unit rate, rounded to the currency, less the discount (rounded) = the net; the tax comes from
accounting's one tax function (`compute_line_taxes`, exclusive of tax). The organization's setting
`invoicing.tax_rounding` says where the tax is rounded: LINE (each line on its own) or DOCUMENT (once per rate over
the sum of its lines' nets, then spread over the lines with cumulative rounding, so the lines still sum exactly to
it). Either way the components (CGST + SGST…) sum exactly to the tax."""

from __future__ import annotations

import dataclasses
import uuid
from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _

from comptoir.accounting.services.chart import resolve_account, resolve_cost_center
from comptoir.accounting.services.taxes import Rate, TaxLine, compute_line_taxes, compute_tax
from comptoir.catalog.queries.refs import products_by_ref, resolve_product, resolve_tax
from comptoir.invoicing.constants import SELLING_TYPES, TaxRounding
from comptoir.invoicing.errors import InvoicingError
from comptoir.invoicing.models import Invoice, InvoiceLine, InvoiceTax
from comptoir.invoicing.module import (
    EXPENSE_ACCOUNT_SETTING,
    INCOME_ACCOUNT_SETTING,
    INPUT_TAX_SETTING,
    OUTPUT_TAX_SETTING,
    STOCK_CLEARING_SETTING,
    TAX_ROUNDING_SETTING,
)
from comptoir.platform.errors import ValidationFailed
from comptoir.platform.ids import uuid7
from comptoir.platform.money import round_money
from comptoir.platform.queries.configuration import get_settings

ZERO = Decimal(0)
HUNDRED = Decimal(100)


@dataclasses.dataclass(frozen=True, kw_only=True)
class InvoiceLineInput:
    """A line; `product`, `tax_rate`, `account` and `cost_center` by id or code. Without `tax_rate` the product's
    rate applies (none for a line without a product or an exempt product); without `account` the settings'."""

    quantity: Decimal
    unit_rate: Decimal
    product: str | uuid.UUID | None = None
    description: str = ""
    discount_pct: Decimal = ZERO
    tax_rate: str | uuid.UUID | None = None
    account: str | uuid.UUID | None = None
    cost_center: str | uuid.UUID | None = None
    hsn_code: str = ""
    notes: str = ""


@dataclasses.dataclass
class Built:
    lines: list[InvoiceLine]
    taxes: list[InvoiceTax]
    subtotal: Decimal
    discount: Decimal
    tax: Decimal


SETTINGS = (
    INCOME_ACCOUNT_SETTING,
    EXPENSE_ACCOUNT_SETTING,
    STOCK_CLEARING_SETTING,
    OUTPUT_TAX_SETTING,
    INPUT_TAX_SETTING,
    TAX_ROUNDING_SETTING,
)


class _Refs:
    """What one invoice's lines name, each looked up once: the products (one query for all), the tax rates and the
    accounts (by reference or by setting). A reference that names nothing fails on the first line naming it, with
    that line's field, as when each line looked it up."""

    def __init__(self, invoice: Invoice, inputs):
        self.invoice = invoice
        self.products = products_by_ref(line.product for line in inputs if line.product not in (None, ""))
        self.settings = get_settings(SETTINGS)  # whichever the lines need, in one statement
        self.found: dict = {}

    def _once(self, key, lookup):
        if key not in self.found:
            self.found[key] = lookup()
        return self.found[key]

    def product(self, line: InvoiceLineInput, field: str):
        if line.product in (None, ""):
            return None
        return self.products.get(str(line.product).strip()) or resolve_product(line.product, f"{field}.product")

    def account(self, line: InvoiceLineInput, product, field: str):
        if line.account not in (None, ""):
            return self._once(("account", str(line.account)), lambda: resolve_account(line.account, f"{field}.account"))
        if self.invoice.invoice_type in SELLING_TYPES:
            key = INCOME_ACCOUNT_SETTING
        else:
            stocked = product is not None and product.track_inventory
            key = STOCK_CLEARING_SETTING if stocked else EXPENSE_ACCOUNT_SETTING
        return self.setting_account(key, f"{field}.account")

    def setting_account(self, key: str, field: str):
        return self._once(key, lambda: resolve_account(self.settings[key], field))

    def tax_rate(self, line: InvoiceLineInput, product, field: str):
        if line.tax_rate not in (None, ""):
            ref = line.tax_rate
        elif product is not None and product.tax_rate_id and not product.vat_exempt:
            ref = product.tax_rate_id
        else:
            return None
        day = self.invoice.invoice_date
        return self._once(("tax", str(ref)), lambda: resolve_tax(ref, day, f"{field}.tax_rate"))


def _spread(total: Decimal, weights: list[Decimal], currency) -> list[Decimal]:
    """`total` over `weights` in proportion, cumulatively rounded: the parts sum exactly to `total`."""
    whole = sum(weights, ZERO)
    parts, done, running = [], ZERO, ZERO
    for weight in weights:
        running += weight
        upto = round_money(total * running / whole, currency) if whole else ZERO
        parts.append(upto - done)
        done = upto
    if parts:
        parts[-1] += total - done
    return parts


def build_lines(invoice: Invoice, inputs, *, actor) -> Built:
    """The invoice's lines (unsaved, numbered from 1) and its tax components, with its totals."""
    if not inputs:
        raise ValidationFailed(_("An invoice needs at least one line"), code=InvoicingError.REQUIRED, field="lines")
    currency = invoice.currency
    selling = invoice.invoice_type in SELLING_TYPES
    rows: list[InvoiceLine] = []
    rates: dict[object, Rate] = {}
    refs = _Refs(invoice, inputs)
    for i, line in enumerate(inputs):
        field = f"lines[{i}]"
        product = refs.product(line, field)
        description = (line.description or "").strip() or (product.name if product else "")
        if not description:
            raise ValidationFailed(
                _("A line without a product needs a description"),
                code=InvoicingError.REQUIRED,
                field=f"{field}.description",
            )
        tax_rate = refs.tax_rate(line, product, field)
        if tax_rate is not None and tax_rate.pk not in rates:
            rates[tax_rate.pk] = Rate.of(tax_rate)
        amount = round_money(line.quantity * line.unit_rate, currency)
        discount = round_money(amount * line.discount_pct / HUNDRED, currency)
        rows.append(
            InvoiceLine(
                id=uuid7(),
                organization_id=invoice.organization_id,
                invoice=invoice,
                line_no=i + 1,
                product=product,
                description=description,
                quantity=line.quantity,
                uom_id=product.uom_id if product else None,
                unit_rate=line.unit_rate,
                discount_pct=line.discount_pct,
                discount_amount=discount,
                net_amount=amount - discount,
                tax_rate=tax_rate,
                tax_pct=tax_rate.rate if tax_rate else ZERO,
                account=refs.account(line, product, field),
                cost_center=(
                    resolve_cost_center(line.cost_center, f"{field}.cost_center") if line.cost_center else None
                ),
                hsn_code=line.hsn_code or (product.hsn_code if product else ""),
                notes=line.notes,
                created_by=actor,
                updated_by=actor,
            )
        )
    components: dict[object, list] = defaultdict(lambda: [None, ZERO, ZERO])  # id → [component, taxable, amount]
    taxed = [row for row in rows if row.tax_rate_id is not None]
    if refs.settings[TAX_ROUNDING_SETTING] == TaxRounding.DOCUMENT:
        groups: dict[object, list[InvoiceLine]] = defaultdict(list)
        for row in taxed:
            groups[row.tax_rate_id].append(row)
        for rate_id, members in groups.items():
            net = sum((row.net_amount for row in members), ZERO)
            breakdown = compute_tax(amount=net, tax_rate=rates[rate_id], inclusive=False, currency=currency)
            for row, tax in zip(
                members, _spread(breakdown.tax, [r.net_amount for r in members], currency), strict=True
            ):
                row.tax_amount = tax
            for part in breakdown.components:
                slot = components[part.tax_rate_id]
                slot[0], slot[1], slot[2] = part, slot[1] + net, slot[2] + part.amount
    else:
        taxes = compute_line_taxes(
            lines=[TaxLine(amount=row.net_amount, tax_rate=rates[row.tax_rate_id], inclusive=False) for row in taxed],
            currency=currency,
        )
        for row, breakdown in zip(taxed, taxes, strict=True):
            row.tax_amount = breakdown.tax
            for part in breakdown.components:
                slot = components[part.tax_rate_id]
                slot[0], slot[1], slot[2] = part, slot[1] + row.net_amount, slot[2] + part.amount
    for row in rows:
        row.gross_amount = row.net_amount + row.tax_amount
    tax_rows = []
    for rate_id, (part, taxable, amount) in components.items():
        account_id = part.output_account_id if selling else part.input_account_id
        if account_id is None:
            key = OUTPUT_TAX_SETTING if selling else INPUT_TAX_SETTING
            account_id = refs.setting_account(key, "tax_rate").pk
        tax_rows.append(
            InvoiceTax(
                id=uuid7(),
                organization_id=invoice.organization_id,
                invoice=invoice,
                tax_rate_id=rate_id,
                code=part.code,
                rate=part.rate,
                taxable_amount=taxable,
                amount=amount,
                account_id=account_id,
                created_by=actor,
                updated_by=actor,
            )
        )
    subtotal = sum((round_money(r.quantity * r.unit_rate, currency) for r in rows), ZERO)
    return Built(
        lines=rows,
        taxes=tax_rows,
        subtotal=subtotal,
        discount=sum((r.discount_amount for r in rows), ZERO),
        tax=sum((r.tax_amount for r in rows), ZERO),
    )
