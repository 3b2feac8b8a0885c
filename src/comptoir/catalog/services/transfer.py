"""Products and the prices of a price list, out and in, as CSV or XLSX.

A file's first row names its columns (PRODUCT_COLUMNS, PRICE_COLUMNS; any order, blank cells = not given). Each
row goes through the API's input schema and the same service as the API: a product whose code exists is updated
with the cells given, another is created; a price whose (product, minimum quantity, start) exists gets the row's
price and end, another is added. The report lists every row with what it did or its errors (fields
`rows[i].<column>`, i = 0 for the first row after the header; `line` is the spreadsheet's line number).

An import is all or nothing: a dry run (the preview) applies every row, reports, and rolls back; a real import
with any refused row writes nothing and is refused with the report's errors."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from pydantic import ValidationError

from comptoir.catalog.models import PriceListItem, Product
from comptoir.catalog.queries.products import access_price_list
from comptoir.catalog.queries.refs import resolve_product
from comptoir.catalog.schemas import PriceIn, ProductIn
from comptoir.catalog.schemas import PricePatch as PricePatchIn
from comptoir.catalog.schemas import ProductPatch as ProductPatchIn
from comptoir.catalog.services import pricing, products
from comptoir.platform.errors import DomainError, FieldError, ValidationFailed
from comptoir.platform.problems import pydantic_errors

PRODUCT_COLUMNS = (
    "code", "name", "type", "uom", "sku", "barcode", "category", "list_price", "standard_cost", "currency",
    "tax_rate", "track_inventory", "vat_included", "min_stock_level", "max_stock_level", "reorder_point",
    "reorder_quantity", "weight", "lead_time_days", "color", "hsn_code", "tags", "description", "default_supplier",
)  # fmt: skip
PRICE_COLUMNS = ("product", "rate", "min_quantity", "valid_from", "valid_to")
MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class RowResult:
    index: int
    key: str  # the product's code
    action: str = ""  # created | updated | refused
    errors: list[dict] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.index + 2


@dataclass
class ImportReport:
    dry_run: bool
    rows: list[RowResult] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def created(self) -> int:
        return self.count("created")

    @property
    def updated(self) -> int:
        return self.count("updated")

    @property
    def refused(self) -> int:
        return self.count("refused")


class _RollBack(Exception):
    pass


# --- reading a file -----------------------------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value).strip()
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA_START) else text


def _xlsx_rows(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ValidationFailed(_("This is not an XLSX workbook"), code="invalid_file", field="file") from exc
    sheet = workbook.worksheets[0]
    rows = []
    for values in sheet.iter_rows(values_only=True):
        rows.append([_text(v) for v in values])
        if len(rows) > MAX_ROWS + 1:
            break
    workbook.close()
    return rows


def _csv_rows(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(_("A CSV file is read as UTF-8"), code="invalid_file", field="file") from exc
    if "\x00" in text:
        raise ValidationFailed(_("The file contains a NUL character"), code="invalid_file", field="file")
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    try:
        return [[_text(v) for v in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as exc:
        raise ValidationFailed(
            _("Malformed CSV: %(error)s") % {"error": exc}, code="invalid_file", field="file"
        ) from exc


def read_table(content: bytes, filename: str, columns: tuple[str, ...], required: tuple[str, ...]) -> list[dict]:
    """The rows of a CSV or XLSX file as {column: text}, blank rows left out; the header is checked against
    `columns` (unknown or missing columns are refused before any row is read)."""
    if not content:
        raise ValidationFailed(_("The file is empty"), code="required", field="file")
    if len(content) > MAX_BYTES:
        raise ValidationFailed(
            _("A file has at most %(size)s MB") % {"size": MAX_BYTES // 1024 // 1024}, code="too_large", field="file"
        )
    is_xlsx = filename.lower().endswith(".xlsx") or content[:2] == b"PK"
    table = _xlsx_rows(content) if is_xlsx else _csv_rows(content)
    table = [row for row in table if any(row)]
    if not table:
        raise ValidationFailed(_("The file is empty"), code="required", field="file")
    header = [h.strip().lower() for h in table[0]]
    while header and not header[-1]:
        header.pop()
    if unknown := [h for h in header if h not in columns]:
        raise ValidationFailed(
            _("Unknown column '%(column)s'") % {"column": unknown[0]}, code="unknown_column", field="file"
        )
    if missing := [c for c in required if c not in header]:
        raise ValidationFailed(
            _("Missing column '%(column)s'") % {"column": missing[0]}, code="missing_column", field="file"
        )
    if len(table) - 1 > MAX_ROWS:
        message = ngettext("A file has at most %(count)s row", "A file has at most %(count)s rows", MAX_ROWS)
        raise ValidationFailed(message % {"count": MAX_ROWS}, code="too_many_rows", field="file")
    return [{h: (row[i] if i < len(row) else "") for i, h in enumerate(header) if h} for row in table[1:]]


# --- running the rows ---------------------------------------------------------------------------------------------


def _run(rows: list[dict], key: str, apply, dry_run: bool) -> ImportReport:
    """`apply(values) -> "created" | "updated"` on each row's given cells, each in a savepoint; all rolled back
    for a dry run or when a row is refused (then refused with every row's errors)."""
    report = ImportReport(dry_run=dry_run)
    try:
        with transaction.atomic():
            for index, row in enumerate(rows):
                result = RowResult(index, row.get(key, ""))
                report.rows.append(result)
                values = {k: v for k, v in row.items() if v != ""}
                try:
                    with transaction.atomic():
                        result.action = apply(values)
                except ValidationError as exc:
                    result.action, result.errors = "refused", pydantic_errors(exc.errors())
                except DomainError as exc:
                    result.action = "refused"
                    result.errors = [e.as_dict() for e in exc.errors] or [
                        {"field": key, "code": exc.code, "message": exc.message}
                    ]
            if dry_run or report.refused:
                raise _RollBack
    except _RollBack:
        pass
    if report.refused and not dry_run:
        errors = [
            FieldError(
                f"rows[{r.index}].{e['field']}",
                e["code"],
                _("Line %(line)s: %(message)s") % {"line": r.line, "message": e["message"]},
            )
            for r in report.rows
            for e in r.errors
        ]
        message = ngettext(
            "%(count)s row is refused; nothing was imported",
            "%(count)s rows are refused; nothing was imported",
            report.refused,
        )
        raise ValidationFailed(message % {"count": report.refused}, errors=errors)
    return report


def import_products(*, actor, content: bytes, filename: str, dry_run: bool = False) -> ImportReport:
    """Create or update the products of a file (see the module's docstring)."""
    rows = read_table(content, filename, PRODUCT_COLUMNS, ("code",))
    existing = dict(Product.objects.filter(deleted_at__isnull=True).values_list("code", "pk"))

    def apply(values: dict) -> str:
        if "tags" in values:
            values["tags"] = [t.strip() for t in values["tags"].split(",") if t.strip()]
        product_id = existing.get(values.get("code", ""))
        if product_id is None:
            body = ProductIn.model_validate(values)
            created = products.create_product(actor=actor, data=products.ProductInput(**body.input_values()))
            existing[created.code] = created.pk
            return "created"
        patch = ProductPatchIn.model_validate({k: v for k, v in values.items() if k != "code"})
        changes = products.ProductPatch(**patch.patch_values())
        products.update_product(actor=actor, product_id=product_id, changes=changes)
        return "updated"

    return _run(rows, "code", apply, dry_run)


def import_prices(*, actor, price_list_id, content: bytes, filename: str, dry_run: bool = False) -> ImportReport:
    """Add or update the prices of a list from a file (see the module's docstring)."""
    price_list = access_price_list(price_list_id)
    rows = read_table(content, filename, PRICE_COLUMNS, ("product", "rate"))

    def apply(values: dict) -> str:
        body = PriceIn.model_validate(values)
        data = pricing.PriceInput(**body.dict())
        product = resolve_product(data.product)
        found = PriceListItem.objects.filter(
            price_list=price_list,
            product=product,
            min_quantity=data.min_quantity,
            valid_from=data.valid_from or price_list.valid_from,
        ).first()
        if found is None:
            pricing.add_price(actor=actor, price_list_id=price_list.pk, data=data)
            return "created"
        patch = PricePatchIn.model_validate({"rate": values["rate"], "valid_to": values.get("valid_to")})
        changes = pricing.PricePatch.from_schema(patch)
        pricing.update_price(actor=actor, price_list_id=price_list.pk, item_id=found.pk, changes=changes)
        return "updated"

    return _run(rows, "product", apply, dry_run)


# --- the files out ------------------------------------------------------------------------------------------------


def product_rows():
    """The live products in the import's columns (one query)."""
    return Product.objects.filter(deleted_at__isnull=True).select_related(
        "uom", "category", "currency", "tax_rate", "default_supplier"
    )


PRODUCT_EXPORT = [
    ("code", "code"), ("name", "name"), ("type", "type"), ("uom", "uom.symbol"), ("sku", "sku"),
    ("barcode", "barcode"), ("category", lambda p: (p.category.code or "") if p.category_id else ""),
    ("list_price", "list_price"), ("standard_cost", "standard_cost"), ("currency", "currency.code"),
    ("tax_rate", lambda p: p.tax_rate.code if p.tax_rate_id else ""), ("track_inventory", "track_inventory"),
    ("vat_included", "vat_included"), ("min_stock_level", "min_stock_level"), ("max_stock_level", "max_stock_level"),
    ("reorder_point", "reorder_point"), ("reorder_quantity", "reorder_quantity"), ("weight", "weight"),
    ("lead_time_days", "lead_time_days"), ("color", "color"), ("hsn_code", "hsn_code"), ("tags", "tag_list"),
    ("description", "description"),
    ("default_supplier", lambda p: p.default_supplier.party_number if p.default_supplier_id else ""),
]  # fmt: skip
PRICE_EXPORT = [
    ("product", "product.code"), ("rate", "rate"), ("min_quantity", "min_quantity"), ("valid_from", "valid_from"),
    ("valid_to", "valid_to"),
]  # fmt: skip
