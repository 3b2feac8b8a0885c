"""Invoices from the sales side (issue 10 §3): a SALES invoice of what a sales order says is still invoiceable
(goods delivered − returned − invoiced, services ordered − invoiced), at the order lines' prices, discounts and tax
rates, each line linked to its order line; and the CREDIT_NOTE of a posted logistics return against the order's
invoice. The order's invoiced quantities move in the same transaction (`sales.services.record_invoiced_quantities`,
released again when such an invoice is cancelled); the return is marked credited in the same transaction."""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from comptoir.invoicing.constants import OPEN_STATUSES, InvoiceStatus, InvoiceType
from comptoir.invoicing.errors import InvoicingError
from comptoir.invoicing.models import Invoice, InvoiceLine
from comptoir.invoicing.services.invoices import InvoiceInput, create_invoice, submit_invoice
from comptoir.invoicing.services.lines import InvoiceLineInput
from comptoir.logistics.queries import access_return
from comptoir.logistics.services.returns import mark_return_credited, release_return_credit
from comptoir.platform.errors import Conflict
from comptoir.sales import services as sales
from comptoir.sales.queries import invoiceable_lines, items_by_id, resolve_order

ZERO = Decimal(0)
NOTHING_TO_INVOICE = InvoicingError.NOTHING_TO_INVOICE
NOT_CREDITABLE = InvoicingError.NOT_CREDITABLE
ALREADY_CREDITED = InvoicingError.ALREADY_CREDITED
NO_ORIGINAL = InvoicingError.ORIGINAL_REQUIRED
NOTE_EXCEEDS_ORIGINAL = InvoicingError.NOTE_EXCEEDS_ORIGINAL


@dataclasses.dataclass(frozen=True, kw_only=True)
class OrderInvoiceInput:
    """Invoice what is left of `sales_order` (id or number) on `invoice_date`; `submit` submits it at once."""

    sales_order: str | uuid.UUID
    invoice_date: datetime.date
    submit: bool = False


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReturnCreditInput:
    """Credit the posted return `sales_return` (its id) on `invoice_date`; `submit` submits the note at once."""

    sales_return: uuid.UUID
    invoice_date: datetime.date
    submit: bool = False


def _link(invoice: Invoice, order_id, items: list) -> None:
    """The invoice and its lines (numbered from 1 in `items`' order) point at the order and its lines."""
    Invoice.objects.filter(pk=invoice.pk).update(sales_order_id=order_id)
    for no, item_id in enumerate(items, start=1):
        InvoiceLine.objects.filter(invoice_id=invoice.pk, line_no=no).update(order_item_id=item_id)


def invoice_sales_order(*, actor, data: OrderInvoiceInput) -> Invoice:
    """A SALES invoice of what the order has left to invoice (`nothing_to_invoice` when nothing; `over_invoicing`
    when another invoice took it meanwhile), its quantities recorded on the order in the same transaction."""
    with transaction.atomic():
        order = resolve_order(data.sales_order)
        lines = [line for line in invoiceable_lines(order.pk) if line.invoiceable > 0]
        if not lines:
            raise Conflict(
                _("Order %(number)s has nothing left to invoice") % {"number": order.order_number},
                code=NOTHING_TO_INVOICE,
                field="sales_order",
            )
        # the order's lines are locked here: a racing invoice of the same order waits, then is refused
        sales.record_invoiced_quantities(
            actor=actor, order_id=order.pk, quantities={line.order_item_id: line.invoiceable for line in lines}
        )
        invoice = create_invoice(
            actor=actor,
            data=InvoiceInput(
                invoice_type=InvoiceType.SALES,
                party=order.party_id,
                invoice_date=data.invoice_date,
                currency=order.currency.code,
                po_number=order.customer_po_number,
                reference_number=order.order_number or "",
                lines=[
                    InvoiceLineInput(
                        product=line.product_id,
                        description=line.description,
                        quantity=line.invoiceable,
                        unit_rate=line.unit_rate,
                        discount_pct=line.discount_pct,
                        tax_rate=line.tax_rate_id,
                    )
                    for line in lines
                ],
            ),
        )
        _link(invoice, order.pk, [line.order_item_id for line in lines])
        if data.submit:
            invoice = submit_invoice(actor=actor, invoice_id=invoice.pk)
    return invoice


def release_order_quantities(*, actor, invoice: Invoice) -> None:
    """A cancelled SALES invoice of an order gives its quantities back to the order (called by `cancel_invoice`)."""
    if invoice.invoice_type != InvoiceType.SALES or not invoice.sales_order_id:
        return
    quantities: dict = {}
    for item_id, quantity in invoice.lines.filter(order_item__isnull=False).values_list("order_item_id", "quantity"):
        quantities[item_id] = quantities.get(item_id, ZERO) + quantity
    if quantities:
        sales.release_invoiced_quantities(actor=actor, order_id=invoice.sales_order_id, quantities=quantities)


def release_credited_return(*, actor, invoice: Invoice) -> None:
    """A cancelled CREDIT_NOTE of a logistics return frees the return, so it may be credited again (called by
    `cancel_invoice`)."""
    if invoice.invoice_type == InvoiceType.CREDIT_NOTE:
        release_return_credit(actor=actor, credit_note_id=invoice.pk)


def _original_for(order_id, gross: Decimal) -> Invoice:
    """The order's earliest submitted invoice with at least `gross` left to credit."""
    candidates = Invoice.objects.filter(
        sales_order_id=order_id,
        invoice_type=InvoiceType.SALES,
        status__in=(*OPEN_STATUSES, InvoiceStatus.PAID),
    ).order_by("invoice_date", "created_at")
    if not candidates:
        raise Conflict(
            _("The order of this return has no submitted invoice to credit"), code=NO_ORIGINAL, field="sales_return"
        )
    for original in candidates:
        noted = (
            Invoice.objects.filter(original_invoice=original)
            .exclude(status__in=(InvoiceStatus.DRAFT, InvoiceStatus.CANCELLED))
            .aggregate(total=Sum("total_amount"))["total"]
            or ZERO
        )
        if original.total_amount - noted >= gross:
            return original
    raise Conflict(
        _("No invoice of the order has %(gross)s left to credit") % {"gross": gross},
        code=NOTE_EXCEEDS_ORIGINAL,
        field="sales_return",
    )


def credit_sales_return(*, actor, data: ReturnCreditInput) -> Invoice:
    """The CREDIT_NOTE of a posted return against its order's invoice (never more than that invoice has left),
    at the order lines' prices, discounts and tax rates; the return marked credited in the same transaction."""
    with transaction.atomic():
        ret = access_return(data.sales_return)
        if ret.status != "POSTED":
            raise Conflict(
                _("Return %(number)s is not posted: it cannot be credited") % {"number": ret.return_number or ret.pk},
                code=NOT_CREDITABLE,
                field="sales_return",
            )
        if ret.credit_note_id is not None:
            raise Conflict(_("This return has its credit note already"), code=ALREADY_CREDITED, field="sales_return")
        if ret.sales_order_id is None:
            raise Conflict(
                _("The order of this return has no submitted invoice to credit"),
                code=NO_ORIGINAL,
                field="sales_return",
            )
        original = _original_for(ret.sales_order_id, ret.gross_amount)
        returned = list(ret.lines.all())
        items = items_by_id([line.order_item_id for line in returned if line.order_item_id])
        inputs = []
        for line in returned:
            item = items.get(line.order_item_id)
            inputs.append(
                InvoiceLineInput(
                    product=line.product_id,
                    description=(item.description or item.product_name) if item else "",
                    quantity=line.quantity,
                    unit_rate=item.unit_rate if item else line.unit_rate,
                    discount_pct=item.discount_pct if item else ZERO,
                    tax_rate=item.tax_rate_id if item else None,
                )
            )
        note = create_invoice(
            actor=actor,
            data=InvoiceInput(
                invoice_type=InvoiceType.CREDIT_NOTE,
                party=ret.party_id,
                invoice_date=data.invoice_date,
                currency=ret.currency.code,
                exchange_rate=original.exchange_rate,
                original_invoice=original.pk,
                reference_number=ret.return_number or "",
                lines=inputs,
            ),
        )
        _link(note, ret.sales_order_id, [line.order_item_id for line in returned])
        mark_return_credited(actor=actor, return_id=ret.pk, credit_note_id=note.pk)
        if data.submit:
            note = submit_invoice(actor=actor, invoice_id=note.pk)
    return note
