"""The chart of accounts as CSV (or XLSX, out), out and in.

One row per group (parents first) then per account. Columns: kind (group|account), code, name, parent (a group's
parent code, an account's group code), nature, account_type, is_cost_center_applicable, is_bill_wise, currency.
Importing creates the missing groups and accounts through the chart services (so their rules apply), renames the
existing ones, and never deletes. An existing row may change only its name: another parent, nature, type or
flag is refused. Any bad row refuses the whole file (field `rows[n].<column>`, n = 0 for the first row after the
header) and nothing is written; a dry run applies everything, reports it, and rolls it back.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext

from comptoir.accounting.constants import AccountType, Nature
from comptoir.accounting.models import Account, AccountGroup
from comptoir.accounting.services.chart import (
    AccountGroupInput,
    AccountGroupPatch,
    AccountInput,
    AccountPatch,
    create_account,
    create_account_group,
    update_account,
    update_account_group,
)
from comptoir.platform.constants import AuditAction
from comptoir.platform.errors import DomainError, FieldError, ValidationFailed
from comptoir.platform.queries.core import currencies_by_code
from comptoir.platform.services.audit import record_audit

COLUMNS = [
    "kind",
    "code",
    "name",
    "parent",
    "nature",
    "account_type",
    "is_cost_center_applicable",
    "is_bill_wise",
    "currency",
]
REQUIRED = ("kind", "code", "name", "parent")
FLAGS = ("is_cost_center_applicable", "is_bill_wise")
MAX_ROWS = 10_000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_TRUE, _FALSE = {"true", "1", "yes", "y"}, {"false", "0", "no", "n", ""}
# The chart services name their fields after the model; the CSV names some of them otherwise.
_COLUMN_OF_FIELD = {"group": "parent"}
# The longest code and name of each kind of row (the chart services leave lengths to their callers' schemas).
MAX_LENGTHS = {
    kind: {column: model._meta.get_field(column).max_length for column in ("code", "name")}
    for kind, model in (("group", AccountGroup), ("account", Account))
}


def chart_rows() -> list[dict]:
    """The organization's chart as rows of COLUMNS (two queries): groups, parents first, then accounts."""
    groups = AccountGroup.objects.select_related("parent").order_by("path")
    accounts = Account.objects.select_related("group", "currency").order_by("code")
    return [
        {
            "kind": "group",
            "code": g.code,
            "name": g.name,
            "parent": g.parent.code if g.parent_id else "",
            "nature": g.nature,
        }
        for g in groups
    ] + [
        {
            "kind": "account",
            "code": a.code,
            "name": a.name,
            "parent": a.group.code,
            "nature": a.group.nature,
            "account_type": a.account_type,
            "is_cost_center_applicable": a.is_cost_center_applicable,
            "is_bill_wise": a.is_bill_wise,
            "currency": a.currency.code if a.currency_id else "",
        }
        for a in accounts
    ]


@dataclass
class ImportResult:
    dry_run: bool
    created_groups: list[str] = field(default_factory=list)
    created_accounts: list[str] = field(default_factory=list)
    renamed_groups: list[str] = field(default_factory=list)
    renamed_accounts: list[str] = field(default_factory=list)
    unchanged: int = 0


class _DryRun(Exception):
    pass


def _bad(n: int, column: str, message: str, code: str = "invalid") -> ValidationFailed:
    return ValidationFailed(
        gettext("Row %(n)s: %(message)s") % {"n": n, "message": message}, code=code, field=f"rows[{n}].{column}"
    )


def _unquote(text: str) -> str:
    text = text.strip()
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA_START) else text


def _parse(csv_text: str) -> list[dict]:
    """The rows of `csv_text` as dicts of stripped cells, with the file's shape checked."""
    if not isinstance(csv_text, str) or not csv_text.strip():
        raise ValidationFailed(gettext("The CSV is empty"), code="required", field="csv")
    if "\x00" in csv_text:
        raise ValidationFailed(gettext("The CSV contains a NUL character"), code="malformed_csv", field="csv")
    reader = csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff")))
    try:
        headers = [h.strip() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise ValidationFailed(
            gettext("Malformed CSV: %(error)s") % {"error": exc}, code="malformed_csv", field="csv"
        ) from exc
    missing = [c for c in REQUIRED if c not in headers]
    if missing:
        raise ValidationFailed(
            gettext("Missing column %(column)s") % {"column": missing[0]}, code="missing_column", field="csv"
        )
    unknown = sorted(set(headers) - set(COLUMNS))
    if unknown:
        raise ValidationFailed(
            gettext("Unknown column %(column)s") % {"column": unknown[0]}, code="unknown_column", field="csv"
        )
    reader.fieldnames = headers
    rows = []
    try:
        for n, raw in enumerate(reader):
            if n >= MAX_ROWS:
                raise ValidationFailed(
                    gettext("At most %(max_rows)s rows") % {"max_rows": MAX_ROWS}, code="too_many_rows", field="csv"
                )
            if None in raw:
                raise _bad(n, "kind", gettext("The row has more cells than the header"), code="too_many_cells")
            rows.append({k: _unquote(v or "") for k, v in raw.items()})
    except csv.Error as exc:
        raise ValidationFailed(
            gettext("Malformed CSV: %(error)s") % {"error": exc}, code="malformed_csv", field="csv"
        ) from exc
    return rows


def _check_row(n: int, row: dict, seen: dict) -> None:
    kind = row.get("kind", "").lower()
    if kind not in ("group", "account"):
        raise _bad(n, "kind", gettext("kind is group or account"))
    row["kind"] = kind
    for column in ("code", "name"):
        if not row.get(column):
            raise _bad(n, column, gettext("%(field)s is required") % {"field": column}, code="required")
        if len(row[column]) > MAX_LENGTHS[kind][column]:
            message = gettext("%(column)s is longer than %(max_length)s characters") % {
                "column": column,
                "max_length": MAX_LENGTHS[kind][column],
            }
            raise _bad(n, column, message, code="too_long")
    if (kind, row["code"]) in seen:
        message = gettext("%(kind)s %(code)s is also on row %(row)s") % {
            "kind": kind,
            "code": row["code"],
            "row": seen[kind, row["code"]],
        }
        raise _bad(n, "code", message, code="duplicate")
    seen[kind, row["code"]] = n
    if row.get("nature") and row["nature"] not in Nature.values:
        raise _bad(n, "nature", gettext("nature is one of %(values)s") % {"values": ", ".join(Nature.values)})
    if kind == "account":
        if not row.get("parent"):
            raise _bad(n, "parent", gettext("An account needs its group's code"), code="required")
        if row.get("account_type") and row["account_type"] not in AccountType.values:
            raise _bad(n, "account_type", gettext("Unknown account type"))
        for flag in FLAGS:
            value = row.get(flag, "").lower()
            if value not in _TRUE | _FALSE:
                raise _bad(n, flag, gettext("%(flag)s is true or false") % {"flag": flag})
            row[flag] = value in _TRUE if value else None


def _group_order(group_rows: dict[str, tuple[int, dict]]) -> list[tuple[int, dict]]:
    """The group rows, each after the row of its parent when the parent is in the file; a cycle is refused."""
    ordered, placed = [], set()

    def place(code: str, trail: tuple[str, ...]) -> None:
        if code in placed:
            return
        n, row = group_rows[code]
        if code in trail:
            raise _bad(n, "parent", gettext("Group %(code)s is its own ancestor") % {"code": code}, code="cycle")
        if row.get("parent") in group_rows:
            place(row["parent"], (*trail, code))
        placed.add(code)
        ordered.append((n, row))

    for code in sorted(group_rows, key=lambda c: group_rows[c][0]):
        place(code, ())
    return ordered


def _differs(n: int, column: str, given, current) -> None:
    if given not in (None, "") and given != current:
        message = gettext("%(column)s is %(current)s; an import changes only names") % {
            "column": column,
            "current": current or gettext("empty"),
        }
        raise _bad(n, column, message, code="differs")


def _rows_error(n: int, exc: DomainError) -> ValidationFailed:
    """A chart service's refusal, its fields named after the row and column."""
    errors = [
        FieldError(
            f"rows[{n}].{_COLUMN_OF_FIELD.get(e.field, e.field)}",
            e.code,
            gettext("Row %(n)s: %(message)s") % {"n": n, "message": e.message},
        )
        for e in exc.errors
    ] or [FieldError(f"rows[{n}].code", exc.code, gettext("Row %(n)s: %(message)s") % {"n": n, "message": exc.message})]
    refused = ValidationFailed(gettext("Row %(n)s: %(message)s") % {"n": n, "message": exc.message}, errors=errors)
    refused.code = exc.code
    return refused


def _import_groups(actor, ordered, result: ImportResult) -> None:
    existing = {g.code: g for g in AccountGroup.objects.select_related("parent")}
    for n, row in ordered:
        group = existing.get(row["code"])
        try:
            if group is None:
                data = AccountGroupInput(
                    code=row["code"],
                    name=row["name"],
                    parent=row.get("parent") or None,
                    nature=row.get("nature") or None,
                )
                existing[row["code"]] = create_account_group(actor=actor, data=data)
                result.created_groups.append(row["code"])
                continue
            _differs(n, "parent", row.get("parent") or None, group.parent.code if group.parent_id else None)
            _differs(n, "nature", row.get("nature"), group.nature)
            if group.name != row["name"]:
                update_account_group(actor=actor, group_id=group.pk, changes=AccountGroupPatch(name=row["name"]))
                result.renamed_groups.append(row["code"])
            else:
                result.unchanged += 1
        except ValidationFailed as exc:
            if exc.errors and exc.errors[0].field.startswith("rows["):
                raise
            raise _rows_error(n, exc) from exc


def _import_accounts(actor, rows, result: ImportResult) -> None:
    existing = {a.code: a for a in Account.objects.select_related("group", "currency")}
    groups = {g.code: g for g in AccountGroup.objects.all()}
    wanted = {row["currency"] for _, row in rows if row.get("currency")}
    currencies = currencies_by_code(wanted)
    for n, row in rows:
        account = existing.get(row["code"])
        group = groups.get(row["parent"])
        if group is None:
            raise _bad(n, "parent", gettext("No group %(code)s") % {"code": row["parent"]}, code="unknown")
        _differs(n, "nature", row.get("nature"), group.nature)
        if row.get("currency") and row["currency"] not in currencies:
            raise _bad(n, "currency", gettext("Unknown currency %(code)s") % {"code": row["currency"]}, code="unknown")
        try:
            if account is None:
                data = AccountInput(
                    code=row["code"],
                    name=row["name"],
                    group=group,
                    account_type=row.get("account_type") or AccountType.GENERAL,
                    **{flag: bool(row.get(flag)) for flag in FLAGS},
                )
                account = create_account(actor=actor, data=data)
                if row.get("currency"):
                    account.currency = currencies[row["currency"]]
                    account.save(update_fields=["currency", "updated_at"])
                    record_audit(
                        actor=actor,
                        action=AuditAction.UPDATE,
                        obj=account,
                        old={"currency": None},
                        new={"currency": account.currency_id},
                    )
                result.created_accounts.append(row["code"])
                continue
            _differs(n, "parent", row["parent"], account.group.code)
            _differs(n, "account_type", row.get("account_type"), account.account_type)
            for flag in FLAGS:
                _differs(n, flag, row.get(flag), getattr(account, flag))
            _differs(n, "currency", row.get("currency"), account.currency.code if account.currency_id else None)
            if account.name != row["name"]:
                update_account(actor=actor, account_id=account.pk, changes=AccountPatch(name=row["name"]))
                result.renamed_accounts.append(row["code"])
            else:
                result.unchanged += 1
        except ValidationFailed as exc:
            if exc.errors and exc.errors[0].field.startswith("rows["):
                raise
            raise _rows_error(n, exc) from exc


def import_chart(*, actor, csv_text: str, dry_run: bool = False) -> ImportResult:
    """Create the missing groups and accounts of `csv_text`, rename the existing ones; all or nothing. With
    `dry_run`, report what would change and write nothing."""
    rows = _parse(csv_text)
    seen: dict = {}
    for n, row in enumerate(rows):
        _check_row(n, row, seen)
    group_rows = {row["code"]: (n, row) for n, row in enumerate(rows) if row["kind"] == "group"}
    account_rows = [(n, row) for n, row in enumerate(rows) if row["kind"] == "account"]
    result = ImportResult(dry_run=dry_run)
    try:
        with transaction.atomic():
            _import_groups(actor, _group_order(group_rows), result)
            _import_accounts(actor, account_rows, result)
            record_audit(
                actor=actor,
                action=AuditAction.IMPORT,
                object_type="accounting.account",
                metadata={
                    "chart": "csv",
                    "rows": len(rows),
                    "created_groups": len(result.created_groups),
                    "created_accounts": len(result.created_accounts),
                    "renamed": len(result.renamed_groups) + len(result.renamed_accounts),
                },
            )
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return result
