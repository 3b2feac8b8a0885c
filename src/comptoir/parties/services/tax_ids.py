"""Tax identifiers, validated by their country's scheme with python-stdnum and stored normalized (compact, upper
case): India's GSTIN and PAN, Kazakhstan's BIN and IIN (their check digit, which stdnum does not know, is computed
here), EU VAT numbers (a number without its country prefix takes the organization's country), IBANs and BICs.
A refusal names the field, with the code `invalid_tax_id`."""

from __future__ import annotations

import datetime
import re

from django.utils.translation import gettext as _
from stdnum import bic, iban
from stdnum.eu import vat
from stdnum.exceptions import ValidationError
from stdnum.in_ import gstin, pan

from comptoir.parties.errors import PartiesError
from comptoir.platform.errors import ValidationFailed

INVALID = PartiesError.INVALID_TAX_ID
_KZ_WEIGHTS = (tuple(range(1, 12)), (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2))
_IFSC_RE = re.compile(r"^[A-Z]{4}0[A-Z0-9]{6}$")
# The EU VAT prefix of a country whose ISO code differs (Greece).
_VAT_PREFIX = {"GR": "EL"}


def _refuse(field: str, label: str, why: str = "") -> ValidationFailed:
    if why:
        message = _("%(label)s is not valid: %(why)s") % {"label": label, "why": why}
    else:
        message = _("%(label)s is not valid") % {"label": label}
    return ValidationFailed(message, code=INVALID, field=field)


def _stdnum(module, value: str, field: str, label: str) -> str:
    try:
        return module.validate(value)
    except ValidationError as exc:
        raise _refuse(field, label, str(exc).rstrip(".").lower()) from None


def kz_check_digit(digits: str) -> int | None:
    """The 12th digit of a Kazakh BIN or IIN for its first 11, or None when none exists (both weightings give 10)."""
    for weights in _KZ_WEIGHTS:
        rest = sum(int(d) * w for d, w in zip(digits[:11], weights, strict=True)) % 11
        if rest != 10:
            return rest
    return None


def _kz_number(value: str, field: str, label: str) -> str:
    number = re.sub(r"[\s-]", "", value)
    if not re.fullmatch(r"\d{12}", number):
        raise _refuse(field, label, _("12 digits"))
    if kz_check_digit(number) != int(number[11]):
        raise _refuse(field, label, _("the check digit does not match"))
    return number


def normalize_bin(value: str) -> str:
    """A Kazakh business identification number: registration year and month, entity type (4, 5 or 6), check digit."""
    number = _kz_number(value, "bin", "BIN")
    if not 1 <= int(number[2:4]) <= 12 or number[4] not in "456":
        raise _refuse("bin", "BIN", _("not a legal entity's number"))
    return number


def normalize_iin(value: str) -> str:
    """A Kazakh individual identification number: date of birth, century and sex (1–6), check digit."""
    number = _kz_number(value, "iin", "IIN")
    century = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}.get(number[6])
    try:
        if century is None:
            raise ValueError
        datetime.date(century + int(number[:2]), int(number[2:4]), int(number[4:6]))
    except ValueError:
        raise _refuse("iin", "IIN", _("no date of birth in it")) from None
    return number


def normalize_gstin(value: str) -> str:
    return _stdnum(gstin, value, "gstin", "GSTIN")


def normalize_pan(value: str) -> str:
    return _stdnum(pan, value, "pan", "PAN")


def normalize_vat(value: str, country: str) -> str:
    """An EU VAT number with its country prefix; one sent without a prefix takes the organization's `country`."""
    number = re.sub(r"[\s.\-/]", "", value).upper()
    if not number[:2].isalpha() and country:
        number = _VAT_PREFIX.get(country, country) + number
    return _stdnum(vat, number, "vat_number", "VAT number")


def normalize_iban(value: str, field: str = "iban") -> str:
    return _stdnum(iban, value, field, "IBAN")


def normalize_bic(value: str, field: str = "swift_code") -> str:
    return _stdnum(bic, value, field, "SWIFT/BIC")


def normalize_ifsc(value: str, field: str = "ifsc") -> str:
    code = value.strip().upper()
    if not _IFSC_RE.match(code):
        raise _refuse(field, "IFSC", _("4 letters, 0 and 6 letters or digits"))
    return code


NORMALIZERS = {"gstin": normalize_gstin, "pan": normalize_pan, "bin": normalize_bin, "iin": normalize_iin}


def normalized_tax_ids(given: dict[str, str], *, country: str) -> dict[str, str]:
    """The given tax ids (field → raw text; blank clears) normalized; a GSTIN embeds the PAN, so both given must
    agree (code `pan_mismatch`)."""
    out = {}
    for field, raw in given.items():
        text = (raw or "").strip()
        if not text:
            out[field] = ""
        elif field == "vat_number":
            out[field] = normalize_vat(text, country)
        else:
            out[field] = NORMALIZERS[field](text)
    return out


def check_pan_in_gstin(gstin_value: str, pan_value: str) -> None:
    if gstin_value and pan_value and gstin_value[2:12] != pan_value:
        raise ValidationFailed(_("The PAN is not the one the GSTIN contains"), code="pan_mismatch", field="pan")
