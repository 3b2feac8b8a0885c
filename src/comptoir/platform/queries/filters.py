"""Small filter helpers every list query uses, so list endpoints treat optional filters and date ranges alike."""

from __future__ import annotations

from django.utils.translation import gettext as _

from comptoir.platform.errors import ValidationFailed


def filter_present(queryset, **lookups):
    """`queryset` filtered on each lookup whose value is given (neither None nor "")."""
    given = {lookup: value for lookup, value in lookups.items() if value is not None and value != ""}
    return queryset.filter(**given) if given else queryset


def within_dates(queryset, field: str, date_from=None, date_to=None):
    """`queryset` with `field` in [date_from, date_to], both ends optional and included; a reversed range is
    refused on `date_to` (code `invalid_range`)."""
    if date_from and date_to and date_from > date_to:
        raise ValidationFailed(_("date_from must not be after date_to"), code="invalid_range", field="date_to")
    return filter_present(queryset, **{f"{field}__gte": date_from, f"{field}__lte": date_to})
