"""Reads of invoices, payments and schedules, scoped to the organization in context; `access_<noun>` answers
NotFound for a row that is missing or another organization's. The AR/AP aging reads the invoices' outstanding
amounts (total − allocations of completed payments − notes settled against them, each counted up to the day)."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

from comptoir.accounting.queries.reports_ledger import BUCKETS
from comptoir.invoicing.constants import SELLING_TYPES, InvoiceStatus, InvoiceType
from comptoir.invoicing.models import Invoice, InvoiceLine, Payment, PaymentAllocation, RecurringInvoice
from comptoir.platform.errors import NotFound, ValidationFailed
from comptoir.platform.money import round_money
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

AGING_TYPES = {"receivable": ("SALES", "DEBIT_NOTE"), "payable": ("PURCHASE", "CREDIT_NOTE")}
# A sales invoice is receivable, a credit note against it payable back (and the mirror): the aging shows each kind's
# own invoices, outstanding as of the day.
_AGING = """
SELECT i.id, i.invoice_number, i.invoice_type, i.invoice_date, i.due_date, p.id, p.party_number, p.name, c.code,
       i.exchange_rate, i.total_amount,
       i.total_amount
       - COALESCE((SELECT sum(a.amount) FROM invoicing_paymentallocation a
                     JOIN invoicing_payment y ON y.id = a.payment_id
                    WHERE a.organization_id = %(org)s AND a.invoice_id = i.id AND a.allocated_on <= %(as_of)s
                      AND (y.status = 'COMPLETED' OR (y.status = 'REFUNDED' AND y.refunded_at::date > %(as_of)s))), 0)
       - COALESCE((SELECT sum(n.credited_amount) FROM invoicing_invoice n
                    WHERE n.organization_id = %(org)s AND n.original_invoice_id = i.id
                      AND n.status NOT IN ('DRAFT', 'CANCELLED') AND n.invoice_date <= %(as_of)s), 0)
       - CASE WHEN i.original_invoice_id IS NOT NULL THEN i.credited_amount ELSE 0 END AS outstanding
  FROM invoicing_invoice i
  JOIN parties_party p ON p.id = i.party_id
  JOIN platform_currency c ON c.id = i.currency_id
 WHERE i.organization_id = %(org)s AND i.invoice_type = ANY(%(types)s) AND i.invoice_date <= %(as_of)s
   AND i.status NOT IN ('DRAFT', 'CANCELLED') AND i.deleted_at IS NULL
 ORDER BY i.due_date, i.invoice_number
"""


def _bucket(days: int) -> str:
    if days < 0:
        return "not_due"
    if days <= 30:
        return "0-30"
    if days <= 60:
        return "31-60"
    return "61-90" if days <= 90 else "90+"


def aging(*, kind: str, as_of: datetime.date) -> dict:
    """Open invoices of `kind` (receivable: sales invoices and debit notes; payable: purchase invoices and credit
    notes) as of `as_of`, each with its outstanding amount and bucket by days past its due date (accounting's
    buckets), totalled per party and bucket in the base currency (at each invoice's rate). One query."""
    if kind not in AGING_TYPES:
        raise ValidationFailed(_("kind is receivable or payable"), code="invalid", field="kind")
    base = current_organization().base_currency
    with connection.cursor() as db:
        db.execute(_AGING, {"org": require_org_id(), "as_of": as_of, "types": list(AGING_TYPES[kind])})
        found = db.fetchall()
    rows, parties = [], {}
    buckets = dict.fromkeys(BUCKETS, ZERO)
    for r in found:
        outstanding = r[11]
        if outstanding <= 0:
            continue
        days = (as_of - r[4]).days
        bucket = _bucket(days)
        base_amount = round_money(outstanding * r[9], base)
        rows.append({
            "invoice": r[0], "invoice_number": r[1], "invoice_type": r[2], "invoice_date": r[3], "due_date": r[4],
            "party": r[5], "party_number": r[6], "party_name": r[7], "currency": r[8], "total_amount": r[10],
            "outstanding": outstanding, "base_outstanding": base_amount, "days_overdue": max(days, 0),
            "bucket": bucket,
        })  # fmt: skip
        party = parties.setdefault(
            r[5], {"party": r[5], "party_number": r[6], "name": r[7], "buckets": dict.fromkeys(BUCKETS, ZERO)}
        )
        party["buckets"][bucket] += base_amount
        buckets[bucket] += base_amount
    for party in parties.values():
        party["total"] = sum(party["buckets"].values(), ZERO)
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
