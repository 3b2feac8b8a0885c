"""Reads of invoices, payments and schedules, scoped to the organization in context; `access_<noun>` answers
NotFound for a row that is missing or another organization's. The AR/AP aging reads the invoices' and payments'
outstanding amounts (allocations of completed payments and notes, each counted up to the day) and their open items
in the books (base amounts)."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

from comptoir.accounting.queries.reports_ledger import BUCKETS, open_items_on
from comptoir.invoicing.constants import SELLING_TYPES, InvoiceStatus, InvoiceType
from comptoir.invoicing.models import Invoice, InvoiceLine, Payment, PaymentAllocation, RecurringInvoice
from comptoir.platform.errors import NotFound, ValidationFailed
from comptoir.platform.queries.core import current_organization
from comptoir.platform.queries.filters import filter_present
from comptoir.platform.tenancy import require_org_id

ZERO = Decimal("0.00")


def _party_lookup(party) -> dict:
    if party in (None, ""):
        return {}
    try:
        return {"party_id": uuid.UUID(str(party))}
    except ValueError:
        return {"party__party_number": str(party).strip()}


def invoices(*, invoice_type=None, status=None, party=None, date_from=None, date_to=None, q=None):
    qs = filter_present(
        Invoice.objects.select_related("party", "currency", "journal_entry", "original_invoice"),
        invoice_type=invoice_type,
        status=status,
        **_party_lookup(party),
        invoice_date__gte=date_from,
        invoice_date__lte=date_to,
    )
    text = (q or "").strip()
    if text:
        qs = qs.filter(
            Q(invoice_number__icontains=text) | Q(party__name__icontains=text) | Q(supplier_invoice_number=text)
        )
    return qs


def access_invoice(invoice_id) -> Invoice:
    row = invoices().filter(pk=invoice_id).first()
    if row is None:
        raise NotFound(_("No such invoice"))
    return row


def invoice_lines(invoice: Invoice):
    return InvoiceLine.objects.filter(invoice=invoice).select_related("product", "tax_rate", "account", "uom")


def payments(*, direction=None, status=None, party=None, method=None, date_from=None, date_to=None, invoice=None):
    qs = filter_present(
        Payment.objects.select_related("party", "currency", "account", "journal_entry"),
        direction=direction,
        status=status,
        **_party_lookup(party),
        method=method,
        payment_date__gte=date_from,
        payment_date__lte=date_to,
    )
    if invoice:
        qs = qs.filter(allocations__invoice_id=invoice).distinct()
    return qs


def access_payment(payment_id) -> Payment:
    row = payments().filter(pk=payment_id).first()
    if row is None:
        raise NotFound(_("No such payment"))
    return row


def allocations_of_payment(payment: Payment):
    return PaymentAllocation.objects.filter(payment=payment).select_related("invoice")


def allocations_of_invoice(invoice: Invoice):
    return PaymentAllocation.objects.filter(invoice=invoice).select_related("payment")


def _of_order(prefix: str, sales_order, purchase_order) -> dict:
    if sales_order is not None:
        return {f"{prefix}sales_order_id": sales_order}
    return {f"{prefix}purchase_order_id": purchase_order}


def order_invoices(*, sales_order=None, purchase_order=None):
    """The invoices and notes made of a sales order (or of a purchase order), oldest first."""
    return invoices().filter(**_of_order("", sales_order, purchase_order)).order_by("invoice_date", "created_at")


def order_payments(*, sales_order=None, purchase_order=None):
    """The payments allocated to the invoices of a sales order (or of a purchase order), oldest first."""
    allocated = PaymentAllocation.objects.filter(**_of_order("invoice__", sales_order, purchase_order))
    return payments().filter(pk__in=allocated.values("payment_id")).order_by("payment_date", "created_at")


def recurring_invoices(*, is_active=None):
    return filter_present(RecurringInvoice.objects.select_related("template", "template__party"), is_active=is_active)


def access_recurring_invoice(schedule_id) -> RecurringInvoice:
    row = recurring_invoices().filter(pk=schedule_id).first()
    if row is None:
        raise NotFound(_("No such recurring invoice"))
    return row


def resolve_invoice_id(ref) -> uuid.UUID:
    try:
        return uuid.UUID(str(ref))
    except ValueError:
        found = Invoice.objects.filter(invoice_number=str(ref).strip()).values_list("pk", flat=True).first()
        if found is None:
            raise NotFound(_("No such invoice")) from None
        return found


# --- the aging ----------------------------------------------------------------------------------------------------

AGING_ACCOUNT_TYPES = {"receivable": "CUSTOMER", "payable": "SUPPLIER"}
# The documents that put something on a party's account and what each has outstanding on the day, in its currency:
# invoices and notes (total − the allocations of payments completed and not refunded by then − the notes settled
# against them − a note's own part settled against its original) and payments (their part no invoice took by then,
# an advance or an over-payment). `debit` says which side of the party's account the document posts.
_SETTLED_BY_THEN = """(y.status = 'COMPLETED' OR (y.status = 'REFUNDED' AND r.date > %(as_of)s))"""
_AGING = f"""
SELECT 'invoice', i.id, i.invoice_number, i.invoice_type, i.invoice_date, i.due_date, p.id, p.party_number, p.name,
       c.code, i.total_amount,
       i.total_amount
       - COALESCE((SELECT sum(a.amount) FROM invoicing_paymentallocation a
                     JOIN invoicing_payment y ON y.id = a.payment_id
                     LEFT JOIN accounting_journalentry r ON r.id = y.refund_entry_id
                    WHERE a.organization_id = %(org)s AND a.invoice_id = i.id AND a.allocated_on <= %(as_of)s
                      AND {_SETTLED_BY_THEN}), 0)
       - COALESCE((SELECT sum(n.credited_amount) FROM invoicing_invoice n
                    WHERE n.organization_id = %(org)s AND n.original_invoice_id = i.id
                      AND n.status NOT IN ('DRAFT', 'CANCELLED') AND n.invoice_date <= %(as_of)s), 0)
       - CASE WHEN i.original_invoice_id IS NOT NULL THEN i.credited_amount ELSE 0 END,
       i.journal_entry_id, p.account_id, i.invoice_type IN ('SALES', 'DEBIT_NOTE')
  FROM invoicing_invoice i
  JOIN parties_party p ON p.id = i.party_id
  JOIN accounting_account t ON t.id = p.account_id
  JOIN platform_currency c ON c.id = i.currency_id
 WHERE i.organization_id = %(org)s AND t.account_type = %(account_type)s AND i.invoice_date <= %(as_of)s
   AND i.status NOT IN ('DRAFT', 'CANCELLED') AND i.invoice_type <> 'PROFORMA' AND i.deleted_at IS NULL
UNION ALL
SELECT 'payment', y.id, y.payment_number, y.direction, y.payment_date, y.payment_date, p.id, p.party_number, p.name,
       c.code, y.amount,
       y.amount - COALESCE((SELECT sum(a.amount) FROM invoicing_paymentallocation a
                             WHERE a.organization_id = %(org)s AND a.payment_id = y.id
                               AND a.allocated_on <= %(as_of)s), 0),
       y.journal_entry_id, p.account_id, y.direction = 'OUTGOING'
  FROM invoicing_payment y
  LEFT JOIN accounting_journalentry r ON r.id = y.refund_entry_id
  JOIN parties_party p ON p.id = y.party_id
  JOIN accounting_account t ON t.id = p.account_id
  JOIN platform_currency c ON c.id = y.currency_id
 WHERE y.organization_id = %(org)s AND t.account_type = %(account_type)s AND y.payment_date <= %(as_of)s
   AND {_SETTLED_BY_THEN}
"""  # noqa: S608 (model tables)


def _bucket(days: int) -> str:
    if days < 0:
        return "not_due"
    if days <= 30:
        return "0-30"
    if days <= 60:
        return "31-60"
    return "61-90" if days <= 90 else "90+"


def aging(*, kind: str, as_of: datetime.date) -> dict:
    """What the parties of `kind` (receivable: the customers' accounts, payable: the suppliers') owe or are owed as
    of `as_of`, document by document: open invoices and notes, and payments' unallocated parts (advances,
    over-payments), each with its outstanding amount in its currency (from the allocations and notes dated up to
    the day) and in the base currency — its open item in the books on that day, so the report agrees with
    accounting's aging to the cent — signed on the kind's side (a credit note or an advance of a customer is
    negative), bucketed by days past its due date (a payment's date); totalled per party and bucket in the base
    currency. Two queries."""
    if kind not in AGING_ACCOUNT_TYPES:
        raise ValidationFailed(_("kind is receivable or payable"), code="invalid", field="kind")
    base = current_organization().base_currency
    params = {"org": require_org_id(), "as_of": as_of, "account_type": AGING_ACCOUNT_TYPES[kind]}
    with connection.cursor() as db:
        db.execute(_AGING, params)
        found = db.fetchall()
    in_books = open_items_on(kind=kind, as_of=as_of)
    rows, parties = [], {}
    buckets = dict.fromkeys(BUCKETS, ZERO)
    for r in found:
        sign = 1 if r[14] == (kind == "receivable") else -1  # a debit is owed to us on a customer's account
        outstanding = r[11] * sign
        base_amount = in_books.get((r[12], r[13]), ZERO)
        if not outstanding and not base_amount:
            continue
        days = (as_of - r[5]).days
        bucket = _bucket(days)
        rows.append({
            "document": r[0], "id": r[1], "number": r[2], "type": r[3], "date": r[4], "due_date": r[5],
            "party": r[6], "party_number": r[7], "party_name": r[8], "currency": r[9], "total_amount": r[10],
            "outstanding": outstanding, "base_outstanding": base_amount, "days_overdue": max(days, 0),
            "bucket": bucket,
        })  # fmt: skip
        party = parties.setdefault(
            r[6], {"party": r[6], "party_number": r[7], "name": r[8], "buckets": dict.fromkeys(BUCKETS, ZERO)}
        )
        party["buckets"][bucket] += base_amount
        buckets[bucket] += base_amount
    for party in parties.values():
        party["total"] = sum(party["buckets"].values(), ZERO)
    rows.sort(key=lambda row: (row["due_date"], row["number"] or ""))
    return {
        "kind": kind,
        "as_of": as_of,
        "currency": base.code,
        "parties": sorted(parties.values(), key=lambda p: p["name"]),
        "rows": rows,
        "buckets": buckets,
        "total": sum(buckets.values(), ZERO),
    }


def open_invoices(party) -> list[Invoice]:
    """The party's submitted invoices with something left, oldest due first (the statement's second half)."""
    return list(
        Invoice.objects.select_related("currency")
        .filter(party=party, status__in=(InvoiceStatus.SUBMITTED, InvoiceStatus.PARTIALLY_PAID, InvoiceStatus.OVERDUE))
        .exclude(invoice_type=InvoiceType.PROFORMA)
        .order_by("due_date", "invoice_number")
    )


def overdue_candidates(today: datetime.date):
    """Open invoices (not proformas) past their due date with something left, not yet OVERDUE."""
    return Invoice.objects.filter(
        status__in=(InvoiceStatus.SUBMITTED, InvoiceStatus.PARTIALLY_PAID), due_date__lt=today, balance_due__gt=0
    ).exclude(invoice_type=InvoiceType.PROFORMA)


def dunning_candidates():
    return Invoice.objects.select_related("party", "currency").filter(
        status=InvoiceStatus.OVERDUE, invoice_type__in=list(SELLING_TYPES - {InvoiceType.PROFORMA, "CREDIT_NOTE"})
    )
