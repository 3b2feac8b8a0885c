"""The payroll API at /api/v1/payroll. Thin: parse, authorise, apply the record rule (through the scoped queries:
another employee's payslip outside it is a 404, in lists, exports, reports and files alike), call a service or a
query, serialise.

Reading needs payroll.view_<model>; pay heads payroll.add_/change_payhead; structures
payroll.add_/change_employeepaystructure; runs payroll.add_/change_payrollrun and the run actions
payroll.process_/post_/pay_/cancel_payrollrun."""

from __future__ import annotations

import uuid

from django.http import HttpResponse
from ninja import Query, Router, Status

from comptoir.payroll import queries
from comptoir.payroll.module import CANCEL_RUN, PAY_RUN, POST_RUN, PROCESS_RUN
from comptoir.payroll.schemas import (
    CancelIn,
    EmailOut,
    PayHeadFilters,
    PayHeadIn,
    PayHeadOut,
    PayHeadPage,
    PayHeadPatch,
    PayIn,
    PayslipDetailOut,
    PayslipFilters,
    PayslipPage,
    PayStructureFilters,
    PayStructureIn,
    PayStructureOut,
    PayStructurePage,
    PayStructurePatch,
    RegisterOut,
    ReopenIn,
    RunDetailOut,
    RunFilters,
    RunIn,
    RunPage,
    RunPatch,
    SummaryOut,
    SummaryParams,
)
from comptoir.payroll.services import documents, heads, runs, structures
from comptoir.platform.access import authorize
from comptoir.platform.exports import ExportParams, audit_export, export_response, list_or_export, report_or_export
from comptoir.platform.pagination import PageParams
from comptoir.platform.services.features import ModuleGuard

router = Router(tags=["payroll"], auth=ModuleGuard("payroll"))

EMPLOYEE = ("employee", "employee.employee_number")
HEAD_COLUMNS = [
    ("id", "id"),
    ("code", "code"),
    ("name", "name"),
    ("pay_type", "pay_type"),
    ("is_fixed", "is_fixed"),
    ("calculation_formula", "calculation_formula"),
    ("account", "account.code"),
    ("sequence", "sequence"),
    ("is_active", "is_active"),
]
STRUCTURE_COLUMNS = [
    ("id", "id"),
    EMPLOYEE,
    ("pay_head", "pay_head.code"),
    ("amount", "amount", True),
    ("currency", "currency.code"),
    ("effective_from", "effective_from"),
    ("effective_to", "effective_to"),
]
RUN_COLUMNS = [
    ("id", "id"),
    ("number", "number"),
    ("name", "name"),
    ("pay_period_start", "pay_period_start"),
    ("pay_period_end", "pay_period_end"),
    ("payment_date", "payment_date"),
    ("status", "status"),
    ("employee_count", "employee_count"),
    ("total_earnings", "total_earnings", True),
    ("total_deductions", "total_deductions", True),
    ("net_pay", "net_pay", True),
]
PAYSLIP_COLUMNS = [
    ("id", "id"),
    ("payslip_number", "payslip_number"),
    EMPLOYEE,
    ("period_start", "period_start"),
    ("period_end", "period_end"),
    ("days_paid", "days_paid"),
    ("gross", "gross", True),
    ("deductions", "deductions", True),
    ("tax_amount", "tax_amount", True),
    ("net_salary", "net_salary", True),
    ("status", "status"),
]
BANK_COLUMNS = [
    ("payslip_number", "payslip_number"),
    ("employee", "employee"),
    ("name", "name"),
    ("bank_name", "bank_name"),
    ("account_number", "account_number"),
    ("iban", "iban"),
    ("swift_code", "swift_code"),
    ("amount", "amount"),
    ("currency", "currency"),
    ("payment_date", "payment_date"),
]


# ---- pay heads -------------------------------------------------------------------------------------------------


@router.get("/pay-heads", response=PayHeadPage)
def list_pay_heads(request, page: Query[PageParams], filters: Query[PayHeadFilters], export: Query[ExportParams]):
    """The pay heads, by sequence."""
    authorize(request, "payroll.view_payhead")
    return list_or_export(
        request,
        queries.pay_heads(**filters.dict()),
        page,
        export,
        columns=HEAD_COLUMNS,
        filename="pay-heads",
        allowed_ordering={"sequence", "code"},
        default_ordering=["sequence", "code"],
    )


@router.post("/pay-heads", response={201: PayHeadOut})
def create_pay_head(request, body: PayHeadIn):
    """Create a head; a formula head's formula may read the codes of the heads before it and AMOUNT."""
    actor = authorize(request, "payroll.add_payhead")
    row = heads.create_pay_head(actor=actor.user, data=heads.PayHeadInput(**body.dict()))
    return Status(201, queries.access_pay_head(row.pk))


@router.get("/pay-heads/{head_id}", response=PayHeadOut)
def get_pay_head(request, head_id: uuid.UUID):
    """One pay head."""
    authorize(request, "payroll.view_payhead")
    return queries.access_pay_head(head_id)


@router.patch("/pay-heads/{head_id}", response=PayHeadOut)
def update_pay_head(request, head_id: uuid.UUID, body: PayHeadPatch):
    """Change the fields sent (not the code nor the type)."""
    actor = authorize(request, "payroll.change_payhead")
    queries.access_pay_head(head_id)
    heads.update_pay_head(actor=actor.user, head_id=head_id, changes=heads.PayHeadPatch.from_schema(body))
    return queries.access_pay_head(head_id)


# ---- pay structures --------------------------------------------------------------------------------------------


@router.get("/pay-structures", response=PayStructurePage)
def list_pay_structures(
    request, page: Query[PageParams], filters: Query[PayStructureFilters], export: Query[ExportParams]
):
    """Pay structure ranges (everyone's for payroll, else the caller's own)."""
    authorize(request, "payroll.view_employeepaystructure")
    return list_or_export(
        request,
        queries.pay_structures(**filters.dict()),
        page,
        export,
        columns=STRUCTURE_COLUMNS,
        filename="pay-structures",
        allowed_ordering={"effective_from"},
        default_ordering=["-effective_from"],
    )


@router.post("/pay-structures", response={201: PayStructureOut})
def create_pay_structure(request, body: PayStructureIn):
    """Give an employee a head from a date (refused if it overlaps a range of theirs for that head)."""
    actor = authorize(request, "payroll.add_employeepaystructure")
    row = structures.set_pay_structure(actor=actor.user, data=structures.PayStructureInput(**body.dict()))
    return Status(201, queries.access_pay_structure(row.pk))


@router.get("/pay-structures/{structure_id}", response=PayStructureOut)
def get_pay_structure(request, structure_id: uuid.UUID):
    """One pay structure range (the caller's own unless payroll)."""
    authorize(request, "payroll.view_employeepaystructure")
    return queries.access_pay_structure(structure_id)


@router.patch("/pay-structures/{structure_id}", response=PayStructureOut)
def update_pay_structure(request, structure_id: uuid.UUID, body: PayStructurePatch):
    """Change the amount, dates or notes (ending a range is setting effective_to)."""
    actor = authorize(request, "payroll.change_employeepaystructure")
    queries.access_pay_structure(structure_id)
    structures.update_pay_structure(
        actor=actor.user, structure_id=structure_id, changes=structures.PayStructurePatch.from_schema(body)
    )
    return queries.access_pay_structure(structure_id)


# ---- runs ------------------------------------------------------------------------------------------------------


def _run_detail(run_id):
    run = queries.access_run(run_id)
    run.payslip_rows = queries.run_payslips(run.pk)
    run.warnings = queries.run_warnings(run.payslip_rows)
    return run


@router.get("/runs", response=RunPage)
def list_runs(request, page: Query[PageParams], filters: Query[RunFilters], export: Query[ExportParams]):
    """The payroll runs, newest period first."""
    authorize(request, "payroll.view_payrollrun")
    return list_or_export(
        request,
        queries.runs(**filters.dict()),
        page,
        export,
        columns=RUN_COLUMNS,
        filename="payroll-runs",
        allowed_ordering={"pay_period_start", "name"},
        default_ordering=["-pay_period_start"],
    )


@router.post("/runs", response={201: RunDetailOut})
def create_run(request, body: RunIn):
    """A DRAFT run for a period no live run overlaps."""
    actor = authorize(request, "payroll.add_payrollrun")
    run = runs.create_run(actor=actor.user, data=runs.RunInput(**body.dict()))
    return Status(201, _run_detail(run.pk))


@router.get("/runs/{run_id}", response=RunDetailOut)
def get_run(request, run_id: uuid.UUID):
    """A run with its totals, journal entry and payslips (with their lines)."""
    authorize(request, "payroll.view_payrollrun")
    return _run_detail(run_id)


@router.patch("/runs/{run_id}", response=RunDetailOut)
def update_run(request, run_id: uuid.UUID, body: RunPatch):
    """Change a DRAFT run (a run past DRAFT is not edited: 409 not_editable)."""
    actor = authorize(request, "payroll.change_payrollrun")
    queries.access_run(run_id)
    runs.update_run(actor=actor.user, run_id=run_id, changes=runs.RunPatch.from_schema(body))
    return _run_detail(run_id)


@router.post("/runs/{run_id}/process", response=RunDetailOut)
def process_run(request, run_id: uuid.UUID):
    """DRAFT → PROCESSED: compute the payslips."""
    actor = authorize(request, PROCESS_RUN)
    queries.access_run(run_id)
    runs.process_run(actor=actor.user, run_id=run_id)
    return _run_detail(run_id)


@router.post("/runs/{run_id}/recompute", response=RunDetailOut)
def recompute_run(request, run_id: uuid.UUID):
    """Compute a PROCESSED run's payslips again."""
    actor = authorize(request, PROCESS_RUN)
    queries.access_run(run_id)
    runs.recompute_run(actor=actor.user, run_id=run_id)
    return _run_detail(run_id)


@router.post("/runs/{run_id}/reopen", response=RunDetailOut)
def reopen_run(request, run_id: uuid.UUID, body: ReopenIn):
    """PROCESSED → DRAFT: remove the payslips."""
    actor = authorize(request, PROCESS_RUN)
    queries.access_run(run_id)
    runs.reopen_run(actor=actor.user, run_id=run_id, reason=body.reason)
    return _run_detail(run_id)


@router.post("/runs/{run_id}/post", response=RunDetailOut)
def post_run(request, run_id: uuid.UUID):
    """PROCESSED → POSTED: the run's one journal entry (its period must be open)."""
    actor = authorize(request, POST_RUN)
    queries.access_run(run_id)
    runs.post_run(actor=actor.user, run_id=run_id)
    return _run_detail(run_id)


@router.post("/runs/{run_id}/pay", response=RunDetailOut)
def pay_run(request, run_id: uuid.UUID, body: PayIn | None = None):
    """POSTED → PAID: the run's one payment entry from `bank_account`."""
    actor = authorize(request, PAY_RUN)
    queries.access_run(run_id)
    runs.pay_run(actor=actor.user, run_id=run_id, bank_account=body.bank_account if body else None)
    return _run_detail(run_id)


@router.post("/runs/{run_id}/cancel", response=RunDetailOut)
def cancel_run(request, run_id: uuid.UUID, body: CancelIn | None = None):
    """Cancel a DRAFT or PROCESSED run, or a POSTED one through the reversal of its entry."""
    actor = authorize(request, CANCEL_RUN)
    queries.access_run(run_id)
    body = body or CancelIn()
    runs.cancel_run(actor=actor.user, run_id=run_id, reason=body.reason, date=body.date)
    return _run_detail(run_id)


@router.get("/runs/{run_id}/register", response=RegisterOut)
def run_register(request, run_id: uuid.UUID, export: Query[ExportParams]):
    """The payroll register: a row per payslip and the totals (CSV/XLSX with ?format=)."""
    authorize(request, "payroll.view_payrollrun")
    run = queries.access_run(run_id)
    return report_or_export(
        request,
        queries.run_register(run.pk),
        export,
        rows="rows",
        schema=None,
        columns=REGISTER_COLUMNS,
        filename="payroll-register",
        object_type="payroll.payrollrun",
        run=str(run.pk),
    )


def bank_file_response(request, run):
    """The run's bank file as CSV, its reading audited (it holds full account numbers)."""
    rows = queries.bank_file_rows(run.pk)
    audit_export(request, format="csv", object_type="payroll.payrollrun", bank_file=str(run.pk))
    return export_response(rows, BANK_COLUMNS, f"bank-payments-{run.pk}", "csv")


@router.get("/runs/{run_id}/bank-file")
def run_bank_file(request, run_id: uuid.UUID):
    """The bank payment file of the run (CSV): a payment per payslip with a net to pay, to the employee's bank
    account (the full number: payroll.pay_payrollrun only); 422 missing_bank_account when an employee has none."""
    authorize(request, PAY_RUN)
    return bank_file_response(request, queries.access_run(run_id))


# ---- payslips --------------------------------------------------------------------------------------------------


@router.get("/payslips", response=PayslipPage)
def list_payslips(request, page: Query[PageParams], filters: Query[PayslipFilters], export: Query[ExportParams]):
    """Payslips: everyone's for payroll, else the caller's own."""
    authorize(request, "payroll.view_payslip")
    return list_or_export(
        request,
        queries.payslips(**filters.dict()),
        page,
        export,
        columns=PAYSLIP_COLUMNS,
        filename="payslips",
        allowed_ordering={"payslip_number", "period_start"},
        default_ordering=["-period_start", "payslip_number"],
    )


@router.get("/payslips/{payslip_id}", response=PayslipDetailOut)
def get_payslip(request, payslip_id: uuid.UUID):
    """One payslip with its lines."""
    authorize(request, "payroll.view_payslip")
    return queries.access_payslip(payslip_id)


@router.get("/payslips/{payslip_id}/pdf")
def payslip_pdf(request, payslip_id: uuid.UUID):
    """The payslip as a PDF."""
    authorize(request, "payroll.view_payslip")
    payslip = queries.access_payslip(payslip_id)
    response = HttpResponse(documents.payslip_pdf(payslip), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{payslip.payslip_number}.pdf"'
    return response


@router.post("/payslips/{payslip_id}/email", response=EmailOut)
def email_payslip(request, payslip_id: uuid.UUID):
    """E-mail the payslip's PDF to the employee."""
    actor = authorize(request, "payroll.change_payslip")
    queries.access_payslip(payslip_id)
    return {"sent_to": documents.email_payslip(actor=actor.user, payslip_id=payslip_id)}


@router.get("/reports/yearly-summary", response=SummaryOut)
def yearly_summary(request, params: Query[SummaryParams], export: Query[ExportParams]):
    """Per employee, the year's pay (CSV/XLSX with ?format=)."""
    authorize(request, "payroll.view_payslip")
    data = queries.yearly_summary(params.year, employee=params.employee)
    return report_or_export(
        request,
        data,
        export,
        rows="rows",
        columns=SUMMARY_COLUMNS,
        filename=f"payroll-summary-{params.year}",
        object_type="payroll.payslip",
        year=params.year,
    )


_AMOUNTS = [(name, name, True) for name in queries.REGISTER_FIELDS]
REGISTER_COLUMNS = [
    ("payslip_number", "payslip_number"),
    ("employee", "employee"),
    ("employee_name", "employee_name"),
    ("status", "status"),
    ("days_paid", "days_paid"),
    ("unpaid_leave_days", "unpaid_leave_days"),
    *_AMOUNTS,
]
SUMMARY_COLUMNS = [("employee", "employee"), ("employee_name", "employee_name"), ("payslips", "payslips"), *_AMOUNTS]
