"""Money amounts: how many decimals a currency allows, and explicit rounding to them.

Amount columns are NUMERIC(AMOUNT_DIGITS, AMOUNT_DECIMALS): four decimals, the most any currency of the reference
table has (ISO 4217: CLF and UYW 4, KWD/BHD/OMR… 3, EUR 2, JPY 0), so no currency loses a decimal in storage.
An amount entered with more decimals than its currency allows is refused (`too_many_decimals`), never rounded
silently; a computed amount (a conversion to the base currency, a tax) is rounded half up to its currency's
decimals by `round_money`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comptoir.platform.errors import ValidationFailed

AMOUNT_DIGITS = 20
AMOUNT_DECIMALS = 4
MAX_AMOUNT = Decimal(10) ** (AMOUNT_DIGITS - AMOUNT_DECIMALS)  # exclusive bound of an amount's absolute value


def decimal_of(value, *, field: str) -> Decimal:
    """`value` (a Decimal, a number or its text) as a finite Decimal; else ValidationFailed `invalid` on `field`."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        number = None
    if number is None or not number.is_finite():
        raise ValidationFailed(_("Not a number"), code="invalid", field=field)
    return number


def _decimals(currency) -> int:
    """The decimals of `currency` (a Currency row or a number of decimals)."""
    return currency if isinstance(currency, int) else currency.decimal_places


def quantum(currency) -> Decimal:
    """The smallest unit of `currency`: 0.01 for EUR, 0.001 for KWD, 1 for JPY."""
    return Decimal(1).scaleb(-_decimals(currency))


def round_money(value: Decimal, currency) -> Decimal:
    """`value` rounded half up to the decimals of `currency`."""
    return value.quantize(quantum(currency), rounding=ROUND_HALF_UP)


def amount_error(value: Decimal, currency) -> tuple[str, str] | None:
    """(code, message) when `value` is not an amount of `currency` — more decimals than it allows
    (`too_many_decimals`) or more digits than an amount column holds (`too_large`) — else None."""
    if abs(value) >= MAX_AMOUNT:
        return "too_large", _("An amount is less than %(max)s in absolute value") % {"max": f"{MAX_AMOUNT:,}"}
    if value != value.quantize(quantum(currency)):
        decimals = _decimals(currency)
        if isinstance(currency, int):
            message = ngettext(
                "Amounts have at most %(decimals)d decimal", "Amounts have at most %(decimals)d decimals", decimals
            )
        else:
            message = ngettext(
                "%(currency)s amounts have at most %(decimals)d decimal",
                "%(currency)s amounts have at most %(decimals)d decimals",
                decimals,
            )
        code = getattr(currency, "code", "")
        return "too_many_decimals", message % {"currency": code, "decimals": decimals}
    return None


def check_amount(value: Decimal, currency, *, field: str) -> Decimal:
    """`value` unchanged when it is an amount of `currency`; else ValidationFailed on `field` (see amount_error)."""
    error = amount_error(value, currency)
    if error is not None:
        raise ValidationFailed(error[1], code=error[0], field=field)
    return value


def trim(value: Decimal) -> Decimal:
    """The same amount without trailing zeros past the second decimal: 1.2340 → 1.234, 10.0000 → 10.00; a value
    with two decimals or fewer is kept as is (JPY 847 stays 847)."""
    if value.as_tuple().exponent >= -2:
        return value
    normalized = value.normalize()
    return normalized if normalized.as_tuple().exponent < -2 else value.quantize(Decimal("0.01"))


def summed(value) -> Decimal:
    """A sum of amount columns read from SQL (None when there were no rows) at the columns' scale, trimmed:
    None → 0.00, 250.0000 → 250.00, 1.2345 → 1.2345."""
    return trim(Decimal(value or 0).quantize(quantum(AMOUNT_DECIMALS)))


def amount_text(value: Decimal) -> str:
    """An amount as JSON text, trimmed (see `trim`): "1.234", "10.00"."""
    return f"{trim(value):f}"
