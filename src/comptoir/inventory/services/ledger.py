"""The stock ledger's one writer: `write_movements()` values and writes the movements of a document, keeps the
FIFO layers and the balance cache, and posts the document's journal entry — all in the caller's transaction.

Rules (each refused with a problem+json code, nothing written):
- a product that tracks stock (`untracked_product`), active warehouses (`inactive`);
- never below zero: an outgoing quantity must be available (on hand − reserved) at its (product, warehouse, batch)
  (`insufficient_stock`), checked under the balance row's lock and again by the guarded UPDATE — unless the
  organization allows negative stock (`inventory.allow_negative_stock`): then the shortfall is valued at the key's
  last known cost (the rate of its latest incoming movement, else the product's standard cost), and incoming stock
  first settles it (`services.valuation.settle_shortfall`, the difference a revaluation against the adjustment
  account);
- the date in an open period (`period_closed`, `fiscal_year_closed`, `no_fiscal_period`). A date before later
  movements of the same product at the same warehouse replays those keys and revalues what followed, following
  later transfers to the warehouses the stock went to (`services.backdating`).

Lock order, the same for every writer (and for reservations): the balance rows of every key the document touches
(and, back-dated, of the keys later transfers carried its stock to), created when missing or locked — one
`INSERT … ON CONFLICT DO UPDATE … RETURNING` in (product, warehouse, batch) order; then the FIFO layers of the
outgoing keys, in the same order; then the books (`post_document`: account caches, the entry's number)."""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

from comptoir.accounting.constants import EntryType, PeriodStatus
from comptoir.accounting.services import PostingLine, SourceRef, post_document
from comptoir.accounting.services.periods import period_of
from comptoir.inventory.constants import MovementType, ValuationMethod
from comptoir.inventory.errors import InventoryError
from comptoir.inventory.models import StockBalance, StockLayer, StockMovement, StockRevaluation, Warehouse
from comptoir.inventory.module import ADJUSTMENT_ACCOUNT_SETTING, NEGATIVE_STOCK_SETTING, VALUATION_SETTING
from comptoir.inventory.queries.refs import inventory_settings, resolve_account, system_stock_account
from comptoir.inventory.services.backdating import Revalue, later_keys, reach, replay
from comptoir.inventory.services.valuation import settle_shortfall, share, take_layers, take_stock
from comptoir.platform.db import insert_rows
from comptoir.platform.errors import Conflict, ValidationFailed
from comptoir.platform.ids import uuid7
from comptoir.platform.money import round_money
from comptoir.platform.queries.core import current_organization
from comptoir.platform.tenancy import require_org_id

ZERO = Decimal(0)
RATE_QUANTUM = Decimal("0.0001")


@dataclasses.dataclass
class Move:
    """One movement to write. `field` names the input it comes from (`lines[2]`), for the errors. `unit_cost` values
    an incoming movement; outgoing and transfer movements are valued from the stock they leave. `offset_account` is
    the account on the other side of the books for a movement in or out (unused by a transfer)."""

    product: object
    quantity: Decimal
    movement_type: str
    from_warehouse: object = None
    to_warehouse: object = None
    batch: object = None
    unit_cost: Decimal | None = None
    offset_account: object = None
    field: str = "lines"
    value: Decimal = ZERO
    rate: Decimal = ZERO
    cost_of: object = None  # an outgoing move that undoes an incoming movement: see `write_movements`


@dataclasses.dataclass
class _Balance:
    row: StockBalance
    quantity: Decimal
    reserved: Decimal
    value: Decimal


def _key(product_id, warehouse_id, batch_id) -> tuple:
    return (str(product_id), str(warehouse_id), str(batch_id or ""))


def check_period(day: datetime.date) -> None:
    """`day` must fall in an open period of an open fiscal year (the books' rule, also for a movement that posts
    nothing to them)."""
    period = period_of(day)
    if period is None:
        raise ValidationFailed(
            _("No fiscal period contains %(date)s") % {"date": day}, code="no_fiscal_period", field="date"
        )
    if period.fiscal_year.is_closed:
        raise Conflict(
            _("Fiscal year %(name)s is closed") % {"name": period.fiscal_year.name},
            code="fiscal_year_closed",
            field="date",
        )
    if period.status != PeriodStatus.OPEN:
        raise Conflict(_("The period of %(date)s is closed") % {"date": day}, code="period_closed", field="date")


def _check_moves(moves: list[Move]) -> None:
    for move in moves:
        if not move.product.track_inventory:
            raise ValidationFailed(
                _("Product %(code)s tracks no stock") % {"code": move.product.code},
                code=InventoryError.UNTRACKED_PRODUCT,
                field=f"{move.field}.product",
            )
        for side in ("from_warehouse", "to_warehouse"):
            warehouse = getattr(move, side)
            if warehouse is not None and not warehouse.is_active:
                raise ValidationFailed(
                    _("Warehouse %(code)s is inactive") % {"code": warehouse.code},
                    code=InventoryError.INACTIVE,
                    field=f"{move.field}.{side}",
                )


_ENSURE_SQL = f"""
INSERT INTO {StockBalance._meta.db_table}
       (id, organization_id, created_at, updated_at, product_id, warehouse_id, batch_id, quantity,
        reserved_quantity, value)
SELECT k.id, %(org)s, now(), now(), k.product, k.warehouse, k.batch, 0, 0, 0
  FROM unnest(%(ids)s::uuid[], %(products)s::uuid[], %(warehouses)s::uuid[], %(batches)s::uuid[])
       WITH ORDINALITY AS k(id, product, warehouse, batch, n)
 ORDER BY k.n
    ON CONFLICT (organization_id, product_id, warehouse_id, batch_id) DO UPDATE SET updated_at = EXCLUDED.updated_at
RETURNING id, product_id, warehouse_id, batch_id, quantity, reserved_quantity, value
"""  # noqa: S608 (model table)


def lock_balances(keys) -> dict[tuple, StockBalance]:
    """The balance rows of `keys` ((product id, warehouse id, batch id or None)), created at zero when missing, each
    locked FOR UPDATE, in key order: the one lock order of every writer of the stock."""
    ordered = sorted(set(keys), key=lambda k: _key(*k))
    if not ordered:
        return {}
    params = {
        "org": require_org_id(),
        "ids": [uuid7() for _ in ordered],
        "products": [k[0] for k in ordered],
        "warehouses": [k[1] for k in ordered],
        "batches": [k[2] for k in ordered],
    }
    with connection.cursor() as cursor:  # one statement: created or locked (ON CONFLICT DO UPDATE), in key order
        cursor.execute(_ENSURE_SQL, params)
        fetched = cursor.fetchall()
    rows = {}
    for pk, product, warehouse, batch, quantity, reserved, value in fetched:
        row = StockBalance(
            id=pk,
            organization_id=params["org"],
            product_id=product,
            warehouse_id=warehouse,
            batch_id=batch,
            quantity=quantity,
            reserved_quantity=reserved,
            value=value,
        )
        row._state.adding, row._state.db = False, "default"
        rows[(product, warehouse, batch)] = row
    return rows


def _apply_balances(balances: dict[tuple, _Balance], *, negative: bool = False) -> None:
    """Write the new figures of the locked rows by a guarded UPDATE (never below zero, never below what is
    reserved — unless negative stock is allowed)."""
    changed = [b for b in balances.values() if (b.quantity, b.value) != (b.row.quantity, b.row.value)]
    if not changed:
        return
    values = ", ".join(["(%s::uuid, %s::numeric, %s::numeric)"] * len(changed))
    params: list = []
    for b in changed:
        params += [b.row.pk, b.quantity - b.row.quantity, b.value - b.row.value]
    table = StockBalance._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} b SET quantity = b.quantity + d.q, value = b.value + d.v, updated_at = now() "  # noqa: S608
            f"FROM (VALUES {values}) d(id, q, v) "
            "WHERE b.id = d.id"
            + ("" if negative else " AND b.quantity + d.q >= b.reserved_quantity AND b.value + d.v >= 0"),
            params,
        )
        if cursor.rowcount != len(changed):
            raise Conflict(_("Not enough stock"), code=InventoryError.INSUFFICIENT_STOCK, field="lines")


def _open_layers(keys) -> dict[tuple, list[StockLayer]]:
    condition = Q()
    for product, warehouse, batch in sorted(set(keys), key=lambda k: _key(*k)):
        condition |= Q(product_id=product, warehouse_id=warehouse, batch_id=batch)
    layers: dict[tuple, list[StockLayer]] = defaultdict(list)
    rows = (
        StockLayer.objects.filter(condition, remaining_quantity__gt=0)
        .order_by("product_id", "warehouse_id", "batch_id", "layer_date", "id")
        .select_for_update()
    )
    for layer in rows:
        layers[(layer.product_id, layer.warehouse_id, layer.batch_id)].append(layer)
    for queue in layers.values():
        queue.sort(key=lambda layer: (layer.layer_date, layer.id))
    return layers


def _last_cost(key: tuple, move: Move):
    """The key's last known cost, for a shortfall: the rate of its latest incoming movement, else the standard cost."""

    def cost() -> Decimal:
        product, warehouse, batch = key
        rate = (
            StockMovement.objects.filter(product_id=product, to_warehouse_id=warehouse, batch_id=batch)
            .order_by("-movement_date", "-id")
            .values_list("rate", flat=True)
            .first()
        )
        return rate if rate is not None else move.product.standard_cost

    return cost


def _take(
    balance: _Balance, quantity: Decimal, move: Move, fifo: list[StockLayer] | None, currency, *, key, negative
) -> Decimal:
    """Take `quantity` out of `balance` (and its FIFO layers when given); the value it leaves with."""
    if negative:
        value = take_stock(balance.quantity, balance.value, fifo, quantity, currency, _last_cost(key, move))
        balance.quantity -= quantity
        balance.value -= value
        return value
    if balance.quantity - balance.reserved < quantity:
        raise Conflict(
            _("Only %(quantity)s of %(code)s available")
            % {"quantity": balance.quantity - balance.reserved, "code": move.product.code},
            code=InventoryError.INSUFFICIENT_STOCK,
            field=f"{move.field}.quantity",
        )
    if move.cost_of is not None:
        value = _cost_of(balance, quantity, move, fifo, currency)
    elif fifo is not None and sum(layer.remaining_quantity for layer in fifo) < quantity:
        # the layers must hold what the balance holds: check-books reports the difference
        raise Conflict(
            _("The valuation layers of %(code)s hold less than its balance") % {"code": move.product.code},
            code=InventoryError.INSUFFICIENT_STOCK,
            field=f"{move.field}.quantity",
        )
    else:
        value = take_stock(balance.quantity, balance.value, fifo, quantity, currency, lambda: ZERO)
    balance.quantity -= quantity
    balance.value -= value
    return value


def _cost_of(balance: _Balance, quantity: Decimal, move: Move, fifo: list[StockLayer] | None, currency) -> Decimal:
    """An outgoing move undoing an incoming movement (a receipt returned or cancelled) leaves at that movement's
    cost: under FIFO from its layer first, then the oldest; at moving average at its rate, never more than the
    balance holds."""
    if fifo is None:
        value = share(move.cost_of.value, quantity, move.cost_of.quantity, currency)
        return balance.value if quantity == balance.quantity else min(value, balance.value)
    ordered = sorted(fifo, key=lambda layer: layer.movement_id != move.cost_of.pk)
    value, lacking = take_layers(ordered, quantity, currency)
    if lacking:  # the layers must hold what the balance holds: check-books reports the difference
        raise Conflict(
            _("The valuation layers of %(code)s hold less than its balance") % {"code": move.product.code},
            code=InventoryError.INSUFFICIENT_STOCK,
            field=f"{move.field}.quantity",
        )
    return value


def _inventory_account(warehouse, default) -> object:
    return warehouse.inventory_account_id or default


def _posting_lines(moves: list[Move], revaluations=()) -> list[PostingLine]:
    """The journal lines of the movements (and of the revaluations a back-dated document or a settled shortfall
    makes): per account, the net of what enters and leaves it, in base currency."""
    default = system_stock_account()
    default_id = default.pk if default else None
    net: dict = defaultdict(lambda: ZERO)
    if revaluations:  # each took `amount` more out of its warehouse's inventory account
        accounts = dict(
            Warehouse.objects.filter(pk__in={r.key[1] for r in revaluations}).values_list("id", "inventory_account")
        )
        for revalue in revaluations:
            net[accounts[revalue.key[1]] or default_id] -= revalue.amount
            if revalue.account is not None:
                net[revalue.account] += revalue.amount
    for move in moves:
        if move.value == 0:
            continue
        if move.from_warehouse is not None:
            net[_inventory_account(move.from_warehouse, default_id)] -= move.value
        else:
            net[move.offset_account.pk] -= move.value
        if move.to_warehouse is not None:
            net[_inventory_account(move.to_warehouse, default_id)] += move.value
        else:
            net[move.offset_account.pk] += move.value
    if None in net and net[None]:
        raise ValidationFailed(
            _("The chart has no system stock account; name one on the warehouse"),
            code=InventoryError.INVALID_ACCOUNT,
            field="inventory_account",
        )
    return [
        PostingLine(account, EntryType.DEBIT if amount > 0 else EntryType.CREDIT, abs(amount))
        for account, amount in sorted(net.items(), key=lambda item: str(item[0]))
        if amount
    ]


def _write_revaluations(revaluations, written: dict, entry, *, source: tuple, day) -> None:
    organization_id = require_org_id()
    insert_rows(
        [
            StockRevaluation(
                id=uuid7(),
                organization_id=organization_id,
                movement=written.get(id(r.movement), r.movement),
                product_id=r.key[0],
                warehouse_id=r.key[1],
                batch_id=r.key[2],
                revaluation_date=day,
                amount=r.amount,
                account_id=r.account,
                source_type=source[0],
                source_id=source[1],
                journal_entry=entry,
            )
            for r in revaluations
        ]
    )


def _write_replayed(replayed, moves, movements, entry, *, fifo: bool, source: tuple, day) -> None:
    """The revaluations a back-dated document made, and (FIFO) the replayed keys' layers in place of theirs."""
    organization_id = require_org_id()
    written = {id(move): movement for move, movement in zip(moves, movements, strict=True)}
    _write_revaluations(replayed.revaluations, written, entry, source=source, day=day)
    if not fifo:
        return
    condition = Q()
    for product, warehouse, batch in replayed.layers:
        condition |= Q(product_id=product, warehouse_id=warehouse, batch_id=batch)
    StockLayer.objects.filter(condition).delete()
    insert_rows(
        [
            StockLayer(
                id=uuid7(),
                organization_id=organization_id,
                product_id=key[0],
                warehouse_id=key[1],
                batch_id=key[2],
                movement=written.get(id(layer.source), layer.source),
                layer_date=layer.layer_date,
                quantity=layer.quantity,
                remaining_quantity=layer.remaining_quantity,
                remaining_value=layer.remaining_value,
            )
            for key, queue in replayed.layers.items()
            for layer in queue
        ]
    )


def write_movements(
    *,
    actor,
    moves: list[Move],
    day: datetime.date,
    source_type: str,
    source_id: uuid.UUID,
    narration: str = "",
    reference: str = "",
    entry=None,
    settings: dict | None = None,
):
    """Value and write `moves` dated `day` for the document (`source_type`, `source_id`), with its journal entry
    (None when the movements move no value between accounts). Returns (movements, journal entry). `settings`: the
    inventory's settings when the caller has read them (`queries.refs.inventory_settings`).

    An outgoing move with `cost_of` (an incoming StockMovement, e.g. a purchase receipt being returned or
    cancelled) leaves at that movement's cost: under FIFO from its layer first, under moving average at its rate.
    `entry`, when given, is an entry already posted that carries the movements' value (the reversal of the entry
    of the movements they undo): the movements belong to it and nothing more is posted; a back-dated document
    cannot use it (`back_dated`)."""
    check_period(day)
    _check_moves(moves)
    backdated = later_keys(moves, day)
    if backdated and entry is not None:
        raise Conflict(
            _("Later movements of these products exist: this cannot be dated %(date)s") % {"date": day},
            code=InventoryError.BACK_DATED,
            field="date",
        )
    currency = current_organization().base_currency
    settings = settings if settings is not None else inventory_settings()
    method = settings[VALUATION_SETTING]
    negative = bool(settings[NEGATIVE_STOCK_SETTING])
    fifo = method == ValuationMethod.FIFO
    keys = []
    for move in moves:
        if move.from_warehouse is not None:
            keys.append((move.product.pk, move.from_warehouse.pk, move.batch.pk if move.batch else None))
        if move.to_warehouse is not None:
            keys.append((move.product.pk, move.to_warehouse.pk, move.batch.pk if move.batch else None))
    if backdated:
        keys += reach(moves, day)  # where later transfers took the stock: locked with the rest, in key order
    rows = lock_balances(keys)
    balances = {k: _Balance(r, r.quantity, r.reserved_quantity, r.value) for k, r in rows.items()}
    outgoing = [
        (m.product.pk, m.from_warehouse.pk, m.batch.pk if m.batch else None)
        for m in moves
        if m.from_warehouse is not None
    ]
    settle_account = None

    def _settle_account():
        nonlocal settle_account
        if settle_account is None:
            settle_account = resolve_account(settings[ADJUSTMENT_ACCOUNT_SETTING], "account").pk
        return settle_account

    replayed = None
    if backdated:
        replayed = replay(
            moves,
            day,
            fifo=fifo,
            currency=currency,
            negative=negative,
            standard_cost=lambda event: event.product.standard_cost,
            settle_account=_settle_account() if negative else None,
        )
        for key, (quantity, value) in replayed.figures.items():
            balances[key].quantity, balances[key].value = quantity, value
    layers = _open_layers(outgoing) if fifo and outgoing and not backdated else {}
    new_layers: list[StockLayer] = []
    movements: list[StockMovement] = []
    settlements: list[Revalue] = []
    for move in moves:
        batch_id = move.batch.pk if move.batch else None
        if backdated:
            pass  # valued by the replay
        elif move.from_warehouse is not None:
            key = (move.product.pk, move.from_warehouse.pk, batch_id)
            queue = layers.get(key, []) if fifo else None
            move.value = _take(balances[key], move.quantity, move, queue, currency, key=key, negative=negative)
            move.rate = (move.value / move.quantity).quantize(RATE_QUANTUM)
        else:
            move.rate = move.unit_cost if move.unit_cost is not None else move.product.standard_cost
            move.value = round_money(move.quantity * move.rate, currency)
        movement = StockMovement(
            id=uuid7(),
            organization_id=require_org_id(),
            product=move.product,
            from_warehouse=move.from_warehouse,
            to_warehouse=move.to_warehouse,
            batch=move.batch,
            quantity=move.quantity,
            rate=move.rate,
            value=move.value,
            movement_date=day,
            movement_type=move.movement_type,
            account=move.offset_account if move.movement_type != MovementType.TRANSFER else None,
            source_type=source_type,
            source_id=source_id,
            reference_number=reference,
            created_by=actor,
            updated_by=actor,
        )
        movements.append(movement)
        if move.to_warehouse is not None and not backdated:
            key = (move.product.pk, move.to_warehouse.pk, batch_id)
            balance = balances[key]
            covered, settlement, rest = settle_shortfall(
                balance.quantity, balance.value, move.quantity, move.value, currency
            )
            if settlement:
                settlements.append(Revalue(move, key, settlement, _settle_account()))
            balance.quantity += move.quantity
            balance.value += move.value - settlement
            if not fifo or covered == move.quantity:
                continue
            layer = StockLayer(
                id=uuid7(),
                organization_id=movement.organization_id,
                product=move.product,
                warehouse=move.to_warehouse,
                batch=move.batch,
                movement=movement,
                layer_date=day,
                quantity=move.quantity,
                remaining_quantity=move.quantity - covered,
                remaining_value=rest,
            )
            new_layers.append(layer)
            layers.setdefault(key, []).append(layer)  # a later line of this document may take from it
    # The stock's own rows first (the layers name their movement by a deferred foreign key), the books last: the
    # journal's number, a row every posting shares, is then held only for the few statements left.
    fresh = {layer.pk for layer in new_layers}
    consumed = [
        layer
        for queue in layers.values()
        for layer in queue
        if getattr(layer, "_changed", False) and layer.pk not in fresh
    ]
    insert_rows(new_layers)
    if consumed:
        StockLayer.objects.bulk_update(consumed, ["remaining_quantity", "remaining_value"])
    _apply_balances(balances, negative=negative)
    revaluations = replayed.revaluations if replayed else settlements
    lines = [] if entry is not None else _posting_lines(moves, revaluations)
    if lines:
        entry = post_document(
            actor=actor,
            source=SourceRef(source_type, source_id),
            date=day,
            journal_type="STOCK",
            lines=lines,
            narration=narration,
            reference_number=reference,
        )
    for movement in movements:
        movement.journal_entry = entry
    insert_rows(movements)
    if replayed is not None:
        _write_replayed(replayed, moves, movements, entry, fifo=fifo, source=(source_type, source_id), day=day)
    elif settlements:
        written = {id(move): movement for move, movement in zip(moves, movements, strict=True)}
        _write_revaluations(settlements, written, entry, source=(source_type, source_id), day=day)
    return movements, entry
