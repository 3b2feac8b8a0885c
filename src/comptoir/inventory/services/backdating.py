"""Back-dated movements (DESIGN §6): a document dated before later movements of the same product at the same
warehouse replays only those (product, warehouse, batch) keys — their movements in date order with the new ones
put on their day — and revalues every later outgoing movement whose value changes: the difference is a
`StockRevaluation` posted with the document's journal entry (inventory against the account the movement took its
value to).

A later transfer out of a replayed key carries its change on: a pair of revaluations (out of the sending warehouse,
into the receiving one, inventory against inventory), and the receiving key is replayed in turn from the beginning
with the transfer's new value. The recompute stays bounded: only the keys the stock actually went to, found before
any lock (`reach`) so that every balance row is locked in the one key order.

Where negative stock is allowed the replay follows the writer's rules (`services.valuation.take_stock` and
`settle_shortfall`): a shortfall is valued at the key's last known cost, and incoming stock settling one writes
the settlement as a revaluation against the adjustment account."""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict, deque
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from comptoir.inventory.constants import MovementType
from comptoir.inventory.errors import InventoryError
from comptoir.inventory.models import StockMovement, StockRevaluation
from comptoir.inventory.services.valuation import settle_shortfall, take_stock
from comptoir.platform.errors import Conflict, ValidationFailed
from comptoir.platform.money import round_money

ZERO = Decimal(0)
RATE_QUANTUM = Decimal("0.0001")
MAX_REPLAYS = 200  # key replays of one document: a bound on transfers going round in circles on one day


@dataclasses.dataclass
class Layer:
    """A FIFO layer during the replay: `source` is the movement (or the new `Move`) it came in with."""

    source: object
    layer_date: datetime.date
    quantity: Decimal
    remaining_quantity: Decimal
    remaining_value: Decimal


@dataclasses.dataclass
class Revalue:
    """A revaluation to write: `movement` (a StockMovement, or a new `Move`) took `amount` more out of the key's
    warehouse (negative: brought that much more in); `account` is the other side in the books (None for either
    row of a transfer's pair: their other side is each other's warehouse)."""

    movement: object
    key: tuple
    amount: Decimal
    account: object = None


@dataclasses.dataclass
class Replayed:
    figures: dict  # key: (quantity, value) after every movement
    layers: dict  # key: [Layer] still holding stock (FIFO only)
    revaluations: list  # [Revalue]


def _key_of(product_id, warehouse_id, batch_id) -> tuple:
    return (product_id, warehouse_id, batch_id)


def _document_keys(moves) -> list[tuple]:
    """The keys the moves touch, the sending sides first."""
    keys: list[tuple] = []
    for side in ("from_warehouse", "to_warehouse"):
        for move in moves:
            warehouse = getattr(move, side)
            if warehouse is not None:
                key = _key_of(move.product.pk, warehouse.pk, move.batch.pk if move.batch else None)
                if key not in keys:
                    keys.append(key)
    return keys


def later_keys(moves, day: datetime.date) -> bool:
    """Whether a movement of a product at a warehouse the moves touch is dated after `day`."""
    later = Q()
    for move in moves:
        for warehouse in (move.from_warehouse, move.to_warehouse):
            if warehouse is not None:
                later |= Q(product=move.product) & (Q(from_warehouse=warehouse) | Q(to_warehouse=warehouse))
    return StockMovement.objects.filter(later, movement_date__gt=day).exists()


def reach(moves, day: datetime.date) -> set[tuple]:
    """The keys beyond the document's own that a back-dated replay may carry value to: the receiving sides of the
    transfers dated `day` or later out of the keys it touches, and of theirs, transitively (one query per hop)."""
    own = set(_document_keys(moves))
    seen, frontier = set(own), set(own)
    while frontier:
        condition = Q()
        for product, warehouse, batch in frontier:
            condition |= Q(product_id=product, from_warehouse_id=warehouse, batch_id=batch)
        found = set(
            StockMovement.objects.filter(condition, movement_type=MovementType.TRANSFER, movement_date__gte=day)
            .values_list("product_id", "to_warehouse_id", "batch_id")
            .distinct()
        )
        frontier = found - seen
        seen |= frontier
    return seen - own


def replay(
    moves, day: datetime.date, *, fifo: bool, currency, negative: bool = False, standard_cost=None, settle_account=None
) -> Replayed:
    """Replay every key the moves touch, sources of the document's transfers first, then every key a revalued
    transfer carried value to; sets each new move's value and rate, and returns the keys' final figures, their
    FIFO layers and the revaluations."""
    keys = _document_keys(moves)
    for move in moves:  # incoming values are known before any replay
        if move.from_warehouse is None:
            move.rate = move.unit_cost if move.unit_cost is not None else move.product.standard_cost
            move.value = round_money(move.quantity * move.rate, currency)
    result = Replayed({}, {}, [])
    carried: dict[tuple, Decimal] = {}  # (movement, receiving warehouse): what the transfer brings beyond its value
    by_key: dict[tuple, list[Revalue]] = {}
    work, replays = deque(keys), 0
    while work:
        key = work.popleft()
        replays += 1
        if replays > MAX_REPLAYS:
            raise ValidationFailed(
                _("This back-dated movement would revalue too many later transfers"),
                code=InventoryError.BACK_DATED,
                field="date",
            )
        state = _Replay(key, fifo=fifo, currency=currency, negative=negative, settle_account=settle_account)
        by_key[key] = state.run(moves, day, carried, standard_cost)
        result.figures[key] = (state.quantity, state.value)
        result.layers[key] = state.layers
        for to_key in state.onward:
            if to_key not in work:
                work.append(to_key)
    result.revaluations = [r for rows in by_key.values() for r in rows]
    return result


class _Replay:
    """One key's movements replayed from the beginning."""

    def __init__(self, key, *, fifo: bool, currency, negative: bool, settle_account) -> None:
        self.key = key
        self.fifo, self.currency, self.negative, self.settle_account = fifo, currency, negative, settle_account
        self.quantity, self.value = ZERO, ZERO
        self.layers: list[Layer] = []
        self.last_cost = None
        self.onward: list[tuple] = []

    def run(self, moves, day, carried: dict, standard_cost) -> list[Revalue]:
        product_id, warehouse_id, batch_id = self.key
        existing = list(
            StockMovement.objects.filter(
                Q(from_warehouse_id=warehouse_id) | Q(to_warehouse_id=warehouse_id),
                product_id=product_id,
                batch_id=batch_id,
            ).order_by("movement_date", "id")
        )
        revalued: dict[tuple, Decimal] = defaultdict(lambda: ZERO)  # (movement, carried?): Σ here
        rows = (
            StockRevaluation.objects.filter(movement__in=[m.pk for m in existing], warehouse_id=warehouse_id)
            .values("movement_id", "account_id")
            .annotate(total=Sum("amount"))
        )
        for row in rows:
            revalued[(row["movement_id"], row["account_id"] is None)] += row["total"]
        new = [
            m
            for m in moves
            if m.product.pk == product_id
            and (m.batch.pk if m.batch else None) == batch_id
            and warehouse_id in {w.pk for w in (m.from_warehouse, m.to_warehouse) if w is not None}
        ]
        events = [(m.movement_date, 0, i, m) for i, m in enumerate(existing)]
        events += [(day, 1, i, m) for i, m in enumerate(new)]  # after what is on the day already
        out: list[Revalue] = []
        for on, is_new, _i, event in sorted(events, key=lambda e: e[:3]):
            if is_new:
                source = event.from_warehouse.pk if event.from_warehouse is not None else None
            else:
                source = event.from_warehouse_id
            if source == warehouse_id:
                self._out(event, is_new, revalued, carried, out, standard_cost)
            else:
                self._in(event, on, is_new, revalued, carried, out)
        return out

    def _cost(self, event, standard_cost):
        def last_cost():
            if self.last_cost is not None:
                return self.last_cost
            return standard_cost(event) if standard_cost else ZERO

        return last_cost

    def _out(self, event, is_new, revalued, carried, out, standard_cost) -> None:
        if event.quantity > self.quantity and not self.negative:
            field = f"{event.field}.quantity" if is_new else "date"
            raise Conflict(
                _("Not enough stock at the time of this movement or of a later one"),
                code=InventoryError.INSUFFICIENT_STOCK,
                field=field,
            )
        taken = take_stock(
            self.quantity,
            self.value,
            self.layers if self.fifo else None,
            event.quantity,
            self.currency,
            self._cost(event, standard_cost),
        )
        if self.fifo:
            self.layers = [layer for layer in self.layers if layer.remaining_quantity]
        self.quantity -= event.quantity
        self.value -= taken
        if is_new:
            changed = event.value != taken
            event.value, event.rate = taken, (taken / event.quantity).quantize(RATE_QUANTUM)
            if event.to_warehouse is not None and changed:  # its receiving key, again if already replayed
                self.onward.append(_key_of(self.key[0], event.to_warehouse.pk, self.key[2]))
            return
        delta = taken - (event.value + revalued[(event.pk, False)] + revalued[(event.pk, True)])
        if event.to_warehouse_id is None:
            if delta:
                out.append(Revalue(event, self.key, delta, event.account_id))
            return
        to_key = _key_of(self.key[0], event.to_warehouse_id, self.key[2])
        if delta:
            out.append(Revalue(event, self.key, delta))
            out.append(Revalue(event, to_key, -delta))
        if carried.get((event.pk, event.to_warehouse_id), ZERO) != delta:  # the receiving key, (again), with it
            carried[(event.pk, event.to_warehouse_id)] = delta
            self.onward.append(to_key)

    def _in(self, event, on, is_new, revalued, carried, out) -> None:
        if is_new:
            worth = event.value
        else:  # its value, with what transfers carried into it before and now
            worth = event.value - revalued[(event.pk, True)] + carried.get((event.pk, self.key[1]), ZERO)
        covered, settlement, rest = settle_shortfall(self.quantity, self.value, event.quantity, worth, self.currency)
        self.quantity += event.quantity
        self.value += worth - settlement
        delta = settlement - (ZERO if is_new else revalued[(event.pk, False)])
        if delta:
            out.append(Revalue(event, self.key, delta, self.settle_account))
        self.last_cost = event.rate
        if self.fifo and event.quantity > covered:
            left = event.quantity - covered
            self.layers.append(Layer(event, on, event.quantity, left, rest if covered else worth))
