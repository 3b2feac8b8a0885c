"""Exchange rates: the rate converting one unit of a currency into another on a day, which the books convert
foreign-currency lines with (the latest rate on or before the entry's date). One rate per pair and day; posted
entries keep the rate they were posted with, so changing or deleting a rate never changes the books."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from comptoir.platform.constants import AuditAction
from comptoir.platform.errors import NotFound, ValidationFailed
from comptoir.platform.inputs import UNSET, Patch, _Unset
from comptoir.platform.models import ExchangeRate
from comptoir.platform.services.audit import record_audit, snapshot
from comptoir.platform.services.organizations import active_currency

AUDITED = ("from_currency", "to_currency", "rate", "rate_date", "source")


@dataclass(frozen=True)
class ExchangeRateInput:
    from_currency: str  # ISO 4217 codes
    to_currency: str
    rate: Decimal  # one unit of from_currency in to_currency
    rate_date: datetime.date
    source: str = ""


@dataclass(frozen=True)
class ExchangeRatePatch(Patch):
    rate: Decimal | _Unset = UNSET
    source: str | _Unset = UNSET


def _check_rate(rate: Decimal) -> None:
    if rate <= 0:
        raise ValidationFailed(_("A rate is greater than zero"), code="invalid_rate", field="rate")


def _lock(rate_id) -> ExchangeRate:
    found = ExchangeRate.objects.select_for_update().filter(pk=rate_id).first()
    if found is None:
        raise NotFound(_("No such exchange rate"), code="not_found")
    return found


def create_exchange_rate(*, actor, data: ExchangeRateInput) -> ExchangeRate:
    """The rate of a pair of distinct active currencies on a day; a second rate for the same pair and day is
    refused (`duplicate`: change the first)."""
    source = active_currency(data.from_currency, "from_currency")
    target = active_currency(data.to_currency, "to_currency")
    if source.pk == target.pk:
        raise ValidationFailed(_("The two currencies are the same"), code="same_currency", field="to_currency")
    _check_rate(data.rate)
    with transaction.atomic():
        try:
            with transaction.atomic():
                rate = ExchangeRate.objects.create(
                    from_currency=source,
                    to_currency=target,
                    rate=data.rate,
                    rate_date=data.rate_date,
                    source=data.source.strip(),
                    created_by=actor,
                    updated_by=actor,
                )
        except IntegrityError as exc:
            message = _("%(from)s → %(to)s has a rate on %(date)s already") % {
                "from": source.code,
                "to": target.code,
                "date": data.rate_date.isoformat(),
            }
            raise ValidationFailed(message, code="duplicate", field="rate_date") from exc
        record_audit(actor=actor, action=AuditAction.CREATE, obj=rate, new=snapshot(rate, AUDITED))
    return rate


def update_exchange_rate(*, actor, rate_id, patch: ExchangeRatePatch) -> ExchangeRate:
    """A new rate or source for the same pair and day (entries posted with the old rate keep it)."""
    patch.refuse_nulls("rate", "source")
    changes = patch.provided()
    if "rate" in changes:
        _check_rate(changes["rate"])
    with transaction.atomic():
        rate = _lock(rate_id)
        old = snapshot(rate, changes)
        for name, value in changes.items():
            setattr(rate, name, value.strip() if isinstance(value, str) else value)
        rate.updated_by = actor
        rate.save(update_fields=[*changes, "updated_by", "updated_at"])
        record_audit(actor=actor, action=AuditAction.UPDATE, obj=rate, old=old, new=snapshot(rate, changes))
    return rate


def delete_exchange_rate(*, actor, rate_id) -> None:
    with transaction.atomic():
        rate = _lock(rate_id)
        record_audit(actor=actor, action=AuditAction.DELETE, obj=rate, old=snapshot(rate, AUDITED))
        rate.delete()
