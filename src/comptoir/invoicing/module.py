"""The invoicing module's declaration (DESIGN §3): invoices of every type, payments and their allocations,
recurring invoices, dunning and the AR/AP aging. Invoices and payments post to the books through
`accounting.services.post_document`."""

from django.utils.translation import gettext_lazy as _

from comptoir.invoicing.constants import TaxRounding
from comptoir.platform.constants import SettingType
from comptoir.platform.modules import ApiExtension, MenuEntry, ModuleSpec, Series, SettingSpec

INVOICE_DOCUMENT = "invoicing.invoice"
PAYMENT_DOCUMENT = "invoicing.payment"
ALLOCATION_DOCUMENT = "invoicing.paymentallocation"
# One series per invoice type (entities §9: "from Sequence per type and FY"), one for payments.
INVOICE_SERIES = {
    "SALES": "SINV",
    "PURCHASE": "PINV",
    "CREDIT_NOTE": "CN",
    "DEBIT_NOTE": "DBN",  # DN is logistics' delivery note
    "PROFORMA": "PF",
}
PAYMENT_SERIES = {"INCOMING": "RCPT", "OUTGOING": "PAY"}

INVOICE_CREATED = "invoicing.invoice.created"
INVOICE_UPDATED = "invoicing.invoice.updated"
INVOICE_SUBMITTED = "invoicing.invoice.submitted"
INVOICE_CANCELLED = "invoicing.invoice.cancelled"
INVOICE_PAYMENT_STATUS = "invoicing.invoice.payment_status_changed"
INVOICE_OVERDUE = "invoicing.invoice.overdue"
INVOICE_DUNNED = "invoicing.invoice.dunned"
INVOICE_SENT = "invoicing.invoice.sent"
PAYMENT_CREATED = "invoicing.payment.created"
PAYMENT_PROCESSING = "invoicing.payment.processing"
PAYMENT_COMPLETED = "invoicing.payment.completed"
PAYMENT_FAILED = "invoicing.payment.failed"
PAYMENT_CANCELLED = "invoicing.payment.cancelled"
PAYMENT_REFUNDED = "invoicing.payment.refunded"
PAYMENT_ALLOCATED = "invoicing.payment.allocated"
SCHEDULE_CREATED = "invoicing.recurring_invoice.created"

TAX_ROUNDING_SETTING = "invoicing.tax_rounding"
INCOME_ACCOUNT_SETTING = "invoicing.income_account"
EXPENSE_ACCOUNT_SETTING = "invoicing.expense_account"
STOCK_CLEARING_SETTING = "invoicing.stock_clearing_account"
OUTPUT_TAX_SETTING = "invoicing.output_tax_account"
INPUT_TAX_SETTING = "invoicing.input_tax_account"
CASH_ACCOUNT_SETTING = "invoicing.cash_account"
BANK_ACCOUNT_SETTING = "invoicing.bank_account"
ROUNDING_ACCOUNT_SETTING = "invoicing.rounding_account"
EXCHANGE_GAIN_SETTING = "invoicing.exchange_gain_account"
EXCHANGE_LOSS_SETTING = "invoicing.exchange_loss_account"
DUNNING_DAYS_SETTING = "invoicing.dunning_days"
PRICE_TOLERANCE_SETTING = "invoicing.price_tolerance_pct"
PRICE_DIFFERENCE_SETTING = "invoicing.price_difference_account"

_READ = ("invoicing.view_*",)
_SELL = ("invoicing.add_invoice", "invoicing.change_invoice", "invoicing.submit_invoice", "invoicing.send_invoice")
_PAY = ("invoicing.add_payment", "invoicing.change_payment", "invoicing.complete_payment")


def _account_code(value) -> None:
    if not str(value).strip():
        raise ValueError(str(_("An account code is required")))


def _dunning_days(value) -> None:
    if not isinstance(value, list) or not all(isinstance(d, int) and d > 0 for d in value):
        raise ValueError(str(_("A list of positive numbers of days")))
    if value != sorted(set(value)):
        raise ValueError(str(_("The days of the levels rise")))


def _account(key: str, default: str, description: str) -> SettingSpec:
    return SettingSpec(key, SettingType.STRING, default=default, description=description, validator=_account_code)


MODULE = ModuleSpec(
    name="invoicing",
    label=_("Invoicing"),
    depends_on=("platform", "accounting", "parties", "catalog", "purchasing", "sales", "logistics"),
    permissions={
        "invoicing.submit_invoice": "Submit an invoice (numbers it and posts its journal entry)",
        "invoicing.cancel_invoice": "Cancel a submitted invoice (reverses its journal entry)",
        "invoicing.send_invoice": "E-mail an invoice with its PDF",
        "invoicing.complete_payment": "Complete, fail or refund a payment (posts its journal entry)",
        "invoicing.view_aging": "Read the receivables and payables aging",
    },
    role_grants={
        "ACCOUNTANT": ("invoicing.*",),
        "FINANCE": (*_READ, *_PAY, "invoicing.cancel_invoice"),
        "SALES": (*_READ, *_SELL),
        "PURCHASING": (*_READ, "invoicing.add_invoice", "invoicing.change_invoice", "invoicing.submit_invoice"),
    },
    switchable=True,
    default_enabled=True,
    numbering=(
        *(Series(document_type=code, prefix=f"{code}-{{year}}-") for code in INVOICE_SERIES.values()),
        *(Series(document_type=code, prefix=f"{code}-{{year}}-") for code in PAYMENT_SERIES.values()),
    ),
    settings=(
        SettingSpec(
            TAX_ROUNDING_SETTING,
            SettingType.STRING,
            default=TaxRounding.LINE.value,
            description="Taxes rounded on each line (LINE) or once per rate over the document (DOCUMENT)",
            choices=tuple(TaxRounding.values),
        ),
        _account(INCOME_ACCOUNT_SETTING, "4000", "Income account of sales lines that name none"),
        _account(EXPENSE_ACCOUNT_SETTING, "6900", "Expense account of purchase lines of services"),
        _account(STOCK_CLEARING_SETTING, "2300", "Account of purchase lines of stocked products (goods received)"),
        _account(OUTPUT_TAX_SETTING, "2100", "Output tax account of a tax rate that names none"),
        _account(INPUT_TAX_SETTING, "1400", "Input tax account of a tax rate that names none"),
        _account(CASH_ACCOUNT_SETTING, "1000", "Account of cash payments"),
        _account(BANK_ACCOUNT_SETTING, "1100", "Account of other payments that name no bank account"),
        _account(ROUNDING_ACCOUNT_SETTING, "4900", "Account of base-currency rounding of foreign invoices"),
        _account(EXCHANGE_GAIN_SETTING, "4800", "Account of realized exchange gains on foreign settlements"),
        _account(EXCHANGE_LOSS_SETTING, "6700", "Account of realized exchange losses on foreign settlements"),
        _account(PRICE_DIFFERENCE_SETTING, "5000", "Account of a supplier bill's price differences from its receipts"),
        SettingSpec(
            PRICE_TOLERANCE_SETTING,
            SettingType.NUMBER,
            default=0,
            description="How far (%) a supplier bill's price may stray from its order's",
        ),
        SettingSpec(
            DUNNING_DAYS_SETTING,
            SettingType.ARRAY,
            default=[7, 30, 60],
            description="Days past the due date at which an overdue invoice reaches dunning level 1, 2, 3…",
            validator=_dunning_days,
        ),
    ),
    events=(
        INVOICE_CREATED,
        INVOICE_UPDATED,
        INVOICE_SUBMITTED,
        INVOICE_CANCELLED,
        INVOICE_PAYMENT_STATUS,
        INVOICE_OVERDUE,
        INVOICE_DUNNED,
        INVOICE_SENT,
        PAYMENT_CREATED,
        PAYMENT_PROCESSING,
        PAYMENT_COMPLETED,
        PAYMENT_FAILED,
        PAYMENT_CANCELLED,
        PAYMENT_REFUNDED,
        PAYMENT_ALLOCATED,
        SCHEDULE_CREATED,
    ),
    api=(("/invoicing", "comptoir.invoicing.api.router"),),
    api_extensions=(  # an order's invoice and bill, at the paths of the orders they are made of
        ApiExtension("/sales", "comptoir.invoicing.api.sales_router"),
        ApiExtension("/purchasing", "comptoir.invoicing.api.purchasing_router"),
    ),
    urls=(("invoicing/", "comptoir.invoicing.urls"),),
    menu=(
        MenuEntry(_("Invoices"), "invoicing.view_invoice", view="invoicing.invoices"),
        MenuEntry(_("Payments"), "invoicing.view_payment", view="invoicing.payments"),
        MenuEntry(_("Recurring invoices"), "invoicing.view_recurringinvoice", view="invoicing.recurring"),
        MenuEntry(_("Aging"), "invoicing.view_aging", url="invoicing_aging"),
    ),
    desk="comptoir.invoicing.desk.DESK",
    posting_documents=(INVOICE_DOCUMENT, PAYMENT_DOCUMENT, ALLOCATION_DOCUMENT),
)
