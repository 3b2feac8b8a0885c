"""Purchasing's declaration (DESIGN §3, entities §8): requisitions, purchase orders, goods receipts and supplier
returns, switchable per organization. Receipts and returns post to the books (through the inventory's ledger and
`accounting.services.post_document`); the supplier bill is invoicing's, which reads and writes the billed
quantities through `purchasing.queries.billable_lines` and `purchasing.services.billing`."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from comptoir.platform.constants import SettingType
from comptoir.platform.modules import MenuEntry, ModuleSpec, Series, SettingSpec

REQUISITION_SERIES = "PR"
ORDER_SERIES = "PO"
RECEIPT_SERIES = "GRN"
RETURN_SERIES = "PRT"
RECEIPT_DOCUMENT = "purchasing.goodsreceipt"
RETURN_DOCUMENT = "purchasing.supplierreturn"

APPROVAL_THRESHOLD_SETTING = "purchasing.approval_threshold"
OVER_RECEIPT_SETTING = "purchasing.over_receipt_tolerance_pct"
GRNI_ACCOUNT_SETTING = "purchasing.grni_account"

REQUISITION_CREATED = "purchasing.requisition.created"
REQUISITION_SUBMITTED = "purchasing.requisition.submitted"
REQUISITION_APPROVED = "purchasing.requisition.approved"
REQUISITION_REJECTED = "purchasing.requisition.rejected"
REQUISITION_ORDERED = "purchasing.requisition.ordered"
REQUISITION_CANCELLED = "purchasing.requisition.cancelled"
ORDER_CREATED = "purchasing.order.created"
ORDER_UPDATED = "purchasing.order.updated"
ORDER_SUBMITTED = "purchasing.order.submitted"
ORDER_APPROVED = "purchasing.order.approved"
ORDER_CONFIRMED = "purchasing.order.confirmed"
ORDER_HELD = "purchasing.order.held"
ORDER_RESUMED = "purchasing.order.resumed"
ORDER_CANCELLED = "purchasing.order.cancelled"
ORDER_CLOSED = "purchasing.order.closed"
ORDER_STATUS_CHANGED = "purchasing.order.status_changed"
ORDER_BILLED_QUANTITIES = "purchasing.order.billed_quantities"
RECEIPT_POSTED = "purchasing.receipt.posted"
RECEIPT_CANCELLED = "purchasing.receipt.cancelled"
RETURN_POSTED = "purchasing.return.posted"

_READ = ("purchasing.view_*",)


def _non_negative(value) -> None:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(str(_("A number is required"))) from None
    if number < 0:
        raise ValueError(str(_("must be ≥ 0")))


def _account_code(value) -> None:
    if not str(value).strip():
        raise ValueError(str(_("An account code is required")))


MODULE = ModuleSpec(
    name="purchasing",
    label=_("Purchasing"),
    depends_on=("platform", "accounting", "parties", "catalog", "inventory"),
    permissions={
        "purchasing.approve_purchaseorder": "Approve a purchase order above the approval threshold",
        "purchasing.approve_purchaserequisition": "Approve or reject a purchase requisition",
        "purchasing.receive_purchaseorder": "Receive goods against a purchase order (posts stock and the books)",
        "purchasing.add_supplierreturn": "Return received goods to the supplier",
    },
    role_grants={
        "PURCHASING": ("purchasing.*", "catalog.view_*", "inventory.view_*"),
        "STOCK_KEEPER": (
            *_READ,
            "purchasing.receive_purchaseorder",
            "purchasing.add_goodsreceipt",
            "purchasing.change_goodsreceipt",
            "purchasing.add_supplierreturn",
            "purchasing.add_purchaserequisition",
            "purchasing.change_purchaserequisition",
        ),
        "ACCOUNTANT": (*_READ, "purchasing.change_purchaseorder"),
    },
    switchable=True,
    default_enabled=True,
    numbering=(
        Series(document_type=REQUISITION_SERIES, prefix="PR-{year}-"),
        Series(document_type=ORDER_SERIES, prefix="PO-{year}-"),
        Series(document_type=RECEIPT_SERIES, prefix="GRN-{year}-"),
        Series(document_type=RETURN_SERIES, prefix="PRT-{year}-"),
    ),
    settings=(
        SettingSpec(
            APPROVAL_THRESHOLD_SETTING,
            SettingType.NUMBER,
            default=5000,
            description="Purchase orders whose total (base currency) is above this need approval before confirming",
            validator=_non_negative,
        ),
        SettingSpec(
            OVER_RECEIPT_SETTING,
            SettingType.NUMBER,
            default=0,
            description="How much more than ordered a line may receive, in percent of its quantity",
            validator=_non_negative,
        ),
        SettingSpec(
            GRNI_ACCOUNT_SETTING,
            SettingType.STRING,
            default="2300",
            description="Account credited by a goods receipt (goods received not billed)",
            validator=_account_code,
        ),
    ),
    events=(
        REQUISITION_CREATED,
        REQUISITION_SUBMITTED,
        REQUISITION_APPROVED,
        REQUISITION_REJECTED,
        REQUISITION_ORDERED,
        REQUISITION_CANCELLED,
        ORDER_CREATED,
        ORDER_UPDATED,
        ORDER_SUBMITTED,
        ORDER_APPROVED,
        ORDER_CONFIRMED,
        ORDER_HELD,
        ORDER_RESUMED,
        ORDER_CANCELLED,
        ORDER_CLOSED,
        ORDER_STATUS_CHANGED,
        ORDER_BILLED_QUANTITIES,
        RECEIPT_POSTED,
        RECEIPT_CANCELLED,
        RETURN_POSTED,
    ),
    api=(("/purchasing", "comptoir.purchasing.api.router"),),
    menu=(
        MenuEntry(_("Purchasing"), "purchasing.view_purchaseorder", url="purchasing-dashboard"),
        MenuEntry(_("Requisitions"), "purchasing.view_purchaserequisition", view="purchasing.requisitions"),
        MenuEntry(_("Purchase orders"), "purchasing.view_purchaseorder", view="purchasing.orders"),
        MenuEntry(_("Goods receipts"), "purchasing.view_goodsreceipt", view="purchasing.receipts"),
        MenuEntry(_("Supplier returns"), "purchasing.view_supplierreturn", view="purchasing.returns"),
    ),
    urls=(("purchasing/", "comptoir.purchasing.urls"),),
    desk="comptoir.purchasing.desk.DESK",
    posting_documents=(RECEIPT_DOCUMENT, RETURN_DOCUMENT),
)
