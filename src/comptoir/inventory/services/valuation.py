"""How outgoing stock is valued, the one rule the ledger's writer, the back-dated replay and the rebuild share:
FIFO takes the oldest layers first (a layer taken whole leaves with its remaining value, a part of one with its
share rounded to the currency); moving average takes the average of what is there (all of it: its whole value)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from comptoir.platform.money import round_money

ZERO = Decimal(0)


def share(value: Decimal, part: Decimal, whole: Decimal, currency) -> Decimal:
    """The value of `part` of `whole` units worth `value`: all of it for the whole, else rounded to `currency`."""
    return value if part == whole else round_money(value * part / whole, currency)


def take_layers(layers: Iterable, quantity: Decimal, currency) -> tuple[Decimal, Decimal]:
    """Take `quantity` from `layers` (objects with `remaining_quantity` and `remaining_value`, oldest first), in
    place: (the value taken, the quantity the layers lacked). A layer changed is marked `_changed`."""
    value, left = ZERO, quantity
    for layer in layers:
        if left == 0:
            break
        if layer.remaining_quantity == 0:
            continue
        take = min(left, layer.remaining_quantity)
        part = share(layer.remaining_value, take, layer.remaining_quantity, currency)
        layer.remaining_quantity -= take
        layer.remaining_value -= part
        layer._changed = True
        value += part
        left -= take
    return value, left
