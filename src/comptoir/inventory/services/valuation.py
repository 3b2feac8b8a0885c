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


def take_stock(on_hand: Decimal, value: Decimal, layers, quantity: Decimal, currency, last_cost) -> Decimal:
    """The value `quantity` leaves a (product, warehouse, batch) with, holding `on_hand` worth `value` (and its FIFO
    `layers`, oldest first, or None at moving average), taking the layers in place. What is there is valued by the
    method; a shortfall (only where negative stock is allowed) at `last_cost()` per unit, rounded."""
    covered = min(quantity, max(on_hand, ZERO))
    if layers is None:
        taken = share(value, covered, on_hand, currency) if covered else ZERO
    else:
        taken, _lacking = take_layers(layers, covered, currency)
    short = quantity - covered
    if short:
        taken += round_money(short * last_cost(), currency)
    return taken


def settle_shortfall(on_hand: Decimal, value: Decimal, quantity: Decimal, worth: Decimal, currency):
    """An incoming `quantity` worth `worth` at a key below zero (`on_hand` < 0, worth `value` ≤ 0) first fills the
    shortfall at the shortfall's own value; returns (the quantity it covers, the difference between what the
    covered part cost and what the shortfall was valued at — the settlement, written as a revaluation — and the
    value of what remains of the incoming quantity). At or above zero: (0, 0, worth)."""
    if on_hand >= 0:
        return ZERO, ZERO, worth
    covered = min(quantity, -on_hand)
    rest = share(worth, quantity - covered, quantity, currency) if quantity > covered else ZERO
    shortfall_value = share(-value, covered, -on_hand, currency)
    return covered, (worth - rest) - shortfall_value, rest
