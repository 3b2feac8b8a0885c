"""Products and prices out and in (CSV and XLSX): each row through the API's schema and the services, a report of
every row with its errors, all or nothing; the export reads back as an import."""

import io

import pytest
from django.test.client import encode_multipart
from openpyxl import Workbook

from comptoir.catalog.models import PriceListItem, Product
from comptoir.catalog.services.transfer import PRODUCT_COLUMNS, PRODUCT_EXPORT, import_products
from comptoir.catalog.tests.factories import category, price_list, product
from comptoir.platform.errors import ValidationFailed
from comptoir.platform.tenancy import tenant_context

CSV = b"""code,name,uom,type,list_price,category,tags,track_inventory
SAW-1,Hand saw,pcs,PRODUCT,19.90,TOOLS,"wood, tools",true
FIT,Fitting,pcs,SERVICE,45,,,
"""


@pytest.fixture
def owner(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        category(tenant.owner, "Tools", "TOOLS")
        yield tenant.owner


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(api, path, content: bytes, name="products.csv", **query):
    boundary = "BoUnDaRy"
    body = encode_multipart(boundary, {"file": _File(content, name)})
    suffix = "&".join(f"{k}={v}" for k, v in query.items())
    return api.client.post(
        f"/api/v1/{path}{'?' + suffix if suffix else ''}",
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=api._headers(None),
    )


class _File(io.BytesIO):
    def __init__(self, content: bytes, name: str):
        super().__init__(content)
        self.name = name


def test_a_csv_creates_and_updates_products(owner):
    product(owner, "FIT", name="Old name", type="SERVICE")
    report = import_products(actor=owner, content=CSV, filename="products.csv")
    assert [(r.key, r.action) for r in report.rows] == [("SAW-1", "created"), ("FIT", "updated")]
    saw, fit = Product.objects.get(code="SAW-1"), Product.objects.get(code="FIT")
    assert (saw.tags, saw.category.code, str(saw.list_price), saw.track_inventory) == (["wood", "tools"], "TOOLS",
                                                                                       "19.9000", True)  # fmt: skip
    assert (fit.name, str(fit.list_price)) == ("Fitting", "45.0000")


def test_a_dry_run_reports_each_row_and_writes_nothing(owner):
    bad = CSV + b"BAD,Bad unit,furlong,,,,,\nNEG,Negative,pcs,,-1,,,\n,No code,pcs,,,,,\n"
    report = import_products(actor=owner, content=bad, filename="products.csv", dry_run=True)
    assert [(r.key, r.action) for r in report.rows] == [
        ("SAW-1", "created"), ("FIT", "created"), ("BAD", "refused"), ("NEG", "refused"), ("", "refused"),
    ]  # fmt: skip
    assert report.rows[2].errors[0]["field"] == "uom" and report.rows[2].errors[0]["code"] == "unknown"
    assert report.rows[3].errors[0]["field"] == "list_price" and report.rows[3].line == 5
    assert report.rows[4].errors[0]["field"] == "code"
    assert not Product.objects.exists()
    with pytest.raises(ValidationFailed) as caught:
        import_products(actor=owner, content=bad, filename="products.csv")
    fields = [e.field for e in caught.value.errors]
    assert fields == ["rows[2].uom", "rows[3].list_price", "rows[4].code"]
    assert not Product.objects.exists()  # all or nothing


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"", "p.csv", "required"),
        (b"code,colour\nX,red\n", "p.csv", "unknown_column"),
        (b"name,uom\nX,pcs\n", "p.csv", "missing_column"),
        (b"\xff\xfe\x00", "p.csv", "invalid_file"),
        (b"PK not a zip", "p.xlsx", "invalid_file"),
    ],
)
def test_files_refused_before_any_row(owner, content, name, code):
    with pytest.raises(ValidationFailed) as caught:
        import_products(actor=owner, content=content, filename=name)
    assert (caught.value.code, caught.value.errors[0].field) == (code, "file")
    assert not Product.objects.exists()


def test_an_xlsx_workbook_is_read_with_typed_cells(owner):
    content = _xlsx([["Code", "Name", "UOM", "List_price", "Lead_time_days"], ["X-1", "Xlsx item", "kg", 12.5, 3]])
    report = import_products(actor=owner, content=content, filename="products.xlsx")
    assert report.created == 1
    item = Product.objects.get(code="X-1")
    assert (item.uom.symbol, str(item.list_price), item.lead_time_days) == ("kg", "12.5000", 3)


def test_the_export_reads_back_as_an_import(tenant, owner):
    product(owner, "SAW-1", name="Hand saw", category="TOOLS", list_price="19.90", tags=("wood",))
    assert [c for c, _a in PRODUCT_EXPORT] == list(PRODUCT_COLUMNS)
    exported = tenant.api.get("catalog/products/export")
    content = b"".join(exported.streaming_content)
    assert content.splitlines()[0].decode().lstrip("\ufeff").split(",") == list(PRODUCT_COLUMNS)
    report = import_products(actor=owner, content=content, filename="products.csv")
    assert [(r.key, r.action, r.errors) for r in report.rows] == [("SAW-1", "updated", [])]
    xlsx = tenant.api.get("catalog/products/export", format="xlsx")
    assert import_products(actor=owner, content=b"".join(xlsx.streaming_content), filename="p.xlsx").updated == 1


def test_the_import_endpoints(tenant, other_tenant, owner):
    retail = price_list(owner, "Retail", is_default=True)
    preview = _upload(tenant.api, "catalog/products/import", CSV, dry_run="true")
    assert preview.status_code == 200 and preview.json()["created"] == 2
    assert not Product.objects.exists()
    assert _upload(tenant.api, "catalog/products/import", CSV).json()["created"] == 2
    refused = _upload(tenant.api, "catalog/products/import", CSV + b"BAD,Bad,furlong,,,,,\n")
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "rows[2].uom"
    prices = b"product,rate,min_quantity\nSAW-1,18.50,1\nSAW-1,17,10\n"
    path = f"catalog/price-lists/{retail.pk}/items/import"
    assert _upload(tenant.api, path, prices).json()["created"] == 2
    again = _upload(tenant.api, path, b"product,rate,min_quantity\nSAW-1,18.00,1\n").json()
    assert (again["updated"], PriceListItem.objects.get(min_quantity=1).rate) == (1, 18)
    out = tenant.api.get(f"catalog/price-lists/{retail.pk}/items/export")
    assert b"SAW-1,18.00,1.00,2026-01-01," in b"".join(out.streaming_content)
    missing = _upload(tenant.api, "catalog/products/import", b"", name="")
    assert missing.status_code == 422
    assert _upload(other_tenant.api, path, prices).status_code == 404
    assert other_tenant.api.get(f"catalog/price-lists/{retail.pk}/items/export").status_code == 404
    assert PriceListItem.objects.count() == 2
