"""CSV and XLSX exports of list endpoints (`?format=csv|xlsx`), in constant memory.

Every list endpoint passes its filtered queryset to `list_or_export`: without `format` it returns the JSON page;
with one, every row (same filters, same ordering, no pagination) streams as a file. The columns are the fields of
the list's item schema (or an explicit list). Rows are read with a server-side cursor (`.iterator(chunk_size=…)`):
one query whatever the row count. CSV streams as it is read; XLSX is written by openpyxl's write-only workbook to a
temporary file, then streamed: amounts are numeric cells with a number format, and the columns declared as totals
get a totals row. Every export is audited (action EXPORT).
"""

from __future__ import annotations

import csv
import datetime
import decimal
import itertools
import json
import re
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Schema

from comptoir.platform.access import actor_of
from comptoir.platform.constants import AuditAction
from comptoir.platform.errors import ValidationFailed
from comptoir.platform.money import trim
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
# (header, accessor) or (header, accessor, True) for an amount column that gets a total in XLSX.
Column = tuple[str, Accessor] | tuple[str, Accessor, bool]
Prepare = Callable[[list], list]


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
    if isinstance(value, decimal.Decimal):
        return trim(value)
    if value is None or isinstance(value, bool | int | float | str):
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


def _rows(rows: Iterable, prepare: Prepare | None) -> Iterator:
    """The rows, a queryset read with a server-side cursor; `prepare` maps each chunk of CHUNK_SIZE rows."""
    found = rows.iterator(chunk_size=CHUNK_SIZE) if isinstance(rows, QuerySet) else iter(rows)
    if prepare is None:
        yield from found
        return
    while chunk := list(itertools.islice(found, CHUNK_SIZE)):
        yield from prepare(chunk)


def schema_columns(schema: type[Schema], totals: Iterable[str] = ()) -> list[Column]:
    """A column per field of `schema` (a list's item schema), in its order; `totals` names the amount columns."""
    totals = set(totals)
    return [(name, name, name in totals) for name in schema.model_fields]


def _number_format(value: decimal.Decimal) -> str:
    places = max(0, -trim(value).as_tuple().exponent)
    return "#,##0" + ("." + "0" * places if places else "")


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(rows: Iterable, columns: list[Column], prepare: Prepare | None, org_id, user_id) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow([column[0] for column in columns])
    # The response is read after the request's tenant context closed: read the rows inside it again.
    with tenant_context(org_id, user=user_id):
        for row in _rows(rows, prepare):
            yield writer.writerow([_csv_cell(_get(row, column[1])) for column in columns])


def _xlsx_file(rows: Iterable, columns: list[Column], prepare: Prepare | None, title: str):
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=re.sub(r"[\[\]:*?/\\]", "_", title)[:31] or "export")
    sheet.append([column[0] for column in columns])
    totals = {i: decimal.Decimal(0) for i, column in enumerate(columns) if column[2:] == (True,)}
    formats: dict[int, str] = {}
    for row in _rows(rows, prepare):
        cells = []
        for i, column in enumerate(columns):
            value = _plain(_get(row, column[1]))
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, value=_ILLEGAL_XLSX.sub("", value))
                cell.data_type = "s"  # a text starting with '=' stays text, never a formula
                value = cell
            elif isinstance(value, decimal.Decimal):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = _number_format(value)
                if i in totals:
                    totals[i] += value
                    formats[i] = max(formats.get(i, ""), cell.number_format, key=len)
                value = cell
            cells.append(value)
        sheet.append(cells)
    if totals:
        cells = []
        for i in range(len(columns)):
            cell = WriteOnlyCell(sheet, value=totals.get(i, "Total" if i == 0 else None))
            cell.font = Font(bold=True)
            if i in totals:
                cell.number_format = formats.get(i, "#,##0.00")
            cells.append(cell)
        sheet.append(cells)
    out = tempfile.TemporaryFile()  # noqa: SIM115 (closed by the response)
    workbook.save(out)
    out.seek(0)
    return out


def export_response(rows: Iterable, columns: list[Column], filename: str, format: str, prepare: Prepare | None = None):
    """Every row of `rows` (a queryset, read with a server-side cursor, or any iterable) as a CSV or XLSX
    download. `columns` is [(header, accessor[, total])]: an attribute path ('owner.email') or a function of the
    row; `prepare` maps each chunk of rows before they are read (to add computed figures, or to validate them
    into the item schema)."""
    if format not in FORMATS:
        raise ValidationFailed(
            _("format must be one of %(formats)s") % {"formats": ", ".join(FORMATS)},
            code="unsupported_format",
            field="format",
        )
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    name = f"{filename}-{stamp}.{format}"
    if format == "csv":
        response = StreamingHttpResponse(
            _csv_lines(rows, columns, prepare, current_org_id(), current_user_id()),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    file = _xlsx_file(rows, columns, prepare, filename)
    return FileResponse(file, as_attachment=True, filename=name, content_type=XLSX_MIME)


def audit_export(request, *, format: str, object_type: str, **metadata) -> None:
    """The audit row of an export: who exported what, in which format, with which query."""
    record_audit(
        actor=actor_of(request).user,
        action=AuditAction.EXPORT,
        object_type=object_type,
        metadata={"format": format, "query": request.GET.dict(), **metadata},
    )


def list_or_export(
    request,
    queryset: QuerySet,
    page: PageParams,
    export: ExportParams,
    *,
    filename: str,
    allowed_ordering: set[str],
    default_ordering: list[str],
    schema: type[Schema] | None = None,
    columns: list[Column] | None = None,
    totals: Iterable[str] = (),
    prepare: Prepare | None = None,
):
    """The JSON page of `queryset`, or, when `?format=` is given, all of its rows as a file with the same
    filters and ordering (`cursor` and `limit` do not apply). The file's columns are `columns`, or the fields of
    `schema` (the list's item schema; `totals` names its amount columns). `prepare` maps the rows of the page, and
    each chunk of the export, before they are serialised. An export is recorded in the audit log."""
    if export.format is None:
        result = paginate(queryset, page, allowed_ordering=allowed_ordering, default_ordering=default_ordering)
        if prepare is not None:
            result["items"] = prepare(result["items"])
        return result
    keys = _parse_ordering(page.ordering, allowed_ordering | {"id"}, default_ordering)
    return _export(
        request,
        queryset.order_by(*keys),
        export.format,
        filename=filename,
        object_type=queryset.model._meta.label_lower,
        schema=schema,
        columns=columns,
        totals=totals,
        prepare=prepare,
        ordering=keys,
    )


def report_or_export(
    request,
    data: dict,
    export: ExportParams,
    *,
    rows: str,
    filename: str,
    object_type: str,
    schema: type[Schema] | None = None,
    columns: list[Column] | None = None,
    totals: Iterable[str] = (),
    **metadata,
):
    """`data` (a computed list or a report, a dict) as JSON, or, when `?format=` is given, its `rows` list as a
    file (columns as in `list_or_export`); the export is audited with `metadata`."""
    if export.format is None:
        return data
    return _export(
        request,
        data[rows],
        export.format,
        filename=filename,
        object_type=object_type,
        schema=schema,
        columns=columns,
        totals=totals,
        prepare=None,
        **metadata,
    )


def _export(request, rows, format: str, *, filename, object_type, schema, columns, totals, prepare, **metadata):
    """The one core of both: `rows` as a file (`columns`, or the fields of `schema` with each row validated into
    it), and its audit row."""
    if columns is None:
        columns, prepare = schema_columns(schema, totals), _validating(schema, prepare)
    response = export_response(rows, columns, filename, format, prepare)
    audit_export(request, format=format, object_type=object_type, **metadata)
    return response


def _validating(schema: type[Schema], prepare: Prepare | None) -> Prepare:
    """`prepare`, then each row read into `schema` (its resolvers applied, values kept typed)."""

    def read(chunk: list) -> list:
        return [schema.model_validate(row) for row in (prepare(chunk) if prepare else chunk)]

    return read
