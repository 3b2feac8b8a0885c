"""Invoices: DRAFT (edited freely) → SUBMITTED (numbered per type, one journal entry posted; immutable) → paid by
payments' allocations; CANCELLED while nothing is paid (the entry reversed). A credit note corrects a sales invoice,
a debit note a purchase invoice, never for more than is left of it; a proforma is numbered but never posts.

The books, through `accounting.services.post_document` (source `invoicing.invoice`):
- SALES: Dr the party's account (the total, due on the due date) / Cr each line's income account / Cr output tax per
  component;
- PURCHASE: the mirror — Dr each line's expense or stock clearing account / Dr input tax / Cr the party;
- CREDIT_NOTE: the mirror of a sale, its party line settling the original's entry for what the original still owes
  (the rest stays on the party's account); DEBIT_NOTE: the mirror of a purchase, likewise.
A foreign-currency invoice posts at its exchange rate; the base-currency rounding of its lines goes to the setting
`invoicing.rounding_account`; a note settles its original at the original's base amount, the difference from its
own rate an exchange gain or loss (services/exchange.py)."""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from collections.abc import Sequence
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.accounting.constants import EntryType
from comptoir.accounting.services import PostingLine, SourceRef, post_document, reverse_entry
from comptoir.catalog.queries.refs import resolve_currency
from comptoir.invoicing.constants import (
    BUYING_TYPES,
    NOTE_TYPES,
    OPEN_STATUSES,
    ORIGINAL_TYPE,
    SELLING_TYPES,
    InvoiceStatus,
    InvoiceType,
)
from comptoir.invoicing.errors import InvoicingError
from comptoir.invoicing.models import Invoice, InvoiceLine, InvoiceTax
from comptoir.invoicing.module import (
    INVOICE_CANCELLED,
    INVOICE_CREATED,
    INVOICE_DOCUMENT,
    INVOICE_PAYMENT_STATUS,
    INVOICE_SERIES,
    INVOICE_SUBMITTED,
    INVOICE_UPDATED,
)
from comptoir.invoicing.services.exchange import balanced_in_base, settled_base
from comptoir.invoicing.services.lines import InvoiceLineInput, build_lines
from comptoir.parties.constants import PartyType
from comptoir.parties.queries import resolve_party
from comptoir.platform.constants import AuditAction
from comptoir.platform.db import insert_rows, service_transaction
from comptoir.platform.documents import move_document
from comptoir.platform.errors import Conflict, ValidationFailed
from comptoir.platform.ids import uuid7
from comptoir.platform.inputs import UNSET, Patch, _Unset
from comptoir.platform.locks import lock_row
from comptoir.platform.queries.core import current_organization
from comptoir.platform.queries.rates import exchange_rates
from comptoir.platform.services.audit import audit_in_one_statement, record_audit
from comptoir.platform.services.events import emit_event, events_in_one_statement
from comptoir.platform.services.numbering import next_number
from comptoir.platform.tenancy import require_org_id
from comptoir.platform.transitions import transition

ZERO = Decimal(0)
CUSTOMERS = frozenset({PartyType.CUSTOMER, PartyType.BOTH})
SUPPLIERS = frozenset({PartyType.SUPPLIER, PartyType.BOTH})
JOURNAL = {
    InvoiceType.SALES: "SALES",
    InvoiceType.PURCHASE: "PURCHASE",
    InvoiceType.CREDIT_NOTE: "CN",
    InvoiceType.DEBIT_NOTE: "DN",
}
HEADER_AUDITED = ("party", "invoice_date", "due_date", "currency", "supplier_invoice_number", "total_amount")


@dataclasses.dataclass(frozen=True, kw_only=True)
class InvoiceInput:
    """A new invoice; `party`, `original_invoice` by id or number; `currency` an ISO code (the party's default
    currency is not assumed: the base currency when none). `submit` submits it at once."""

    invoice_type: str
    party: str | uuid.UUID
    invoice_date: datetime.date
    lines: Sequence[InvoiceLineInput]
    due_date: datetime.date | None = None
    currency: str | None = None
    exchange_rate: Decimal | None = None
    original_invoice: str | uuid.UUID | None = None
    supplier_invoice_number: str = ""
    po_number: str = ""
    reference_number: str = ""
    terms_and_conditions: str = ""
    notes: str = ""
    internal_notes: str = ""
    place_of_supply: str = ""
    reverse_charge: bool = False
    esf_number: str = ""
    submit: bool = False


@dataclasses.dataclass(frozen=True, kw_only=True)
class InvoicePatch(Patch):
    """A draft's changes; `lines`, when given, replace all its lines."""

    party: str | uuid.UUID | _Unset = UNSET
    invoice_date: datetime.date | _Unset = UNSET
    due_date: datetime.date | None | _Unset = UNSET
    currency: str | None | _Unset = UNSET
    exchange_rate: Decimal | None | _Unset = UNSET
    supplier_invoice_number: str | _Unset = UNSET
    po_number: str | _Unset = UNSET
    reference_number: str | _Unset = UNSET
    terms_and_conditions: str | _Unset = UNSET
    notes: str | _Unset = UNSET
    internal_notes: str | _Unset = UNSET
    place_of_supply: str | _Unset = UNSET
    reverse_charge: bool | _Unset = UNSET
    esf_number: str | _Unset = UNSET
    esf_status: str | _Unset = UNSET
    lines: Sequence[InvoiceLineInput] | _Unset = UNSET


def _refuse(message: str, code: str, field: str):
    raise ValidationFailed(message, code=code, field=field)


def _party(invoice_type: str, ref):
    party = resolve_party(ref, "party")
    wanted = SUPPLIERS if invoice_type in BUYING_TYPES else CUSTOMERS
    if party.party_type not in wanted:
        _refuse(
            _("%(party)s is not a %(kind)s")
            % {"party": party.name, "kind": _("supplier") if invoice_type in BUYING_TYPES else _("customer")},
            InvoicingError.WRONG_PARTY_TYPE,
            "party",
        )
    return party


def _rate_of(currency, given, day: datetime.date) -> Decimal:
    base = current_organization().base_currency
    if currency.pk == base.pk:
        return Decimal(1)
    if given is not None:
        return given
    rate = (
        exchange_rates(from_currency=currency.code, to_currency=base.code, date_to=day)
        .order_by("-rate_date")
        .values_list("rate", flat=True)
        .first()
    )
    if rate is None:
        _refuse(
            _("No %(currency)s rate on or before %(day)s; give exchange_rate")
            % {"currency": currency.code, "day": day},
            InvoicingError.MISSING_EXCHANGE_RATE,
            "exchange_rate",
        )
    return rate


def _original(invoice: Invoice, ref, *, lock: bool = False) -> Invoice | None:
    if invoice.invoice_type not in NOTE_TYPES:
        if ref not in (None, ""):
            _refuse(_("Only a credit or debit note has an original"), InvoicingError.WRONG_ORIGINAL, "original_invoice")
        return None
    if ref in (None, ""):
        _refuse(_("A note corrects an original invoice"), InvoicingError.ORIGINAL_REQUIRED, "original_invoice")
    try:
        key = {"pk": uuid.UUID(str(ref))}
    except ValueError:
        key = {"invoice_number": str(ref).strip()}
    qs = Invoice.objects.select_for_update(of=("self",)) if lock else Invoice.objects
    original = qs.filter(**key).first()
    if original is None:
        _refuse(_("No invoice “%(ref)s”") % {"ref": ref}, InvoicingError.UNKNOWN, "original_invoice")
    wanted = ORIGINAL_TYPE[invoice.invoice_type]
    if original.invoice_type != wanted or original.status not in (*OPEN_STATUSES, InvoiceStatus.PAID):
        _refuse(
            _("A %(note)s corrects a submitted %(original)s")
            % {"note": invoice.get_invoice_type_display(), "original": InvoiceType(wanted).label},
            InvoicingError.WRONG_ORIGINAL,
            "original_invoice",
        )
    if original.party_id != invoice.party_id:
        _refuse(_("The note's party is the original's"), InvoicingError.PARTY_MISMATCH, "party")
    if original.currency_id != invoice.currency_id:
        _refuse(_("The note's currency is the original's"), InvoicingError.CURRENCY_MISMATCH, "currency")
    return original


def _noted(original: Invoice, exclude=None) -> Decimal:
    """The totals of the original's submitted notes."""
    qs = Invoice.objects.filter(original_invoice=original).exclude(
        status__in=(InvoiceStatus.DRAFT, InvoiceStatus.CANCELLED)
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.aggregate(total=Sum("total_amount"))["total"] or ZERO


def _check_note(invoice: Invoice, original: Invoice | None) -> None:
    if original is None:
        return
    left = original.total_amount - _noted(original, exclude=invoice.pk)
    if invoice.total_amount > left:
        _refuse(
            _("The note's total %(total)s exceeds the %(left)s left of invoice %(number)s")
            % {"total": invoice.total_amount, "left": left, "number": original.invoice_number},
            InvoicingError.NOTE_EXCEEDS_ORIGINAL,
            "lines",
        )


def _check_supplier_number(invoice: Invoice) -> None:
    if not _numbered_by_supplier(invoice):
        return
    clash = (
        Invoice.objects.filter(
            invoice_type=InvoiceType.PURCHASE,
            party_id=invoice.party_id,
            supplier_invoice_number=invoice.supplier_invoice_number,
        )
        .exclude(status=InvoiceStatus.CANCELLED)
        .exclude(pk=invoice.pk)
    )
    if clash.exists():
        _refuse(
            _("Supplier invoice %(number)s of this supplier is already recorded")
            % {"number": invoice.supplier_invoice_number},
            InvoicingError.DUPLICATE,
            "supplier_invoice_number",
        )


def _dates(invoice: Invoice, due_date) -> None:
    invoice.due_date = due_date or invoice.invoice_date + datetime.timedelta(days=invoice.party.credit_days)
    if invoice.due_date < invoice.invoice_date:
        _refuse(_("The due date is before the invoice date"), InvoicingError.INVALID_DATES, "due_date")


def _fill(invoice: Invoice, lines, *, actor) -> tuple[list[InvoiceLine], list[InvoiceTax]]:
    built = build_lines(invoice, lines, actor=actor)
    invoice.subtotal, invoice.discount_amount, invoice.tax_amount = built.subtotal, built.discount, built.tax
    invoice.total_amount = built.subtotal - built.discount + built.tax
    return built.lines, built.taxes


def _save_children(invoice: Invoice, lines, taxes) -> None:
    insert_rows(lines)
    if taxes:
        insert_rows(taxes)


def _payload(invoice: Invoice) -> dict:
    return {
        "id": invoice.pk,
        "invoice_number": invoice.invoice_number,
        "invoice_type": invoice.invoice_type,
        "status": invoice.status,
        "party": invoice.party_id,
        "invoice_date": invoice.invoice_date,
        "due_date": invoice.due_date,
        "currency": invoice.currency.code,
        "total_amount": invoice.total_amount,
        "paid_amount": invoice.paid_amount,
        "journal_entry": invoice.journal_entry_id,
    }


def _numbered_by_supplier(invoice: Invoice) -> bool:
    return invoice.invoice_type == InvoiceType.PURCHASE and bool(invoice.supplier_invoice_number)


def _save_header(invoice: Invoice, write) -> None:
    """`write()` inserts or updates the invoice's row; a supplier's invoice number already recorded is refused."""
    if not _numbered_by_supplier(invoice):
        write()  # the unique supplier number cannot clash: no savepoint to catch it
        return
    try:
        with transaction.atomic():
            write()
    except IntegrityError as exc:  # the unique supplier number, raced
        if "invoice_supplier_number_unique" in str(exc):
            _refuse(
                _("Supplier invoice %(number)s of this supplier is already recorded")
                % {"number": invoice.supplier_invoice_number},
                InvoicingError.DUPLICATE,
                "supplier_invoice_number",
            )
        raise


def create_invoice(*, actor, data: InvoiceInput) -> Invoice:
    """A DRAFT invoice with its lines and taxes (submitted at once when `data.submit`)."""
    with service_transaction(), audit_in_one_statement(), events_in_one_statement():
        party = _party(data.invoice_type, data.party)
        currency = resolve_currency(data.currency)
        invoice = Invoice(
            id=uuid7(),
            organization_id=require_org_id(),
            invoice_type=data.invoice_type,
            party=party,
            invoice_date=data.invoice_date,
            currency=currency,
            # no currency named: the base currency, at 1 (the organization read once)
            exchange_rate=_rate_of(currency, data.exchange_rate, data.invoice_date) if data.currency else Decimal(1),
            supplier_invoice_number=data.supplier_invoice_number.strip(),
            po_number=data.po_number.strip(),
            reference_number=data.reference_number.strip(),
            payment_terms=party.payment_terms,
            terms_and_conditions=data.terms_and_conditions,
            notes=data.notes,
            internal_notes=data.internal_notes,
            place_of_supply=data.place_of_supply,
            reverse_charge=data.reverse_charge,
            esf_number=data.esf_number,
            party_gstin=party.gstin,
            created_by=actor,
            updated_by=actor,
        )
        _dates(invoice, data.due_date)
        original = _original(invoice, data.original_invoice)
        invoice.original_invoice = original
        _check_supplier_number(invoice)
        lines, taxes = _fill(invoice, data.lines, actor=actor)
        _check_note(invoice, original)
        # submitted at once, it is inserted by its submission, numbered (its lines' references wait for the commit);
        # a supplier's number is checked by its own insert first
        if not data.submit or _numbered_by_supplier(invoice):
            _save_header(invoice, lambda: insert_rows([invoice]))
        _save_children(invoice, lines, taxes)
        record_audit(
            actor=actor,
            action=AuditAction.CREATE,
            obj=invoice,
            new={"invoice_type": invoice.invoice_type, "total_amount": str(invoice.total_amount), "lines": len(lines)},
        )
        emit_event(event_type=INVOICE_CREATED, payload=_payload(invoice), source=invoice)
        if data.submit:  # inserted by this transaction, so no one else sees it: no lock, its lines at hand
            invoice = _submit(actor, lambda new=invoice: new, lines=lines, taxes=taxes)
    return invoice


def _locked(invoice_id) -> Invoice:
    return lock_row(Invoice.objects.select_related("party", "currency"), invoice_id, what=_("invoice"))


def update_invoice(*, actor, invoice_id, changes: InvoicePatch) -> Invoice:
    """Change a DRAFT invoice (its lines replaced when given); a submitted invoice is immutable."""
    given = changes.provided()
    with transaction.atomic():
        invoice = _locked(invoice_id)
        if invoice.status != InvoiceStatus.DRAFT:
            raise Conflict(
                _("Invoice %(number)s is submitted: correct it with a credit or debit note")
                % {"number": invoice.invoice_number or invoice.pk},
                code=InvoicingError.NOT_EDITABLE,
                field="status",
            )
        if invoice.sales_order_id and {"lines", "party", "currency"} & given.keys():
            raise Conflict(
                _("The lines of an order's invoice follow the order: cancel it and invoice the order again"),
                code=InvoicingError.NOT_EDITABLE,
                field="lines",
            )
        old = {key: str(getattr(invoice, key if key != "party" else "party_id")) for key in HEADER_AUDITED}
        if "party" in given:
            invoice.party = _party(invoice.invoice_type, given["party"])
            invoice.party_gstin = invoice.party.gstin
        for key in ("invoice_date", "supplier_invoice_number", "po_number", "reference_number", "notes",
                    "terms_and_conditions", "internal_notes", "place_of_supply", "reverse_charge", "esf_number",
                    "esf_status"):  # fmt: skip
            if key in given:
                value = given[key]
                setattr(invoice, key, value.strip() if isinstance(value, str) and key.endswith("number") else value)
        if "currency" in given:
            invoice.currency = resolve_currency(given["currency"])
        if {"currency", "exchange_rate", "invoice_date"} & given.keys():
            invoice.exchange_rate = _rate_of(invoice.currency, given.get("exchange_rate"), invoice.invoice_date)
        if {"due_date", "invoice_date", "party"} & given.keys():
            _dates(invoice, given.get("due_date", invoice.due_date if "due_date" not in given else None))
        original = _original(invoice, invoice.original_invoice_id) if invoice.original_invoice_id else None
        _check_supplier_number(invoice)
        lines_given = "lines" in given or {"currency", "invoice_date"} & given.keys()
        if lines_given:
            inputs = given.get("lines") or _inputs_of(invoice)
            lines, taxes = _fill(invoice, inputs, actor=actor)
        _check_note(invoice, original)
        invoice.updated_by = actor
        invoice.version = F("version") + 1
        _save_header(invoice, invoice.save)
        if lines_given:
            InvoiceTax.objects.filter(invoice=invoice).delete()
            InvoiceLine.objects.filter(invoice=invoice).delete()
            _save_children(invoice, lines, taxes)
        invoice.refresh_from_db()
        new = {key: str(getattr(invoice, key if key != "party" else "party_id")) for key in HEADER_AUDITED}
        record_audit(actor=actor, action=AuditAction.UPDATE, obj=invoice, old=old, new=new)
        emit_event(event_type=INVOICE_UPDATED, payload=_payload(invoice), source=invoice)
    return invoice


def _inputs_of(invoice: Invoice) -> list[InvoiceLineInput]:
    """A draft's lines as inputs again (to recompute them in another currency or on another date)."""
    return [
        InvoiceLineInput(
            product=line.product_id,
            description=line.description,
            quantity=line.quantity,
            unit_rate=line.unit_rate,
            discount_pct=line.discount_pct,
            tax_rate=line.tax_rate_id,
            account=line.account_id,
            cost_center=line.cost_center_id,
            hsn_code=line.hsn_code,
            notes=line.notes,
        )
        for line in invoice.lines.all()
    ]


def line_inputs(invoice: Invoice) -> list[InvoiceLineInput]:
    """An invoice's lines as inputs: what a recurring schedule copies."""
    return _inputs_of(invoice)


# --- the books ----------------------------------------------------------------------------------------------------


def _note_party_lines(invoice: Invoice, party_side: str, original: Invoice, party_ref: SourceRef) -> list[PostingLine]:
    """A note's party line: against the original's entry for what the original still owes, the rest on account."""
    original.refresh_from_db(fields=["total_amount", "paid_amount", "credited_amount", "balance_due"])
    applied = min(invoice.total_amount, original.balance_due)
    invoice.credited_amount = applied
    common = {"currency": invoice.currency.code, "exchange_rate": invoice.exchange_rate, "party": party_ref}
    out = []
    if applied > 0:
        base_amount = settled_base(
            entry_id=original.journal_entry_id, account_id=invoice.party.account_id, currency_id=invoice.currency_id,
            amount=applied, open_amount=original.balance_due,
        )  # fmt: skip
        out.append(
            PostingLine(
                invoice.party.account_id,
                party_side,
                applied,
                against_entry=original.journal_entry_id,
                base_amount=base_amount,
                **common,
            )  # fmt: skip
        )
    if invoice.total_amount - applied > 0:
        out.append(
            PostingLine(
                invoice.party.account_id,
                party_side,
                invoice.total_amount - applied,
                due_date=invoice.due_date,
                **common,
            )
        )
    return out


def _post(actor, invoice: Invoice, lines=None, taxes=None) -> None:
    """Posts the invoice's entry; `lines` and `taxes` are its rows when the caller has them (else they are read)."""
    original = None
    if invoice.original_invoice_id:
        original = lock_row(Invoice.objects, invoice.original_invoice_id, what=_("invoice"))
        _check_note(invoice, original)
    selling = invoice.invoice_type in SELLING_TYPES
    # sales and purchase notes post the mirror: the party side is credited on a sale's note, debited on a purchase's
    party_side = (
        EntryType.DEBIT if invoice.invoice_type in (InvoiceType.SALES, InvoiceType.DEBIT_NOTE) else EntryType.CREDIT
    )
    other_side = EntryType.CREDIT if party_side == EntryType.DEBIT else EntryType.DEBIT
    common = {"currency": invoice.currency.code, "exchange_rate": invoice.exchange_rate}
    party_ref = SourceRef("parties.party", invoice.party_id)
    if original is not None:
        postings = _note_party_lines(invoice, party_side, original, party_ref)
    else:
        postings = [
            PostingLine(
                invoice.party.account_id, party_side, invoice.total_amount, party=party_ref, due_date=invoice.due_date,
                **common,
            )
        ]  # fmt: skip
    for line in invoice.lines.all() if lines is None else lines:
        if line.net_amount > 0:
            postings.append(
                PostingLine(
                    line.account_id,
                    other_side,
                    line.net_amount,
                    cost_center=line.cost_center_id,
                    description=line.description[:255],
                    **common,
                )  # fmt: skip
            )
    for tax in invoice.taxes.all() if taxes is None else sorted(taxes, key=lambda row: row.code):
        if tax.amount > 0:
            postings.append(PostingLine(tax.account_id, other_side, tax.amount, description=tax.code, **common))
    if len(postings) < 2 or invoice.total_amount <= 0:
        _refuse(_("An invoice of nothing posts nothing"), InvoicingError.REQUIRED, "lines")
    if invoice.purchase_order_id:  # a bill of an order's receipts: the three-way match, GRNI cleared
        from comptoir.invoicing.services.from_receipts import receipt_postings

        postings += receipt_postings(actor, invoice)
    kind = _("Invoice") if selling else _("Bill")
    entry = post_document(
        actor=actor,
        source=SourceRef(INVOICE_DOCUMENT, invoice.pk),
        date=invoice.invoice_date,
        journal_type=JOURNAL[invoice.invoice_type],
        lines=balanced_in_base(postings),
        narration=f"{kind} {invoice.party.name}"[:255],
        reference_number=invoice.supplier_invoice_number or invoice.reference_number,
        reference_date=invoice.invoice_date,
        workspace_id=invoice.workspace_id,
    )
    invoice.journal_entry = entry
    invoice.workspace_id = entry.workspace_id  # the default one, read with the books, for an invoice not saved yet
    invoice.fiscal_year_id = entry.fiscal_year_id
    if original is not None and invoice.credited_amount > 0:
        Invoice.objects.filter(pk=original.pk).update(credited_amount=F("credited_amount") + invoice.credited_amount)
        refresh_payment_status(actor=actor, invoice=original)


def submit_invoice(*, actor, invoice_id) -> Invoice:
    """DRAFT → SUBMITTED: its number (per type: SINV-2026-000001) and its one journal entry (a proforma posts
    none), or nothing."""
    return _submit(actor, lambda: _locked(invoice_id))


def _submit(actor, lock, *, lines=None, taxes=None) -> Invoice:
    def post(invoice: Invoice) -> None:
        if invoice.invoice_type != InvoiceType.PROFORMA:
            _post(actor, invoice, lines, taxes)

    return move_document(
        lock,
        actor=actor,
        to=InvoiceStatus.SUBMITTED,
        post=post,
        number=lambda invoice: next_number(document_type=INVOICE_SERIES[invoice.invoice_type], on=invoice.invoice_date),
        also=("journal_entry", "fiscal_year", "credited_amount"),
        audit=lambda invoice: {"total_amount": str(invoice.total_amount)},
        event_type=INVOICE_SUBMITTED,
        payload=_payload,
    )


def cancel_invoice(*, actor, invoice_id, reason: str = "") -> Invoice:
    """DRAFT → CANCELLED; a submitted invoice only while nothing is paid or allocated, nor noted against it (its
    entry reversed on its date; a note gives back what it settled of its original)."""
    from comptoir.invoicing.services.payments import live_allocated  # the payments import this module

    def lock() -> Invoice:
        invoice = _locked(invoice_id)
        if invoice.status != InvoiceStatus.DRAFT and (invoice.paid_amount > 0 or live_allocated(invoice) > 0):
            raise Conflict(
                _("Invoice %(number)s has payments: it cannot be cancelled") % {"number": invoice.invoice_number},
                code=InvoicingError.INVOICE_PAID,
                field="status",
            )
        return invoice

    def reverse(invoice: Invoice) -> None:
        if invoice.sales_order_id:  # an order's invoice gives its quantities back, a return's note frees the return
            from comptoir.invoicing.services.from_orders import (  # it imports this module
                release_credited_return,
                release_order_quantities,
            )

            release_order_quantities(actor=actor, invoice=invoice)
            release_credited_return(actor=actor, invoice=invoice)
        if invoice.status == InvoiceStatus.DRAFT:
            return
        if invoice.invoice_type not in NOTE_TYPES and invoice.credited_amount > 0:
            raise Conflict(
                _("Invoice %(number)s has credit or debit notes: cancel them first")
                % {"number": invoice.invoice_number},
                code=InvoicingError.INVOICE_PAID,
                field="status",
            )
        if invoice.journal_entry_id:
            reverse_entry(actor=actor, entry_id=invoice.journal_entry_id, date=invoice.invoice_date)
        if invoice.purchase_order_id:  # a bill of an order's receipts gives its billed quantities back
            from comptoir.invoicing.services.from_receipts import release_bill

            release_bill(actor, invoice)
        if invoice.original_invoice_id and invoice.credited_amount > 0:
            original = lock_row(Invoice.objects, invoice.original_invoice_id, what=_("invoice"))
            Invoice.objects.filter(pk=original.pk).update(
                credited_amount=F("credited_amount") - invoice.credited_amount
            )
            refresh_payment_status(actor=actor, invoice=original)

    return move_document(
        lock,
        actor=actor,
        to=InvoiceStatus.CANCELLED,
        action=AuditAction.CANCEL,
        post=reverse,
        event_type=INVOICE_CANCELLED,
        payload=_payload,
        reason=reason,
    )


def settled_status(invoice: Invoice, today: datetime.date) -> str:
    """The status its amounts give an open invoice: PAID with nothing left, PARTIALLY_PAID with something settled,
    else SUBMITTED — OVERDUE when past its due date with something left and nothing paid."""
    if invoice.balance_due <= 0:
        return InvoiceStatus.PAID
    if invoice.paid_amount > 0 or invoice.credited_amount > 0:
        return InvoiceStatus.PARTIALLY_PAID
    return InvoiceStatus.OVERDUE if invoice.due_date < today else InvoiceStatus.SUBMITTED


def refresh_payment_status(*, actor, invoice: Invoice) -> Invoice:
    """Re-reads the invoice's settled amounts (the caller holds its row lock) and moves its status to match."""
    invoice.refresh_from_db(fields=["paid_amount", "credited_amount", "balance_due", "status", "version"])
    if invoice.status not in (*OPEN_STATUSES, InvoiceStatus.PAID):
        return invoice
    target = settled_status(invoice, timezone.localdate())
    if target != invoice.status:
        if target == InvoiceStatus.PAID:
            invoice.paid_date = timezone.localdate()
        transition(invoice, target, actor=actor, also=("paid_date",))
        emit_event(
            event_type=INVOICE_PAYMENT_STATUS,
            payload={"id": invoice.pk, "invoice_number": invoice.invoice_number, "status": invoice.status,
                     "paid_amount": invoice.paid_amount, "balance_due": invoice.balance_due},
            source=invoice,
        )  # fmt: skip
    return invoice
