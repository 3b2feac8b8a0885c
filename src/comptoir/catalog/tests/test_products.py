"""Categories (a tree without cycles), products (every field, unique code and SKU, unstocked types, status
changes, soft delete only) through the services, each rule with its refusal writing nothing."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from comptoir.catalog.models import Product, ProductCategory
from comptoir.catalog.queries.products import categories, product_by_barcode, products
from comptoir.catalog.services.categories import CategoryPatch, delete_category, update_category
from comptoir.catalog.services.products import (
    ProductPatch,
    activate_product,
    deactivate_product,
    delete_product,
    discontinue_product,
    update_product,
)
from comptoir.catalog.tests.factories import category, product, vat
from comptoir.platform.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from comptoir.platform.models import AuditLog, IntegrationEvent
from comptoir.platform.tenancy import tenant_context


@pytest.fixture
def owner(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        yield tenant.owner


def _refused(call, code, field=None, model=Product):
    before = model.objects.count()
    with pytest.raises((ValidationFailed, Conflict)) as caught:
        call()
    assert caught.value.code == code, caught.value.message
    if field:
        assert caught.value.errors[0].field == field
    assert model.objects.count() == before
    return caught.value


# --- categories ---------------------------------------------------------------------------------------------------


def test_a_category_tree_moves_with_its_subtree_and_refuses_cycles(owner):
    tools = category(owner, "Tools", "TOOLS")
    hand = category(owner, "Hand tools", "HAND", parent="TOOLS")
    saws = category(owner, "Saws", parent=hand.pk)
    garden = category(owner, "Garden", "GARDEN")
    assert saws.path == f"/{tools.pk}/{hand.pk}/{saws.pk}/" and saws.depth == 2
    _refused(lambda: update_category(actor=owner, category_id=tools.pk, changes=CategoryPatch(parent=saws.pk)),
             "cycle", "parent", ProductCategory)  # fmt: skip
    _refused(lambda: update_category(actor=owner, category_id=hand.pk, changes=CategoryPatch(parent="HAND")),
             "cycle", "parent", ProductCategory)  # fmt: skip
    update_category(actor=owner, category_id=hand.pk, changes=CategoryPatch(parent="GARDEN"))
    saws.refresh_from_db()
    assert saws.path == f"/{garden.pk}/{hand.pk}/{saws.pk}/"
    names = [c.name for c in categories()]  # tree order: a parent before its children
    assert names.index("Garden") < names.index("Hand tools") < names.index("Saws") and len(names) == 4
    assert ProductCategory.objects.get(pk=tools.pk).path == f"/{tools.pk}/"
    moved = AuditLog.objects.get(object_id=hand.pk, action="UPDATE")
    assert moved.new_values["parent"] == str(garden.pk)


def test_category_refusals(owner):
    category(owner, "Tools", "TOOLS")
    _refused(lambda: category(owner, "Other", "TOOLS"), "duplicate", "code", ProductCategory)
    _refused(lambda: category(owner, "Tools"), "duplicate", "name", ProductCategory)
    _refused(lambda: category(owner, " ", "X"), "required", "name", ProductCategory)
    _refused(lambda: category(owner, "Saws", parent="NOPE"), "unknown", "parent", ProductCategory)
    category(owner, "Tools", parent="TOOLS")  # the same name under another parent
    off = category(owner, "Old", "OLD")
    update_category(actor=owner, category_id=off.pk, changes=CategoryPatch(is_active=False))
    _refused(lambda: category(owner, "New", parent="OLD"), "inactive", "parent", ProductCategory)
    _refused(lambda: product(owner, category="OLD"), "inactive", "category")
    _refused(lambda: update_category(actor=owner, category_id=off.pk, changes=CategoryPatch(name=None)),
             "required", "name", ProductCategory)  # fmt: skip


def test_a_category_is_deleted_only_when_empty(owner):
    tools = category(owner, "Tools", "TOOLS")
    saws = category(owner, "Saws", "SAWS", parent="TOOLS")
    _refused(lambda: delete_category(actor=owner, category_id=tools.pk), "category_in_use", model=ProductCategory)
    _refused(lambda: update_category(actor=owner, category_id=tools.pk, changes=CategoryPatch(is_active=False)),
             "category_in_use", model=ProductCategory)  # fmt: skip
    saw = product(owner, "SAW", category="SAWS")
    _refused(lambda: delete_category(actor=owner, category_id=saws.pk), "category_in_use", model=ProductCategory)
    delete_product(actor=owner, product_id=saw.pk)
    delete_category(actor=owner, category_id=saws.pk)
    assert [c.code for c in categories()] == ["TOOLS"]
    category(owner, "Saws", "SAWS", parent="TOOLS")  # its code and name are free again
    with pytest.raises(NotFound):
        delete_category(actor=owner, category_id=saws.pk)


# --- products -----------------------------------------------------------------------------------------------------


def test_a_product_with_every_field(owner):
    vat(owner)
    category(owner, "Tools", "TOOLS")
    made = product(
        owner, "DRILL-1", name="Cordless drill", sku="SKU-1", barcode="4006381333931", type="MANUFACTURED",
        category="TOOLS", list_price="129.90", standard_cost="72.5", tax_rate="VAT20", currency="usd",
        min_stock_level=Decimal(5), max_stock_level=Decimal(50), reorder_point=Decimal(10),
        reorder_quantity=Decimal(20), weight=Decimal("1.250"), dimensions={"length": Decimal("30"), "unit": "cm"},
        specifications={"voltage": "18 V"}, tags=(" power ", "tools", "power", ""), lead_time_days=7,
    )  # fmt: skip
    row = Product.objects.select_related("uom", "tax_rate", "currency", "category").get(pk=made.pk)
    assert (row.uom.symbol, row.tax_rate.code, row.currency.code, row.category.code) == ("pcs", "VAT20", "USD", "TOOLS")
    assert row.tags == ["power", "tools"] and row.dimensions == {"length": "30", "unit": "cm"}
    assert row.margin == Decimal("57.40") and row.track_inventory and row.status == "ACTIVE"
    assert product_by_barcode("4006381333931").pk == made.pk
    assert [p.code for p in products(search="sku-")] == ["DRILL-1"]
    assert [p.code for p in products(category="TOOLS", tag="power")] == ["DRILL-1"]
    event = IntegrationEvent.objects.get(event_type="catalog.product.created")
    assert event.payload["code"] == "DRILL-1"
    assert AuditLog.objects.get(object_id=made.pk, action="CREATE").new_values["list_price"] == "129.90"


def test_product_refusals_write_nothing(owner):
    product(owner, "P1", sku="S1")
    _refused(lambda: product(owner, "P1"), "duplicate", "code")
    _refused(lambda: product(owner, "P2", sku="S1"), "duplicate", "sku")
    _refused(lambda: product(owner, "P2", uom="furlong"), "unknown", "uom")
    _refused(lambda: product(owner, "P2", category="NOPE"), "unknown", "category")
    _refused(lambda: product(owner, "P2", tax_rate="NOPE"), "unknown", "tax_rate")
    _refused(lambda: product(owner, "P2", currency="XXY"), "unknown", "currency")
    _refused(lambda: product(owner, " ", name="x"), "required", "code")
    _refused(lambda: product(owner, "P2", type="SERVICE", track_inventory=True), "untracked_type", "track_inventory")
    _refused(lambda: product(owner, "P2", min_stock_level=Decimal(5), max_stock_level=Decimal(4)),
             "invalid_range", "max_stock_level")  # fmt: skip
    assert (
        not IntegrationEvent.objects.filter(event_type="catalog.product.created").exclude(payload__code="P1").exists()
    )


def test_service_and_digital_products_never_track_stock(owner):
    assert product(owner, "SRV", type="SERVICE").track_inventory is False
    assert product(owner, "EBOOK", type="DIGITAL").track_inventory is False
    goods = product(owner, "GOODS")
    made_service = update_product(actor=owner, product_id=goods.pk, changes=ProductPatch(type="SERVICE"))
    assert made_service.track_inventory is False
    srv = Product.objects.get(code="SRV")
    _refused(lambda: update_product(actor=owner, product_id=srv.pk, changes=ProductPatch(track_inventory=True)),
             "untracked_type", "track_inventory")  # fmt: skip
    assert Product.objects.get(code="SRV").track_inventory is False
    with transaction.atomic(), pytest.raises(IntegrityError):  # the database refuses it too
        Product.objects.filter(code="SRV").update(track_inventory=True)


def test_updates_and_their_refusals(owner):
    vat(owner)
    one = product(owner, "P1", sku="S1")
    product(owner, "P2", sku="S2")
    changed = update_product(actor=owner, product_id=one.pk, changes=ProductPatch(
        name="Renamed", list_price=Decimal("10.5"), tax_rate="VAT20", tags=["a"], sku=None))  # fmt: skip
    assert (changed.name, changed.list_price, changed.sku, changed.tags) == ("Renamed", Decimal("10.5"), None, ["a"])
    event = IntegrationEvent.objects.filter(event_type="catalog.product.updated").get()
    assert event.payload["changed"] == ["list_price", "name", "sku", "tags", "tax_rate"]
    for patch, code, field in (
        (ProductPatch(code="P2"), "duplicate", "code"),
        (ProductPatch(sku="S2"), "duplicate", "sku"),
        (ProductPatch(uom="nope"), "unknown", "uom"),
        (ProductPatch(name=None), "required", "name"),
        (ProductPatch(max_stock_level=Decimal(0), min_stock_level=Decimal(1)), "invalid_range", "max_stock_level"),
    ):
        _refused(lambda patch=patch: update_product(actor=owner, product_id=one.pk, changes=patch), code, field)
    assert Product.objects.get(pk=one.pk).name == "Renamed"


def test_status_moves_and_discontinued_is_final(owner):
    item = product(owner, "P1")
    assert deactivate_product(actor=owner, product_id=item.pk, reason="seasonal").status == "INACTIVE"
    with pytest.raises(InvalidTransition):
        deactivate_product(actor=owner, product_id=item.pk)
    assert activate_product(actor=owner, product_id=item.pk).status == "ACTIVE"
    assert discontinue_product(actor=owner, product_id=item.pk).status == "DISCONTINUED"
    with pytest.raises(InvalidTransition):
        activate_product(actor=owner, product_id=item.pk)
    _refused(lambda: update_product(actor=owner, product_id=item.pk, changes=ProductPatch(name="x")), "discontinued")
    moves = IntegrationEvent.objects.filter(event_type="catalog.product.status_changed").order_by("created_at")
    assert [e.payload["status"] for e in moves] == ["INACTIVE", "ACTIVE", "DISCONTINUED"]
    assert AuditLog.objects.filter(object_id=item.pk, action="TRANSITION").count() == 3


def test_a_product_is_only_marked_deleted(owner):
    item = product(owner, "P1", sku="S1", barcode="123")
    delete_product(actor=owner, product_id=item.pk)
    assert Product.objects.get(pk=item.pk).deleted_at is not None
    assert list(products()) == []
    with pytest.raises(NotFound):
        product_by_barcode("123")
    with pytest.raises(NotFound):
        update_product(actor=owner, product_id=item.pk, changes=ProductPatch(name="x"))
    again = product(owner, "P1", sku="S1")  # code and SKU are free again
    assert again.pk != item.pk
    with pytest.raises(Exception, match="never deleted"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM catalog_product WHERE id = %s", [again.pk])
    assert Product.objects.filter(code="P1").count() == 2
