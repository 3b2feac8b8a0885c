"""The catalogue in the desk (DESIGN §9): products (list with the API's filters, detail, create and edit,
deactivate, activate, discontinue), categories as a tree, price lists with their item prices, a quick-search source
for products (code, SKU, barcode, name) that also serves the product pickers. Forms parse the API's input schemas
and call what the API calls. The import page is purpose-built (catalog/pages/transfer.py)."""

from __future__ import annotations

import uuid

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Field as SchemaField
from ninja import Schema

from comptoir.accounting.queries.taxes import tax_rates
from comptoir.catalog.constants import PriceListKind, ProductStatus, ProductType
from comptoir.catalog.queries import products as queries
from comptoir.catalog.schemas import (
    CategoryFilters,
    CategoryIn,
    CategoryPatch,
    PartyPriceListFilters,
    PartyPriceListIn,
    PriceIn,
    PriceListFilters,
    PriceListIn,
    PriceListPatch,
    PricePatch,
    ProductFilters,
    ProductIn,
    ProductPatch,
)
from comptoir.catalog.services import categories, pricing, products
from comptoir.desk.declarations import (
    Action,
    Choice,
    Column,
    Desk,
    DeskView,
    Field,
    FormSpec,
    LineTable,
    SearchHit,
    SearchSource,
    choices_of,
)
from comptoir.desk.registry import record_url
from comptoir.platform.queries.core import units

PRODUCTS = "catalog.products"
PARTIES = "parties.parties"  # the parties module's picker


# --- search and pickers -------------------------------------------------------------------------------------------


def find_products(query: str, limit: int) -> list[SearchHit]:
    """Live products whose code, SKU or barcode starts with the query, or whose name contains it."""
    rows = queries.products(search=query).order_by("code")[:limit]
    return [
        SearchHit(
            _("Product"),
            f"{p.code} {p.name}",
            " · ".join(x for x in (p.sku or "", p.barcode, str(p.get_status_display())) if x),
            record_url("catalog", "products", p.pk),
            p.code,
        )
        for p in rows
    ]


def _unit_choices() -> list[Choice]:
    return [Choice(u.symbol, f"{u.symbol} · {u.name}") for u in units()]


def _category_choices() -> list[Choice]:
    rows = queries.categories(is_active=True)
    return [Choice(c.code or str(c.pk), f"{'— ' * c.depth}{c.name}") for c in rows]


def _tax_choices() -> list[Choice]:
    return [Choice(t.code, f"{t.code} · {t.name}") for t in tax_rates(is_active=True).order_by("code")]


# --- products -----------------------------------------------------------------------------------------------------


def _product_body(data: dict) -> dict:
    """The desk's comma-separated tags as the API's list."""
    if "tags" in data:
        data = {**data, "tags": [t.strip() for t in str(data["tags"]).split(",") if t.strip()]}
    return data


PRODUCT_FIELDS = (
    Field("code", _("Code"), required=True),
    Field("name", _("Name"), required=True, wide=True),
    Field("type", _("Type"), widget="select", required=True, choices=choices_of(ProductType)),
    Field("uom", _("Unit of measure"), widget="select", required=True, choices=_unit_choices),
    Field("category", _("Category"), widget="select", choices=_category_choices),
    Field("sku", _("SKU")),
    Field("barcode", _("Barcode")),
    Field("list_price", _("List price"), widget="decimal"),
    Field("standard_cost", _("Standard cost"), widget="decimal"),
    Field("currency", _("Currency"), help=_("ISO code; empty: the base currency.")),
    Field("tax_rate", _("Tax rate"), widget="select", choices=_tax_choices),
    Field("vat_included", _("Price includes VAT"), widget="checkbox"),
    Field(
        "track_inventory",
        _("Track stock"),
        widget="checkbox",
        help=_("Services and digital products never track stock."),
    ),
    Field("min_stock_level", _("Minimum stock"), widget="decimal"),
    Field("max_stock_level", _("Maximum stock"), widget="decimal"),
    Field("reorder_point", _("Reorder point"), widget="decimal"),
    Field("reorder_quantity", _("Reorder quantity"), widget="decimal"),
    Field("weight", _("Weight (kg)"), widget="decimal"),
    Field("lead_time_days", _("Lead time (days)"), widget="number"),
    Field("default_supplier", _("Default supplier"), widget="picker", picker=PARTIES),
    Field("tags", _("Tags"), help=_("Separated by commas.")),
    Field("description", _("Description"), widget="textarea", wide=True),
)


def _product_initial(p) -> dict:
    if p is None:
        return {"type": ProductType.PRODUCT, "uom": "pcs", "track_inventory": True, "vat_included": True}
    references = ("uom", "category", "tax_rate", "default_supplier")
    values = {f.name: getattr(p, f.name) for f in PRODUCT_FIELDS if f.name not in references}
    return {
        **{k: ("" if v is None else v) for k, v in values.items()},
        "uom": p.uom.symbol,
        "category": (p.category.code or str(p.category_id)) if p.category_id else "",
        "tax_rate": p.tax_rate.code if p.tax_rate_id else "",
        "default_supplier": p.default_supplier.party_number if p.default_supplier_id else "",
        "currency": p.currency.code,
        "tags": ", ".join(p.tags),
    }


products_view = DeskView(
    slug="products",
    label=_("Products"),
    singular=_("product"),
    model="catalog.product",
    permission="catalog.view_product",
    query=queries.products,
    get=queries.access_product,
    filters=ProductFilters,
    filter_labels={
        "search": _("Code, SKU, barcode or name"),
        "type": _("Type"),
        "status": _("Status"),
        "category": _("Category (code)"),
        "track_inventory": _("Tracks stock"),
        "tag": _("Tag"),
        "barcode": _("Barcode"),
        "supplier": _("Default supplier (number)"),
    },
    columns=(
        Column("code", _("Code"), sort="code"),
        Column("name", _("Name"), sort="name"),
        Column("type", _("Type"), kind="choice"),
        Column("category.name", _("Category")),
        Column("uom.symbol", _("Unit")),
        Column("list_price", _("List price"), kind="amount", currency="currency.code", sort="list_price"),
        Column("status", _("Status"), kind="badge"),
        Column("sku", _("SKU"), default=False),
        Column("barcode", _("Barcode"), default=False),
        Column("standard_cost", _("Standard cost"), kind="amount", currency="currency.code", default=False),
        Column("track_inventory", _("Tracks stock"), kind="bool", default=False),
    ),
    ordering=("code",),
    title=lambda p: f"{p.code} {p.name}",
    status="status",
    header=(
        Column("type", _("Type"), kind="choice"),
        Column("category.name", _("Category")),
        Column("sku", _("SKU")),
        Column("barcode", _("Barcode")),
        Column("uom.name", _("Unit of measure")),
        Column("list_price", _("List price"), kind="amount", currency="currency.code"),
        Column("standard_cost", _("Standard cost"), kind="amount", currency="currency.code"),
        Column("margin", _("Margin"), kind="amount", currency="currency.code"),
        Column("tax_rate.code", _("Tax rate")),
        Column("vat_included", _("Price includes VAT"), kind="bool"),
        Column("track_inventory", _("Tracks stock"), kind="bool"),
        Column("min_stock_level", _("Minimum stock"), kind="number"),
        Column("max_stock_level", _("Maximum stock"), kind="number"),
        Column("reorder_point", _("Reorder point"), kind="number"),
        Column("reorder_quantity", _("Reorder quantity"), kind="number"),
        Column("weight", _("Weight (kg)"), kind="number"),
        Column("lead_time_days", _("Lead time (days)"), kind="number"),
        Column("default_supplier.name", _("Default supplier")),
        Column("tag_list", _("Tags")),
        Column("description", _("Description")),
    ),
    lines=LineTable(
        label=_("Prices"),
        rows=lambda p: list(queries.product_prices(p.pk)),
        columns=(
            Column("price_list.name", _("Price list")),
            Column("price_list.kind", _("Kind"), kind="choice"),
            Column("min_quantity", _("From quantity"), kind="number"),
            Column("rate", _("Price"), kind="amount", currency="price_list.currency.code"),
            Column("valid_from", _("Valid from"), kind="date"),
            Column("valid_to", _("Valid to"), kind="date"),
        ),
    ),
    create=FormSpec(
        schema=ProductIn,
        fields=PRODUCT_FIELDS,
        permission="catalog.add_product",
        prepare=_product_body,
        initial=_product_initial,
        save=lambda actor, body, obj: products.create_product(
            actor=actor.user, data=products.ProductInput(**body.input_values())
        ),
    ),
    edit=FormSpec(
        schema=ProductPatch,
        fields=PRODUCT_FIELDS,
        permission="catalog.change_product",
        prepare=_product_body,
        initial=_product_initial,
        save=lambda actor, body, obj: products.update_product(
            actor=actor.user, product_id=obj.pk, changes=products.ProductPatch(**body.patch_values())
        ),
    ),
    edit_when=lambda p: p.status != ProductStatus.DISCONTINUED,
    actions=(
        Action(
            "deactivate",
            _("Deactivate"),
            "catalog.change_product",
            run=lambda actor, obj, body: products.deactivate_product(actor=actor.user, product_id=obj.pk),
            when=lambda p: p.status == ProductStatus.ACTIVE,
            bulk=True,
        ),
        Action(
            "activate",
            _("Activate"),
            "catalog.change_product",
            run=lambda actor, obj, body: products.activate_product(actor=actor.user, product_id=obj.pk),
            when=lambda p: p.status == ProductStatus.INACTIVE,
        ),
        Action(
            "discontinue",
            _("Discontinue"),
            "catalog.change_product",
            run=lambda actor, obj, body: products.discontinue_product(actor=actor.user, product_id=obj.pk),
            when=lambda p: p.status != ProductStatus.DISCONTINUED,
            confirm=_("Discontinue this product for good?"),
            style="danger",
        ),
    ),
    related=lambda p: [(_("Import products and prices"), reverse("catalog_import"))],
    empty=_("No product yet: create one, or import them from a CSV or XLSX file."),
    export_name="products",
)


# --- categories ---------------------------------------------------------------------------------------------------


def _indented(rows: list) -> list:
    """Each category's name shifted by its depth in the tree."""
    for row in rows:
        row.tree_name = f"{'— ' * row.depth}{row.name}"
    return rows


CATEGORY_FIELDS = (
    Field("name", _("Name"), required=True),
    Field("code", _("Code")),
    Field("parent", _("Parent category"), widget="select", choices=_category_choices),
    Field("sort_order", _("Sort order"), widget="number"),
    Field("description", _("Description"), widget="textarea", wide=True),
)


def _set_active(actor, category, active: bool):
    changes = categories.CategoryPatch(is_active=active)
    return categories.update_category(actor=actor.user, category_id=category.pk, changes=changes)


categories_view = DeskView(
    slug="categories",
    label=_("Product categories"),
    singular=_("product category"),
    model="catalog.productcategory",
    permission="catalog.view_productcategory",
    query=queries.categories,
    get=queries.access_category,
    filters=CategoryFilters,
    filter_labels={"search": _("Code or name"), "parent": _("Parent (code)"), "is_active": _("Active")},
    prepare=_indented,
    columns=(
        Column("tree_name", _("Name")),
        Column("code", _("Code"), sort="code"),
        Column("product_count", _("Products"), kind="number"),
        Column("is_active", _("Active"), kind="bool"),
    ),
    ordering=("path",),
    title=lambda c: str(c),
    header=(
        Column("code", _("Code")),
        Column("name", _("Name")),
        Column("parent.name", _("Parent category")),
        Column("product_count", _("Products"), kind="number"),
        Column("is_active", _("Active"), kind="bool"),
        Column("description", _("Description")),
    ),
    create=FormSpec(
        schema=CategoryIn,
        fields=CATEGORY_FIELDS,
        permission="catalog.add_productcategory",
        save=lambda actor, body, obj: categories.create_category(
            actor=actor.user, data=categories.CategoryInput(**body.dict())
        ),
    ),
    edit=FormSpec(
        schema=CategoryPatch,
        fields=CATEGORY_FIELDS,
        permission="catalog.change_productcategory",
        initial=lambda c: {
            "name": c.name,
            "code": c.code or "",
            "parent": (c.parent.code or str(c.parent_id)) if c.parent_id else "",
            "sort_order": c.sort_order,
            "description": c.description,
        },
        save=lambda actor, body, obj: categories.update_category(
            actor=actor.user, category_id=obj.pk, changes=categories.CategoryPatch.from_schema(body)
        ),
    ),
    actions=(
        Action(
            "deactivate",
            _("Deactivate"),
            "catalog.change_productcategory",
            run=lambda actor, obj, body: _set_active(actor, obj, False),
            when=lambda c: c.is_active,
        ),
        Action(
            "activate",
            _("Activate"),
            "catalog.change_productcategory",
            run=lambda actor, obj, body: _set_active(actor, obj, True),
            when=lambda c: not c.is_active,
        ),
    ),
    related=lambda c: (
        [(_("Products of this category"), f"{reverse('desk:list', args=('catalog', 'products'))}?category={c.code}")]
        if c.code
        else []
    ),
    empty=_("No category yet: create the first one."),
    export_name="product-categories",
)


# --- price lists --------------------------------------------------------------------------------------------------


def _add_price(actor, price_list, body):
    pricing.add_price(actor=actor.user, price_list_id=price_list.pk, data=pricing.PriceInput(**body.dict()))
    return price_list


price_lists_view = DeskView(
    slug="price-lists",
    label=_("Price lists"),
    singular=_("price list"),
    model="catalog.pricelist",
    permission="catalog.view_pricelist",
    query=queries.price_lists,
    get=queries.access_price_list,
    filters=PriceListFilters,
    filter_labels={
        "kind": _("Kind"),
        "currency": _("Currency"),
        "is_active": _("Active"),
        "is_default": _("Default"),
        "on_date": _("Valid on"),
    },
    columns=(
        Column("name", _("Name"), sort="name"),
        Column("kind", _("Kind"), kind="choice"),
        Column("currency.code", _("Currency")),
        Column("is_default", _("Default"), kind="bool"),
        Column("valid_from", _("Valid from"), kind="date", sort="valid_from"),
        Column("valid_to", _("Valid to"), kind="date"),
        Column("item_count", _("Prices"), kind="number"),
        Column("is_active", _("Active"), kind="bool"),
    ),
    ordering=("name",),
    title=lambda p: p.name,
    header=(
        Column("kind", _("Kind"), kind="choice"),
        Column("currency.code", _("Currency")),
        Column("is_default", _("Default"), kind="bool"),
        Column("is_active", _("Active"), kind="bool"),
        Column("valid_from", _("Valid from"), kind="date"),
        Column("valid_to", _("Valid to"), kind="date"),
        Column("description", _("Description")),
    ),
    lines=LineTable(
        label=_("Prices"),
        rows=lambda p: list(queries.price_list_items(p.pk).select_related("price_list__currency")),
        link="catalog.prices",
        columns=(
            Column("product.code", _("Code")),
            Column("product.name", _("Product")),
            Column("min_quantity", _("From quantity"), kind="number"),
            Column("rate", _("Price"), kind="amount", currency="price_list.currency.code"),
            Column("valid_from", _("Valid from"), kind="date"),
            Column("valid_to", _("Valid to"), kind="date"),
        ),
    ),
    create=FormSpec(
        schema=PriceListIn,
        fields=(
            Field("name", _("Name"), required=True),
            Field("kind", _("Kind"), widget="select", required=True, choices=choices_of(PriceListKind)),
            Field("currency", _("Currency"), help=_("ISO code; empty: the base currency.")),
            Field("valid_from", _("Valid from"), widget="date", required=True),
            Field("valid_to", _("Valid to"), widget="date"),
            Field("is_default", _("Default list of its kind and currency"), widget="checkbox"),
            Field("description", _("Description"), widget="textarea", wide=True),
        ),
        permission="catalog.add_pricelist",
        initial=lambda p: {"kind": PriceListKind.SELLING},
        save=lambda actor, body, obj: pricing.create_price_list(
            actor=actor.user, data=pricing.PriceListInput(**body.dict())
        ),
    ),
    edit=FormSpec(
        schema=PriceListPatch,
        fields=(
            Field("name", _("Name"), required=True),
            Field("valid_from", _("Valid from"), widget="date", required=True),
            Field("valid_to", _("Valid to"), widget="date"),
            Field("is_default", _("Default list of its kind and currency"), widget="checkbox"),
            Field("is_active", _("Active"), widget="checkbox"),
            Field("description", _("Description"), widget="textarea", wide=True),
        ),
        permission="catalog.change_pricelist",
        initial=lambda p: {
            "name": p.name,
            "valid_from": p.valid_from.isoformat(),
            "valid_to": p.valid_to.isoformat() if p.valid_to else "",
            "is_default": p.is_default,
            "is_active": p.is_active,
            "description": p.description,
        },
        save=lambda actor, body, obj: pricing.update_price_list(
            actor=actor.user, price_list_id=obj.pk, changes=pricing.PriceListPatch.from_schema(body)
        ),
    ),
    actions=(
        Action(
            "add-price",
            _("Add a price"),
            "catalog.change_pricelist",
            run=_add_price,
            fields=(
                Field("product", _("Product"), widget="picker", picker=PRODUCTS, required=True),
                Field("rate", _("Price"), widget="decimal", required=True),
                Field("min_quantity", _("From quantity"), widget="decimal"),
                Field("valid_from", _("Valid from"), widget="date"),
                Field("valid_to", _("Valid to"), widget="date"),
            ),
            schema=PriceIn,
            initial=lambda p: {"min_quantity": "1", "valid_from": p.valid_from.isoformat()},
        ),
    ),
    related=lambda p: [(_("Import prices into this list"), f"{reverse('catalog_import')}?price_list={p.pk}")],
    empty=_("No price list yet: create a selling or a buying list."),
    export_name="price-lists",
)


class PriceRowFilters(Schema):
    price_list: uuid.UUID | None = None
    product: str | None = SchemaField(None, description="id or code")


prices_view = DeskView(
    slug="prices",
    label=_("Prices"),
    singular=_("price"),
    model="catalog.pricelistitem",
    permission="catalog.view_pricelist",
    query=queries.prices,
    get=queries.access_price,
    filters=PriceRowFilters,
    filter_labels={"product": _("Product (code)")},
    columns=(
        Column("product.code", _("Code"), sort="product__code", link=True),
        Column("product.name", _("Product")),
        Column("price_list.name", _("Price list"), sort="price_list__name"),
        Column("min_quantity", _("From quantity"), kind="number"),
        Column("rate", _("Price"), kind="amount", currency="price_list.currency.code"),
        Column("valid_from", _("Valid from"), kind="date", sort="valid_from"),
        Column("valid_to", _("Valid to"), kind="date"),
    ),
    ordering=("product__code", "min_quantity"),
    title=lambda i: f"{i.product.code} · {i.price_list.name}",
    header=(
        Column("product.name", _("Product")),
        Column("price_list.name", _("Price list")),
        Column("min_quantity", _("From quantity"), kind="number"),
        Column("rate", _("Price"), kind="amount", currency="price_list.currency.code"),
        Column("valid_from", _("Valid from"), kind="date"),
        Column("valid_to", _("Valid to"), kind="date"),
    ),
    edit=FormSpec(
        schema=PricePatch,
        fields=(
            Field("rate", _("Price"), widget="decimal", required=True),
            Field("valid_to", _("Valid to"), widget="date", help=_("Empty: valid until further notice.")),
        ),
        permission="catalog.change_pricelist",
        initial=lambda i: {"rate": i.rate, "valid_to": i.valid_to.isoformat() if i.valid_to else ""},
        save=lambda actor, body, obj: pricing.update_price(
            actor=actor.user,
            price_list_id=obj.price_list_id,
            item_id=obj.pk,
            changes=pricing.PricePatch.from_schema(body),
        ),
    ),
    actions=(
        Action(
            "delete",
            _("Remove"),
            "catalog.change_pricelist",
            run=lambda actor, obj, body: pricing.remove_price(
                actor=actor.user, price_list_id=obj.price_list_id, item_id=obj.pk
            ),
            confirm=_("Remove this price from its list?"),
            style="danger",
            removes=True,
        ),
    ),
    related=lambda i: [
        (_("The price list"), record_url("catalog", "price-lists", i.price_list_id)),
        (_("The product"), record_url("catalog", "products", i.product_id)),
    ],
    empty=_("No price yet: add prices from a price list's page."),
    export_name="prices",
)


def _price_list_choices() -> list[Choice]:
    rows = queries.price_lists(is_active=True)
    return [Choice(p.name, f"{p.name} · {p.get_kind_display()} · {p.currency.code}") for p in rows]


party_price_lists_view = DeskView(
    slug="party-price-lists",
    label=_("Price lists of parties"),
    singular=_("price list of a party"),
    model="catalog.partypricelist",
    permission="catalog.view_partypricelist",
    query=queries.party_price_lists,
    get=queries.access_party_price_list,
    filters=PartyPriceListFilters,
    filter_labels={"party": _("Party (number)"), "kind": _("Kind"), "price_list": _("Price list")},
    columns=(
        Column("party.name", _("Party"), sort="party__name"),
        Column("kind", _("Kind"), kind="choice", sort="kind"),
        Column("price_list.name", _("Price list")),
        Column("price_list.currency.code", _("Currency")),
    ),
    ordering=("party__name", "kind"),
    title=lambda a: f"{a.party.name} · {a.get_kind_display()}",
    header=(
        Column("party.name", _("Party")),
        Column("kind", _("Kind"), kind="choice"),
        Column("price_list.name", _("Price list")),
        Column("price_list.currency.code", _("Currency")),
    ),
    create=FormSpec(
        schema=PartyPriceListIn,
        fields=(
            Field("party", _("Party"), widget="picker", picker=PARTIES, required=True),
            Field("kind", _("Kind"), widget="select", required=True, choices=choices_of(PriceListKind)),
            Field("price_list", _("Price list"), widget="select", required=True, choices=_price_list_choices),
        ),
        permission="catalog.change_partypricelist",
        initial=lambda a: {"kind": PriceListKind.SELLING},
        save=lambda actor, body, obj: pricing.assign_price_list(
            actor=actor.user, data=pricing.PartyPriceListInput(**body.dict())
        ),
    ),
    related=lambda a: [(_("The price list"), record_url("catalog", "price-lists", a.price_list_id))],
    empty=_("No party has its own price list: they are all priced by the default lists."),
    export_name="party-price-lists",
)


DESK = Desk(
    views=(products_view, categories_view, price_lists_view, prices_view, party_price_lists_view),
    search=(SearchSource(PRODUCTS.split(".")[1], _("Products"), "catalog.view_product", find_products),),
)
