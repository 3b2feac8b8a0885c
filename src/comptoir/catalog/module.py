"""The catalogue's declaration (DESIGN §3): categories, products and price lists, switchable per organization."""

from django.utils.translation import gettext_lazy as _

from comptoir.platform.modules import MenuEntry, ModuleSpec

PRODUCT_CREATED = "catalog.product.created"
PRODUCT_UPDATED = "catalog.product.updated"
PRODUCT_STATUS_CHANGED = "catalog.product.status_changed"
PRODUCT_DELETED = "catalog.product.deleted"
PRICE_LIST_CREATED = "catalog.price_list.created"
PRICE_LIST_UPDATED = "catalog.price_list.updated"
PRICES_CHANGED = "catalog.price_list.prices_changed"
PARTY_PRICE_LIST_ASSIGNED = "catalog.party_price_list.assigned"

_READ = ("catalog.view_*",)
_PRODUCTS = ("catalog.add_product", "catalog.change_product", "catalog.add_productcategory")
_PRODUCTS += ("catalog.change_productcategory", "catalog.import_product")
_PRICES = ("catalog.add_pricelist", "catalog.change_pricelist", "catalog.import_prices")
_PRICES += ("catalog.add_partypricelist", "catalog.change_partypricelist", "catalog.delete_partypricelist")

MODULE = ModuleSpec(
    name="catalog",
    label=_("Catalog"),
    depends_on=("platform", "accounting", "parties"),
    permissions={
        "catalog.import_product": "Import products from a CSV or XLSX file",
        "catalog.import_prices": "Import the prices of a price list from a CSV or XLSX file",
    },
    role_grants={
        "INVENTORY": ("catalog.*",),
        "STOCK_KEEPER": (*_READ, *_PRODUCTS),
        "SALES": (*_READ, *_PRICES),
        "PURCHASING": (*_READ, *_PRICES, "catalog.change_product"),
        "ACCOUNTANT": _READ,
    },
    switchable=True,
    default_enabled=True,
    events=(
        PRODUCT_CREATED,
        PRODUCT_UPDATED,
        PRODUCT_STATUS_CHANGED,
        PRODUCT_DELETED,
        PRICE_LIST_CREATED,
        PRICE_LIST_UPDATED,
        PRICES_CHANGED,
        PARTY_PRICE_LIST_ASSIGNED,
    ),
    api=(("/catalog", "comptoir.catalog.api.router"),),
    urls=(("catalog/", "comptoir.catalog.urls"),),
    menu=(
        MenuEntry(_("Products"), "catalog.view_product", view="catalog.products"),
        MenuEntry(_("Product categories"), "catalog.view_productcategory", view="catalog.categories"),
        MenuEntry(_("Price lists"), "catalog.view_pricelist", view="catalog.price-lists"),
        MenuEntry(_("Price lists of parties"), "catalog.view_partypricelist", view="catalog.party-price-lists"),
        MenuEntry(_("Import products and prices"), "catalog.import_product", url="catalog_import"),
    ),
    desk="comptoir.catalog.desk.DESK",
)
