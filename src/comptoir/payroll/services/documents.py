"""A payslip as a PDF (WeasyPrint) and its e-mail to the employee."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.payroll import queries
from comptoir.payroll.module import PAYSLIP_SENT
from comptoir.platform.constants import AuditAction
from comptoir.platform.errors import ValidationFailed
from comptoir.platform.queries.core import current_organization
from comptoir.platform.services.audit import record_audit
from comptoir.platform.services.events import emit_event


def payslip_html(payslip) -> str:
    """The printable payslip (its lines by kind, the totals)."""
    lines = list(payslip.lines.all())
    context = {
        "payslip": payslip,
        "organization": current_organization(),
        "earnings": [line for line in lines if line.pay_type != "DEDUCTION"],
        "deductions": [line for line in lines if line.pay_type == "DEDUCTION"],
        "printed_at": timezone.localtime(),
    }
    return render_to_string("payroll/payslip.html", context)


def payslip_pdf(payslip) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=payslip_html(payslip)).write_pdf()


def email_payslip(*, actor, payslip_id) -> str:
    """Send the payslip's PDF to the employee's e-mail (after the commit); returns the address."""
    with transaction.atomic():
        payslip = queries.access_payslip(payslip_id)
        address = (payslip.employee.email or "").strip() or (
            payslip.employee.user.email if payslip.employee.user_id else ""
        )
        if not address:
            raise ValidationFailed(_("The employee has no e-mail address"), code="required", field="email")
        pdf = payslip_pdf(payslip)
        subject = _("Payslip %(number)s") % {"number": payslip.payslip_number}
        body = _("Your payslip for %(start)s to %(end)s is attached.") % {
            "start": payslip.period_start,
            "end": payslip.period_end,
        }
        record_audit(actor=actor, action=AuditAction.UPDATE, obj=payslip, new={"sent_to": address}, reason="e-mail")
        emit_event(
            event_type=PAYSLIP_SENT, payload={"id": str(payslip.pk), "number": payslip.payslip_number}, source=payslip
        )
        name = f"{payslip.payslip_number}.pdf"

        def send() -> None:
            message = EmailMessage(subject, body, None, [address])
            message.attach(name, pdf, "application/pdf")
            message.send()

        transaction.on_commit(send)
    return address
