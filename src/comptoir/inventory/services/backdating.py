"""Back-dated movements (DESIGN §6): a document dated before later movements of the same product at the same
warehouse replays only those (product, warehouse, batch) keys — their movements in date order with the new ones
put on their day — and revalues every later outgoing movement whose value changes: the difference is a
`StockRevaluation` posted with the document's journal entry (inventory against the account the movement took its
value to). A later transfer out of such a key is refused (`back_dated`): its value went on to another warehouse,
and the recompute stays bounded to the keys the document touches."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from comptoir.inventory.constants import MovementType
from comptoir.inventory.errors import InventoryError
from comptoir.inventory.models import StockMovement, StockRevaluation
from comptoir.inventory.services.valuation import share, take_layers
from comptoir.platform.errors import Conflict, ValidationFailed
from comptoir.platform.money import round_money

ZERO = Decimal(0)
RATE_QUANTUM = Decimal("0.0001")


@dataclasses.dataclass
class Layer:
    """A FIFO layer during the replay: `source` is the movement (or the new `Move`) it came in with."""

    source: object
    layer_date: datetime.date
    quantity: Decimal
    remaining_quantity: Decimal
    remaining_value: Decimal


@dataclasses.dataclass
class Replayed:
    figures: dict  # key: (quantity, value) after every movement
    layers: dict  # key: [Layer] still holding stock (FIFO only)
    revaluations: list  # (movement, key, amount: new − old value)


def later_keys(moves, day: datetime.date) -> bool:
    """Whether a movement of a product at a warehouse the moves touch is dated after `day`; refuses when one of
    them is a transfer out of such a warehouse."""
    later = Q()
    for move in moves:
        for warehouse in (move.from_warehouse, move.to_warehouse):
            if warehouse is not None:
                later |= Q(product=move.product) & (Q(from_warehouse=warehouse) | Q(to_warehouse=warehouse))
    after = StockMovement.objects.filter(later, movement_date__gt=day)
    if not after.exists():
        return False
    places = {w.pk for m in moves for w in (m.from_warehouse, m.to_warehouse) if w is not None}
    products = {m.product.pk for m in moves}
    if after.filter(movement_type=MovementType.TRANSFER, from_warehouse__in=places, product__in=products).exists():
        raise ValidationFailed(
            _("A later transfer took this stock to another warehouse: a back-dated movement cannot revalue it"),
            code=InventoryError.BACK_DATED,
            field="date",
        )
    return True


def _key_of(product_id, warehouse_id, batch_id) -> tuple:
    return (product_id, warehouse_id, batch_id)


def replay(moves, day: datetime.date, *, fifo: bool, currency) -> Replayed:
    """Replay every key the moves touch, sources of the document's transfers first; sets each new move's value and
    rate, and returns the keys' final figures, their FIFO layers and the revaluations of later movements."""
    keys: list[tuple] = []
    for side in ("from_warehouse", "to_warehouse"):
        for move in moves:
            warehouse = getattr(move, side)
            if warehouse is not None:
                key = _key_of(move.product.pk, warehouse.pk, move.batch.pk if move.batch else None)
                if key not in keys:
                    keys.append(key)
    for move in moves:  # incoming values are known before any replay
        if move.from_warehouse is None:
            move.rate = move.unit_cost if move.unit_cost is not None else move.product.standard_cost
            move.value = round_money(move.quantity * move.rate, currency)
    result = Replayed({}, {}, [])
    for key in keys:
        _replay_key(key, moves, day, fifo=fifo, currency=currency, into=result)
    return result


def _replay_key(key, moves, day, *, fifo: bool, currency, into: Replayed) -> None:
    product_id, warehouse_id, batch_id = key
    existing = list(
        StockMovement.objects.filter(
            Q(from_warehouse_id=warehouse_id) | Q(to_warehouse_id=warehouse_id),
            product_id=product_id,
            batch_id=batch_id,
        )
        .select_related("from_warehouse")
        .order_by("movement_date", "id")
    )
    revalued = dict(
        StockRevaluation.objects.filter(movement__in=[m.pk for m in existing])
        .values("movement_id")
        .annotate(total=Sum("amount"))
        .values_list("movement_id", "total")
    )
    new = [
        m
        for m in moves
        if m.product.pk == product_id
        and (m.batch.pk if m.batch else None) == batch_id
        and warehouse_id in {w.pk for w in (m.from_warehouse, m.to_warehouse) if w is not None}
    ]
    events = [(m.movement_date, 0, i, m) for i, m in enumerate(existing)]
    events += [(day, 1, i, m) for i, m in enumerate(new)]  # after what is on the day already
    quantity, value = ZERO, ZERO
    layers: list[Layer] = []
    for _day, is_new, _i, event in sorted(events, key=lambda e: e[:3]):
        if is_new:
            source = event.from_warehouse.pk if event.from_warehouse is not None else None
        else:
            source = event.from_warehouse_id
        if source == warehouse_id:
            if event.quantity > quantity:
                field = f"{event.field}.quantity" if is_new else "date"
                raise Conflict(
                    _("Not enough stock at the time of this movement or of a later one"),
                    code=InventoryError.INSUFFICIENT_STOCK,
                    field=field,
                )
            if fifo:
                taken, _lacking = take_layers(layers, event.quantity, currency)
                layers = [layer for layer in layers if layer.remaining_quantity]
            else:
                taken = share(value, event.quantity, quantity, currency)
            quantity -= event.quantity
            value -= taken
            if is_new:
                event.value, event.rate = taken, (taken / event.quantity).quantize(RATE_QUANTUM)
            else:
                delta = taken - (event.value + revalued.get(event.pk, ZERO))
                if delta:
                    into.revaluations.append((event, key, delta))
        else:
            worth = event.value
            quantity += event.quantity
            value += worth
            if fifo:
                layers.append(Layer(event, _day, event.quantity, event.quantity, worth))
    into.figures[key] = (quantity, value)
    into.layers[key] = layers
