"""Accounting's declaration (DESIGN §3, §6): the books, switchable per organization."""

from django.utils.translation import gettext_lazy as _

from comptoir.platform.constants import SettingType
from comptoir.platform.modules import MenuEntry, ModuleSpec, Series, SettingSpec

JOURNAL_ENTRY_POSTED = "accounting.journal_entry.posted"
JOURNAL_ENTRY_REVERSED = "accounting.journal_entry.reversed"
JOURNAL_ENTRY_CANCELLED = "accounting.journal_entry.cancelled"
OVERSPEND_SETTING = "accounting.budget_overspend"
ENTRY_SERIES = "JE"

MODULE = ModuleSpec(
    name="accounting",
    label=_("Accounting"),
    depends_on=("platform",),
    permissions={
        "accounting.close_fiscalyear": "Close a fiscal year (closing entry to retained earnings)",
        "accounting.reopen_period": "Reopen a closed fiscal period or year",
        "accounting.view_report": "Read financial reports",
        "accounting.reconcile_banktransaction": "Match bank statement lines to journal lines",
        "accounting.import_chart": "Import the chart of accounts from CSV",
    },
    restricted_permissions=frozenset({"accounting.reopen_period"}),
    role_grants={"ACCOUNTANT": ("accounting.*",), "FINANCE": ("accounting.*",)},
    switchable=True,
    default_enabled=True,
    # Journal entries are counted per journal type and fiscal year (a `part` of the series: JE:<journal>:<year>,
    # services/journal.py); {type} prints the journal's prefix, {year} the fiscal year; never reset by date.
    numbering=(Series(document_type=ENTRY_SERIES, prefix="{type}-{year}-", yearly_reset=False),),
    settings=(
        SettingSpec(
            OVERSPEND_SETTING,
            SettingType.STRING,
            default="warn",
            choices=("ignore", "warn", "refuse"),
            description="When a posting takes an active budget over its allocation: ignore, warn (notify the "
            "poster) or refuse",
        ),
    ),
    events=(JOURNAL_ENTRY_POSTED, JOURNAL_ENTRY_REVERSED, JOURNAL_ENTRY_CANCELLED),
    api=(("/accounting", "comptoir.accounting.api.router"),),
    urls=(("accounting/", "comptoir.accounting.urls"),),
    menu=(
        MenuEntry(_("Journal entries"), "accounting.view_journalentry", view="accounting.journal-entries"),
        MenuEntry(_("Chart of accounts"), "accounting.view_account", url="accounting_chart"),
        MenuEntry(_("Financial reports"), "accounting.view_report", url="accounting_reports"),
        MenuEntry(_("Bank accounts"), "accounting.view_bankaccount", view="accounting.bank-accounts"),
        MenuEntry(_("Fiscal years"), "accounting.view_fiscalyear", view="accounting.fiscal-years"),
        MenuEntry(_("Taxes"), "accounting.view_taxrate", view="accounting.tax-rates"),
        MenuEntry(_("Cost centers"), "accounting.view_costcenter", view="accounting.cost-centers"),
        MenuEntry(_("Exchange rates"), "platform.view_exchangerate", view="accounting.exchange-rates"),
        MenuEntry(_("Budgets"), "accounting.view_budget", view="accounting.budgets"),
    ),
    desk="comptoir.accounting.desk.DESK",
    posting_documents=("accounting.journalentry", "accounting.fiscalyear"),  # the year-end closing entry
)
