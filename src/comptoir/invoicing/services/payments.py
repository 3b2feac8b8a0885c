"""Payments: money received (INCOMING) or paid (OUTGOING), allocated to open invoices of its party; what no invoice
takes stays on the party's account (an advance, an over-payment) and can be allocated later.

PENDING → PROCESSING → COMPLETED or FAILED; PENDING/PROCESSING → CANCELLED; COMPLETED → REFUNDED. Cash and bank
transfers complete as they are recorded. Completing posts the receipt (RCP: Dr the cash or bank account / Cr the
party, each allocation's line settling its invoice's entry) or the payment (PAY: the mirror) and raises the
invoices' `paid_amount`; refunding reverses that entry and lowers them back. A later allocation of an advance posts
a JV on the party's account that moves the settlement from the payment's entry to the invoice's.

A foreign invoice is settled on the party's account at its own base amount (in proportion to what is open of it,
the exact rest by the last part), the advance likewise at the payment's; the difference from the payment's rate is
a realized exchange gain or loss (services/exchange.py). A refund reverses it with the rest.

An incoming payment settles sales invoices and debit notes, an outgoing one purchase invoices and credit notes. The
allocations of live payments (pending, processing, completed) never exceed an invoice's balance: the invoices are
locked (in id order) before the check, so two payments racing for one invoice cannot both take it."""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.accounting.constants import EntryType
from comptoir.accounting.queries.banks import access_bank_account
from comptoir.accounting.services import PostingLine, SourceRef, post_document, reverse_entry
from comptoir.accounting.services.chart import resolve_account
from comptoir.catalog.queries.refs import resolve_currency
from comptoir.invoicing.constants import (
    IMMEDIATE_METHODS,
    LIVE_PAYMENT_STATUSES,
    OPEN_STATUSES,
    InvoiceType,
    PaymentDirection,
    PaymentMethod,
    PaymentStatus,
)
from comptoir.invoicing.errors import InvoicingError
from comptoir.invoicing.models import Invoice, Payment, PaymentAllocation
from comptoir.invoicing.module import (
    ALLOCATION_DOCUMENT,
    BANK_ACCOUNT_SETTING,
    CASH_ACCOUNT_SETTING,
    PAYMENT_ALLOCATED,
    PAYMENT_CANCELLED,
    PAYMENT_COMPLETED,
    PAYMENT_CREATED,
    PAYMENT_DOCUMENT,
    PAYMENT_FAILED,
    PAYMENT_PROCESSING,
    PAYMENT_REFUNDED,
    PAYMENT_SERIES,
)
from comptoir.invoicing.services.exchange import balanced_in_base, settled_base
from comptoir.invoicing.services.invoices import _rate_of, refresh_payment_status
from comptoir.parties.queries import resolve_party
from comptoir.platform.constants import AuditAction
from comptoir.platform.db import insert_rows
from comptoir.platform.documents import move_document
from comptoir.platform.errors import Conflict, NotFound, ValidationFailed
from comptoir.platform.ids import uuid7
from comptoir.platform.locks import lock_row
from comptoir.platform.money import check_amount, round_money
from comptoir.platform.queries.configuration import get_setting
from comptoir.platform.queries.core import current_organization
from comptoir.platform.services.audit import record_audit
from comptoir.platform.services.events import emit_event
from comptoir.platform.services.numbering import next_number
from comptoir.platform.tenancy import require_org_id

ZERO = Decimal(0)
# What a payment of each direction settles.
SETTLES = {
    PaymentDirection.INCOMING: frozenset({InvoiceType.SALES, InvoiceType.DEBIT_NOTE}),
    PaymentDirection.OUTGOING: frozenset({InvoiceType.PURCHASE, InvoiceType.CREDIT_NOTE}),
}


@dataclasses.dataclass(frozen=True, kw_only=True)
class AllocationInput:
    invoice: str | uuid.UUID  # id or number
    amount: Decimal


@dataclasses.dataclass(frozen=True, kw_only=True)
class PaymentInput:
    """A payment; `party` by id or number, `bank_account` by id, `currency` an ISO code (the base currency when
    none). `complete` None: completed at once for cash and bank transfers only."""

    direction: str
    party: str | uuid.UUID
    payment_date: datetime.date
    amount: Decimal
    method: str
    allocations: Sequence[AllocationInput] = ()
    currency: str | None = None
    exchange_rate: Decimal | None = None
    bank_account: str | uuid.UUID | None = None
    reference_number: str = ""
    transaction_id: str = ""
    payment_gateway: str = ""
    bank_name: str = ""
    notes: str = ""
    complete: bool | None = None


def _refuse(message: str, code: str, field: str):
    raise ValidationFailed(message, code=code, field=field)


def live_allocated(invoice: Invoice, exclude_payment=None) -> Decimal:
    """What live payments (pending, processing, completed and not refunded) hold of the invoice."""
    qs = PaymentAllocation.objects.filter(invoice=invoice, payment__status__in=LIVE_PAYMENT_STATUSES)
    if exclude_payment is not None:
        qs = qs.exclude(payment_id=exclude_payment)
    return qs.aggregate(total=Sum("amount"))["total"] or ZERO


def _invoice_ref(ref, field: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(ref))
    except ValueError:
        found = Invoice.objects.filter(invoice_number=str(ref).strip()).values_list("pk", flat=True).first()
        if found is None:
            _refuse(_("No invoice “%(ref)s”") % {"ref": ref}, InvoicingError.UNKNOWN, field)
        return found


def _locked_invoices(ids) -> dict:
    """The invoices `ids`, locked FOR UPDATE in id order (the one lock order of invoices)."""
    rows = Invoice.objects.select_for_update(of=("self",)).filter(pk__in=sorted(set(ids))).order_by("pk")
    return {row.pk: row for row in rows}


def _check_allocations(payment: Payment, allocations: Sequence[AllocationInput], *, available: Decimal, field: str):
    """[(invoice, amount)] of the allocations, each checked against its invoice (locked here) and their sum
    against `available`: the party's open invoices of the direction, in the payment's currency, never beyond what
    is left of them."""
    refs = [_invoice_ref(a.invoice, f"{field}[{i}].invoice") for i, a in enumerate(allocations)]
    invoices = _locked_invoices(refs)
    total, out, seen = ZERO, [], set()
    for i, (ref, allocation) in enumerate(zip(refs, allocations, strict=True)):
        where = f"{field}[{i}]"
        invoice = invoices.get(ref)
        if invoice is None:
            _refuse(_("No invoice “%(ref)s”") % {"ref": allocation.invoice}, InvoicingError.UNKNOWN, f"{where}.invoice")
        if ref in seen:
            _refuse(_("An invoice is allocated once per payment"), InvoicingError.ALREADY_ALLOCATED, f"{where}.invoice")
        seen.add(ref)
        if invoice.party_id != payment.party_id:
            _refuse(_("The invoice is another party's"), InvoicingError.PARTY_MISMATCH, f"{where}.invoice")
        if invoice.invoice_type not in SETTLES[payment.direction] or invoice.status not in OPEN_STATUSES:
            _refuse(
                _("Invoice %(number)s is not open to this payment") % {"number": invoice.invoice_number or ref},
                InvoicingError.NOT_PAYABLE,
                f"{where}.invoice",
            )
        if invoice.currency_id != payment.currency_id:
            _refuse(_("The invoice is in another currency"), InvoicingError.CURRENCY_MISMATCH, f"{where}.invoice")
        amount = check_amount(allocation.amount, payment.currency, field=f"{where}.amount")
        if amount <= 0:
            _refuse(_("An allocation is positive"), InvoicingError.OVER_ALLOCATION, f"{where}.amount")
        left = invoice.total_amount - invoice.credited_amount - live_allocated(invoice)
        if amount > left:
            _refuse(
                _("Invoice %(number)s has %(left)s left to allocate, not %(amount)s")
                % {"number": invoice.invoice_number, "left": left, "amount": amount},
                InvoicingError.OVER_ALLOCATION,
                f"{where}.amount",
            )
        total += amount
        out.append((invoice, amount))
    if total > available:
        _refuse(
            _("The allocations (%(total)s) exceed the payment's %(available)s")
            % {"total": total, "available": available},
            InvoicingError.OVER_ALLOCATION,
            field,
        )
    return out


def _cash_account(method: str, bank_ref):
    if bank_ref not in (None, ""):
        try:
            bank = access_bank_account(bank_ref)
        except (NotFound, ValueError, ValidationFailed):
            _refuse(_("No bank account “%(ref)s”") % {"ref": bank_ref}, InvoicingError.UNKNOWN, "bank_account")
        if not bank.is_active:
            _refuse(_("The bank account is closed"), InvoicingError.UNKNOWN, "bank_account")
        return bank, bank.account
    key = CASH_ACCOUNT_SETTING if method == PaymentMethod.CASH else BANK_ACCOUNT_SETTING
    return None, resolve_account(get_setting(key), "bank_account")


def _payload(payment: Payment) -> dict:
    return {
        "id": payment.pk,
        "payment_number": payment.payment_number,
        "direction": payment.direction,
        "status": payment.status,
        "party": payment.party_id,
        "payment_date": payment.payment_date,
        "amount": payment.amount,
        "currency": payment.currency.code,
        "allocated_amount": payment.allocated_amount,
        "journal_entry": payment.journal_entry_id,
    }


def create_payment(*, actor, data: PaymentInput) -> Payment:
    """A PENDING payment with its allocations; completed at once for cash and bank transfers (or when
    `data.complete`)."""
    with transaction.atomic():
        party = resolve_party(data.party, "party")
        currency = resolve_currency(data.currency)
        check_amount(data.amount, currency, field="amount")
        if data.amount <= 0:
            _refuse(_("A payment is positive"), InvoicingError.REQUIRED, "amount")
        bank, account = _cash_account(data.method, data.bank_account)
        if bank is not None and bank.currency_id != currency.pk:
            _refuse(_("The bank account is in another currency"), InvoicingError.CURRENCY_MISMATCH, "bank_account")
        rate = _rate_of(currency, data.exchange_rate, data.payment_date)
        payment = Payment(
            id=uuid7(),
            organization_id=require_org_id(),
            direction=data.direction,
            party=party,
            payment_date=data.payment_date,
            amount=data.amount,
            currency=currency,
            exchange_rate=rate,
            base_amount=round_money(data.amount * rate, current_organization().base_currency),
            method=data.method,
            bank_account=bank,
            account=account,
            reference_number=data.reference_number.strip(),
            transaction_id=data.transaction_id.strip(),
            payment_gateway=data.payment_gateway.strip(),
            bank_name=data.bank_name.strip(),
            notes=data.notes,
            created_by=actor,
            updated_by=actor,
        )
        allocations = _check_allocations(payment, data.allocations, available=data.amount, field="allocations")
        payment.allocated_amount = sum((amount for _i, amount in allocations), ZERO)
        payment.save(force_insert=True)
        insert_rows(
            [
                PaymentAllocation(
                    id=uuid7(), organization_id=payment.organization_id, payment=payment, invoice=invoice,
                    amount=amount, allocated_on=payment.payment_date, created_by=actor, updated_by=actor,
                )
                for invoice, amount in allocations
            ]
        )  # fmt: skip
        record_audit(
            actor=actor,
            action=AuditAction.CREATE,
            obj=payment,
            new={"amount": str(payment.amount), "allocations": [[str(i.pk), str(a)] for i, a in allocations]},
        )
        emit_event(event_type=PAYMENT_CREATED, payload=_payload(payment), source=payment)
        complete = data.method in IMMEDIATE_METHODS if data.complete is None else data.complete
        if complete:
            payment = complete_payment(actor=actor, payment_id=payment.pk)
    return payment


def _locked(payment_id) -> Payment:
    return lock_row(Payment.objects.select_related("party", "currency"), payment_id, what=_("payment"))


def _settle(actor, invoice: Invoice, amount: Decimal) -> None:
    """Raise (or lower, with a negative amount) the locked invoice's paid amount and move its status."""
    Invoice.objects.filter(pk=invoice.pk).update(paid_amount=F("paid_amount") + amount)
    refresh_payment_status(actor=actor, invoice=invoice)


def _settled_base(invoice: Invoice, amount: Decimal, account_id) -> Decimal | None:
    """The base amount that settles `amount` of the (locked) invoice on the party's account: its own rate's share
    of what it has open (services/exchange.py)."""
    return settled_base(
        entry_id=invoice.journal_entry_id, account_id=account_id, currency_id=invoice.currency_id, amount=amount,
        open_amount=invoice.balance_due,
    )  # fmt: skip


def _post(actor, payment: Payment) -> None:
    allocations = list(payment.allocations.all())
    invoices = _locked_invoices(a.invoice_id for a in allocations)
    incoming = payment.direction == PaymentDirection.INCOMING
    party_side = EntryType.CREDIT if incoming else EntryType.DEBIT
    cash_side = EntryType.DEBIT if incoming else EntryType.CREDIT
    common = {"currency": payment.currency.code, "exchange_rate": payment.exchange_rate}
    party = SourceRef("parties.party", payment.party_id)
    lines = [PostingLine(payment.account_id, cash_side, payment.amount, **common)]
    for allocation in allocations:
        invoice = invoices[allocation.invoice_id]
        lines.append(
            PostingLine(
                payment.party.account_id,
                party_side,
                allocation.amount,
                party=party,
                against_entry=invoice.journal_entry_id,
                base_amount=_settled_base(invoice, allocation.amount, payment.party.account_id),
                **common,
            )  # fmt: skip
        )
    rest = payment.amount - sum((a.amount for a in allocations), ZERO)
    if rest > 0:
        lines.append(PostingLine(payment.party.account_id, party_side, rest, party=party, **common))
    entry = post_document(
        actor=actor,
        source=SourceRef(PAYMENT_DOCUMENT, payment.pk),
        date=payment.payment_date,
        journal_type="RCP" if incoming else "PAY",
        lines=balanced_in_base(lines),
        narration=(_("Receipt from %(party)s") if incoming else _("Payment to %(party)s"))
        % {"party": payment.party.name},
        reference_number=payment.reference_number or payment.transaction_id,
        reference_date=payment.payment_date,
    )
    payment.journal_entry = entry
    for allocation in allocations:
        _settle(actor, invoices[allocation.invoice_id], allocation.amount)


def complete_payment(*, actor, payment_id) -> Payment:
    """PENDING/PROCESSING → COMPLETED: its entry posted, its invoices' paid amounts raised, numbered last."""
    return move_document(
        lambda: _locked(payment_id),
        actor=actor,
        to=PaymentStatus.COMPLETED,
        post=lambda payment: _post(actor, payment),
        number=lambda payment: next_number(document_type=PAYMENT_SERIES[payment.direction], on=payment.payment_date),
        also=("journal_entry",),
        audit=lambda payment: {"amount": str(payment.amount)},
        event_type=PAYMENT_COMPLETED,
        payload=_payload,
    )


def start_processing_payment(*, actor, payment_id) -> Payment:
    """PENDING → PROCESSING (a card or cheque awaiting its clearing)."""
    return move_document(
        lambda: _locked(payment_id), actor=actor, to=PaymentStatus.PROCESSING,
        event_type=PAYMENT_PROCESSING, payload=_payload,
    )  # fmt: skip


def fail_payment(*, actor, payment_id, reason: str = "") -> Payment:
    """PENDING/PROCESSING → FAILED: its allocations no longer hold the invoices."""
    return move_document(
        lambda: _locked(payment_id), actor=actor, to=PaymentStatus.FAILED,
        event_type=PAYMENT_FAILED, payload=_payload, reason=reason,
    )  # fmt: skip


def cancel_payment(*, actor, payment_id, reason: str = "") -> Payment:
    """PENDING/PROCESSING → CANCELLED: its allocations no longer hold the invoices."""
    return move_document(
        lambda: _locked(payment_id), actor=actor, to=PaymentStatus.CANCELLED, action=AuditAction.CANCEL,
        event_type=PAYMENT_CANCELLED, payload=_payload, reason=reason,
    )  # fmt: skip


def refund_payment(*, actor, payment_id, date: datetime.date | None = None, reason: str = "") -> Payment:
    """COMPLETED → REFUNDED: its entry (and the entries of its later allocations) reversed on `date` (the payment's
    date when none), its invoices' paid amounts lowered back."""

    def reverse(payment: Payment) -> None:
        day = date or payment.payment_date
        allocations = list(payment.allocations.all())
        invoices = _locked_invoices(a.invoice_id for a in allocations)
        for allocation in allocations:
            if allocation.journal_entry_id:
                reverse_entry(actor=actor, entry_id=allocation.journal_entry_id, date=day)
        payment.refund_entry = reverse_entry(actor=actor, entry_id=payment.journal_entry_id, date=day)
        for allocation in allocations:
            _settle(actor, invoices[allocation.invoice_id], -allocation.amount)

    return move_document(
        lambda: _locked(payment_id),
        actor=actor,
        to=PaymentStatus.REFUNDED,
        action=AuditAction.REVERSE,
        post=reverse,
        also=("refund_entry",),
        event_type=PAYMENT_REFUNDED,
        payload=_payload,
        reason=reason,
    )


def allocate_payment(*, actor, payment_id, allocations: Sequence[AllocationInput], date=None) -> Payment:
    """Allocate the unallocated part of a COMPLETED payment (an advance) to open invoices of its party: each
    allocation posts a JV on the party's account moving the settlement from the payment's entry to the invoice's."""
    with transaction.atomic():
        payment = _locked(payment_id)
        if payment.status != PaymentStatus.COMPLETED:
            raise Conflict(
                _("Only a completed payment's advance is allocated later; edit a pending one's allocations"),
                code=InvoicingError.NOT_PAYABLE,
                field="status",
            )
        if not allocations:
            _refuse(_("Give at least one allocation"), InvoicingError.REQUIRED, "allocations")
        day = date or timezone.localdate()
        checked = _check_allocations(
            payment, allocations, available=payment.amount - payment.allocated_amount, field="allocations"
        )
        incoming = payment.direction == PaymentDirection.INCOMING
        common = {"currency": payment.currency.code, "exchange_rate": payment.exchange_rate,
                  "party": SourceRef("parties.party", payment.party_id)}  # fmt: skip
        account = payment.party.account_id
        advance = payment.amount - payment.allocated_amount  # what the payment's entry left on account, as it goes
        for invoice, amount in checked:
            allocation = PaymentAllocation(
                id=uuid7(), organization_id=payment.organization_id, payment=payment, invoice=invoice,
                amount=amount, allocated_on=day, created_by=actor, updated_by=actor,
            )  # fmt: skip
            # incoming: the advance was a credit on the party; debit it back, credit the invoice's bill
            advance_side, bill_side = (
                (EntryType.DEBIT, EntryType.CREDIT) if incoming else (EntryType.CREDIT, EntryType.DEBIT)
            )
            held = settled_base(  # the advance's share of the payment's base amount left on account
                entry_id=payment.journal_entry_id, account_id=account, currency_id=payment.currency_id,
                amount=amount, open_amount=advance,
            )  # fmt: skip
            allocation.journal_entry = post_document(
                actor=actor,
                source=SourceRef(ALLOCATION_DOCUMENT, allocation.pk),
                date=day,
                journal_type="JV",
                lines=balanced_in_base(
                    [
                        PostingLine(
                            account,
                            advance_side,
                            amount,
                            against_entry=payment.journal_entry_id,
                            base_amount=held,
                            **common,
                        ),
                        PostingLine(
                            account,
                            bill_side,
                            amount,
                            against_entry=invoice.journal_entry_id,
                            base_amount=_settled_base(invoice, amount, account),
                            **common,
                        ),
                    ]
                ),
                narration=_("Advance %(payment)s allocated to %(invoice)s")
                % {"payment": payment.payment_number, "invoice": invoice.invoice_number},
            )
            allocation.save(force_insert=True)
            _settle(actor, invoice, amount)
            advance -= amount
        total = sum((amount for _i, amount in checked), ZERO)
        Payment.objects.filter(pk=payment.pk).update(allocated_amount=F("allocated_amount") + total)
        payment.refresh_from_db()
        record_audit(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=payment,
            new={"allocated": [[str(i.pk), str(a)] for i, a in checked]},
        )
        emit_event(event_type=PAYMENT_ALLOCATED, payload=_payload(payment), source=payment)
    return payment
