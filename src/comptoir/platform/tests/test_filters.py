"""The shared list-filter helpers: absent values do not filter, date ranges include both ends, a reversed range is
refused on date_to."""

import datetime

import pytest

from comptoir.platform.errors import ValidationFailed
from comptoir.platform.models import Currency, ExchangeRate
from comptoir.platform.queries.filters import filter_present, within_dates
from comptoir.platform.tenancy import tenant_context

D1, D2 = datetime.date(2026, 1, 1), datetime.date(2026, 1, 31)


def test_filter_present_ignores_absent_values(db):
    everything = Currency.objects.count()
    assert filter_present(Currency.objects.all(), code=None, name="").count() == everything > 1
    assert list(filter_present(Currency.objects.all(), code="EUR", name=None).values_list("code", flat=True)) == ["EUR"]


def test_within_dates_includes_both_ends_and_refuses_a_reversed_range(tenant):
    with tenant_context(tenant.organization):
        sql = str(within_dates(ExchangeRate.objects.all(), "rate_date", D1, D2).query)
        assert ">= 2026-01-01" in sql and "<= 2026-01-31" in sql
        assert str(within_dates(ExchangeRate.objects.all(), "rate_date").query) == str(ExchangeRate.objects.all().query)
        with pytest.raises(ValidationFailed) as caught:
            within_dates(ExchangeRate.objects.all(), "rate_date", D2, D1)
        assert (caught.value.code, caught.value.errors[0].field) == ("invalid_range", "date_to")
