"""Bases of every request and response shape."""

from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator, ConfigDict, PlainSerializer

from comptoir.platform.money import amount_text

# A decimal (an amount, a rate) sent in JSON as a string, never a float: "1234.50".
DecimalString = Annotated[Decimal, PlainSerializer(str, return_type=str)]
# A money amount, as its decimals stored (columns hold four) without trailing zeros past the second: "1.234", "10.00".
AmountString = Annotated[Decimal, PlainSerializer(amount_text, return_type=str)]


def blank_if_null(value: str | None) -> str:
    return "" if value is None else value


# An optional text field of a PATCH body: null clears it (stored as ""); left out, it is unchanged.
ClearableText = Annotated[str | None, AfterValidator(blank_if_null)]


class Input(Schema):
    """Base of every request body: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class Page(Schema):
    next_cursor: str | None
