"""The invoice as a document: its PDF (WeasyPrint) with the organization's details and tax ids, the party's, the
lines, the taxes per component and the total in words (English or Russian), and its e-mail with the PDF attached
(Django's mail, after the commit). Sending stamps `sent_at`/`sent_by` and emits `invoicing.invoice.sent`."""

from __future__ import annotations

from decimal import Decimal

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from num2words import num2words

from comptoir.invoicing.constants import InvoiceStatus
from comptoir.invoicing.errors import InvoicingError
from comptoir.invoicing.models import Invoice
from comptoir.invoicing.module import INVOICE_SENT
from comptoir.platform.constants import AuditAction
from comptoir.platform.errors import Conflict, ValidationFailed
from comptoir.platform.locks import lock_row
from comptoir.platform.queries.core import current_organization
from comptoir.platform.services.audit import record_audit
from comptoir.platform.services.events import emit_event

LANGUAGES = ("en", "ru")


def amount_in_words(amount: Decimal, currency_code: str, decimals: int, language: str = "en") -> str:
    """ "One thousand two hundred and thirty-four USD 56/100": the whole units in words, the fraction in figures."""
    whole = int(abs(amount))
    words = num2words(whole, lang=language)
    text = f"{words[:1].upper()}{words[1:]} {currency_code}"
    if decimals:
        cents = int((abs(amount) - whole) * (10**decimals))
        text += f" {cents:0{decimals}d}/{10**decimals}"
    return text


def invoice_pdf(invoice_id, *, language: str = "en") -> tuple[str, bytes]:
    """(file name, PDF bytes) of the invoice, in `language` (en or ru)."""
    import weasyprint

    if language not in LANGUAGES:
        raise ValidationFailed(_("The language is en or ru"), code=InvoicingError.UNKNOWN, field="language")
    invoice = Invoice.objects.select_related("party", "currency", "original_invoice").filter(pk=invoice_id).first()
    if invoice is None:
        raise ValidationFailed(_("No such invoice"), code=InvoicingError.UNKNOWN, field="invoice")
    organization = current_organization()
    with translation.override(language):
        html = render_to_string(
            "invoicing/invoice_pdf.html",
            {
                "invoice": invoice,
                "organization": organization,
                "lines": list(invoice.lines.select_related("product", "uom", "tax_rate")),
                "taxes": list(invoice.taxes.all()),
                "in_words": amount_in_words(
                    invoice.total_amount, invoice.currency.code, invoice.currency.decimal_places, language
                ),
                "printed_at": timezone.localtime(),
            },
        )
    pdf = weasyprint.HTML(string=html).write_pdf()
    name = (invoice.invoice_number or f"draft-{invoice.pk}").replace("/", "-")
    return f"{name}.pdf", pdf


def send_invoice(*, actor, invoice_id, to: list[str] | None = None, language: str = "en") -> Invoice:
    """E-mail the submitted invoice with its PDF to `to` (default: the party's address), after the commit."""
    with transaction.atomic():
        invoice = lock_row(Invoice.objects.select_related("party", "currency"), invoice_id, what=_("invoice"))
        if invoice.status in (InvoiceStatus.DRAFT, InvoiceStatus.CANCELLED):
            raise Conflict(_("Only a submitted invoice is sent"), code=InvoicingError.NOT_EDITABLE, field="status")
        addresses = [a.strip() for a in (to or [invoice.party.email]) if a and a.strip()]
        if not addresses:
            raise ValidationFailed(_("The party has no e-mail address: give one"), code=InvoicingError.REQUIRED,
                                   field="to")  # fmt: skip
        filename, pdf = invoice_pdf(invoice.pk, language=language)
        organization = current_organization()
        with translation.override(language):
            subject = _("Invoice %(number)s from %(organization)s") % {
                "number": invoice.invoice_number, "organization": organization.name,
            }  # fmt: skip
            body = _("Please find attached invoice %(number)s of %(amount)s %(currency)s, due %(due)s.") % {
                "number": invoice.invoice_number, "amount": invoice.total_amount,
                "currency": invoice.currency.code, "due": invoice.due_date,
            }  # fmt: skip
        message = EmailMessage(subject, body, None, addresses)
        message.attach(filename, pdf, "application/pdf")
        invoice.sent_at, invoice.sent_by = timezone.now(), actor
        invoice.save(update_fields=["sent_at", "sent_by", "updated_at"])
        record_audit(actor=actor, action=AuditAction.UPDATE, obj=invoice, new={"sent_to": addresses})
        emit_event(
            event_type=INVOICE_SENT,
            payload={"id": invoice.pk, "invoice_number": invoice.invoice_number, "to": addresses},
            source=invoice,
        )
        transaction.on_commit(message.send, robust=True)
    return invoice
