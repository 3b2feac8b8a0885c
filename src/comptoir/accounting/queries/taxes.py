"""Reads of tax rates, scoped to the organization in context: lists with their components, the rate of a code in
force on a date, and the currency a computation rounds to."""

from __future__ import annotations

import datetime
import uuid

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from comptoir.accounting.models import TaxRate
from comptoir.platform.db import fetch_rows, remember_related
from comptoir.platform.errors import NotFound, ValidationFailed
from comptoir.platform.queries.core import base_currency, currencies_by_code


def _with_components(qs):
    return qs.prefetch_related(Prefetch("components", queryset=TaxRate.objects.order_by("code")))


def _in_force(qs, on_date: datetime.date):
    return qs.filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on_date), effective_from__lte=on_date)


def tax_rates(*, code=None, is_active=None, on_date=None):
    """Rates that are not components (components are listed inside theirs), filtered by code, activity and the
    date they are in force on."""
    qs = TaxRate.objects.filter(parent__isnull=True)
    if code:
        qs = qs.filter(code=code)
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    if on_date:
        qs = _in_force(qs, on_date)
    return _with_components(qs)


def access_tax_rate(tax_rate_id) -> TaxRate:
    row = _with_components(TaxRate.objects.all()).filter(pk=tax_rate_id).first()
    if row is None:
        raise NotFound(_("No such tax rate"))
    return row


def tax_rate_for(code: str, on_date: datetime.date) -> TaxRate | None:
    """The active rate of `code` in force on `on_date`, with its components; None when there is none."""
    return _with_components(_in_force(TaxRate.objects.filter(code=code, is_active=True), on_date)).first()


def resolve_tax_rate(ref, on_date: datetime.date, field: str = "tax_rate") -> TaxRate:
    """The rate named by id, or by code (the one in force on `on_date`), else a field error."""
    try:
        key = uuid.UUID(str(ref))
    except ValueError:
        row = tax_rate_for(str(ref), on_date)
    else:  # the rate and its components in one statement (a component has none of its own)
        found = fetch_rows(TaxRate, "id = %s OR parent_id = %s", [key, key])
        row = next((r for r in found if r.pk == key), None)
        if row is not None:
            parts = sorted((r for r in found if r.parent_id == key), key=lambda r: r.code)
            remember_related(row, "components", parts)
            for part in parts:
                remember_related(part, "components", [])
    if row is None:
        raise ValidationFailed(
            _("No tax rate '%(ref)s' in force on %(on_date)s") % {"ref": ref, "on_date": on_date},
            code="unknown",
            field=field,
        )
    return row


def currency_for(code: str | None, field: str = "currency"):
    """The Currency of `code` (any case), or the organization's base currency."""
    if not code:
        return base_currency()
    currency = currencies_by_code([code.upper()]).get(code.upper())
    if currency is None:
        raise ValidationFailed(_("Unknown currency %(code)s") % {"code": code}, code="unknown", field=field)
    return currency
