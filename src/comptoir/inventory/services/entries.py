"""Stock entries: a receipt, an issue, a transfer or an adjustment, DRAFT → POSTED or CANCELLED. Posting writes its
movements and one journal entry (the STOCK journal) through the ledger (`services.ledger`) in the document
skeleton's transaction: lock → transition → post → number last → event.

The books: a receipt debits the warehouse's inventory account and credits the receipt account (goods received not
invoiced, setting `inventory.receipt_account`); an issue debits the issue account (cost of goods sold,
`inventory.issue_account`) and credits inventory; an adjustment uses `inventory.adjustment_account` on the other
side; a transfer moves value between the warehouses' inventory accounts, so nothing when they share one. An entry
may name its own `account` for the other side."""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from collections.abc import Sequence
from decimal import Decimal

from django.db.models import F, Q
from django.utils.translation import gettext as _

from comptoir.accounting.constants import AccountType
from comptoir.catalog.queries.products import products as catalog_products
from comptoir.inventory.constants import MovementType, StockEntryStatus, StockEntryType
from comptoir.inventory.errors import InventoryError
from comptoir.inventory.models import StockBalance, StockEntry, StockEntryLine
from comptoir.inventory.module import (
    ADJUSTMENT_ACCOUNT_SETTING,
    ISSUE_ACCOUNT_SETTING,
    RECEIPT_ACCOUNT_SETTING,
    STOCK_ENTRY_CANCELLED,
    STOCK_ENTRY_CREATED,
    STOCK_ENTRY_DOCUMENT,
    STOCK_ENTRY_POSTED,
    STOCK_ENTRY_SERIES,
)
from comptoir.inventory.queries.refs import (
    inventory_settings,
    resolve_account,
    resolve_batch,
    resolve_product,
    resolve_warehouse,
)
from comptoir.inventory.services.ledger import Move, write_movements
from comptoir.platform.constants import AuditAction
from comptoir.platform.db import insert_rows, service_transaction
from comptoir.platform.documents import move_document
from comptoir.platform.errors import ValidationFailed
from comptoir.platform.ids import uuid7
from comptoir.platform.locks import lock_row
from comptoir.platform.services.audit import record_audit
from comptoir.platform.services.events import emit_event
from comptoir.platform.services.numbering import next_number
from comptoir.platform.tenancy import require_org_id

ZERO = Decimal(0)
OFFSET_SETTING = {
    StockEntryType.RECEIPT: RECEIPT_ACCOUNT_SETTING,
    StockEntryType.ISSUE: ISSUE_ACCOUNT_SETTING,
    StockEntryType.ADJUSTMENT: ADJUSTMENT_ACCOUNT_SETTING,
}


@dataclasses.dataclass(frozen=True, kw_only=True)
class StockEntryLineInput:
    """A line: `product`, the warehouses and `batch` by id or code (a batch by its number)."""

    product: str | uuid.UUID
    quantity: Decimal
    from_warehouse: str | uuid.UUID | None = None
    to_warehouse: str | uuid.UUID | None = None
    unit_cost: Decimal | None = None
    batch: str | uuid.UUID | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class StockEntryInput:
    """A new stock entry; `post` posts it at once (one transaction: created and posted, or nothing)."""

    entry_type: str
    date: datetime.date
    lines: Sequence[StockEntryLineInput]
    account: str | uuid.UUID | None = None
    reference: str = ""
    notes: str = ""
    post: bool = False


def _refuse(message: str, code: str, field: str):
    raise ValidationFailed(message, code=code, field=field)


class _Refs:
    """The references of an entry's lines, each read once: the products of every line in one query (the ones not
    found are resolved one by one, for their error), a warehouse once per reference."""

    def __init__(self, lines) -> None:
        refs = {str(line.product).strip() for line in lines if line.product is not None}
        ids = [key for key in (_as_uuid(ref) for ref in refs) if key is not None]
        found = catalog_products().filter(Q(code__in=refs) | Q(pk__in=ids)) if refs else []
        self.products = {}
        for row in found:
            self.products[row.code] = self.products[str(row.pk)] = row
        self.warehouses: dict = {}

    def product(self, ref, field: str):
        row = self.products.get(str(ref).strip()) if ref is not None else None
        return row if row is not None else resolve_product(ref, field)

    def warehouse(self, ref, field: str):
        key = str(ref).strip()
        if key not in self.warehouses:
            self.warehouses[key] = resolve_warehouse(ref, field)
        return self.warehouses[key]


def _as_uuid(ref) -> uuid.UUID | None:
    try:
        return uuid.UUID(ref)
    except ValueError:
        return None


def _warehouses(entry_type: str, line: StockEntryLineInput, field: str, refs: _Refs):
    """The line's (from, to) warehouses, as its entry's type wants them."""
    source = refs.warehouse(line.from_warehouse, f"{field}.from_warehouse") if line.from_warehouse else None
    target = refs.warehouse(line.to_warehouse, f"{field}.to_warehouse") if line.to_warehouse else None
    needs = {
        StockEntryType.RECEIPT: (False, True),
        StockEntryType.ISSUE: (True, False),
        StockEntryType.TRANSFER: (True, True),
    }.get(entry_type)
    if needs is None:  # an adjustment goes one way: in (to) or out (from)
        if source and target:
            _refuse(
                _("An adjustment goes into one warehouse or out of one"),
                InventoryError.NOT_ALLOWED,
                f"{field}.to_warehouse",
            )
        needs = (source is not None, source is None)
    for side, wanted, given in (("from_warehouse", needs[0], source), ("to_warehouse", needs[1], target)):
        if wanted and given is None:
            _refuse(
                _("This kind of line needs %(field)s") % {"field": side}, InventoryError.REQUIRED, f"{field}.{side}"
            )
        if not wanted and given is not None:
            _refuse(
                _("This kind of line takes no %(field)s") % {"field": side},
                InventoryError.NOT_ALLOWED,
                f"{field}.{side}",
            )
    if source is not None and source == target:
        _refuse(
            _("A transfer moves stock between two warehouses"), InventoryError.SAME_WAREHOUSE, f"{field}.to_warehouse"
        )
    return source, target


def _offset_account(entry_type: str, ref):
    if entry_type == StockEntryType.TRANSFER:
        if ref not in (None, ""):
            _refuse(_("A transfer posts only between inventory accounts"), InventoryError.NOT_ALLOWED, "account")
        return None
    account = resolve_account(ref, "account") if ref not in (None, "") else None
    if account is not None and account.account_type == AccountType.STOCK:
        _refuse(
            _("Account %(code)s is a stock account") % {"code": account.code}, InventoryError.INVALID_ACCOUNT, "account"
        )
    return account


def _build_lines(data: StockEntryInput, entry: StockEntry) -> list[StockEntryLine]:
    if not data.lines:
        _refuse(_("A stock entry needs at least one line"), InventoryError.REQUIRED, "lines")
    rows = []
    refs = _Refs(data.lines)
    for i, line in enumerate(data.lines):
        field = f"lines[{i}]"
        product = refs.product(line.product, f"{field}.product")
        if not product.track_inventory:
            _refuse(
                _("Product %(code)s tracks no stock") % {"code": product.code},
                InventoryError.UNTRACKED_PRODUCT,
                f"{field}.product",
            )
        source, target = _warehouses(data.entry_type, line, field, refs)
        if line.unit_cost is not None and source is not None:
            _refuse(
                _("Outgoing stock is valued from the stock it leaves"), InventoryError.NOT_ALLOWED, f"{field}.unit_cost"
            )
        batch = resolve_batch(line.batch, product, f"{field}.batch") if line.batch else None
        rows.append(
            StockEntryLine(
                id=uuid7(),
                organization_id=entry.organization_id,
                entry=entry,
                line_no=i + 1,
                product=product,
                quantity=Decimal(str(line.quantity)),  # as read back: posted at once, the line is not
                from_warehouse=source,
                to_warehouse=target,
                unit_cost=None if line.unit_cost is None else Decimal(str(line.unit_cost)),
                batch=batch,
                created_by=entry.created_by,
                updated_by=entry.created_by,
            )
        )
    return rows


def _payload(entry: StockEntry) -> dict:
    return {
        "id": entry.pk,
        "number": entry.number,
        "entry_type": entry.entry_type,
        "status": entry.status,
        "date": entry.date,
        "total_value": entry.total_value,
        "journal_entry": entry.journal_entry_id,
    }


def create_stock_entry(*, actor, data: StockEntryInput) -> StockEntry:
    """A DRAFT stock entry with its lines (posted at once when `data.post`)."""
    with service_transaction():
        entry = StockEntry(
            id=uuid7(),
            organization_id=require_org_id(),
            entry_type=data.entry_type,
            date=data.date,
            account=_offset_account(data.entry_type, data.account),
            reference=data.reference.strip(),
            notes=data.notes,
            created_by=actor,
            updated_by=actor,
        )
        lines = _build_lines(data, entry)
        entry.save(force_insert=True)
        if not data.post:  # posted at once: the lines are written once valued
            insert_rows(lines)
        record_audit(
            actor=actor,
            action=AuditAction.CREATE,
            obj=entry,
            new={"entry_type": entry.entry_type, "date": str(entry.date), "lines": len(lines)},
        )
        emit_event(event_type=STOCK_ENTRY_CREATED, payload=_payload(entry), source=entry)
        if data.post:  # the entry and its lines as just built: nobody else sees them before the commit
            entry = _move_to_posted(actor, lambda: entry, lines=lines)
    return entry


def _fefo(line: StockEntryLine) -> list[tuple[object, Decimal]]:
    """(batch, quantity) parts of an outgoing line that names no batch: the first-expiring batches first, stock
    outside any batch last. What no batch holds stays on the last part (refused as insufficient)."""
    if line.batch_id is not None:
        return [(line.batch, line.quantity)]
    available = list(
        StockBalance.objects.filter(
            product_id=line.product_id, warehouse_id=line.from_warehouse_id, quantity__gt=F("reserved_quantity")
        )
        .select_related("batch")
        .order_by(F("batch__exp_date").asc(nulls_last=True), F("batch__batch_number").asc(nulls_last=True))
    )
    if not available or all(row.batch_id is None for row in available):
        return [(None, line.quantity)]
    parts, left = [], line.quantity
    for row in available:
        take = min(left, row.quantity - row.reserved_quantity)
        parts.append((row.batch, take))
        left -= take
        if left == 0:
            break
    if left:
        batch, quantity = parts[-1]
        parts[-1] = (batch, quantity + left)
    return parts


def _movement_type(entry_type: str, line: StockEntryLine) -> str:
    if entry_type == StockEntryType.ADJUSTMENT:
        return MovementType.ADJUSTMENT_IN if line.to_warehouse_id else MovementType.ADJUSTMENT_OUT
    return {
        StockEntryType.RECEIPT: MovementType.IN,
        StockEntryType.ISSUE: MovementType.OUT,
        StockEntryType.TRANSFER: MovementType.TRANSFER,
    }[entry_type]


def _post(actor, entry: StockEntry, fresh: list[StockEntryLine] | None = None) -> None:
    """Write the movements of the entry's lines (`fresh`: lines built in this transaction and not written yet:
    they are inserted with their values)."""
    lines = fresh
    if lines is None:
        lines = list(entry.lines.select_related("product", "from_warehouse", "to_warehouse", "batch"))
    settings = inventory_settings()
    offset = entry.account
    if offset is None and entry.entry_type in OFFSET_SETTING:
        offset = resolve_account(settings[OFFSET_SETTING[entry.entry_type]], "account")
    moves: list[Move] = []
    owners: list[StockEntryLine] = []
    for i, line in enumerate(lines):
        kind = _movement_type(entry.entry_type, line)
        parts = _fefo(line) if line.from_warehouse_id else [(line.batch, line.quantity)]
        for batch, quantity in parts:
            moves.append(
                Move(
                    product=line.product,
                    quantity=quantity,
                    movement_type=kind,
                    from_warehouse=line.from_warehouse,
                    to_warehouse=line.to_warehouse,
                    batch=batch,
                    unit_cost=line.unit_cost,
                    offset_account=offset,
                    field=f"lines[{i}]",
                )
            )
            owners.append(line)
    _movements, journal_entry = write_movements(
        actor=actor,
        moves=moves,
        day=entry.date,
        source_type=STOCK_ENTRY_DOCUMENT,
        source_id=entry.pk,
        narration=f"{entry.get_entry_type_display()} {entry.reference}".strip(),
        reference=entry.reference,
        settings=settings,
    )
    for line in lines:
        line.value = ZERO
    for move, line in zip(moves, owners, strict=True):
        line.value += move.value
    if fresh is not None:
        insert_rows(lines)
    else:
        StockEntryLine.objects.bulk_update(lines, ["value"])
    entry.journal_entry = journal_entry
    entry.total_value = sum((line.value for line in lines), ZERO)


def _locked(entry_id) -> StockEntry:
    return lock_row(StockEntry.objects, entry_id, what="stock entry")


def post_stock_entry(*, actor, entry_id) -> StockEntry:
    """DRAFT → POSTED: its movements, its journal entry and its number (STE-2026-000001), or nothing."""
    return _move_to_posted(actor, lambda: _locked(entry_id))


def _move_to_posted(actor, load, lines: list[StockEntryLine] | None = None) -> StockEntry:
    return move_document(
        load,
        actor=actor,
        to=StockEntryStatus.POSTED,
        action=AuditAction.POST,
        post=lambda entry: _post(actor, entry, lines),
        number=lambda entry: next_number(document_type=STOCK_ENTRY_SERIES, on=entry.date),
        also=("journal_entry", "total_value"),
        audit=lambda entry: {"total_value": str(entry.total_value)},
        event_type=STOCK_ENTRY_POSTED,
        payload=_payload,
    )


def cancel_stock_entry(*, actor, entry_id, reason: str = "") -> StockEntry:
    """DRAFT → CANCELLED: it never moves stock."""
    return move_document(
        lambda: _locked(entry_id),
        actor=actor,
        to=StockEntryStatus.CANCELLED,
        event_type=STOCK_ENTRY_CANCELLED,
        payload=_payload,
        reason=reason,
    )
