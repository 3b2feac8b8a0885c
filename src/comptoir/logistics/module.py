"""Logistics' declaration (DESIGN §3): carriers, shipments of sales orders and their returns; switchable per
organization. Shipments and returns post to the books (cost of goods sold) through the stock ledger."""

from django.utils.translation import gettext_lazy as _

from comptoir.platform.constants import SettingType
from comptoir.platform.modules import MenuEntry, ModuleSpec, Series, SettingSpec

SHIPMENT_SERIES = "DN"
RETURN_SERIES = "RTN"
SHIPMENT_DOCUMENT = "logistics.shipment"
RETURN_DOCUMENT = "logistics.shipmentreturn"

TOLERANCE_SETTING = "logistics.over_delivery_tolerance_pct"
COGS_ACCOUNT_SETTING = "logistics.cogs_account"

CARRIER_CREATED = "logistics.carrier.created"
CARRIER_UPDATED = "logistics.carrier.updated"
SHIPMENT_CREATED = "logistics.shipment.created"
SHIPMENT_UPDATED = "logistics.shipment.updated"
SHIPMENT_READY = "logistics.shipment.ready"
SHIPMENT_PICKED = "logistics.shipment.picked"
SHIPMENT_DISPATCHED = "logistics.shipment.dispatched"
SHIPMENT_OUT_FOR_DELIVERY = "logistics.shipment.out_for_delivery"
SHIPMENT_DELIVERED = "logistics.shipment.delivered"
SHIPMENT_CANCELLED = "logistics.shipment.cancelled"
SHIPMENT_RETURNED = "logistics.shipment.returned"
RETURN_POSTED = "logistics.return.posted"
RETURN_CREDITED = "logistics.return.credited"
RETURN_CREDIT_CANCELLED = "logistics.return.credit_cancelled"

_SHIP = ("logistics.add_shipment", "logistics.change_shipment", "logistics.dispatch_shipment",
         "logistics.deliver_shipment")  # fmt: skip


def _tolerance(value) -> None:
    if not 0 <= value <= 100:
        raise ValueError(str(_("A tolerance is between 0 and 100 %")))


def _account_code(value) -> None:
    if not str(value).strip():
        raise ValueError(str(_("An account code is required")))


MODULE = ModuleSpec(
    name="logistics",
    label=_("Logistics"),
    depends_on=("platform", "accounting", "parties", "catalog", "inventory", "sales"),
    permissions={
        "logistics.dispatch_shipment": "Dispatch a shipment (posts its stock movements and cost of goods sold)",
        "logistics.deliver_shipment": "Record a shipment's delivery",
        "logistics.return_shipment": "Take back goods of a delivered shipment",
    },
    role_grants={
        "STOCK_KEEPER": ("logistics.*",),
        "INVENTORY": ("logistics.*",),
        "SALES": ("logistics.view_*", *_SHIP),
        "ACCOUNTANT": ("logistics.view_*",),
    },
    switchable=True,
    default_enabled=True,
    numbering=(
        Series(document_type=SHIPMENT_SERIES, prefix="DN-{year}-"),
        Series(document_type=RETURN_SERIES, prefix="RTN-{year}-"),
    ),
    settings=(
        SettingSpec(
            TOLERANCE_SETTING,
            SettingType.NUMBER,
            default=0,
            description="How far (in % of the ordered quantity) a line may be shipped beyond what was ordered",
            validator=_tolerance,
        ),
        SettingSpec(
            COGS_ACCOUNT_SETTING,
            SettingType.STRING,
            default="5000",
            description="Account debited with the cost of the goods a shipment takes out of stock",
            validator=_account_code,
        ),
    ),
    events=(
        CARRIER_CREATED,
        CARRIER_UPDATED,
        SHIPMENT_CREATED,
        SHIPMENT_UPDATED,
        SHIPMENT_READY,
        SHIPMENT_PICKED,
        SHIPMENT_DISPATCHED,
        SHIPMENT_OUT_FOR_DELIVERY,
        SHIPMENT_DELIVERED,
        SHIPMENT_CANCELLED,
        SHIPMENT_RETURNED,
        RETURN_POSTED,
        RETURN_CREDITED,
        RETURN_CREDIT_CANCELLED,
    ),
    api=(("/logistics", "comptoir.logistics.api.router"),),
    menu=(
        MenuEntry(_("Shipments"), "logistics.view_shipment", view="logistics.shipments"),
        MenuEntry(_("Returns"), "logistics.view_shipmentreturn", view="logistics.returns"),
        MenuEntry(_("Carriers"), "logistics.view_carrier", view="logistics.carriers"),
    ),
    desk="comptoir.logistics.desk.DESK",
    posting_documents=(SHIPMENT_DOCUMENT, RETURN_DOCUMENT),
)
