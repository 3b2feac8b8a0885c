"""The supplier bill of a purchase order's receipts, with its three-way match (order ↔ receipts ↔ bill).

`bill_purchase_order` makes a PURCHASE invoice of what `purchasing.queries.billable_lines` says is received and
not billed (or of the given lines): each billed quantity at most received − billed (`over_billing`), each price
within `invoicing.price_tolerance_pct` of the order's (`price_mismatch`). Its lines post to goods received not
billed (the setting `purchasing.grni_account`); on submit `receipt_postings` clears from it the value the receipts
put there and sends the difference to `invoicing.price_difference_account`, and `record_billed_quantities` runs in
the same transaction (under the order's lock: two bills of the same receipt, one is refused). Cancelling the bill
gives the quantities back (`release_bill`)."""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.accounting.constants import EntryType
from comptoir.accounting.services import PostingLine
from comptoir.accounting.services.chart import resolve_account
from comptoir.invoicing.constants import InvoiceType
from comptoir.invoicing.errors import InvoicingError
from comptoir.invoicing.models import Invoice, InvoiceLine
from comptoir.invoicing.module import PRICE_DIFFERENCE_SETTING, PRICE_TOLERANCE_SETTING
from comptoir.invoicing.services.invoices import InvoiceInput, create_invoice, submit_invoice
from comptoir.invoicing.services.lines import InvoiceLineInput
from comptoir.parties.queries import resolve_party
from comptoir.platform.errors import Conflict, ValidationFailed
from comptoir.platform.money import round_money
from comptoir.platform.queries.configuration import get_setting
from comptoir.platform.queries.core import current_organization
from comptoir.purchasing.queries import access_order, billable_lines
from comptoir.purchasing.services import billing

ZERO = Decimal(0)
HUNDRED = Decimal(100)
GRNI_SETTING = "purchasing.grni_account"  # purchasing's setting, read by its key


@dataclasses.dataclass(frozen=True, kw_only=True)
class BillLineInput:
    """One order item billed: `quantity` (≤ received − billed), `unit_rate` (the order's when not given)."""

    purchase_order_item: uuid.UUID
    quantity: Decimal
    unit_rate: Decimal | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class BillInput:
    """A supplier bill of `purchase_order`; without `lines`, everything received and not billed. `party`, when
    given, must be the order's supplier."""

    purchase_order: uuid.UUID
    invoice_date: datetime.date
    supplier_invoice_number: str = ""
    due_date: datetime.date | None = None
    party: str | uuid.UUID | None = None
    lines: Sequence[BillLineInput] | None = None
    submit: bool = False


def _refuse(message: str, code: str, field: str, *, conflict: bool = False):
    raise (Conflict if conflict else ValidationFailed)(message, code=code, field=field)


def _within_tolerance(given: Decimal, ordered: Decimal) -> bool:
    pct = Decimal(str(get_setting(PRICE_TOLERANCE_SETTING) or 0))
    return abs(given - ordered) <= ordered * pct / HUNDRED


def bill_purchase_order(*, actor, data: BillInput) -> Invoice:
    """A DRAFT (or, with `submit`, SUBMITTED) PURCHASE invoice of the order's received, unbilled quantities."""
    with transaction.atomic():
        order = access_order(data.purchase_order)
        if data.party not in (None, ""):
            party = resolve_party(data.party, "party")
            if party.pk != order.party_id:
                _refuse(
                    _("Order %(number)s is not of supplier %(party)s")
                    % {"number": order.order_number, "party": party.name},
                    InvoicingError.PARTY_MISMATCH,
                    "party",
                )
        billable = {b.order_item_id: b for b in billable_lines(order.pk)}
        if data.lines is None:
            wanted = [BillLineInput(purchase_order_item=k, quantity=b.billable_quantity)
                      for k, b in billable.items() if b.billable_quantity > 0]  # fmt: skip
        else:
            wanted = list(data.lines)
        if not wanted:
            _refuse(
                _("Nothing of order %(number)s is received and not billed") % {"number": order.order_number},
                InvoicingError.NOTHING_TO_BILL,
                "lines",
                conflict=True,
            )
        grni = resolve_account(get_setting(GRNI_SETTING), "account")
        inputs, items = [], []
        for n, line in enumerate(wanted):
            field = f"lines.{n}"
            item = billable.get(line.purchase_order_item) or next(
                (b for k, b in billable.items() if str(k) == str(line.purchase_order_item)), None
            )
            if item is None:
                _refuse(
                    _("The item is not a line of order %(number)s") % {"number": order.order_number},
                    InvoicingError.UNKNOWN,
                    f"{field}.purchase_order_item",
                )
            if line.quantity <= 0:
                _refuse(_("A quantity must be > 0"), "invalid", f"{field}.quantity")
            if line.quantity > item.billable_quantity:
                _refuse(
                    _("Line %(line)s: %(quantity)s billed but only %(left)s received and not billed")
                    % {"line": item.line_no, "quantity": line.quantity, "left": item.billable_quantity},
                    InvoicingError.OVER_BILLING,
                    f"{field}.quantity",
                    conflict=True,
                )
            rate = item.unit_rate if line.unit_rate is None else line.unit_rate
            if not _within_tolerance(rate, item.unit_rate):
                _refuse(
                    _("Line %(line)s: the price %(price)s strays from the order's %(ordered)s")
                    % {"line": item.line_no, "price": rate, "ordered": item.unit_rate},
                    InvoicingError.PRICE_MISMATCH,
                    f"{field}.unit_rate",
                )
            inputs.append(
                InvoiceLineInput(
                    product=item.product_id,
                    quantity=line.quantity,
                    unit_rate=rate,
                    discount_pct=item.discount_pct,
                    tax_rate=item.tax_rate_id,
                    account=grni.pk,
                )
            )
            items.append(item.order_item_id)
        invoice = create_invoice(
            actor=actor,
            data=InvoiceInput(
                invoice_type=InvoiceType.PURCHASE,
                party=order.party_id,
                invoice_date=data.invoice_date,
                due_date=data.due_date,
                currency=order.currency.code,
                exchange_rate=order.exchange_rate if order.currency_id != current_organization().base_currency_id
                else None,
                supplier_invoice_number=data.supplier_invoice_number,
                po_number=order.order_number,
                lines=inputs,
            ),
        )  # fmt: skip
        Invoice.objects.filter(pk=invoice.pk).update(purchase_order=order)
        for line, item_id in zip(invoice.lines.order_by("line_no"), items, strict=True):
            InvoiceLine.objects.filter(pk=line.pk).update(purchase_order_item_id=item_id)
        if data.submit:
            return submit_invoice(actor=actor, invoice_id=invoice.pk)
        invoice.refresh_from_db()
    return invoice


def receipt_postings(actor, invoice: Invoice) -> list[PostingLine]:
    """Called on submitting a bill of an order: records its billed quantities (`over_billing` past the receipts,
    under the order's lock) and returns the lines moving the difference between what its lines put on goods
    received not billed and the receipts' value for those quantities to the price difference account."""
    if not invoice.purchase_order_id:
        return []
    lines = list(invoice.lines.filter(purchase_order_item__isnull=False))
    quantities: dict = {}
    for line in lines:
        quantities[line.purchase_order_item_id] = quantities.get(line.purchase_order_item_id, ZERO) + line.quantity
    before = {b.order_item_id: b for b in billable_lines(invoice.purchase_order_id)}
    billing.record_billed_quantities(actor=actor, order_id=invoice.purchase_order_id, quantities=quantities)
    base = current_organization().base_currency
    net = ZERO
    for line in lines:
        item = before[line.purchase_order_item_id]
        if line.quantity == item.received_quantity - item.billed_quantity and item.billed_quantity == 0:
            cleared = item.received_value
        else:
            cleared = round_money(item.received_value * line.quantity / item.received_quantity, base)
        net += round_money(line.net_amount * invoice.exchange_rate, base) - cleared
    if not net:
        return []
    grni = resolve_account(get_setting(GRNI_SETTING), "account")
    difference = resolve_account(get_setting(PRICE_DIFFERENCE_SETTING), "account")
    side = EntryType.DEBIT if net > 0 else EntryType.CREDIT
    other = EntryType.CREDIT if net > 0 else EntryType.DEBIT
    label = _("Price difference")
    return [PostingLine(difference.pk, side, abs(net), description=label),
            PostingLine(grni.pk, other, abs(net), description=label)]  # fmt: skip


def release_bill(actor, invoice: Invoice) -> None:
    """Called on cancelling a submitted bill of an order: its billed quantities are given back."""
    if not invoice.purchase_order_id:
        return
    quantities: dict = {}
    for line in invoice.lines.filter(purchase_order_item__isnull=False):
        quantities[line.purchase_order_item_id] = quantities.get(line.purchase_order_item_id, ZERO) + line.quantity
    if quantities:
        billing.release_billed_quantities(actor=actor, order_id=invoice.purchase_order_id, quantities=quantities)
