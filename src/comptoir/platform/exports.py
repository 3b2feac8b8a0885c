"""CSV and XLSX exports of list endpoints (`?format=csv|xlsx`), in constant memory.

A list endpoint passes its filtered queryset to `list_or_export`: without `format` it returns the JSON page;
with one, every row (same filters, same ordering, no pagination) streams as a file. Rows are read with a
server-side cursor (`.iterator(chunk_size=…)`): one query whatever the row count. CSV streams as it is read;
XLSX is written by openpyxl's write-only workbook to a temporary file, then streamed. Every export is audited
(action EXPORT).
"""

from __future__ import annotations

import csv
import datetime
import decimal
import json
import re
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from ninja import Schema

from comptoir.platform.access import actor_of
from comptoir.platform.constants import AuditAction
from comptoir.platform.errors import ValidationFailed
from comptoir.platform.pagination import PageParams, _parse_ordering, paginate
from comptoir.platform.services.audit import record_audit
from comptoir.platform.tenancy import current_org_id, current_user_id, tenant_context

CHUNK_SIZE = 2000
FORMATS = ("csv", "xlsx")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these is a formula to a spreadsheet: CSV cells get a leading quote.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_XLSX = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

Accessor = str | Callable[[Any], Any]
Column = tuple[str, Accessor]


class ExportParams(Schema):
    format: Literal["csv", "xlsx"] | None = None


def _get(row, accessor: Accessor):
    if callable(accessor):
        return accessor(row)
    value = row
    for part in accessor.split("."):
        value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
        if value is None:
            return None
    return value


def _plain(value):
    """A value a spreadsheet cell can hold: UUIDs and enums as text, JSON as text, datetimes in UTC."""
    if value is None or isinstance(value, bool | int | float | decimal.Decimal | str):
        return value
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, datetime.date | datetime.time):
        return value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict | list):
        return json.dumps(value, default=str, ensure_ascii=False)
    return str(value)


def _csv_cell(value) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    text = str(value)
    return "'" + text if isinstance(value, str) and text.startswith(_FORMULA_START) else text


def _rows(rows: Iterable) -> Iterator:
    if isinstance(rows, QuerySet):
        return rows.iterator(chunk_size=CHUNK_SIZE)
    return iter(rows)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(rows: Iterable, columns: list[Column], org_id, user_id) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow([header for header, _ in columns])
    # The response is read after the request's tenant context closed: read the rows inside it again.
    with tenant_context(org_id, user=user_id):
        for row in _rows(rows):
            yield writer.writerow([_csv_cell(_get(row, accessor)) for _, accessor in columns])


def _xlsx_file(rows: Iterable, columns: list[Column], title: str):
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=re.sub(r"[\[\]:*?/\\]", "_", title)[:31] or "export")
    sheet.append([header for header, _ in columns])
    for row in _rows(rows):
        cells = []
        for _, accessor in columns:
            value = _plain(_get(row, accessor))
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, value=_ILLEGAL_XLSX.sub("", value))
                cell.data_type = "s"  # a text starting with '=' stays text, never a formula
                value = cell
            cells.append(value)
        sheet.append(cells)
    out = tempfile.TemporaryFile()  # noqa: SIM115 (closed by the response)
    workbook.save(out)
    out.seek(0)
    return out


def export_response(rows: Iterable, columns: list[Column], filename: str, format: str):
    """Every row of `rows` (a queryset, read with a server-side cursor, or any iterable) as a CSV or XLSX
    download. `columns` is [(header, accessor)]: an attribute path ('owner.email') or a function of the row."""
    if format not in FORMATS:
        raise ValidationFailed(f"format must be one of {', '.join(FORMATS)}", code="unsupported_format", field="format")
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    name = f"{filename}-{stamp}.{format}"
    if format == "csv":
        response = StreamingHttpResponse(
            _csv_lines(rows, columns, current_org_id(), current_user_id()), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return FileResponse(_xlsx_file(rows, columns, filename), as_attachment=True, filename=name, content_type=XLSX_MIME)


def list_or_export(
    request,
    queryset: QuerySet,
    page: PageParams,
    export: ExportParams,
    *,
    columns: list[Column],
    filename: str,
    allowed_ordering: set[str],
    default_ordering: list[str],
):
    """The JSON page of `queryset`, or, when `?format=` is given, all of its rows as a file with the same
    filters and ordering (`cursor` and `limit` do not apply). An export is recorded in the audit log."""
    if export.format is None:
        return paginate(queryset, page, allowed_ordering=allowed_ordering, default_ordering=default_ordering)
    keys = _parse_ordering(page.ordering, allowed_ordering | {"id"}, default_ordering)
    response = export_response(queryset.order_by(*keys), columns, filename, export.format)
    record_audit(
        actor=actor_of(request).user,
        action=AuditAction.EXPORT,
        object_type=queryset.model._meta.label_lower,
        metadata={"format": export.format, "ordering": keys, "query": request.GET.dict()},
    )
    return response
