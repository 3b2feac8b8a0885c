"""The catalogue API at /api/v1/catalog. Thin: parse, authorise, call a service or a query, serialise."""

from __future__ import annotations

import uuid

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from comptoir.catalog.queries import pricing
from comptoir.catalog.queries import products as queries
from comptoir.catalog.queries.refs import resolve_product, resolve_trading_party
from comptoir.catalog.schemas import (
    CategoryFilters,
    CategoryIn,
    CategoryOut,
    CategoryPage,
    CategoryPatch,
    ImportReportOut,
    PartyPriceListFilters,
    PartyPriceListIn,
    PartyPriceListOut,
    PartyPriceListPage,
    PriceFilters,
    PriceIn,
    PriceListFilters,
    PriceListIn,
    PriceListOut,
    PriceListPage,
    PriceListPatch,
    PriceOut,
    PricePage,
    PricePatch,
    ProductFilters,
    ProductIn,
    ProductOut,
    ProductPage,
    ProductPatch,
    ReasonIn,
    ResolvedPriceOut,
    ResolveParams,
)
from comptoir.catalog.services import categories, products, transfer
from comptoir.catalog.services import pricing as price_services
from comptoir.platform.access import authorize
from comptoir.platform.errors import ValidationFailed
from comptoir.platform.exports import ExportParams, audit_export, export_response, list_or_export
from comptoir.platform.pagination import PageParams
from comptoir.platform.services.features import ModuleGuard

router = Router(tags=["catalog"], auth=ModuleGuard("catalog"))


# --- categories ---------------------------------------------------------------------------------------------------


@router.get("/categories", response=CategoryPage)
def list_categories(request, page: Query[PageParams], export: Query[ExportParams], filters: Query[CategoryFilters]):
    """The live categories, in tree order (a parent before its children)."""
    authorize(request, "catalog.view_productcategory")
    return list_or_export(
        request,
        queries.categories(**filters.dict()),
        page,
        export,
        allowed_ordering={"path", "name", "code"},
        default_ordering=["path"],
        schema=CategoryOut,
        filename="product-categories",
    )


@router.post("/categories", response={201: CategoryOut})
def create_category(request, body: CategoryIn):
    """A category under `parent`, or a root."""
    actor = authorize(request, "catalog.add_productcategory")
    row = categories.create_category(actor=actor.user, data=categories.CategoryInput(**body.dict()))
    return Status(201, queries.access_category(row.pk))


@router.get("/categories/{category_id}", response=CategoryOut)
def get_category(request, category_id: uuid.UUID):
    """One category."""
    authorize(request, "catalog.view_productcategory")
    return queries.access_category(category_id)


@router.patch("/categories/{category_id}", response=CategoryOut)
def update_category(request, category_id: uuid.UUID, body: CategoryPatch):
    """Change the fields sent; a move under itself or a descendant is refused (`cycle`)."""
    actor = authorize(request, "catalog.change_productcategory")
    queries.access_category(category_id)
    changes = categories.CategoryPatch.from_schema(body)
    categories.update_category(actor=actor.user, category_id=category_id, changes=changes)
    return queries.access_category(category_id)


@router.delete("/categories/{category_id}", response={204: None})
def delete_category(request, category_id: uuid.UUID):
    """Delete an empty category (no live sub-category, no live product)."""
    actor = authorize(request, "catalog.delete_productcategory")
    queries.access_category(category_id)
    categories.delete_category(actor=actor.user, category_id=category_id)
    return Status(204, None)


# --- products -----------------------------------------------------------------------------------------------------


@router.get("/products", response=ProductPage)
def list_products(request, page: Query[PageParams], export: Query[ExportParams], filters: Query[ProductFilters]):
    """The live products; `?format=csv|xlsx` exports the filtered list."""
    authorize(request, "catalog.view_product")
    return list_or_export(
        request,
        queries.products(**filters.dict()),
        page,
        export,
        allowed_ordering={"code", "name", "list_price", "created_at"},
        default_ordering=["code"],
        schema=ProductOut,
        filename="products",
    )


@router.post("/products", response={201: ProductOut})
def create_product(request, body: ProductIn):
    """A new active product."""
    actor = authorize(request, "catalog.add_product")
    row = products.create_product(actor=actor.user, data=products.ProductInput(**body.input_values()))
    return Status(201, queries.access_product(row.pk))


_UPLOAD = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary", "description": "CSV or XLSX"}},
                }
            }
        }
    }
}


def _upload(request) -> tuple[bytes, str]:
    """The bytes and name of the multipart part `file`."""
    upload = request.FILES.get("file")
    if upload is None:
        raise ValidationFailed(_("Send the file as the multipart part `file`"), code="required", field="file")
    if upload.size > transfer.MAX_BYTES:
        raise ValidationFailed(_("The file is too large"), code="too_large", field="file")
    return upload.read(), upload.name or ""


@router.get("/products/export")
def export_products(request, export: Query[ExportParams]):
    """The live products as CSV (the default) or XLSX, in the columns the import reads."""
    authorize(request, "catalog.view_product")
    format = export.format or "csv"
    response = export_response(transfer.product_rows(), transfer.PRODUCT_EXPORT, "products", format)
    audit_export(request, format=format, object_type="catalog.product", columns="import")
    return response


@router.post("/products/import", response=ImportReportOut, openapi_extra=_UPLOAD)
def import_products(request, dry_run: bool = False):
    """Create or update products from a CSV or XLSX file, all or nothing (422 with each refused row's errors as
    `rows[i].<column>`); `?dry_run=true` reports every row and writes nothing."""
    actor = authorize(request, "catalog.import_product")
    content, name = _upload(request)
    return transfer.import_products(actor=actor.user, content=content, filename=name, dry_run=dry_run)


@router.get("/products/by-barcode/{barcode}", response=ProductOut)
def product_by_barcode(request, barcode: str):
    """The product carrying a barcode (a scanner's lookup)."""
    authorize(request, "catalog.view_product")
    return queries.product_by_barcode(barcode)


@router.get("/products/{product_id}", response=ProductOut)
def get_product(request, product_id: uuid.UUID):
    """One product."""
    authorize(request, "catalog.view_product")
    return queries.access_product(product_id)


@router.patch("/products/{product_id}", response=ProductOut)
def update_product(request, product_id: uuid.UUID, body: ProductPatch):
    """Change the fields sent of a product that is not discontinued."""
    actor = authorize(request, "catalog.change_product")
    queries.access_product(product_id)
    changes = products.ProductPatch(**body.patch_values())
    products.update_product(actor=actor.user, product_id=product_id, changes=changes)
    return queries.access_product(product_id)


@router.delete("/products/{product_id}", response={204: None})
def delete_product(request, product_id: uuid.UUID):
    """Delete a product: it is marked deleted, never removed (documents and prices keep pointing to it)."""
    actor = authorize(request, "catalog.delete_product")
    queries.access_product(product_id)
    products.delete_product(actor=actor.user, product_id=product_id)
    return Status(204, None)


@router.post("/products/{product_id}/deactivate", response=ProductOut)
def deactivate_product(request, product_id: uuid.UUID, body: ReasonIn | None = None):
    """Deactivate a product: kept on documents, offered on no new one."""
    actor = authorize(request, "catalog.change_product")
    queries.access_product(product_id)
    products.deactivate_product(actor=actor.user, product_id=product_id, reason=body.reason if body else "")
    return queries.access_product(product_id)


@router.post("/products/{product_id}/activate", response=ProductOut)
def activate_product(request, product_id: uuid.UUID):
    """Reactivate an inactive product."""
    actor = authorize(request, "catalog.change_product")
    queries.access_product(product_id)
    products.activate_product(actor=actor.user, product_id=product_id)
    return queries.access_product(product_id)


@router.post("/products/{product_id}/discontinue", response=ProductOut)
def discontinue_product(request, product_id: uuid.UUID, body: ReasonIn | None = None):
    """Discontinue a product for good."""
    actor = authorize(request, "catalog.change_product")
    queries.access_product(product_id)
    products.discontinue_product(actor=actor.user, product_id=product_id, reason=body.reason if body else "")
    return queries.access_product(product_id)


# --- price lists and prices ---------------------------------------------------------------------------------------


@router.get("/price-lists", response=PriceListPage)
def list_price_lists(request, page: Query[PageParams], export: Query[ExportParams], filters: Query[PriceListFilters]):
    """The live price lists, selling and buying."""
    authorize(request, "catalog.view_pricelist")
    return list_or_export(
        request,
        queries.price_lists(**filters.dict()),
        page,
        export,
        allowed_ordering={"name", "valid_from"},
        default_ordering=["name"],
        schema=PriceListOut,
        filename="price-lists",
    )


@router.post("/price-lists", response={201: PriceListOut})
def create_price_list(request, body: PriceListIn):
    """A selling or buying price list in one currency; at most one active default per kind and currency."""
    actor = authorize(request, "catalog.add_pricelist")
    row = price_services.create_price_list(actor=actor.user, data=price_services.PriceListInput(**body.dict()))
    return Status(201, queries.access_price_list(row.pk))


@router.get("/price-lists/{price_list_id}", response=PriceListOut)
def get_price_list(request, price_list_id: uuid.UUID):
    """One price list."""
    authorize(request, "catalog.view_pricelist")
    return queries.access_price_list(price_list_id)


@router.patch("/price-lists/{price_list_id}", response=PriceListOut)
def update_price_list(request, price_list_id: uuid.UUID, body: PriceListPatch):
    """Change the fields sent; kind and currency are fixed."""
    actor = authorize(request, "catalog.change_pricelist")
    queries.access_price_list(price_list_id)
    changes = price_services.PriceListPatch.from_schema(body)
    price_services.update_price_list(actor=actor.user, price_list_id=price_list_id, changes=changes)
    return queries.access_price_list(price_list_id)


@router.delete("/price-lists/{price_list_id}", response={204: None})
def delete_price_list(request, price_list_id: uuid.UUID):
    """Delete a price list: it is no longer used to resolve prices."""
    actor = authorize(request, "catalog.delete_pricelist")
    queries.access_price_list(price_list_id)
    price_services.delete_price_list(actor=actor.user, price_list_id=price_list_id)
    return Status(204, None)


@router.get("/price-lists/{price_list_id}/items", response=PricePage)
def list_prices(
    request,
    price_list_id: uuid.UUID,
    page: Query[PageParams],
    export: Query[ExportParams],
    filters: Query[PriceFilters],
):
    """The item prices of a list."""
    authorize(request, "catalog.view_pricelist")
    return list_or_export(
        request,
        queries.price_list_items(price_list_id, **filters.dict()),
        page,
        export,
        allowed_ordering={"product__code", "valid_from", "min_quantity"},
        default_ordering=["product__code", "min_quantity", "valid_from"],
        schema=PriceOut,
        filename="prices",
    )


@router.get("/price-lists/{price_list_id}/items/export")
def export_prices(request, price_list_id: uuid.UUID, export: Query[ExportParams]):
    """The prices of a list as CSV (the default) or XLSX, in the columns the import reads."""
    authorize(request, "catalog.view_pricelist")
    format = export.format or "csv"
    rows = queries.price_list_items(price_list_id)
    response = export_response(rows, transfer.PRICE_EXPORT, "prices", format)
    audit_export(request, format=format, object_type="catalog.pricelistitem", price_list=str(price_list_id))
    return response


@router.post("/price-lists/{price_list_id}/items/import", response=ImportReportOut, openapi_extra=_UPLOAD)
def import_prices(request, price_list_id: uuid.UUID, dry_run: bool = False):
    """Add or update the prices of a list from a CSV or XLSX file, all or nothing; `?dry_run=true` only reports."""
    actor = authorize(request, "catalog.import_prices")
    queries.access_price_list(price_list_id)
    content, name = _upload(request)
    return transfer.import_prices(
        actor=actor.user, price_list_id=price_list_id, content=content, filename=name, dry_run=dry_run
    )


@router.post("/price-lists/{price_list_id}/items", response={201: PriceOut})
def add_price(request, price_list_id: uuid.UUID, body: PriceIn):
    """A product's price on the list from a minimum quantity, within the list's validity."""
    actor = authorize(request, "catalog.change_pricelist")
    queries.access_price_list(price_list_id)
    item = price_services.add_price(
        actor=actor.user, price_list_id=price_list_id, data=price_services.PriceInput(**body.dict())
    )
    return Status(201, queries.access_price_list_item(price_list_id, item.pk))


@router.patch("/price-lists/{price_list_id}/items/{item_id}", response=PriceOut)
def update_price(request, price_list_id: uuid.UUID, item_id: uuid.UUID, body: PricePatch):
    """Change a price's rate or its end date."""
    actor = authorize(request, "catalog.change_pricelist")
    queries.access_price_list_item(price_list_id, item_id)
    changes = price_services.PricePatch.from_schema(body)
    price_services.update_price(actor=actor.user, price_list_id=price_list_id, item_id=item_id, changes=changes)
    return queries.access_price_list_item(price_list_id, item_id)


@router.delete("/price-lists/{price_list_id}/items/{item_id}", response={204: None})
def remove_price(request, price_list_id: uuid.UUID, item_id: uuid.UUID):
    """Remove a price from its list."""
    actor = authorize(request, "catalog.change_pricelist")
    queries.access_price_list_item(price_list_id, item_id)
    price_services.remove_price(actor=actor.user, price_list_id=price_list_id, item_id=item_id)
    return Status(204, None)


@router.get("/prices/resolve", response=ResolvedPriceOut)
def resolve_price(request, params: Query[ResolveParams]):
    """The price of a product for a party, a date and a quantity: the party's list of the kind, then the default
    list of the kind in the currency, then the product's own price."""
    authorize(request, "catalog.view_pricelist")
    return pricing.resolve_price(
        product=resolve_product(params.product),
        party=resolve_trading_party(params.party, params.kind) if params.party else None,
        on_date=params.date or timezone.localdate(),
        quantity=params.quantity,
        kind=params.kind,
        currency=params.currency,
    )


@router.get("/party-price-lists", response=PartyPriceListPage)
def list_party_price_lists(
    request, page: Query[PageParams], export: Query[ExportParams], filters: Query[PartyPriceListFilters]
):
    """Which list each customer is sold at and each supplier bought from at."""
    authorize(request, "catalog.view_partypricelist")
    return list_or_export(
        request,
        queries.party_price_lists(**filters.dict()),
        page,
        export,
        allowed_ordering={"party__name", "kind"},
        default_ordering=["party__name", "kind"],
        schema=PartyPriceListOut,
        filename="party-price-lists",
    )


@router.post("/party-price-lists", response=PartyPriceListOut)
def assign_price_list(request, body: PartyPriceListIn):
    """Give a customer its selling list, or a supplier its buying list (replacing the one it had)."""
    actor = authorize(request, "catalog.change_partypricelist")
    row = price_services.assign_price_list(actor=actor.user, data=price_services.PartyPriceListInput(**body.dict()))
    return queries.access_party_price_list(row.pk)


@router.get("/party-price-lists/{assignment_id}", response=PartyPriceListOut)
def get_party_price_list(request, assignment_id: uuid.UUID):
    """One party's list of one kind."""
    authorize(request, "catalog.view_partypricelist")
    return queries.access_party_price_list(assignment_id)


@router.delete("/party-price-lists/{assignment_id}", response={204: None})
def unassign_price_list(request, assignment_id: uuid.UUID):
    """The party goes back to the default list."""
    actor = authorize(request, "catalog.delete_partypricelist")
    queries.access_party_price_list(assignment_id)
    price_services.unassign_price_list(actor=actor.user, assignment_id=assignment_id)
    return Status(204, None)
