"""The inventory's declaration (DESIGN §3): warehouses, batches, the stock ledger and its documents, switchable per
organization. Its stock entries post to the books through `accounting.services.post_document`."""

from django.utils.translation import gettext_lazy as _

from comptoir.inventory.constants import ValuationMethod
from comptoir.platform.constants import SettingType
from comptoir.platform.modules import BookCheck, MenuEntry, ModuleSpec, Series, SettingSpec

STOCK_ENTRY_SERIES = "STE"
STOCK_ENTRY_DOCUMENT = "inventory.stockentry"
STOCK_COUNT_SERIES = "STC"
STOCK_COUNT_DOCUMENT = "inventory.stockcount"

WAREHOUSE_CREATED = "inventory.warehouse.created"
WAREHOUSE_UPDATED = "inventory.warehouse.updated"
STOCK_ENTRY_CREATED = "inventory.stock_entry.created"
STOCK_ENTRY_POSTED = "inventory.stock_entry.posted"
STOCK_ENTRY_CANCELLED = "inventory.stock_entry.cancelled"
STOCK_RESERVED = "inventory.reservation.created"
RESERVATION_RELEASED = "inventory.reservation.released"
RESERVATION_CONSUMED = "inventory.reservation.consumed"
RESERVATION_EXPIRED = "inventory.reservation.expired"
STOCK_COUNT_STARTED = "inventory.stock_count.started"
STOCK_COUNT_COMPLETED = "inventory.stock_count.completed"
STOCK_COUNT_CANCELLED = "inventory.stock_count.cancelled"

VALUATION_SETTING = "inventory.valuation_method"
RECEIPT_ACCOUNT_SETTING = "inventory.receipt_account"
ISSUE_ACCOUNT_SETTING = "inventory.issue_account"
ADJUSTMENT_ACCOUNT_SETTING = "inventory.adjustment_account"
NEGATIVE_STOCK_SETTING = "inventory.allow_negative_stock"

_READ = ("inventory.view_*",)
_MOVE = ("inventory.add_stockentry", "inventory.post_stockentry", "inventory.change_stockentry")
_COUNT = ("inventory.add_stockcount", "inventory.change_stockcount", "inventory.complete_stockcount")
_RESERVE = ("inventory.add_stockreservation", "inventory.change_stockreservation")


def _account_code(value) -> None:
    if not value.strip():
        raise ValueError(str(_("An account code is required")))


MODULE = ModuleSpec(
    name="inventory",
    label=_("Inventory"),
    depends_on=("platform", "accounting", "catalog"),
    permissions={
        "inventory.post_stockentry": "Post a stock entry (writes its movements and its journal entry)",
        "inventory.complete_stockcount": "Complete a stock count (posts its differences as adjustments)",
    },
    role_grants={
        "INVENTORY": ("inventory.*",),
        "STOCK_KEEPER": (*_READ, *_MOVE, *_COUNT, *_RESERVE, "inventory.add_stockbatch"),
        "SALES": (*_READ, *_RESERVE),
        "PURCHASING": _READ,
        "ACCOUNTANT": _READ,
    },
    switchable=True,
    default_enabled=True,
    numbering=(
        Series(document_type=STOCK_ENTRY_SERIES, prefix="STE-{year}-"),
        Series(document_type=STOCK_COUNT_SERIES, prefix="STC-{year}-"),
    ),
    settings=(
        SettingSpec(
            VALUATION_SETTING,
            SettingType.STRING,
            default=ValuationMethod.FIFO.value,
            description="How outgoing stock is valued: FIFO or MOVING_AVERAGE",
            choices=tuple(ValuationMethod.values),
        ),
        SettingSpec(
            RECEIPT_ACCOUNT_SETTING,
            SettingType.STRING,
            default="2300",
            description="Account credited by a stock receipt (goods received not invoiced)",
            validator=_account_code,
        ),
        SettingSpec(
            ISSUE_ACCOUNT_SETTING,
            SettingType.STRING,
            default="5000",
            description="Account debited by a stock issue (cost of goods sold)",
            validator=_account_code,
        ),
        SettingSpec(
            ADJUSTMENT_ACCOUNT_SETTING,
            SettingType.STRING,
            default="5100",
            description="Account on the other side of a stock adjustment",
            validator=_account_code,
        ),
        SettingSpec(
            NEGATIVE_STOCK_SETTING,
            SettingType.BOOLEAN,
            default=False,
            description="Whether issues and transfers may take the stock below zero (the shortfall valued at the "
            "last known cost, else the standard cost)",
        ),
    ),
    events=(
        WAREHOUSE_CREATED,
        WAREHOUSE_UPDATED,
        STOCK_ENTRY_CREATED,
        STOCK_ENTRY_POSTED,
        STOCK_ENTRY_CANCELLED,
        STOCK_RESERVED,
        RESERVATION_RELEASED,
        RESERVATION_CONSUMED,
        RESERVATION_EXPIRED,
        STOCK_COUNT_STARTED,
        STOCK_COUNT_COMPLETED,
        STOCK_COUNT_CANCELLED,
    ),
    api=(("/inventory", "comptoir.inventory.api.router"),),
    urls=(("inventory/", "comptoir.inventory.urls"),),
    menu=(
        MenuEntry(_("Stock on hand"), "inventory.view_stockbalance", view="inventory.stock"),
        MenuEntry(_("Stock entries"), "inventory.view_stockentry", view="inventory.stock-entries"),
        MenuEntry(_("Stock counts"), "inventory.view_stockcount", view="inventory.stock-counts"),
        MenuEntry(_("Stock ledger"), "inventory.view_stockmovement", view="inventory.movements"),
        MenuEntry(_("Stock reports"), "inventory.view_stockbalance", url="inventory_reports"),
        MenuEntry(_("Warehouses"), "inventory.view_warehouse", view="inventory.warehouses"),
    ),
    desk="comptoir.inventory.desk.DESK",
    posting_documents=(STOCK_ENTRY_DOCUMENT, STOCK_COUNT_DOCUMENT),
    book_checks=(
        BookCheck(
            check="comptoir.inventory.services.books.check_stock",
            rebuild="comptoir.inventory.services.books.rebuild_stock",
        ),
    ),
)
