"""A declared Column's value for one row, as a page shows it and as an export writes it: the choice's human label
(never the stored value), amounts with separators, dates in the user's format, a status as a labelled badge."""

from __future__ import annotations

import datetime
import inspect
from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from comptoir.desk.declarations import Column
from comptoir.desk.templatetags.desk import format_amount


def raw(obj, path: str):
    """The value at the attribute path `path` ("account.code") of `obj`; None past a missing link."""
    value = obj
    for part in path.split("."):
        if value is None:
            return None
        value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
    return value() if inspect.ismethod(value) else value


def label_of(obj, path: str):
    """The human label of a choice field at `path`, else its value."""
    owner_path, _sep, name = path.rpartition(".")
    owner = raw(obj, owner_path) if owner_path else obj
    display = getattr(owner, f"get_{name}_display", None)
    return display() if display else raw(obj, path)


@dataclass(frozen=True)
class Cell:
    text: str
    num: bool = False
    neg: bool = False
    badge: str = ""  # the css class of a status badge
    currency: str = ""


def td(c: Cell, url: str = "") -> str:
    """One table cell's HTML: amounts right-aligned with their currency, negatives marked, a status as a badge,
    the row's link on its first cell. Built here rather than in the template: a list renders hundreds."""
    if c.badge:
        inner = format_html('<span class="badge {}">{}</span>', c.badge, c.text)
    elif c.num:
        inner = format_html('<span class="neg">{}</span>', c.text) if c.neg else conditional_escape(c.text)
        if c.currency:
            inner = format_html('{} <span class="ccy">{}</span>', inner, c.currency)
    else:
        inner = conditional_escape(c.text)
    if url:
        inner = format_html('<a href="{}">{}</a>', url, inner or "—")
    return format_html('<td class="num">{}</td>', inner) if c.num else format_html("<td>{}</td>", inner)


def row_html(cells: list[Cell], url: str = "") -> str:
    return mark_safe("".join(td(c, url if i == 0 else "") for i, c in enumerate(cells)))  # noqa: S308 (escaped above)


def cell(obj, column: Column) -> Cell:
    if column.kind in ("choice", "badge"):
        value = raw(obj, column.key)
        text = label_of(obj, column.key)
        return Cell(str(text or ""), badge=str(value).lower() if column.kind == "badge" and value else "")
    value = raw(obj, column.key)
    if value is None or value == "":
        return Cell("", num=column.kind in ("amount", "number"))
    if column.kind == "amount":
        amount = Decimal(value)
        currency = str(raw(obj, column.currency) or "") if column.currency else ""
        return Cell(format_amount(amount), num=True, neg=amount < 0, currency=currency)
    if column.kind == "number":
        return Cell(formats.localize(value, use_l10n=True), num=True)
    if column.kind == "bool":
        return Cell(_("Yes") if value else _("No"))
    if column.kind == "date" and isinstance(value, datetime.date):
        return Cell(formats.date_format(value, "SHORT_DATE_FORMAT"))
    if column.kind == "datetime" and isinstance(value, datetime.datetime):
        return Cell(formats.date_format(value, "SHORT_DATETIME_FORMAT"))
    return Cell(str(value))


def export_value(obj, column: Column):
    """What a CSV/XLSX cell holds: numbers and dates as themselves, choices as their labels."""
    if column.kind in ("choice", "badge"):
        return label_of(obj, column.key)
    if column.kind == "bool":
        return bool(raw(obj, column.key))
    return raw(obj, column.key)
