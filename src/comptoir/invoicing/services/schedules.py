"""Recurring invoices, overdue marking and dunning: what the daily jobs (tasks.py) run in each organization.

- A recurring schedule copies its template invoice's lines into a new invoice dated `next_date`, for every period
  due up to today, and submits it when `auto_submit`.
- An open invoice past its due date with something left becomes OVERDUE.
- An overdue sales invoice reaches dunning level n when it is the n-th number of days of the setting
  `invoicing.dunning_days` past due (default 7, 30, 60); each raise is audited, emits `invoicing.invoice.dunned` and
  notifies the invoice's author."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import uuid

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.invoicing.constants import Frequency, InvoiceStatus, InvoiceType
from comptoir.invoicing.errors import InvoicingError
from comptoir.invoicing.models import Invoice, RecurringInvoice
from comptoir.invoicing.module import DUNNING_DAYS_SETTING, INVOICE_DUNNED, INVOICE_OVERDUE, SCHEDULE_CREATED
from comptoir.invoicing.queries import dunning_candidates, overdue_candidates
from comptoir.invoicing.services.invoices import InvoiceInput, create_invoice, line_inputs
from comptoir.platform.constants import AuditAction
from comptoir.platform.errors import NotFound, ValidationFailed
from comptoir.platform.ids import uuid7
from comptoir.platform.locks import lock_row
from comptoir.platform.queries.configuration import get_setting
from comptoir.platform.services.audit import record_audit
from comptoir.platform.services.events import emit_event
from comptoir.platform.services.notifications import notify
from comptoir.platform.tenancy import require_org_id
from comptoir.platform.transitions import transition

STEP = {
    Frequency.WEEKLY: relativedelta(weeks=1),
    Frequency.MONTHLY: relativedelta(months=1),
    Frequency.QUARTERLY: relativedelta(months=3),
    Frequency.YEARLY: relativedelta(years=1),
}


@dataclasses.dataclass(frozen=True, kw_only=True)
class RecurringInvoiceInput:
    name: str
    template: str | uuid.UUID
    frequency: str
    start_date: datetime.date
    end_date: datetime.date | None = None
    auto_submit: bool = False


def create_recurring_invoice(*, actor, data: RecurringInvoiceInput) -> RecurringInvoice:
    """A schedule making an invoice like `template` (a sales or purchase invoice) every period from start_date."""
    from comptoir.invoicing.queries import resolve_invoice_id

    with transaction.atomic():
        try:
            template = Invoice.objects.filter(pk=resolve_invoice_id(data.template)).first()
        except NotFound:
            template = None
        if template is None:
            raise ValidationFailed(
                _("No invoice “%(ref)s”") % {"ref": data.template}, code=InvoicingError.UNKNOWN, field="template"
            )
        if template.invoice_type not in (InvoiceType.SALES, InvoiceType.PURCHASE):
            raise ValidationFailed(
                _("A schedule repeats a sales or purchase invoice"),
                code=InvoicingError.WRONG_ORIGINAL,
                field="template",
            )
        if data.end_date is not None and data.end_date < data.start_date:
            raise ValidationFailed(
                _("The end is before the start"), code=InvoicingError.INVALID_DATES, field="end_date"
            )
        name = data.name.strip()
        if not name:
            raise ValidationFailed(_("name is required"), code=InvoicingError.REQUIRED, field="name")
        row = RecurringInvoice.objects.create(
            id=uuid7(),
            organization_id=require_org_id(),
            name=name,
            template=template,
            frequency=data.frequency,
            start_date=data.start_date,
            end_date=data.end_date,
            next_date=data.start_date,
            auto_submit=data.auto_submit,
            created_by=actor,
            updated_by=actor,
        )
        record_audit(actor=actor, action=AuditAction.CREATE, obj=row, new={"name": name, "frequency": row.frequency})
    return row


def run_recurring_invoices(*, actor, today: datetime.date) -> list[Invoice]:
    """Make every invoice due by `today` of every active schedule (each schedule in its own transaction)."""
    made = []
    for schedule_id in RecurringInvoice.objects.filter(is_active=True, next_date__lte=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            schedule = lock_row(RecurringInvoice.objects.select_related("template"), schedule_id)
            while schedule.is_active and schedule.next_date <= today:
                if schedule.end_date and schedule.next_date > schedule.end_date:
                    schedule.is_active = False
                    break
                template = schedule.template
                invoice = create_invoice(
                    actor=actor,
                    data=InvoiceInput(
                        invoice_type=template.invoice_type,
                        party=template.party_id,
                        invoice_date=schedule.next_date,
                        currency=template.currency.code,
                        lines=line_inputs(template),
                        terms_and_conditions=template.terms_and_conditions,
                        notes=template.notes,
                        reference_number=schedule.name[:100],
                        submit=schedule.auto_submit,
                    ),
                )
                Invoice.objects.filter(pk=invoice.pk).update(recurring=schedule)
                schedule.last_invoice = invoice
                schedule.invoices_made += 1
                schedule.next_date = schedule.next_date + STEP[schedule.frequency]
                made.append(invoice)
                emit_event(
                    event_type=SCHEDULE_CREATED,
                    payload={"schedule": schedule.pk, "invoice": invoice.pk, "invoice_date": invoice.invoice_date},
                    source=invoice,
                )
            schedule.save(update_fields=["next_date", "last_invoice", "invoices_made", "is_active", "updated_at"])
    return made


def mark_overdue_invoices(*, actor, today: datetime.date) -> int:
    """SUBMITTED/PARTIALLY_PAID invoices past their due date with something left → OVERDUE."""
    count = 0
    for invoice_id in overdue_candidates(today).values_list("pk", flat=True):
        with transaction.atomic():
            invoice = lock_row(Invoice.objects, invoice_id)
            if invoice.status not in (InvoiceStatus.SUBMITTED, InvoiceStatus.PARTIALLY_PAID):
                continue
            if invoice.due_date >= today or invoice.balance_due <= 0:
                continue
            transition(invoice, InvoiceStatus.OVERDUE, actor=actor)
            emit_event(
                event_type=INVOICE_OVERDUE,
                payload={"id": invoice.pk, "invoice_number": invoice.invoice_number, "due_date": invoice.due_date,
                         "balance_due": invoice.balance_due},
                source=invoice,
            )  # fmt: skip
            count += 1
    return count


def dunning_level(days_overdue: int, thresholds: list[int]) -> int:
    """The level an invoice `days_overdue` past due has reached: how many thresholds it has passed."""
    return sum(1 for days in thresholds if days_overdue >= days)


def raise_dunning_levels(*, actor, today: datetime.date) -> int:
    """Raise each overdue sales invoice to the dunning level its days past due have reached, with a notification."""
    thresholds = list(get_setting(DUNNING_DAYS_SETTING))
    raised = 0
    for candidate in dunning_candidates():
        level = dunning_level((today - candidate.due_date).days, thresholds)
        if level <= candidate.dunning_level:
            continue
        with transaction.atomic():
            invoice = lock_row(Invoice.objects.select_related("party"), candidate.pk)
            if level <= invoice.dunning_level:
                continue
            old = invoice.dunning_level
            invoice.dunning_level, invoice.dunned_on = level, today
            invoice.save(update_fields=["dunning_level", "dunned_on", "updated_at"])
            record_audit(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=invoice,
                old={"dunning_level": old},
                new={"dunning_level": level},
            )
            emit_event(
                event_type=INVOICE_DUNNED,
                payload={"id": invoice.pk, "invoice_number": invoice.invoice_number, "level": level,
                         "party": invoice.party_id, "balance_due": invoice.balance_due},
                source=invoice,
            )  # fmt: skip
            if invoice.created_by_id:
                with contextlib.suppress(ValidationFailed):  # the author left the organization: the event remains
                    notify(
                        user=invoice.created_by_id,
                        title=_("Invoice %(number)s: dunning level %(level)s")
                        % {"number": invoice.invoice_number, "level": level},
                        message=_("%(party)s owes %(amount)s %(currency)s, due %(due)s")
                        % {"party": invoice.party.name, "amount": invoice.balance_due,
                           "currency": invoice.currency.code, "due": invoice.due_date},
                        category="invoicing.dunning",
                        data={"invoice": str(invoice.pk)},
                        actor=actor,
                    )  # fmt: skip
            raised += 1
    return raised
