"""Exchange rates of the organization in context, newest first."""

from __future__ import annotations

from django.utils.translation import gettext

from comptoir.platform.errors import NotFound
from comptoir.platform.models import ExchangeRate


def exchange_rates(*, from_currency=None, to_currency=None, date_from=None, date_to=None):
    qs = ExchangeRate.objects.select_related("from_currency", "to_currency")
    if from_currency:
        qs = qs.filter(from_currency__code=from_currency.upper())
    if to_currency:
        qs = qs.filter(to_currency__code=to_currency.upper())
    if date_from:
        qs = qs.filter(rate_date__gte=date_from)
    if date_to:
        qs = qs.filter(rate_date__lte=date_to)
    return qs


def access_exchange_rate(rate_id) -> ExchangeRate:
    found = exchange_rates().filter(pk=rate_id).first()
    if found is None:
        raise NotFound(gettext("No such exchange rate"), code="not_found")
    return found
