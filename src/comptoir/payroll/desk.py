"""Payroll in the desk (DESIGN §9): pay heads, pay structures, payroll runs (the run's page shows its totals, its
register of payslips and the workflow buttons: process, recompute, back to draft, post, pay, cancel) and payslips
(an employee sees only their own: every list runs the API's scoped query)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from comptoir.desk.declarations import Action, Column, Desk, DeskView, Field, FormSpec, LineTable, choices_of
from comptoir.payroll import queries
from comptoir.payroll.constants import PayType, RunStatus
from comptoir.payroll.module import CANCEL_RUN, PAY_RUN, POST_RUN, PROCESS_RUN
from comptoir.payroll.schemas import (
    CancelIn,
    PayHeadFilters,
    PayHeadIn,
    PayIn,
    PayslipFilters,
    PayStructureFilters,
    PayStructureIn,
    RunFilters,
    RunIn,
)
from comptoir.payroll.services import heads, runs, structures

ACCOUNTS = "accounting.accounts"  # the accounts' picker (accounting's search source)
AMOUNTS = (
    Column("gross", _("Gross"), kind="amount", currency="currency.code"),
    Column("deductions", _("Deductions"), kind="amount", currency="currency.code"),
    Column("tax_amount", _("Tax"), kind="amount", currency="currency.code"),
    Column("net_salary", _("Net pay"), kind="amount", currency="currency.code"),
)


pay_heads = DeskView(
    slug="pay-heads",
    label=_("Pay heads"),
    singular=_("pay head"),
    model="payroll.payhead",
    permission="payroll.view_payhead",
    query=queries.pay_heads,
    get=queries.access_pay_head,
    filters=PayHeadFilters,
    columns=(
        Column("code", _("Code"), sort="code", link=True),
        Column("name", _("Name")),
        Column("pay_type", _("Type"), kind="choice"),
        Column("is_fixed", _("Fixed"), kind="bool"),
        Column("calculation_formula", _("Formula")),
        Column("account.code", _("Account")),
        Column("sequence", _("Sequence"), kind="number", sort="sequence"),
        Column("is_active", _("Active"), kind="bool"),
    ),
    ordering=("sequence", "code"),
    title=lambda h: f"{h.code} {h.name}",
    create=FormSpec(
        schema=PayHeadIn,
        permission="payroll.add_payhead",
        fields=(
            Field("code", _("Code"), required=True),
            Field("name", _("Name"), required=True),
            Field("pay_type", _("Type"), widget="select", required=True, choices=choices_of(PayType)),
            Field("is_fixed", _("Fixed amount"), widget="checkbox"),
            Field("calculation_formula", _("Formula"), help=_("Over earlier heads' codes and AMOUNT: BASIC * 0.4")),
            Field("account", _("Account"), widget="picker", picker=ACCOUNTS),
            Field("sequence", _("Sequence"), widget="number"),
        ),
        save=lambda actor, body, obj: heads.create_pay_head(actor=actor.user, data=heads.PayHeadInput(**body.dict())),
    ),
)

pay_structures = DeskView(
    slug="pay-structures",
    label=_("Pay structures"),
    singular=_("pay structure"),
    model="payroll.employeepaystructure",
    permission="payroll.view_employeepaystructure",
    query=queries.pay_structures,
    get=queries.access_pay_structure,
    filters=PayStructureFilters,
    columns=(
        Column("employee.name", _("Employee"), link=True),
        Column("pay_head.code", _("Pay head")),
        Column("amount", _("Amount"), kind="amount", currency="currency.code"),
        Column("effective_from", _("From"), kind="date", sort="effective_from"),
        Column("effective_to", _("To"), kind="date"),
    ),
    ordering=("-effective_from",),
    title=lambda s: f"{s.employee.name} · {s.pay_head.code}",
    create=FormSpec(
        schema=PayStructureIn,
        permission="payroll.add_employeepaystructure",
        fields=(
            Field("employee", _("Employee"), required=True, help=_("An employee's number or id")),
            Field("pay_head", _("Pay head"), required=True, help=_("A pay head's code")),
            Field("amount", _("Amount"), widget="decimal", required=True),
            Field("effective_from", _("From"), widget="date", required=True),
            Field("effective_to", _("To"), widget="date"),
        ),
        save=lambda actor, body, obj: structures.set_pay_structure(
            actor=actor.user, data=structures.PayStructureInput(**body.dict())
        ),
    ),
)


def _payslip_rows(run):
    return queries.run_payslips(run.pk)


def _run_links(run) -> list[tuple[str, str]]:
    links = [(_("Register (CSV)"), reverse("payroll_register_file", args=(run.pk,)))]
    if run.status in (RunStatus.POSTED, RunStatus.PAID):
        links.append((_("Bank payment file (CSV)"), reverse("payroll_bank_file", args=(run.pk,))))
    return links


def _action(name, label, permission, service, when, **kwargs) -> Action:
    return Action(
        name,
        label,
        permission,
        run=lambda actor, obj, body: service(actor=actor.user, run_id=obj.pk),
        when=when,
        **kwargs,
    )


payroll_runs = DeskView(
    slug="runs",
    label=_("Payroll runs"),
    singular=_("payroll run"),
    model="payroll.payrollrun",
    permission="payroll.view_payrollrun",
    query=queries.runs,
    get=queries.access_run,
    filters=RunFilters,
    columns=(
        Column("name", _("Name"), sort="name", link=True),
        Column("number", _("Number")),
        Column("pay_period_start", _("From"), kind="date", sort="pay_period_start"),
        Column("pay_period_end", _("To"), kind="date"),
        Column("employee_count", _("Employees"), kind="number"),
        Column("net_pay", _("Net pay"), kind="amount", currency="currency.code"),
        Column("status", _("Status"), kind="badge"),
    ),
    ordering=("-pay_period_start",),
    status="status",
    header=(
        Column("pay_period_start", _("From"), kind="date"),
        Column("pay_period_end", _("To"), kind="date"),
        Column("payment_date", _("Payment date"), kind="date"),
        Column("employee_count", _("Employees"), kind="number"),
        Column("total_earnings", _("Total earnings"), kind="amount", currency="currency.code"),
        Column("total_deductions", _("Total deductions"), kind="amount", currency="currency.code"),
        Column("net_pay", _("Net pay"), kind="amount", currency="currency.code"),
        Column("journal_entry.entry_number", _("Journal entry")),
    ),
    lines=LineTable(
        label=_("Payroll register"),
        rows=_payslip_rows,
        columns=(
            Column("payslip_number", _("Payslip")),
            Column("employee.name", _("Employee")),
            Column("days_paid", _("Days paid"), kind="number"),
            Column("bank_account", _("Bank account")),
            *AMOUNTS,
        ),
        totals=("gross", "deductions", "tax_amount", "net_salary"),
        link="payroll.payslips",
    ),
    related=_run_links,
    create=FormSpec(
        schema=RunIn,
        permission="payroll.add_payrollrun",
        fields=(
            Field("name", _("Name"), required=True),
            Field("pay_period_start", _("Period from"), widget="date", required=True),
            Field("pay_period_end", _("Period to"), widget="date", required=True),
            Field("payment_date", _("Payment date"), widget="date", required=True),
        ),
        save=lambda actor, body, obj: runs.create_run(actor=actor.user, data=runs.RunInput(**body.dict())),
    ),
    actions=(
        _action("process", _("Process"), PROCESS_RUN, runs.process_run, lambda r: r.status == RunStatus.DRAFT),
        _action(
            "recompute", _("Recompute"), PROCESS_RUN, runs.recompute_run, lambda r: r.status == RunStatus.PROCESSED
        ),
        _action("reopen", _("Back to draft"), PROCESS_RUN, runs.reopen_run, lambda r: r.status == RunStatus.PROCESSED),
        _action(
            "post",
            _("Post"),
            POST_RUN,
            runs.post_run,
            lambda r: r.status == RunStatus.PROCESSED,
            confirm=_("Post the run's journal entry?"),
        ),
        Action(
            "pay",
            _("Pay"),
            PAY_RUN,
            run=lambda actor, obj, body: runs.pay_run(actor=actor.user, run_id=obj.pk, bank_account=body.bank_account),
            when=lambda r: r.status == RunStatus.POSTED,
            schema=PayIn,
            fields=(Field("bank_account", _("Bank or cash account"), help=_("Empty: the payroll setting")),),
        ),
        Action(
            "cancel",
            _("Cancel"),
            CANCEL_RUN,
            run=lambda actor, obj, body: runs.cancel_run(
                actor=actor.user, run_id=obj.pk, reason=body.reason, date=body.date
            ),
            when=lambda r: r.status in (RunStatus.DRAFT, RunStatus.PROCESSED, RunStatus.POSTED),
            schema=CancelIn,
            style="danger",
            fields=(
                Field("reason", _("Reason"), wide=True),
                Field("date", _("Reversal date"), widget="date", help=_("A posted run only")),
            ),
        ),
    ),
)

payslips = DeskView(
    slug="payslips",
    label=_("Payslips"),
    singular=_("payslip"),
    model="payroll.payslip",
    permission="payroll.view_payslip",
    query=queries.payslips,
    get=queries.access_payslip,
    filters=PayslipFilters,
    columns=(
        Column("payslip_number", _("Payslip"), sort="payslip_number", link=True),
        Column("employee.name", _("Employee")),
        Column("period_start", _("From"), kind="date", sort="period_start"),
        Column("period_end", _("To"), kind="date"),
        *AMOUNTS,
        Column("status", _("Status"), kind="badge"),
    ),
    ordering=("-period_start", "payslip_number"),
    status="status",
    title=lambda p: f"{p.payslip_number} · {p.employee.name}",
    header=(
        Column("employee.name", _("Employee")),
        Column("period_start", _("From"), kind="date"),
        Column("period_end", _("To"), kind="date"),
        Column("days_paid", _("Days paid"), kind="number"),
        Column("unpaid_leave_days", _("Unpaid leave days"), kind="number"),
        Column("bank_name", _("Bank")),
        Column("bank_account", _("Bank account")),
        *AMOUNTS,
    ),
    lines=LineTable(
        label=_("Lines"),
        rows=lambda p: list(p.lines.all()),
        columns=(
            Column("code", _("Code")),
            Column("name", _("Name")),
            Column("pay_type", _("Type"), kind="choice"),
            Column("amount", _("Amount"), kind="amount"),
        ),
    ),
    related=lambda p: [(_("PDF"), reverse("payroll_payslip_pdf", args=(p.pk,)))],
)

DESK = Desk(views=(payroll_runs, payslips, pay_structures, pay_heads))
