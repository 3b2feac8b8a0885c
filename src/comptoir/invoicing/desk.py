"""Invoicing in the desk (DESIGN §9): invoices (list, detail with lines, taxes and payments, a form with a line
grid that saves a draft or submits, edit while draft, submit / cancel buttons, the PDF), payments (list, detail
with allocations, a form with an allocation grid, complete / fail / cancel / refund) and recurring schedules. An
invoice links to its payments and a payment to its invoices. Forms parse the API's input schemas and call what the
API calls."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.desk.declarations import (
    Action,
    Column,
    Desk,
    DeskView,
    Field,
    FormSpec,
    LineGrid,
    LineTable,
    SearchHit,
    SearchSource,
    ViewExtension,
    blank_is_none,
    choices_of,
)
from comptoir.desk.registry import record_url
from comptoir.invoicing import queries
from comptoir.invoicing.constants import (
    OPEN_STATUSES,
    Frequency,
    InvoiceStatus,
    InvoiceType,
    PaymentDirection,
    PaymentMethod,
    PaymentStatus,
)
from comptoir.invoicing.schemas import (
    BillOrderIn,
    InvoiceFilters,
    InvoiceIn,
    InvoicePatchIn,
    PaymentFilters,
    PaymentIn,
    ReasonIn,
    RecurringIn,
)
from comptoir.invoicing.services import from_orders, from_receipts, invoices, payments, schedules
from comptoir.invoicing.services.lines import InvoiceLineInput
from comptoir.logistics.queries import shipments as logistics_shipments
from comptoir.purchasing.queries import receipts as purchasing_receipts
from comptoir.sales.queries import has_invoiceable

PARTIES = "parties.parties"
PRODUCTS = "catalog.products"


def find_invoices(query: str, limit: int) -> list[SearchHit]:
    rows = queries.invoices(q=query).order_by("-invoice_date")[:limit]
    return [
        SearchHit(_("Invoice"), f"{i.invoice_number or _('Draft')} {i.party.name}", str(i.get_status_display()),
                  record_url("invoicing", "invoices", i.pk), i.invoice_number or "")
        for i in rows
    ]  # fmt: skip


# --- invoices -----------------------------------------------------------------------------------------------------

INVOICE_LINES = LineGrid(
    name="lines",
    label=_("Lines"),
    fields=(
        Field("product", _("Product"), widget="picker", picker=PRODUCTS),
        Field("description", _("Description")),
        Field("quantity", _("Quantity"), widget="decimal", required=True),
        Field("unit_rate", _("Unit rate"), widget="decimal", required=True),
        Field("discount_pct", _("Discount %"), widget="decimal"),
        Field("tax_rate", _("Tax rate")),
    ),
    min_rows=1,
)

INVOICE_FIELDS = (
    Field("invoice_type", _("Type"), widget="select", required=True, choices=choices_of(InvoiceType)),
    Field("party", _("Party"), widget="picker", picker=PARTIES, required=True),
    Field("invoice_date", _("Date"), widget="date", required=True),
    Field("due_date", _("Due date"), widget="date", help=_("Empty: the party's credit days.")),
    Field("currency", _("Currency"), help=_("ISO code; empty: the base currency.")),
    Field("original_invoice", _("Original invoice"), help=_("A credit or debit note's original: its number.")),
    Field("supplier_invoice_number", _("Supplier invoice number")),
    Field("reference_number", _("Reference")),
    Field("notes", _("Notes"), widget="textarea", wide=True),
)


def _line_inputs(lines) -> list[InvoiceLineInput]:
    return [InvoiceLineInput(**line.dict()) for line in lines]


def _save_invoice(actor, body):
    values = body.dict(exclude={"lines"})
    return invoices.create_invoice(
        actor=actor.user, data=invoices.InvoiceInput(**values, lines=_line_inputs(body.lines))
    )


def _edit_invoice(actor, body, obj):
    given = body.model_dump(exclude_unset=True)
    if "lines" in given:
        given["lines"] = _line_inputs(body.lines)
    return invoices.update_invoice(actor=actor.user, invoice_id=obj.pk, changes=invoices.InvoicePatch(**given))


def _invoice_initial(invoice) -> dict:
    if invoice is None:
        return {"invoice_type": InvoiceType.SALES, "invoice_date": timezone.localdate().isoformat()}
    return {
        "invoice_type": invoice.invoice_type,
        "party": invoice.party.party_number,
        "invoice_date": invoice.invoice_date.isoformat(),
        "due_date": invoice.due_date.isoformat(),
        "currency": invoice.currency.code,
        "supplier_invoice_number": invoice.supplier_invoice_number,
        "reference_number": invoice.reference_number,
        "notes": invoice.notes,
        "lines": [
            {"product": line.product.code if line.product_id else "", "description": line.description,
             "quantity": line.quantity, "unit_rate": line.unit_rate, "discount_pct": line.discount_pct,
             "tax_rate": line.tax_rate.code if line.tax_rate_id else ""}
            for line in invoice.lines.select_related("product", "tax_rate")
        ],
    }  # fmt: skip


def _invoice_related(invoice) -> list[tuple[str, str]]:
    links = [
        (_("PDF"), f"/invoicing/pdf/{invoice.pk}/"),
        (_("PDF in Russian"), f"/invoicing/pdf/{invoice.pk}/?language=ru"),
    ]
    if invoice.journal_entry_id:
        links.append((_("Its journal entry"), record_url("accounting", "journal-entries", invoice.journal_entry_id)))
    if invoice.original_invoice_id:
        links.append((_("The original invoice"), record_url("invoicing", "invoices", invoice.original_invoice_id)))
    if invoice.sales_order_id:
        links.append((_("The sales order"), record_url("sales", "orders", invoice.sales_order_id)))
    if invoice.purchase_order_id:
        links.append((_("The purchase order"), record_url("purchasing", "orders", invoice.purchase_order_id)))
    for allocation in queries.allocations_of_invoice(invoice):
        label = allocation.payment.payment_number or _("Pending payment")
        links.append(
            (_("Payment %(number)s") % {"number": label}, record_url("invoicing", "payments", allocation.payment_id))
        )
    links.append((_("Party's statement"), f"/parties/{invoice.party_id}/statement/"))
    return links


# --- the documents of a flow: an order ↔ its shipments or receipts ↔ its invoices ↔ their payments ---------------


def _invoice_table(label, rows) -> LineTable:
    return LineTable(
        label=label,
        rows=rows,
        columns=(
            Column("invoice_date", _("Date"), kind="date"),
            Column("invoice_number", _("Number")),
            Column("invoice_type", _("Type"), kind="choice"),
            Column("supplier_invoice_number", _("Supplier invoice number")),
            Column("status", _("Status"), kind="badge"),
            Column("total_amount", _("Total"), kind="amount", currency="currency.code"),
            Column("balance_due", _("Balance due"), kind="amount", currency="currency.code"),
        ),
        link="invoicing.invoices",
        permission="invoicing.view_invoice",
    )


def _payment_table(rows) -> LineTable:
    return LineTable(
        label=_("Payments"),
        rows=rows,
        columns=(
            Column("payment_date", _("Date"), kind="date"),
            Column("payment_number", _("Number")),
            Column("method", _("Method"), kind="choice"),
            Column("status", _("Status"), kind="badge"),
            Column("amount", _("Amount"), kind="amount", currency="currency.code"),
        ),
        link="invoicing.payments",
        permission="invoicing.view_payment",
    )


def _invoice_order(actor, order, body):
    data = from_orders.OrderInvoiceInput(sales_order=order.pk, invoice_date=timezone.localdate())
    return from_orders.invoice_sales_order(actor=actor.user, data=data)


def _bill_order(actor, order, body):
    data = from_receipts.BillInput(purchase_order=order.pk, **body.dict(exclude={"lines"}))
    return from_receipts.bill_purchase_order(actor=actor.user, data=data)


SALES_ORDERS = ViewExtension(
    view="sales.orders",
    actions=(
        Action(
            "invoice",
            _("Invoice this order"),
            "invoicing.add_invoice",
            run=_invoice_order,
            when=has_invoiceable,
            opens="invoicing.invoices",
        ),
    ),
    documents=(
        _invoice_table(_("Invoices"), lambda o: list(queries.order_invoices(sales_order=o.pk))),
        _payment_table(lambda o: list(queries.order_payments(sales_order=o.pk))),
    ),
)
PURCHASE_ORDERS = ViewExtension(
    view="purchasing.orders",
    actions=(
        Action(
            "bill",
            _("Bill this order"),
            "invoicing.add_invoice",
            run=_bill_order,
            when=lambda o: any(item.received_quantity > item.billed_quantity for item in o.items.all()),
            fields=(
                Field("supplier_invoice_number", _("Supplier invoice number"), required=True),
                Field("invoice_date", _("Invoice date"), widget="date", required=True),
            ),
            schema=BillOrderIn,
            initial=lambda o: {"invoice_date": timezone.localdate().isoformat()},
            opens="invoicing.invoices",
        ),
    ),
    documents=(
        _invoice_table(_("Bills"), lambda o: list(queries.order_invoices(purchase_order=o.pk))),
        _payment_table(lambda o: list(queries.order_payments(purchase_order=o.pk))),
    ),
)
RECEIPTS = ViewExtension(
    view="purchasing.receipts",
    documents=(
        _invoice_table(_("Bills of its order"), lambda r: list(queries.order_invoices(purchase_order=r.order_id))),
    ),
)
SHIPMENTS = ViewExtension(
    view="logistics.shipments",
    documents=(
        _invoice_table(
            _("Invoices of its order"),
            lambda s: list(queries.order_invoices(sales_order=s.sales_order_id)) if s.sales_order_id else [],
        ),
    ),
)
RETURNS = ViewExtension(
    view="logistics.returns",
    documents=(
        _invoice_table(
            _("Its credit note"),
            lambda r: list(queries.invoices().filter(pk=r.credit_note_id)) if r.credit_note_id else [],
        ),
    ),
)
INVOICE_DOCUMENTS = (
    LineTable(
        label=_("Shipments of its order"),
        rows=lambda i: (
            list(logistics_shipments(sales_order=i.sales_order_id).order_by("created_at")) if i.sales_order_id else []
        ),
        columns=(
            Column("shipped_date", _("Date"), kind="date"),
            Column("shipment_number", _("Number")),
            Column("status", _("Status"), kind="badge"),
        ),
        link="logistics.shipments",
        permission="logistics.view_shipment",
    ),
    LineTable(
        label=_("Receipts of its order"),
        rows=lambda i: (
            list(purchasing_receipts(order=i.purchase_order_id).order_by("date", "created_at"))
            if i.purchase_order_id
            else []
        ),
        columns=(
            Column("date", _("Date"), kind="date"),
            Column("receipt_number", _("Number")),
            Column("status", _("Status"), kind="badge"),
        ),
        link="purchasing.receipts",
        permission="purchasing.view_goodsreceipt",
    ),
)


invoices_view = DeskView(
    slug="invoices",
    label=_("Invoices"),
    singular=_("invoice"),
    model="invoicing.invoice",
    permission="invoicing.view_invoice",
    query=queries.invoices,
    get=queries.access_invoice,
    filters=InvoiceFilters,
    filter_labels={
        "invoice_type": _("Type"),
        "status": _("Status"),
        "party": _("Party (number)"),
        "date_from": _("From"),
        "date_to": _("To"),
        "q": _("Number or party"),
    },  # fmt: skip
    columns=(
        Column("invoice_number", _("Number"), sort="invoice_number"),
        Column("invoice_date", _("Date"), kind="date", sort="invoice_date"),
        Column("invoice_type", _("Type"), kind="choice"),
        Column("party.name", _("Party")),
        Column("due_date", _("Due"), kind="date", sort="due_date"),
        Column("total_amount", _("Total"), kind="amount", sort="total_amount"),
        Column("balance_due", _("Balance due"), kind="amount"),
        Column("status", _("Status"), kind="badge"),
    ),
    ordering=("-invoice_date",),
    title=lambda i: (
        i.invoice_number
        or _("Draft %(type)s of %(date)s") % {"type": i.get_invoice_type_display(), "date": i.invoice_date.isoformat()}
    ),
    status="status",
    header=(
        Column("invoice_type", _("Type"), kind="choice"),
        Column("party.name", _("Party")),
        Column("invoice_date", _("Date"), kind="date"),
        Column("due_date", _("Due date"), kind="date"),
        Column("currency.code", _("Currency")),
        Column("subtotal", _("Subtotal"), kind="amount"),
        Column("discount_amount", _("Discount"), kind="amount"),
        Column("tax_amount", _("Tax"), kind="amount"),
        Column("total_amount", _("Total"), kind="amount"),
        Column("paid_amount", _("Paid"), kind="amount"),
        Column("balance_due", _("Balance due"), kind="amount"),
        Column("original_invoice.invoice_number", _("Original invoice")),
        Column("supplier_invoice_number", _("Supplier invoice number")),
        Column("journal_entry.entry_number", _("Journal entry")),
        Column("dunning_level", _("Dunning level"), kind="number"),
        Column("notes", _("Notes")),
    ),
    lines=LineTable(
        label=_("Lines"),
        rows=lambda i: list(queries.invoice_lines(i)),
        columns=(
            Column("description", _("Description")),
            Column("quantity", _("Quantity"), kind="number"),
            Column("unit_rate", _("Unit rate"), kind="number"),
            Column("discount_amount", _("Discount"), kind="amount"),
            Column("net_amount", _("Net"), kind="amount"),
            Column("tax_rate.code", _("Tax")),
            Column("tax_amount", _("Tax amount"), kind="amount"),
            Column("gross_amount", _("Amount"), kind="amount"),
        ),
        totals=("net_amount", "tax_amount", "gross_amount"),
    ),
    create=FormSpec(
        schema=InvoiceIn,
        fields=INVOICE_FIELDS,
        lines=INVOICE_LINES,
        permission="invoicing.add_invoice",
        initial=_invoice_initial,
        prepare=blank_is_none,
        buttons=((_("Save and submit"), {"submit": True}), (_("Save draft"), {"submit": False})),
        save=lambda actor, body, obj: _save_invoice(actor, body),
    ),
    edit=FormSpec(
        schema=InvoicePatchIn,
        fields=tuple(f for f in INVOICE_FIELDS if f.name not in ("invoice_type", "original_invoice")),
        lines=INVOICE_LINES,
        permission="invoicing.change_invoice",
        initial=_invoice_initial,
        prepare=blank_is_none,
        save=_edit_invoice,
    ),
    edit_when=lambda i: i.status == InvoiceStatus.DRAFT,
    actions=(
        Action(
            "submit",
            _("Submit"),
            "invoicing.submit_invoice",
            run=lambda actor, obj, body: invoices.submit_invoice(actor=actor.user, invoice_id=obj.pk),
            when=lambda i: i.status == InvoiceStatus.DRAFT,
            bulk=True,
        ),
        Action(
            "cancel",
            _("Cancel"),
            "invoicing.cancel_invoice",
            run=lambda actor, obj, body: invoices.cancel_invoice(
                actor=actor.user, invoice_id=obj.pk, reason=body.reason if body else ""
            ),
            when=lambda i: i.status == InvoiceStatus.DRAFT or (i.status in OPEN_STATUSES and i.paid_amount == 0),
            fields=(Field("reason", _("Reason"), widget="textarea", wide=True),),
            schema=ReasonIn,
            confirm=_("Cancel this invoice? A submitted one has its entry reversed."),
            style="danger",
        ),
    ),
    related=_invoice_related,
    documents=INVOICE_DOCUMENTS,
    empty=_("No invoice yet: make the first with “New invoice”."),
    export_name="invoices",
)


# --- payments -----------------------------------------------------------------------------------------------------

ALLOCATION_LINES = LineGrid(
    name="allocations",
    label=_("Allocations"),
    fields=(
        Field("invoice", _("Invoice"), help=_("Its number.")),
        Field("amount", _("Amount"), widget="decimal"),
    ),
    min_rows=1,
)


def _save_payment(actor, body):
    values = body.dict(exclude={"allocations"})
    allocations = [payments.AllocationInput(**a.dict()) for a in body.allocations]
    return payments.create_payment(actor=actor.user, data=payments.PaymentInput(**values, allocations=allocations))


def _payment_related(payment) -> list[tuple[str, str]]:
    links = []
    if payment.journal_entry_id:
        links.append((_("Its journal entry"), record_url("accounting", "journal-entries", payment.journal_entry_id)))
    for allocation in queries.allocations_of_payment(payment):
        label = allocation.invoice.invoice_number or str(allocation.invoice_id)
        links.append(
            (_("Invoice %(number)s") % {"number": label}, record_url("invoicing", "invoices", allocation.invoice_id))
        )
    return links


payments_view = DeskView(
    slug="payments",
    label=_("Payments"),
    singular=_("payment"),
    model="invoicing.payment",
    permission="invoicing.view_payment",
    query=queries.payments,
    get=queries.access_payment,
    filters=PaymentFilters,
    filter_labels={
        "direction": _("Direction"),
        "status": _("Status"),
        "method": _("Method"),
        "party": _("Party (number)"),
        "invoice": _("Invoice"),
        "date_from": _("From"),
        "date_to": _("To"),
    },  # fmt: skip
    columns=(
        Column("payment_number", _("Number"), sort="payment_number"),
        Column("payment_date", _("Date"), kind="date", sort="payment_date"),
        Column("direction", _("Direction"), kind="choice"),
        Column("party.name", _("Party")),
        Column("method", _("Method"), kind="choice"),
        Column("amount", _("Amount"), kind="amount", sort="amount"),
        Column("unallocated_amount", _("Unallocated"), kind="amount"),
        Column("status", _("Status"), kind="badge"),
    ),
    ordering=("-payment_date",),
    title=lambda p: p.payment_number or _("Pending payment of %(date)s") % {"date": p.payment_date.isoformat()},
    status="status",
    header=(
        Column("direction", _("Direction"), kind="choice"),
        Column("party.name", _("Party")),
        Column("payment_date", _("Date"), kind="date"),
        Column("method", _("Method"), kind="choice"),
        Column("account.code", _("Cash or bank account")),
        Column("amount", _("Amount"), kind="amount"),
        Column("currency.code", _("Currency")),
        Column("allocated_amount", _("Allocated"), kind="amount"),
        Column("unallocated_amount", _("Unallocated"), kind="amount"),
        Column("journal_entry.entry_number", _("Journal entry")),
        Column("reference_number", _("Reference")),
    ),
    lines=LineTable(
        label=_("Allocations"),
        rows=lambda p: list(queries.allocations_of_payment(p)),
        columns=(
            Column("invoice.invoice_number", _("Invoice")),
            Column("allocated_on", _("Date"), kind="date"),
            Column("amount", _("Amount"), kind="amount"),
        ),
        totals=("amount",),
    ),
    create=FormSpec(
        schema=PaymentIn,
        fields=(
            Field("direction", _("Direction"), widget="select", required=True, choices=choices_of(PaymentDirection)),
            Field("party", _("Party"), widget="picker", picker=PARTIES, required=True),
            Field("payment_date", _("Date"), widget="date", required=True),
            Field("amount", _("Amount"), widget="decimal", required=True),
            Field("method", _("Method"), widget="select", required=True, choices=choices_of(PaymentMethod)),
            Field("currency", _("Currency"), help=_("ISO code; empty: the base currency.")),
            Field("bank_account", _("Bank account"), help=_("Empty: the cash or bank account of the settings.")),
            Field("reference_number", _("Reference")),
            Field("notes", _("Notes"), widget="textarea", wide=True),
        ),
        lines=ALLOCATION_LINES,
        permission="invoicing.add_payment",
        initial=lambda p: {
            "direction": PaymentDirection.INCOMING,
            "method": PaymentMethod.BANK_TRANSFER,
            "payment_date": timezone.localdate().isoformat(),
        },  # fmt: skip
        prepare=lambda data: {
            **blank_is_none(data),
            "allocations": [a for a in blank_is_none(data).get("allocations", []) if a],
        },  # fmt: skip
        save=lambda actor, body, obj: _save_payment(actor, body),
    ),
    actions=(
        Action(
            "complete",
            _("Complete"),
            "invoicing.complete_payment",
            run=lambda actor, obj, body: payments.complete_payment(actor=actor.user, payment_id=obj.pk),
            when=lambda p: p.status in (PaymentStatus.PENDING, PaymentStatus.PROCESSING),
        ),
        Action(
            "fail",
            _("Mark failed"),
            "invoicing.complete_payment",
            run=lambda actor, obj, body: payments.fail_payment(actor=actor.user, payment_id=obj.pk),
            when=lambda p: p.status in (PaymentStatus.PENDING, PaymentStatus.PROCESSING),
            style="danger",
        ),
        Action(
            "refund",
            _("Refund"),
            "invoicing.complete_payment",
            run=lambda actor, obj, body: payments.refund_payment(actor=actor.user, payment_id=obj.pk),
            when=lambda p: p.status == PaymentStatus.COMPLETED,
            confirm=_("Refund this payment? Its entry is reversed and its invoices open again."),
            style="danger",
        ),
    ),
    related=_payment_related,
    empty=_("No payment yet: record one with “New payment”."),
    export_name="payments",
)


recurring_view = DeskView(
    slug="recurring",
    label=_("Recurring invoices"),
    singular=_("recurring invoice"),
    model="invoicing.recurringinvoice",
    permission="invoicing.view_recurringinvoice",
    query=queries.recurring_invoices,
    get=queries.access_recurring_invoice,
    columns=(
        Column("name", _("Name"), sort="name"),
        Column("frequency", _("Frequency"), kind="choice"),
        Column("next_date", _("Next invoice"), kind="date", sort="next_date"),
        Column("invoices_made", _("Invoices made"), kind="number"),
        Column("is_active", _("Active"), kind="bool"),
    ),
    ordering=("next_date",),
    title=lambda r: r.name,
    header=(
        Column("template.invoice_number", _("Template invoice")),
        Column("template.party.name", _("Party")),
        Column("frequency", _("Frequency"), kind="choice"),
        Column("start_date", _("Start"), kind="date"),
        Column("end_date", _("End"), kind="date"),
        Column("next_date", _("Next invoice"), kind="date"),
        Column("auto_submit", _("Submitted at once"), kind="bool"),
    ),
    create=FormSpec(
        schema=RecurringIn,
        fields=(
            Field("name", _("Name"), required=True, wide=True),
            Field("template", _("Template invoice"), required=True, help=_("Its number.")),
            Field("frequency", _("Frequency"), widget="select", required=True, choices=choices_of(Frequency)),
            Field("start_date", _("Start"), widget="date", required=True),
            Field("end_date", _("End"), widget="date"),
            Field("auto_submit", _("Submit each invoice at once"), widget="checkbox"),
        ),
        permission="invoicing.add_recurringinvoice",
        initial=lambda r: {"frequency": Frequency.MONTHLY, "start_date": timezone.localdate().isoformat()},
        prepare=blank_is_none,
        save=lambda actor, body, obj: schedules.create_recurring_invoice(
            actor=actor.user, data=schedules.RecurringInvoiceInput(**body.dict())
        ),
    ),
    related=lambda r: [(_("Template invoice"), record_url("invoicing", "invoices", r.template_id))],
    empty=_("No recurring invoice yet."),
)

DESK = Desk(
    views=(invoices_view, payments_view, recurring_view),
    search=(SearchSource("invoices", _("Invoices"), "invoicing.view_invoice", find_invoices),),
    extends=(SALES_ORDERS, PURCHASE_ORDERS, RECEIPTS, SHIPMENTS, RETURNS),
)
