"""Files of payroll in the desk: a payslip's PDF (within the record rule), a run's bank payment file and
register (CSV)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET

from comptoir.desk.access import desk_page
from comptoir.payroll import queries
from comptoir.payroll.api import REGISTER_COLUMNS, bank_file_response
from comptoir.payroll.module import PAY_RUN
from comptoir.payroll.services import documents
from comptoir.platform.errors import NotFound, ValidationFailed
from comptoir.platform.exports import audit_export, export_response


def _found(access, pk):
    try:
        return access(pk)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


@require_GET
@desk_page("payroll.view_payslip")
def payslip_pdf(request, actor, payslip_id):
    payslip = _found(queries.access_payslip, payslip_id)
    response = HttpResponse(documents.payslip_pdf(payslip), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{payslip.payslip_number}.pdf"'
    return response


@require_GET
@desk_page(PAY_RUN)
def bank_file(request, actor, run_id):
    """The bank file; a refusal (an employee without a bank account) goes back to the run's page, said there."""
    run = _found(queries.access_run, run_id)
    try:
        return bank_file_response(request, run)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return redirect(reverse("desk:detail", args=("payroll", "runs", run.pk)))


@require_GET
@desk_page("payroll.view_payrollrun")
def register_file(request, actor, run_id):
    run = _found(queries.access_run, run_id)
    audit_export(request, format="csv", object_type="payroll.payrollrun", register=str(run.pk))
    return export_response(queries.run_register(run.pk)["rows"], REGISTER_COLUMNS, "payroll-register", "csv")
