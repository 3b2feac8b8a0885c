"""The invoicing API at /api/v1/invoicing, and its extensions of sales' and purchasing's prefixes (an order's
invoice at `/sales/orders/{id}/invoice`, its bill at `/purchasing/orders/{id}/bill`: `ApiExtension`s of the
module's spec). Thin: parse, authorise, call a service or a query, serialise."""

from __future__ import annotations

import uuid

from django.http import HttpResponse
from django.utils import timezone
from ninja import Query, Router, Status

from comptoir.invoicing import queries
from comptoir.invoicing.schemas import (
    AllocateIn,
    BillFromOrderIn,
    BillOrderIn,
    InvoiceAgingOut,
    InvoiceAgingParams,
    InvoiceDetail,
    InvoiceFilters,
    InvoiceIn,
    InvoiceOrderIn,
    InvoiceOut,
    InvoicePage,
    InvoicePatchIn,
    InvoiceStatementParams,
    OrderInvoiceIn,
    PaymentDetail,
    PaymentFilters,
    PaymentIn,
    PaymentOut,
    PaymentPage,
    ReasonIn,
    RecurringIn,
    RecurringOut,
    RecurringPage,
    RefundIn,
    ReturnCreditIn,
    SendIn,
)
from comptoir.invoicing.services import documents, from_orders, from_receipts, invoices, payments, schedules
from comptoir.invoicing.services.lines import InvoiceLineInput
from comptoir.parties.queries import access_party, statement
from comptoir.platform.access import authorize
from comptoir.platform.exports import ExportParams, list_or_export
from comptoir.platform.money import amount_text
from comptoir.platform.pagination import PageParams
from comptoir.platform.services.features import ModuleGuard
from comptoir.purchasing.queries import access_order as access_purchase_order
from comptoir.sales.queries import access_order as access_sales_order

router = Router(tags=["invoicing"], auth=ModuleGuard("invoicing"))
sales_router = Router(tags=["sales"], auth=ModuleGuard("invoicing"))  # mounted at /sales (the spec's extension)
purchasing_router = Router(tags=["purchasing"], auth=ModuleGuard("invoicing"))  # mounted at /purchasing


def _lines(body_lines) -> list[InvoiceLineInput]:
    return [InvoiceLineInput(**line.dict()) for line in body_lines]


# --- invoices -----------------------------------------------------------------------------------------------------


@router.get("/invoices", response=InvoicePage)
def list_invoices(request, page: Query[PageParams], export: Query[ExportParams], filters: Query[InvoiceFilters]):
    """Invoices of every type, latest first."""
    authorize(request, "invoicing.view_invoice")
    return list_or_export(
        request,
        queries.invoices(**filters.dict()),
        page,
        export,
        allowed_ordering={"invoice_date", "due_date", "invoice_number", "total_amount", "created_at"},
        default_ordering=["-invoice_date", "-created_at"],
        schema=InvoiceOut,
        filename="invoices",
    )


@router.post("/invoices", response={201: InvoiceDetail})
def create_invoice(request, body: InvoiceIn):
    """A DRAFT invoice (`submit: true` submits it at once)."""
    actor = authorize(request, "invoicing.add_invoice")
    if body.submit:
        authorize(request, "invoicing.submit_invoice")
    values = body.dict(exclude={"lines"})
    row = invoices.create_invoice(actor=actor.user, data=invoices.InvoiceInput(**values, lines=_lines(body.lines)))
    return Status(201, queries.access_invoice(row.pk))


@router.post("/invoices/from-sales-order", response={201: InvoiceDetail})
def invoice_sales_order(request, body: OrderInvoiceIn):
    """A SALES invoice of what the order has left to invoice (`nothing_to_invoice`, `over_invoicing`)."""
    return _invoice_order(request, body.sales_order, body)


@sales_router.post("/orders/{order_id}/invoice", response={201: InvoiceDetail})
def invoice_order(request, order_id: uuid.UUID, body: InvoiceOrderIn):
    """The SALES invoice of what the order delivered and has not invoiced yet (`nothing_to_invoice`,
    `over_invoicing`); invoicing's operation under the order's path."""
    access_sales_order(order_id)
    return _invoice_order(request, order_id, body)


def _invoice_order(request, order, body):
    actor = authorize(request, "invoicing.add_invoice")
    if body.submit:
        authorize(request, "invoicing.submit_invoice")
    values = body.dict(include={"invoice_date", "submit"})
    row = from_orders.invoice_sales_order(
        actor=actor.user, data=from_orders.OrderInvoiceInput(sales_order=order, **values)
    )
    return Status(201, queries.access_invoice(row.pk))


@router.post("/invoices/from-return", response={201: InvoiceDetail})
def credit_sales_return(request, body: ReturnCreditIn):
    """The credit note of a posted logistics return against its order's invoice (`already_credited`)."""
    actor = authorize(request, "invoicing.add_invoice")
    if body.submit:
        authorize(request, "invoicing.submit_invoice")
    row = from_orders.credit_sales_return(actor=actor.user, data=from_orders.ReturnCreditInput(**body.dict()))
    return Status(201, queries.access_invoice(row.pk))


@router.post("/invoices/from-purchase-order", response={201: InvoiceDetail})
def bill_purchase_order(request, body: BillFromOrderIn):
    """A PURCHASE invoice of what the order has received and not billed (three-way match: `over_billing`,
    `price_mismatch`); `submit: true` posts it at once (goods received not billed cleared)."""
    return _bill_order(request, body)


@purchasing_router.post("/orders/{order_id}/bill", response={201: InvoiceDetail})
def bill_order(request, order_id: uuid.UUID, body: BillOrderIn):
    """The supplier bill of what the order received and has not billed yet (`nothing_to_bill`, `over_billing`,
    `price_mismatch`); invoicing's operation under the order's path."""
    access_purchase_order(order_id)
    return _bill_order(request, body, purchase_order=order_id)


def _bill_order(request, body, **given):
    actor = authorize(request, "invoicing.add_invoice")
    if body.submit:
        authorize(request, "invoicing.submit_invoice")
    values = {**body.dict(), **given}
    lines = values.pop("lines")
    row = from_receipts.bill_purchase_order(
        actor=actor.user,
        data=from_receipts.BillInput(
            **values, lines=None if lines is None else [from_receipts.BillLineInput(**x) for x in lines]
        ),
    )
    return Status(201, queries.access_invoice(row.pk))


@router.get("/invoices/{invoice_id}", response=InvoiceDetail)
def get_invoice(request, invoice_id: uuid.UUID):
    """One invoice with its lines, taxes, payments and notes."""
    authorize(request, "invoicing.view_invoice")
    return queries.access_invoice(invoice_id)


@router.patch("/invoices/{invoice_id}", response=InvoiceDetail)
def update_invoice(request, invoice_id: uuid.UUID, body: InvoicePatchIn):
    """Change a DRAFT invoice (`lines` replace its lines); a submitted one is refused (`not_editable`)."""
    actor = authorize(request, "invoicing.change_invoice")
    queries.access_invoice(invoice_id)
    given = body.model_dump(exclude_unset=True)
    if "lines" in given:
        given["lines"] = _lines(body.lines)
    invoices.update_invoice(actor=actor.user, invoice_id=invoice_id, changes=invoices.InvoicePatch(**given))
    return queries.access_invoice(invoice_id)


@router.post("/invoices/{invoice_id}/submit", response=InvoiceDetail)
def submit_invoice(request, invoice_id: uuid.UUID):
    """DRAFT → SUBMITTED: numbered and posted (a proforma is numbered only)."""
    actor = authorize(request, "invoicing.submit_invoice")
    queries.access_invoice(invoice_id)
    invoices.submit_invoice(actor=actor.user, invoice_id=invoice_id)
    return queries.access_invoice(invoice_id)


@router.post("/invoices/{invoice_id}/cancel", response=InvoiceDetail)
def cancel_invoice(request, invoice_id: uuid.UUID, body: ReasonIn | None = None):
    """→ CANCELLED: a draft; a submitted invoice while unpaid (its entry reversed)."""
    invoice = queries.access_invoice(invoice_id)
    actor = authorize(request, "invoicing.change_invoice" if invoice.status == "DRAFT" else "invoicing.cancel_invoice")
    invoices.cancel_invoice(actor=actor.user, invoice_id=invoice_id, reason=body.reason if body else "")
    return queries.access_invoice(invoice_id)


@router.get("/invoices/{invoice_id}/pdf")
def invoice_pdf(request, invoice_id: uuid.UUID, language: str = "en"):
    """The invoice as a PDF (en or ru)."""
    authorize(request, "invoicing.view_invoice")
    queries.access_invoice(invoice_id)
    filename, pdf = documents.invoice_pdf(invoice_id, language=language)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.post("/invoices/{invoice_id}/send", response=InvoiceDetail)
def send_invoice(request, invoice_id: uuid.UUID, body: SendIn | None = None):
    """E-mail the invoice with its PDF (to the party's address unless `to`)."""
    actor = authorize(request, "invoicing.send_invoice")
    queries.access_invoice(invoice_id)
    documents.send_invoice(
        actor=actor.user, invoice_id=invoice_id, to=body.to if body else None, language=body.language if body else "en"
    )
    return queries.access_invoice(invoice_id)


# --- payments -----------------------------------------------------------------------------------------------------


@router.get("/payments", response=PaymentPage)
def list_payments(request, page: Query[PageParams], export: Query[ExportParams], filters: Query[PaymentFilters]):
    """Payments, latest first."""
    authorize(request, "invoicing.view_payment")
    return list_or_export(
        request,
        queries.payments(**filters.dict()),
        page,
        export,
        allowed_ordering={"payment_date", "payment_number", "amount", "created_at"},
        default_ordering=["-payment_date", "-created_at"],
        schema=PaymentOut,
        filename="payments",
    )


@router.post("/payments", response={201: PaymentDetail})
def create_payment(request, body: PaymentIn):
    """A payment with its allocations; cash and bank transfers are completed at once."""
    actor = authorize(request, "invoicing.add_payment")
    if body.complete or (body.complete is None and body.method in ("CASH", "BANK_TRANSFER")):
        authorize(request, "invoicing.complete_payment")
    values = body.dict(exclude={"allocations"})
    allocations = [payments.AllocationInput(**a.dict()) for a in body.allocations]
    row = payments.create_payment(actor=actor.user, data=payments.PaymentInput(**values, allocations=allocations))
    return Status(201, queries.access_payment(row.pk))


@router.get("/payments/{payment_id}", response=PaymentDetail)
def get_payment(request, payment_id: uuid.UUID):
    """One payment with its allocations."""
    authorize(request, "invoicing.view_payment")
    return queries.access_payment(payment_id)


def _move(request, payment_id, permission: str, run):
    actor = authorize(request, permission)
    queries.access_payment(payment_id)
    run(actor.user)
    return queries.access_payment(payment_id)


@router.post("/payments/{payment_id}/process", response=PaymentDetail)
def process_payment(request, payment_id: uuid.UUID):
    """PENDING → PROCESSING."""
    return _move(request, payment_id, "invoicing.change_payment",
                 lambda user: payments.start_processing_payment(actor=user, payment_id=payment_id))  # fmt: skip


@router.post("/payments/{payment_id}/complete", response=PaymentDetail)
def complete_payment(request, payment_id: uuid.UUID):
    """→ COMPLETED: its entry posted, its invoices settled."""
    return _move(request, payment_id, "invoicing.complete_payment",
                 lambda user: payments.complete_payment(actor=user, payment_id=payment_id))  # fmt: skip


@router.post("/payments/{payment_id}/fail", response=PaymentDetail)
def fail_payment(request, payment_id: uuid.UUID, body: ReasonIn | None = None):
    """PENDING/PROCESSING → FAILED: its allocations free the invoices."""
    return _move(request, payment_id, "invoicing.complete_payment",
                 lambda user: payments.fail_payment(actor=user, payment_id=payment_id,
                                                    reason=body.reason if body else ""))  # fmt: skip


@router.post("/payments/{payment_id}/cancel", response=PaymentDetail)
def cancel_payment(request, payment_id: uuid.UUID, body: ReasonIn | None = None):
    """PENDING/PROCESSING → CANCELLED: its allocations free the invoices."""
    return _move(request, payment_id, "invoicing.change_payment",
                 lambda user: payments.cancel_payment(actor=user, payment_id=payment_id,
                                                      reason=body.reason if body else ""))  # fmt: skip


@router.post("/payments/{payment_id}/refund", response=PaymentDetail)
def refund_payment(request, payment_id: uuid.UUID, body: RefundIn | None = None):
    """COMPLETED → REFUNDED: its entry reversed, its invoices' paid amounts lowered back."""
    return _move(request, payment_id, "invoicing.complete_payment",
                 lambda user: payments.refund_payment(actor=user, payment_id=payment_id,
                                                      date=body.date if body else None,
                                                      reason=body.reason if body else ""))  # fmt: skip


@router.post("/payments/{payment_id}/allocate", response=PaymentDetail)
def allocate_payment(request, payment_id: uuid.UUID, body: AllocateIn):
    """Allocate a completed payment's unallocated part (an advance) to open invoices."""
    allocations = [payments.AllocationInput(**a.dict()) for a in body.allocations]
    return _move(request, payment_id, "invoicing.change_payment",
                 lambda user: payments.allocate_payment(actor=user, payment_id=payment_id, allocations=allocations,
                                                        date=body.date))  # fmt: skip


# --- schedules, aging, statements ---------------------------------------------------------------------------------


@router.get("/recurring-invoices", response=RecurringPage)
def list_recurring(request, page: Query[PageParams], export: Query[ExportParams]):
    """Recurring invoice schedules, the next due first."""
    authorize(request, "invoicing.view_recurringinvoice")
    return list_or_export(
        request,
        queries.recurring_invoices(),
        page,
        export,
        allowed_ordering={"next_date", "name"},
        default_ordering=["next_date", "name"],
        schema=RecurringOut,
        filename="recurring-invoices",
    )


@router.post("/recurring-invoices", response={201: RecurringOut})
def create_recurring(request, body: RecurringIn):
    """A schedule repeating an invoice every period (the daily job makes them)."""
    actor = authorize(request, "invoicing.add_recurringinvoice")
    row = schedules.create_recurring_invoice(actor=actor.user, data=schedules.RecurringInvoiceInput(**body.dict()))
    return Status(201, queries.access_recurring_invoice(row.pk))


@router.get("/recurring-invoices/{schedule_id}", response=RecurringOut)
def get_recurring(request, schedule_id: uuid.UUID):
    """One recurring invoice schedule."""
    authorize(request, "invoicing.view_recurringinvoice")
    return queries.access_recurring_invoice(schedule_id)


@router.get("/aging", response=InvoiceAgingOut)
def aging(request, params: Query[InvoiceAgingParams]):
    """Receivables or payables by party and due date, as of a day (today by default)."""
    authorize(request, "invoicing.view_aging")
    return queries.aging(kind=params.kind, as_of=params.as_of or timezone.localdate())


@router.get("/statements/{party_id}")
def customer_statement(request, party_id: uuid.UUID, params: Query[InvoiceStatementParams]):
    """A party's statement (the parties module's: its account's lines and balances) with its open invoices."""
    authorize(request, "invoicing.view_invoice")
    party = access_party(party_id)
    report = statement(party, date_from=params.date_from, date_to=params.date_to)
    report["open_invoices"] = [
        {"id": i.pk, "invoice_number": i.invoice_number, "invoice_type": i.invoice_type, "due_date": i.due_date,
         "currency": i.currency.code, "total_amount": amount_text(i.total_amount),
         "balance_due": amount_text(i.balance_due),
         "status": i.status}
        for i in queries.open_invoices(party)
    ]  # fmt: skip
    return report
