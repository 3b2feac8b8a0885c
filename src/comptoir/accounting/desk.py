"""Accounting in the desk (DESIGN §9): the chart, the journal, fiscal years and periods, taxes, cost centers,
budgets and bank accounts as declared views; quick search over entry numbers and accounts; pickers for accounts
and cost centers. Forms parse the API's input schemas and call what the API calls. The report, bank import and
reconciliation pages are purpose-built (accounting/pages)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comptoir.accounting.api.journal import save_journal_entry
from comptoir.accounting.constants import (
    AccountType,
    BankAccountKind,
    BudgetStatus,
    EntryStatus,
    JournalCategory,
    Nature,
    TaxType,
)
from comptoir.accounting.pages.dashboard import WIDGETS
from comptoir.accounting.queries import banks as bank_queries
from comptoir.accounting.queries import books
from comptoir.accounting.queries import budgets as budget_queries
from comptoir.accounting.queries import taxes as tax_queries
from comptoir.accounting.schemas.banks import BankAccountFilters, BankAccountIn, BankAccountPatch
from comptoir.accounting.schemas.budgets import BudgetFilters, BudgetIn, BudgetPatch
from comptoir.accounting.schemas.core import (
    AccountFilters,
    AccountGroupIn,
    AccountGroupPatch,
    AccountIn,
    AccountPatch,
    CostCenterIn,
    FiscalYearCloseIn,
    FiscalYearIn,
    JournalEntryFilters,
    JournalEntryIn,
    ReasonIn,
    ReopenIn,
    ReverseIn,
)
from comptoir.accounting.schemas.taxes import TaxRateFilters, TaxRateIn, TaxRatePatch
from comptoir.accounting.services import banks, budgets, chart, journal, periods, taxes
from comptoir.desk.declarations import (
    Action,
    Choice,
    Column,
    Desk,
    DeskView,
    Field,
    FormSpec,
    LineGrid,
    LineTable,
    SearchHit,
    SearchSource,
    choices_of,
)
from comptoir.desk.registry import record_url
from comptoir.platform.errors import ValidationFailed
from comptoir.platform.queries import core as platform_queries
from comptoir.platform.queries import rates as rate_queries
from comptoir.platform.schemas.rates import ExchangeRateFilters, ExchangeRateIn, ExchangeRatePatchIn
from comptoir.platform.services import rates as rate_services

ACCOUNTS = "accounting.accounts"
COST_CENTERS = "accounting.cost-centers"


def _detail(slug: str, pk) -> str:
    return record_url("accounting", slug, pk)


def _today() -> dict:
    return {"date": timezone.localdate().isoformat()}


# --- search and pickers -----------------------------------------------------------------------------------------


def find_accounts(query: str, limit: int) -> list[SearchHit]:
    """Active accounts whose code starts with, or whose name contains, the query."""
    rows = books.accounts(is_active=True).filter(Q(code__istartswith=query) | Q(name__icontains=query))
    return [
        SearchHit(_("Account"), f"{a.code} {a.name}", a.group.name, _detail("accounts", a.pk), a.code)
        for a in rows.order_by("code")[:limit]
    ]


def find_entries(query: str, limit: int) -> list[SearchHit]:
    """Entries whose number starts with the query, or whose narration contains it."""
    rows = books.journal_entries().filter(Q(entry_number__istartswith=query) | Q(narration__icontains=query))
    return [
        SearchHit(
            _("Journal entry"),
            e.entry_number or _("Draft"),
            f"{e.date:%Y-%m-%d} {e.narration[:60]}",
            _detail("journal-entries", e.pk),
            str(e.pk),
        )
        for e in rows.order_by("-date", "-id")[:limit]
    ]


def find_cost_centers(query: str, limit: int) -> list[SearchHit]:
    rows = books.cost_centers(is_active=True).filter(Q(code__istartswith=query) | Q(name__icontains=query))
    return [
        SearchHit(_("Cost center"), f"{c.code} {c.name}", "", _detail("cost-centers", c.pk), c.code)
        for c in rows.order_by("code")[:limit]
    ]


# --- the chart --------------------------------------------------------------------------------------------------


def _group_choices() -> list[Choice]:
    return [Choice(g.code, f"{g.code} · {g.name}") for g in books.account_groups().order_by("path")]


ACCOUNT_FIELDS = (
    Field("code", _("Code"), required=True),
    Field("name", _("Name"), required=True),
    Field("group", _("Group"), widget="select", required=True, choices=_group_choices),
    Field("account_type", _("Account type"), widget="select", required=True, choices=choices_of(AccountType)),
    Field("is_cost_center_applicable", _("Takes a cost center"), widget="checkbox"),
    Field("is_bill_wise", _("Settled bill by bill"), widget="checkbox"),
)

accounts_view = DeskView(
    slug="accounts",
    label=_("Chart of accounts"),
    singular=_("account"),
    model="accounting.account",
    permission="accounting.view_account",
    query=books.accounts,
    get=books.access_account,
    filters=AccountFilters,
    filter_labels={"group": _("Group (code)"), "account_type": _("Account type"), "is_active": _("Active")},
    columns=(
        Column("code", _("Code"), sort="code"),
        Column("name", _("Name"), sort="name"),
        Column("group.name", _("Group")),
        Column("account_type", _("Type"), kind="choice", sort="account_type"),
        Column("is_active", _("Active"), kind="bool"),
        Column("is_bill_wise", _("Bill by bill"), kind="bool", default=False),
    ),
    ordering=("code",),
    title=lambda a: f"{a.code} {a.name}",
    header=(
        Column("code", _("Code")),
        Column("name", _("Name")),
        Column("group.name", _("Group")),
        Column("group.nature", _("Nature"), kind="choice"),
        Column("account_type", _("Type"), kind="choice"),
        Column("is_active", _("Active"), kind="bool"),
        Column("is_cost_center_applicable", _("Takes a cost center"), kind="bool"),
        Column("is_bill_wise", _("Settled bill by bill"), kind="bool"),
    ),
    create=FormSpec(
        schema=AccountIn,
        fields=ACCOUNT_FIELDS,
        permission="accounting.add_account",
        save=lambda actor, body, obj: chart.create_account(actor=actor.user, data=chart.AccountInput(**body.dict())),
    ),
    edit=FormSpec(
        schema=AccountPatch,
        fields=ACCOUNT_FIELDS[1:],
        permission="accounting.change_account",
        initial=lambda a: {
            "name": a.name,
            "group": a.group.code,
            "account_type": a.account_type,
            "is_cost_center_applicable": a.is_cost_center_applicable,
            "is_bill_wise": a.is_bill_wise,
        },
        save=lambda actor, body, obj: chart.update_account(
            actor=actor.user, account_id=obj.pk, changes=chart.AccountPatch.from_schema(body)
        ),
    ),
    actions=(
        Action(
            "deactivate",
            _("Deactivate"),
            "accounting.change_account",
            run=lambda actor, obj, body: chart.deactivate_account(actor=actor.user, account_id=obj.pk),
            when=lambda a: a.is_active,
            style="danger",
            bulk=True,
        ),
        Action(
            "activate",
            _("Activate"),
            "accounting.change_account",
            run=lambda actor, obj, body: chart.activate_account(actor=actor.user, account_id=obj.pk),
            when=lambda a: not a.is_active,
        ),
    ),
    related=lambda a: [
        (
            _("General ledger of this account"),
            f"{reverse('accounting_report', args=('general-ledger',))}?account={a.code}",
        ),
        (_("Chart of accounts as a tree"), reverse("accounting_chart")),
    ],
    empty=_("No account yet: create one, or import the chart from a CSV file."),
    export_name="accounts",
)

groups_view = DeskView(
    slug="account-groups",
    label=_("Account groups"),
    singular=_("account group"),
    model="accounting.accountgroup",
    permission="accounting.view_accountgroup",
    query=lambda **f: books.account_groups(**f).select_related("parent"),
    get=books.access_account_group,
    columns=(
        Column("code", _("Code"), sort="code"),
        Column("name", _("Name"), sort="name"),
        Column("nature", _("Nature"), kind="choice", sort="nature"),
        Column("parent.name", _("Parent")),
        Column("report_type", _("Statement"), kind="choice"),
    ),
    ordering=("path",),
    title=lambda g: f"{g.code} {g.name}",
    header=(
        Column("code", _("Code")),
        Column("name", _("Name")),
        Column("nature", _("Nature"), kind="choice"),
        Column("report_type", _("Statement"), kind="choice"),
        Column("parent.name", _("Parent")),
        Column("is_system", _("System group"), kind="bool"),
    ),
    create=FormSpec(
        schema=AccountGroupIn,
        fields=(
            Field("code", _("Code"), required=True),
            Field("name", _("Name"), required=True),
            Field("parent", _("Parent group"), widget="select", choices=_group_choices),
            Field(
                "nature",
                _("Nature"),
                widget="select",
                choices=choices_of(Nature),
                help=_("A child group takes its parent's nature."),
            ),
        ),
        permission="accounting.add_accountgroup",
        save=lambda actor, body, obj: chart.create_account_group(
            actor=actor.user, data=chart.AccountGroupInput(**body.dict())
        ),
    ),
    edit=FormSpec(
        schema=AccountGroupPatch,
        fields=(
            Field("name", _("Name"), required=True),
            Field(
                "parent", _("Parent group"), widget="select", choices=_group_choices, help=_("Empty: keep the parent.")
            ),
        ),
        permission="accounting.change_accountgroup",
        initial=lambda g: {"name": g.name, "parent": g.parent.code if g.parent_id else ""},
        save=lambda actor, body, obj: chart.update_account_group(
            actor=actor.user, group_id=obj.pk, changes=chart.AccountGroupPatch.from_schema(body)
        ),
    ),
    related=lambda g: [(_("Chart of accounts as a tree"), reverse("accounting_chart"))],
    export_name="account-groups",
)


# --- the journal ------------------------------------------------------------------------------------------------


def _journal_type_choices() -> list[Choice]:
    """The journals a person enters entries in (all but the year-end closing's)."""
    rows = books.journal_types().exclude(category=JournalCategory.CLOSING)
    return [Choice(t.code, f"{t.code} · {t.name}") for t in rows]


def _entry_body(data: dict) -> dict:
    """The desk's Debit and Credit columns as the API's entry_type and amount; a line with both is refused."""
    lines = []
    for i, row in enumerate(data.get("lines", [])):
        row = dict(row)
        debit, credit = row.pop("debit", ""), row.pop("credit", "")
        if debit and credit:
            raise ValidationFailed(
                _("Enter a debit or a credit on a line, not both"), code="debit_and_credit", field=f"lines[{i}].debit"
            )
        if debit or credit:
            row.update(entry_type="DR" if debit else "CR", amount=(debit or credit).replace(" ", "").replace(",", "."))
        lines.append(row)
    return {**data, "lines": lines}


def _related_entries(entry) -> list[tuple[str, str]]:
    links = []
    if entry.reversed_entry_id:
        links.append((_("Reversal of an earlier entry"), _detail("journal-entries", entry.reversed_entry_id)))
    links.extend(
        (_("Reversed by %(number)s") % {"number": r.entry_number}, _detail("journal-entries", r.pk))
        for r in books.journal_entries().filter(reversed_entry_id=entry.pk)
    )
    if entry.source_type == "accounting.fiscalyear" and entry.source_id:
        links.append((_("Closing of its fiscal year"), _detail("fiscal-years", entry.source_id)))
    return links


ENTRY_FIELDS = (
    Field("date", _("Date"), widget="date", required=True),
    Field("journal_type", _("Journal"), widget="select", required=True, choices=_journal_type_choices),
    Field("reference_number", _("Reference")),
    Field("narration", _("Narration"), widget="textarea", wide=True),
)
ENTRY_LINES = LineGrid(
    name="lines",
    label=_("Lines"),
    fields=(
        Field("account", _("Account"), widget="picker", picker=ACCOUNTS, required=True),
        Field("debit", _("Debit"), widget="decimal", data={"debit": "1"}),
        Field("credit", _("Credit"), widget="decimal", data={"credit": "1"}),
        Field("cost_center", _("Cost center"), widget="picker", picker=COST_CENTERS),
        Field("remarks", _("Remarks")),
    ),
    min_rows=2,
    balance=("debit", "credit"),
)
ENTRY_FORM = dict(
    schema=JournalEntryIn,
    initial=lambda entry: {**_today(), "journal_type": "JV"},
    fields=ENTRY_FIELDS,
    lines=ENTRY_LINES,
    prepare=_entry_body,
    buttons=((_("Save and post"), {"post": True}), (_("Save draft"), {"post": False})),
    errors={"amount": "debit", "entry_type": "debit", "currency": "debit", "exchange_rate": "debit"},
)

entries_view = DeskView(
    slug="journal-entries",
    label=_("Journal entries"),
    singular=_("journal entry"),
    model="accounting.journalentry",
    permission="accounting.view_journalentry",
    query=books.journal_entries,
    get=books.access_journal_entry,
    filters=JournalEntryFilters,
    filter_labels={
        "status": _("Status"),
        "journal_type": _("Journal (code)"),
        "date_from": _("From"),
        "date_to": _("To"),
        "account": _("Account (code)"),
        "amount_min": _("Amount at least"),
        "amount_max": _("Amount at most"),
    },
    columns=(
        Column("entry_number", _("Number"), sort="entry_number"),
        Column("date", _("Date"), kind="date", sort="date"),
        Column("journal_type_code", _("Journal")),
        Column("narration", _("Narration")),
        Column("total_debit", _("Amount"), kind="amount", currency="base_currency"),
        Column("status", _("Status"), kind="badge"),
        Column("posted_at", _("Posted at"), kind="datetime", default=False),
    ),
    ordering=("-date",),
    title=lambda e: e.entry_number or _("Draft entry of %(date)s") % {"date": e.date.isoformat()},
    status="status",
    header=(
        Column("date", _("Date"), kind="date"),
        Column("journal_type.name", _("Journal")),
        Column("reference_number", _("Reference")),
        Column("narration", _("Narration")),
        Column("total_debit", _("Total debit"), kind="amount", currency="base_currency"),
        Column("total_credit", _("Total credit"), kind="amount", currency="base_currency"),
        Column("posted_at", _("Posted at"), kind="datetime"),
    ),
    lines=LineTable(
        label=_("Lines"),
        rows=lambda e: [_LineRow(line, e.base_currency) for line in e.lines.all()],
        columns=(
            Column("account", _("Account")),
            Column("debit", _("Debit"), kind="amount", currency="base_currency"),
            Column("credit", _("Credit"), kind="amount", currency="base_currency"),
            Column("foreign_amount", _("In currency"), kind="amount", currency="currency"),
            Column("rate", _("Rate"), kind="number"),
            Column("cost_center", _("Cost center")),
            Column("remarks", _("Remarks")),
        ),
        totals=("debit", "credit"),
    ),
    create=FormSpec(
        **ENTRY_FORM,
        permission="accounting.add_journalentry",
        save=lambda actor, body, obj: save_journal_entry(actor, body),
    ),
    actions=(
        Action(
            "post",
            _("Post"),
            "accounting.change_journalentry",
            run=lambda actor, obj, body: journal.post_entry(actor=actor.user, entry_id=obj.pk),
            when=lambda e: e.status == EntryStatus.DRAFT,
            bulk=True,
        ),
        Action(
            "cancel",
            _("Cancel"),
            "accounting.change_journalentry",
            run=lambda actor, obj, body: journal.cancel_entry(actor=actor.user, entry_id=obj.pk),
            when=lambda e: e.status == EntryStatus.DRAFT,
            confirm=_("Cancel this draft entry?"),
            style="danger",
            bulk=True,
        ),
        Action(
            "reverse",
            _("Reverse"),
            "accounting.change_journalentry",
            run=lambda actor, obj, body: journal.reverse_entry(
                actor=actor.user, entry_id=obj.pk, date=body.date, narration=body.narration
            ),
            when=lambda e: e.status == EntryStatus.POSTED,
            fields=(
                Field("date", _("Date of the reversal"), widget="date", required=True),
                Field("narration", _("Narration"), widget="textarea", wide=True),
            ),
            schema=ReverseIn,
            initial=lambda e: {**_today(), "narration": _("Reversal of %(number)s") % {"number": e.entry_number}},
            style="danger",
        ),
    ),
    related=_related_entries,
    empty=_("No journal entry yet: enter one with “New journal entry”."),
    export_name="journal-entries",
)


class _LineRow:
    """A journal line as the detail shows it: debit and credit in the base currency (so they total as the books
    do), and for a line in another currency its amount in that currency and the rate; codes with names."""

    def __init__(self, line, base_currency: str):
        self.account = f"{line.account.code} {line.account.name}"
        self.base_currency = base_currency
        self.debit = line.base_amount if line.entry_type == "DR" else None
        self.credit = line.base_amount if line.entry_type == "CR" else None
        self.currency = line.currency.code
        foreign = line.currency.code != base_currency
        self.foreign_amount = line.amount if foreign else None
        self.rate = line.exchange_rate.normalize() if foreign else None
        self.cost_center = line.cost_center.code if line.cost_center_id else ""
        self.remarks = line.remarks


# --- fiscal years and periods -----------------------------------------------------------------------------------


years_view = DeskView(
    slug="fiscal-years",
    label=_("Fiscal years"),
    singular=_("fiscal year"),
    model="accounting.fiscalyear",
    permission="accounting.view_fiscalyear",
    query=books.fiscal_years,
    get=books.access_fiscal_year,
    columns=(
        Column("name", _("Name"), sort="name"),
        Column("start_date", _("Starts"), kind="date", sort="start_date"),
        Column("end_date", _("Ends"), kind="date"),
        Column("is_current", pgettext_lazy("fiscal year", "Current"), kind="bool"),
        Column("is_closed", _("Closed"), kind="bool"),
    ),
    ordering=("-start_date",),
    title=lambda y: y.name,
    header=(
        Column("start_date", _("Starts"), kind="date"),
        Column("end_date", _("Ends"), kind="date"),
        Column("is_current", pgettext_lazy("fiscal year", "Current"), kind="bool"),
        Column("is_closed", _("Closed"), kind="bool"),
        Column("closed_at", _("Closed at"), kind="datetime"),
    ),
    lines=LineTable(
        label=_("Periods"),
        rows=lambda y: list(y.periods.all()),
        columns=(
            Column("period_no", _("Period"), kind="number"),
            Column("start_date", _("Starts"), kind="date"),
            Column("end_date", _("Ends"), kind="date"),
            Column("status", _("Status"), kind="badge"),
        ),
    ),
    create=FormSpec(
        schema=FiscalYearIn,
        fields=(
            Field("name", _("Name"), required=True, help=_("For example 2026 or 2026-27")),
            Field("start_date", _("Starts"), widget="date", required=True),
            Field("end_date", _("Ends"), widget="date", required=True),
            Field("is_current", _("Current year"), widget="checkbox"),
        ),
        permission="accounting.add_fiscalyear",
        save=lambda actor, body, obj: periods.create_fiscal_year(
            actor=actor.user, data=periods.FiscalYearInput(**body.dict())
        ),
    ),
    actions=(
        Action(
            "make-current",
            _("Make current"),
            "accounting.change_fiscalyear",
            run=lambda actor, obj, body: periods.set_current_fiscal_year(actor=actor.user, fiscal_year_id=obj.pk),
            when=lambda y: not y.is_current and not y.is_closed,
        ),
        Action(
            "close",
            _("Close the year"),
            "accounting.close_fiscalyear",
            run=lambda actor, obj, body: periods.close_fiscal_year(
                actor=actor.user, fiscal_year_id=obj.pk, retained_earnings_account=body.retained_earnings_account
            ),
            when=lambda y: not y.is_closed,
            fields=(
                Field(
                    "retained_earnings_account",
                    _("Retained earnings account"),
                    widget="picker",
                    picker=ACCOUNTS,
                    help=_("The equity account the year's result goes to; empty: retained earnings."),
                ),
            ),
            schema=FiscalYearCloseIn,
            style="danger",
        ),
        Action(
            "reopen",
            _("Reopen the year"),
            "accounting.reopen_period",
            run=lambda actor, obj, body: periods.reopen_fiscal_year(
                actor=actor.user, fiscal_year_id=obj.pk, reason=body.reason
            ),
            when=lambda y: y.is_closed,
            fields=(Field("reason", _("Reason"), widget="textarea", required=True, wide=True),),
            schema=ReopenIn,
            style="danger",
        ),
    ),
    related=lambda y: (
        [
            (
                _("Period %(no)s (%(status)s)") % {"no": p.period_no, "status": p.get_status_display()},
                _detail("fiscal-periods", p.pk),
            )
            for p in y.periods.all()
        ]
        + ([(_("Closing entry"), _detail("journal-entries", y.closing_entry_id))] if y.closing_entry_id else [])
    ),
    empty=_("No fiscal year yet: create the year your books start in."),
)

periods_view = DeskView(
    slug="fiscal-periods",
    label=_("Fiscal periods"),
    singular=_("fiscal period"),
    model="accounting.fiscalperiod",
    permission="accounting.view_fiscalyear",
    query=lambda **f: books.fiscal_periods().select_related("fiscal_year"),
    get=books.access_period,
    columns=(
        Column("fiscal_year.name", _("Fiscal year")),
        Column("period_no", _("Period"), kind="number", sort="period_no"),
        Column("start_date", _("Starts"), kind="date", sort="start_date"),
        Column("end_date", _("Ends"), kind="date"),
        Column("status", _("Status"), kind="badge"),
    ),
    ordering=("-start_date",),
    title=lambda p: f"{p.fiscal_year.name} · {p.period_no}",
    status="status",
    header=(
        Column("fiscal_year.name", _("Fiscal year")),
        Column("start_date", _("Starts"), kind="date"),
        Column("end_date", _("Ends"), kind="date"),
        Column("closed_at", _("Closed at"), kind="datetime"),
    ),
    actions=(
        Action(
            "close",
            _("Close the period"),
            "accounting.change_fiscalperiod",
            run=lambda actor, obj, body: periods.close_period(actor=actor.user, period_id=obj.pk, reason=body.reason),
            when=lambda p: p.status == "OPEN",
            fields=(Field("reason", _("Reason"), widget="textarea", wide=True),),
            schema=ReasonIn,
        ),
        Action(
            "reopen",
            _("Reopen the period"),
            "accounting.reopen_period",
            run=lambda actor, obj, body: periods.reopen_period(actor=actor.user, period_id=obj.pk, reason=body.reason),
            when=lambda p: p.status == "CLOSED",
            fields=(Field("reason", _("Reason"), widget="textarea", required=True, wide=True),),
            schema=ReopenIn,
            style="danger",
        ),
    ),
    related=lambda p: [(_("Its fiscal year"), _detail("fiscal-years", p.fiscal_year_id))],
)


# --- taxes, cost centers, budgets, banks ------------------------------------------------------------------------


taxes_view = DeskView(
    slug="tax-rates",
    label=_("Tax rates"),
    singular=_("tax rate"),
    model="accounting.taxrate",
    permission="accounting.view_taxrate",
    query=tax_queries.tax_rates,
    get=tax_queries.access_tax_rate,
    filters=TaxRateFilters,
    filter_labels={"code": _("Code"), "is_active": _("Active"), "on_date": _("In force on")},
    columns=(
        Column("code", _("Code"), sort="code"),
        Column("name", _("Name"), sort="name"),
        Column("tax_type", _("Type"), kind="choice"),
        Column("rate", _("Rate %"), kind="number"),
        Column("effective_from", _("From"), kind="date", sort="effective_from"),
        Column("effective_to", _("To"), kind="date"),
        Column("is_active", _("Active"), kind="bool"),
    ),
    ordering=("code",),
    title=lambda t: f"{t.code} {t.name}",
    header=(
        Column("tax_type", _("Type"), kind="choice"),
        Column("rate", _("Rate %"), kind="number"),
        Column("output_account.code", _("Output tax account")),
        Column("input_account.code", _("Input tax account")),
        Column("effective_from", _("From"), kind="date"),
        Column("effective_to", _("To"), kind="date"),
        Column("is_active", _("Active"), kind="bool"),
        Column("description", _("Description")),
    ),
    lines=LineTable(
        label=_("Components"),
        rows=lambda t: list(t.components.all()),
        columns=(
            Column("code", _("Code")),
            Column("name", _("Name")),
            Column("tax_type", _("Type"), kind="choice"),
            Column("rate", _("Rate %"), kind="number"),
        ),
    ),
    create=FormSpec(
        schema=TaxRateIn,
        fields=(
            Field("code", _("Code"), required=True),
            Field("name", _("Name"), required=True),
            Field("tax_type", _("Type"), widget="select", choices=choices_of(TaxType)),
            Field("rate", _("Rate %"), widget="decimal", required=True),
            Field("output_account", _("Output tax account"), widget="picker", picker=ACCOUNTS),
            Field("input_account", _("Input tax account"), widget="picker", picker=ACCOUNTS),
            Field("effective_from", _("In force from"), widget="date", required=True),
            Field("effective_to", _("In force until"), widget="date"),
            Field("description", _("Description"), widget="textarea", wide=True),
        ),
        permission="accounting.add_taxrate",
        save=lambda actor, body, obj: taxes.create_tax_rate(
            actor=actor.user, data=taxes.TaxRateInput(**{**body.dict(), "components": ()})
        ),
    ),
    edit=FormSpec(
        schema=TaxRatePatch,
        fields=(
            Field("name", _("Name"), required=True),
            Field("output_account", _("Output tax account"), widget="picker", picker=ACCOUNTS),
            Field("input_account", _("Input tax account"), widget="picker", picker=ACCOUNTS),
            Field("effective_to", _("In force until"), widget="date"),
            Field("description", _("Description"), widget="textarea", wide=True),
        ),
        permission="accounting.change_taxrate",
        initial=lambda t: {
            "name": t.name,
            "output_account": t.output_account.code if t.output_account_id else "",
            "input_account": t.input_account.code if t.input_account_id else "",
            "effective_to": t.effective_to.isoformat() if t.effective_to else "",
            "description": t.description,
        },
        save=lambda actor, body, obj: taxes.update_tax_rate(
            actor=actor.user, tax_rate_id=obj.pk, changes=taxes.TaxRatePatch.from_schema(body)
        ),
    ),
    actions=(
        Action(
            "deactivate",
            _("Deactivate"),
            "accounting.change_taxrate",
            run=lambda actor, obj, body: taxes.deactivate_tax_rate(actor=actor.user, tax_rate_id=obj.pk),
            when=lambda t: t.is_active,
            style="danger",
        ),
    ),
    empty=_("No tax rate yet: create the rates your invoices will use."),
)

cost_centers_view = DeskView(
    slug="cost-centers",
    label=_("Cost centers"),
    singular=_("cost center"),
    model="accounting.costcenter",
    permission="accounting.view_costcenter",
    query=books.cost_centers,
    get=books.access_cost_center,
    columns=(
        Column("code", _("Code"), sort="code"),
        Column("name", _("Name"), sort="name"),
        Column("is_active", _("Active"), kind="bool"),
    ),
    ordering=("code",),
    title=lambda c: f"{c.code} {c.name}",
    header=(Column("code", _("Code")), Column("name", _("Name")), Column("is_active", _("Active"), kind="bool")),
    create=FormSpec(
        schema=CostCenterIn,
        fields=(Field("code", _("Code"), required=True), Field("name", _("Name"), required=True)),
        permission="accounting.add_costcenter",
        save=lambda actor, body, obj: chart.create_cost_center(
            actor=actor.user, data=chart.CostCenterInput(**body.dict())
        ),
    ),
    empty=_("No cost center yet: create one per department, project or branch you want figures for."),
)


# --- exchange rates (platform's, kept here because the books convert with them) ------------------------------


def _currency_choices() -> list[Choice]:
    return [Choice(c.code, f"{c.code} · {c.name}") for c in platform_queries.currencies()]


rates_view = DeskView(
    slug="exchange-rates",
    label=_("Exchange rates"),
    singular=_("exchange rate"),
    model="platform.exchangerate",
    permission="platform.view_exchangerate",
    query=rate_queries.exchange_rates,
    get=rate_queries.access_exchange_rate,
    filters=ExchangeRateFilters,
    filter_labels={
        "from_currency": _("From currency"),
        "to_currency": _("To currency"),
        "date_from": _("From"),
        "date_to": _("To"),
    },
    columns=(
        Column("rate_date", _("Date"), kind="date", sort="rate_date"),
        Column("from_currency.code", _("From")),
        Column("to_currency.code", _("To")),
        Column("rate", _("Rate"), kind="number"),
        Column("source", _("Source")),
    ),
    ordering=("-rate_date",),
    title=lambda r: f"{r.from_currency.code} → {r.to_currency.code}, {r.rate_date.isoformat()}",
    header=(
        Column("rate_date", _("Date"), kind="date"),
        Column("from_currency.code", _("From")),
        Column("to_currency.code", _("To")),
        Column("rate", _("Rate"), kind="number"),
        Column("source", _("Source")),
    ),
    create=FormSpec(
        schema=ExchangeRateIn,
        fields=(
            Field("from_currency", _("From currency"), widget="select", required=True, choices=_currency_choices),
            Field("to_currency", _("To currency"), widget="select", required=True, choices=_currency_choices),
            Field("rate", _("Rate"), widget="decimal", required=True, help=_("One unit of the first currency")),
            Field("rate_date", _("Date"), widget="date", required=True),
            Field("source", _("Source")),
        ),
        permission="platform.add_exchangerate",
        initial=lambda obj: {"rate_date": timezone.localdate().isoformat()},
        save=lambda actor, body, obj: rate_services.create_exchange_rate(
            actor=actor.user, data=rate_services.ExchangeRateInput(**body.dict())
        ),
    ),
    edit=FormSpec(
        schema=ExchangeRatePatchIn,
        fields=(Field("rate", _("Rate"), widget="decimal", required=True), Field("source", _("Source"))),
        permission="platform.change_exchangerate",
        initial=lambda r: {"rate": r.rate.normalize(), "source": r.source},
        save=lambda actor, body, obj: rate_services.update_exchange_rate(
            actor=actor.user, rate_id=obj.pk, patch=rate_services.ExchangeRatePatch.from_schema(body)
        ),
    ),
    actions=(
        Action(
            "delete",
            _("Delete"),
            "platform.delete_exchangerate",
            run=lambda actor, obj, body: rate_services.delete_exchange_rate(actor=actor.user, rate_id=obj.pk),
            confirm=_("Delete this exchange rate? Entries posted with it keep their rate."),
            style="danger",
            removes=True,
        ),
    ),
    empty=_("No exchange rate yet: enter the rates of the currencies you invoice or pay in."),
)


def _fiscal_year_choices() -> list[Choice]:
    return [Choice(y.name, y.name) for y in books.fiscal_years().order_by("-start_date")]


BUDGET_FIELDS = (
    Field("name", _("Name"), required=True),
    Field("fiscal_year", _("Fiscal year"), widget="select", required=True, choices=_fiscal_year_choices),
    Field(
        "quarter",
        _("Quarter"),
        widget="select",
        choices=tuple(Choice(str(q), _("Quarter %(q)s") % {"q": q}) for q in range(1, 5)),
        help=_("Empty: the whole year"),
    ),
    Field("account", _("Account"), widget="picker", picker=ACCOUNTS),
    Field("category", _("Account group (code)")),
    Field("cost_center", _("Cost center"), widget="picker", picker=COST_CENTERS),
    Field("allocated_amount", _("Allocated amount"), widget="decimal", required=True),
    Field("status", _("Status"), widget="select", choices=choices_of(BudgetStatus)),
    Field("notes", _("Notes"), widget="textarea", wide=True),
)

budgets_view = DeskView(
    slug="budgets",
    label=_("Budgets"),
    singular=_("budget"),
    model="accounting.budget",
    permission="accounting.view_budget",
    query=lambda **f: budget_queries.budgets(**f).select_related("fiscal_year", "account", "cost_center", "currency"),
    get=budget_queries.access_budget,
    prepare=budget_queries.with_figures,
    filters=BudgetFilters,
    filter_labels={
        "fiscal_year": _("Fiscal year"),
        "status": _("Status"),
        "account": _("Account (code)"),
        "category": _("Account group (code)"),
        "cost_center": _("Cost center (code)"),
    },
    columns=(
        Column("name", _("Name"), sort="name"),
        Column("fiscal_year.name", _("Fiscal year")),
        Column("quarter", _("Quarter")),
        Column("account.code", _("Account")),
        Column("cost_center.code", _("Cost center")),
        Column("allocated_amount", _("Allocated"), kind="amount", currency="currency.code"),
        Column("spent", _("Spent"), kind="amount", currency="currency.code"),
        Column("remaining", _("Remaining"), kind="amount", currency="currency.code"),
        Column("status", _("Status"), kind="badge"),
    ),
    ordering=("name",),
    title=lambda b: b.name,
    status="status",
    header=(
        Column("fiscal_year.name", _("Fiscal year")),
        Column("quarter", _("Quarter")),
        Column("account.code", _("Account")),
        Column("category", _("Account group")),
        Column("cost_center.code", _("Cost center")),
        Column("allocated_amount", _("Allocated"), kind="amount", currency="currency.code"),
        Column("spent", _("Spent"), kind="amount", currency="currency.code"),
        Column("remaining", _("Remaining"), kind="amount", currency="currency.code"),
        Column("notes", _("Notes")),
    ),
    create=FormSpec(
        schema=BudgetIn,
        fields=BUDGET_FIELDS,
        permission="accounting.add_budget",
        save=lambda actor, body, obj: budgets.create_budget(actor=actor.user, data=budgets.BudgetInput(**body.dict())),
    ),
    edit=FormSpec(
        schema=BudgetPatch,
        fields=BUDGET_FIELDS,
        permission="accounting.change_budget",
        initial=lambda b: {
            "name": b.name,
            "fiscal_year": b.fiscal_year.name,
            "quarter": b.quarter or "",
            "account": b.account.code if b.account_id else "",
            "category": b.category,
            "cost_center": b.cost_center.code if b.cost_center_id else "",
            "allocated_amount": b.allocated_amount,
            "status": b.status,
            "notes": b.notes,
        },
        save=lambda actor, body, obj: budgets.update_budget(
            actor=actor.user, budget_id=obj.pk, changes=budgets.BudgetPatch.from_schema(body)
        ),
    ),
    edit_when=lambda b: b.status != BudgetStatus.CLOSED,
    actions=(
        Action(
            "close",
            _("Close"),
            "accounting.change_budget",
            run=lambda actor, obj, body: budgets.close_budget(actor=actor.user, budget_id=obj.pk),
            when=lambda b: b.status == BudgetStatus.ACTIVE,
            confirm=_("Close this budget? Postings will no longer be checked against it."),
        ),
    ),
    related=lambda b: [
        (
            _("Budget vs actual of %(year)s") % {"year": b.fiscal_year.name},
            f"{reverse('accounting_budget_report')}?fiscal_year={b.fiscal_year.name}",
        )
    ],
    empty=_("No budget yet: allocate an amount to an account, a group or a cost center for a year or a quarter."),
)

BANK_FIELDS = (
    Field("account_name", _("Name"), required=True),
    Field("account_number", _("Account number"), required=True, help=_("Stored encrypted; shown masked.")),
    Field("bank_name", _("Bank")),
    Field("branch", _("Branch")),
    Field("iban", _("IBAN")),
    Field("swift", _("SWIFT/BIC")),
    Field("ifsc", _("IFSC")),
    Field("kind", _("Kind"), widget="select", choices=choices_of(BankAccountKind)),
)

bank_accounts_view = DeskView(
    slug="bank-accounts",
    label=_("Bank accounts"),
    singular=_("bank account"),
    model="accounting.bankaccount",
    permission="accounting.view_bankaccount",
    query=bank_queries.bank_accounts,
    get=bank_queries.access_bank_account,
    filters=BankAccountFilters,
    filter_labels={"is_active": _("Active")},
    columns=(
        Column("account_name", _("Name"), sort="account_name"),
        Column("bank_name", _("Bank")),
        Column("account_number_last4", _("Number ends with")),
        Column("account.code", _("Ledger account")),
        Column("currency.code", _("Currency")),
        Column("kind", _("Kind"), kind="choice"),
        Column("is_active", _("Active"), kind="bool"),
    ),
    ordering=("account_name",),
    title=lambda b: b.account_name,
    header=(
        Column("bank_name", _("Bank")),
        Column("branch", _("Branch")),
        Column("account_number_last4", _("Number ends with")),
        Column("iban_masked", _("IBAN")),
        Column("swift", _("SWIFT/BIC")),
        Column("account.code", _("Ledger account")),
        Column("currency.code", _("Currency")),
        Column("kind", _("Kind"), kind="choice"),
        Column("is_active", _("Active"), kind="bool"),
    ),
    create=FormSpec(
        schema=BankAccountIn,
        fields=(
            Field(
                "account",
                _("Ledger account"),
                widget="picker",
                picker=ACCOUNTS,
                required=True,
                help=_("A BANK or CASH account of the chart"),
            ),
            *BANK_FIELDS,
            Field("currency", _("Currency"), help=_("Empty: the ledger account's currency")),
        ),
        permission="accounting.add_bankaccount",
        save=lambda actor, body, obj: banks.create_bank_account(
            actor=actor.user, data=banks.BankAccountInput(**body.dict())
        ),
    ),
    edit=FormSpec(
        schema=BankAccountPatch,
        fields=tuple(Field(f.name, f.label, f.widget, False, f.choices, help=f.help) for f in BANK_FIELDS),
        permission="accounting.change_bankaccount",
        initial=lambda b: {
            "account_name": b.account_name,
            "bank_name": b.bank_name,
            "branch": b.branch,
            "swift": b.swift,
            "ifsc": b.ifsc,
            "kind": b.kind,
        },
        save=lambda actor, body, obj: banks.update_bank_account(
            actor=actor.user, bank_account_id=obj.pk, changes=banks.BankAccountPatch.from_schema(body)
        ),
    ),
    actions=(
        Action(
            "deactivate",
            _("Deactivate"),
            "accounting.change_bankaccount",
            run=lambda actor, obj, body: banks.deactivate_bank_account(actor=actor.user, bank_account_id=obj.pk),
            when=lambda b: b.is_active,
            style="danger",
        ),
    ),
    related=lambda b: [
        (_("Import a statement"), reverse("accounting_bank_import", args=(b.pk,))),
        (_("Reconcile"), reverse("accounting_bank_reconcile", args=(b.pk,))),
        (_("Ledger account"), _detail("accounts", b.account_id)),
    ],
    empty=_("No bank account yet: add one to import statements and reconcile."),
)


DESK = Desk(
    views=(
        entries_view,
        accounts_view,
        groups_view,
        years_view,
        periods_view,
        taxes_view,
        cost_centers_view,
        budgets_view,
        bank_accounts_view,
        rates_view,
    ),
    widgets=WIDGETS,
    search=(
        SearchSource("entries", _("Journal entries"), "accounting.view_journalentry", find_entries),
        SearchSource(ACCOUNTS.split(".")[1], _("Accounts"), "accounting.view_account", find_accounts),
        SearchSource(
            COST_CENTERS.split(".")[1],
            _("Cost centers"),
            "accounting.view_costcenter",
            find_cost_centers,
            in_quick_search=False,
        ),
    ),
)
