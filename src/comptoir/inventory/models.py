"""The inventory: warehouses (a tree; bins are children), batches, the stock ledger (append-only movements) and
what is derived from it and rebuildable — the balance cache per (product, warehouse, batch) and the FIFO valuation
layers — plus the documents that write movements (stock entries) and the reservations held against the stock."""

from django.db import models
from django.db.models import F, Q

from comptoir.inventory.constants import (
    RESERVATION_TRANSITIONS,
    STOCK_COUNT_TRANSITIONS,
    STOCK_ENTRY_TRANSITIONS,
    MovementType,
    ReservationStatus,
    StockCountStatus,
    StockEntryStatus,
    StockEntryType,
    WarehouseType,
)
from comptoir.platform.models import PostableDocument, TenantModel

QTY = {"max_digits": 18, "decimal_places": 3}  # quantities (entities §0.2 `qty`, C37)
RATE = {"max_digits": 18, "decimal_places": 4}  # unit costs
MONEY = {"max_digits": 20, "decimal_places": 4}  # amounts, as the books store them
BALANCE = {"max_digits": 22, "decimal_places": 4}  # cached sums, as the books' caches


class Warehouse(TenantModel):
    """A warehouse, or a place inside one (a BIN child). `path` lists the ids from the root down to it. Its stock
    is valued on `inventory_account` (the organization's system stock account when none is named)."""

    code = models.CharField(max_length=50)
    name = models.CharField(max_length=100)
    type = models.CharField(max_length=10, choices=WarehouseType.choices, default=WarehouseType.MAIN)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    path = models.CharField(max_length=1000, db_collation="C")
    inventory_account = models.ForeignKey(
        "accounting.Account", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    capacity = models.DecimalField(max_digits=15, decimal_places=2, null=True, blank=True)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="warehouse_code_unique"),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="warehouse_not_own_parent"),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=0), name="warehouse_capacity_non_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "is_active"], name="warehouse_active"),
            models.Index(fields=["organization", "parent"], name="warehouse_parent"),
            models.Index(fields=["organization", "path"], name="warehouse_path"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2


class StockBatch(TenantModel):
    """A lot of one product, with its manufacturing and expiry dates; outgoing stock is picked first-expiring
    first (FEFO)."""

    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    batch_number = models.CharField(max_length=100)
    mfg_date = models.DateField(null=True, blank=True)
    exp_date = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["exp_date", "batch_number"]
        verbose_name = "stock batch"
        verbose_name_plural = "stock batches"
        constraints = [
            models.UniqueConstraint(fields=["organization", "product", "batch_number"], name="stock_batch_unique"),
            models.CheckConstraint(
                condition=Q(mfg_date__isnull=True) | Q(exp_date__isnull=True) | Q(exp_date__gte=F("mfg_date")),
                name="stock_batch_dates",
            ),
        ]
        indexes = [models.Index(fields=["organization", "exp_date"], name="stock_batch_expiry")]

    def __str__(self) -> str:
        return self.batch_number


class StockEntry(PostableDocument):
    """A receipt, issue, transfer or adjustment of stock: DRAFT → POSTED (its movements and its journal entry
    written, numbered STE-…) or DRAFT → CANCELLED. Posted, it is never edited."""

    TRANSITIONS = STOCK_ENTRY_TRANSITIONS

    number = models.CharField(max_length=50, null=True, blank=True)
    entry_type = models.CharField(max_length=10, choices=StockEntryType.choices)
    status = models.CharField(max_length=10, choices=StockEntryStatus.choices, default=StockEntryStatus.DRAFT)
    date = models.DateField()
    account = models.ForeignKey("accounting.Account", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reference = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True)
    journal_entry = models.ForeignKey(
        "accounting.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    total_value = models.DecimalField(**MONEY, default=0)

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name_plural = "stock entries"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"], condition=Q(number__isnull=False), name="stock_entry_number_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status", "date"], name="stock_entry_status_date"),
            models.Index(fields=["organization", "entry_type", "date"], name="stock_entry_type_date"),
            models.Index(fields=["organization", "date"], name="stock_entry_date"),
        ]

    def __str__(self) -> str:
        return self.number or f"{self.get_entry_type_display()} {self.date}"


class StockEntryLine(TenantModel):
    entry = models.ForeignKey(StockEntry, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField()
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(**QTY)
    from_warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    to_warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    unit_cost = models.DecimalField(**RATE, null=True, blank=True)
    batch = models.ForeignKey(StockBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    value = models.DecimalField(**MONEY, default=0)  # set when the entry posts

    class Meta:
        ordering = ["line_no"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "entry", "line_no"], name="stock_entry_line_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="stock_entry_line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(unit_cost__isnull=True) | Q(unit_cost__gte=0), name="stock_entry_line_cost_non_negative"
            ),
        ]
        indexes = [models.Index(fields=["organization", "product"], name="stock_entry_line_product")]


class StockMovement(TenantModel):
    """One line of the stock ledger: `quantity` (> 0) leaves `from_warehouse` and/or enters `to_warehouse`, valued
    at `value` (base currency; `rate` = value per unit). Append-only: PostgreSQL refuses UPDATE and DELETE; a
    correction is an opposite movement. `source_type`/`source_id` name the document that wrote it, `journal_entry`
    its posting (none when it moves no value between accounts, as a transfer between warehouses of one account)."""

    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    from_warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    to_warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    batch = models.ForeignKey(StockBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    quantity = models.DecimalField(**QTY)
    rate = models.DecimalField(**RATE)
    value = models.DecimalField(**MONEY)
    movement_date = models.DateField()
    movement_type = models.CharField(max_length=14, choices=MovementType.choices)
    source_type = models.CharField(max_length=50)
    source_id = models.UUIDField()
    journal_entry = models.ForeignKey(
        "accounting.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    account = models.ForeignKey(  # the other side of the books of a movement in or out (none for a transfer)
        "accounting.Account", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reference_number = models.CharField(max_length=100, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["movement_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="stock_movement_quantity_positive"),
            models.CheckConstraint(condition=Q(value__gte=0, rate__gte=0), name="stock_movement_value_non_negative"),
            models.CheckConstraint(
                condition=~Q(from_warehouse=F("to_warehouse")), name="stock_movement_warehouses_differ"
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        movement_type__in=["IN", "ADJUSTMENT_IN"],
                        from_warehouse__isnull=True,
                        to_warehouse__isnull=False,
                    )
                    | Q(
                        movement_type__in=["OUT", "ADJUSTMENT_OUT"],
                        from_warehouse__isnull=False,
                        to_warehouse__isnull=True,
                    )
                    | Q(movement_type="TRANSFER", from_warehouse__isnull=False, to_warehouse__isnull=False)
                ),
                name="stock_movement_type_matches_warehouses",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "product", "movement_date"], name="stock_movement_product_date"),
            models.Index(fields=["organization", "to_warehouse", "product"], name="stock_movement_to"),
            models.Index(fields=["organization", "from_warehouse", "product"], name="stock_movement_from"),
            models.Index(fields=["journal_entry"], name="stock_movement_entry"),
            models.Index(fields=["organization", "source_type", "source_id"], name="stock_movement_source"),
        ]

    def __str__(self) -> str:
        return f"{self.movement_type} {self.quantity} {self.product_id}"


class StockRevaluation(TenantModel):
    """A change of the value a movement took out of one warehouse (`amount`, new − old: the value the movement
    took out of `warehouse` is its own plus its revaluations there; negative for the value it brought in), written
    when a back-dated movement changes what the stock was worth (DESIGN §6), followed through a later transfer into
    the warehouse it reached (a pair of rows, one per warehouse, no `account`), or when incoming stock settles a
    shortfall (negative stock allowed). `account` is the other side in the books (none for a transfer's pair).
    Append-only, like the ledger."""

    movement = models.ForeignKey(StockMovement, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey(StockBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    revaluation_date = models.DateField()
    amount = models.DecimalField(**MONEY)
    account = models.ForeignKey("accounting.Account", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    source_type = models.CharField(max_length=50)
    source_id = models.UUIDField()
    journal_entry = models.ForeignKey(
        "accounting.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["revaluation_date", "id"]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="stock_revaluation_not_zero")]
        indexes = [
            models.Index(fields=["organization", "movement"], name="stock_revaluation_movement"),
            models.Index(fields=["organization", "product", "warehouse"], name="stock_revaluation_key"),
        ]


class StockBalance(TenantModel):
    """The cache of the ledger per (product, warehouse, batch): on hand, reserved (Σ active reservations) and
    value. Written only in a movement's or a reservation's transaction, by guarded updates; rebuildable from the
    ledger, and `comptoir check-books` proves it equal to it."""

    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey(StockBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    quantity = models.DecimalField(**QTY, default=0)
    reserved_quantity = models.DecimalField(**QTY, default=0)
    value = models.DecimalField(**BALANCE, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "product", "warehouse", "batch"],
                nulls_distinct=False,
                name="stock_balance_key",
            ),
            # below zero only where the organization allows negative stock: the guarded update decides
            models.CheckConstraint(condition=Q(reserved_quantity__gte=0), name="stock_balance_reserved_non_negative"),
        ]
        indexes = [models.Index(fields=["organization", "warehouse", "product"], name="stock_balance_warehouse")]

    @property
    def available(self):
        return self.quantity - self.reserved_quantity


class StockLayer(TenantModel):
    """A FIFO valuation layer: what remains of one incoming movement at one (product, warehouse, batch). Outgoing
    movements consume the oldest layers first. Derived from the ledger."""

    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey(StockBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    movement = models.ForeignKey(StockMovement, on_delete=models.PROTECT, related_name="+")
    layer_date = models.DateField()
    quantity = models.DecimalField(**QTY)
    remaining_quantity = models.DecimalField(**QTY)
    remaining_value = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["layer_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(remaining_quantity__gte=0, remaining_quantity__lte=F("quantity"), remaining_value__gte=0),
                name="stock_layer_remaining",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organization", "product", "warehouse", "layer_date"],
                condition=Q(remaining_quantity__gt=0),
                name="stock_layer_open",
            ),
        ]


class StockReservation(TenantModel):
    """Stock held for a document (an order line…) at one warehouse: ACTIVE → CONSUMED, RELEASED or EXPIRED.
    Σ ACTIVE reservations = the balance's reserved quantity, never above what is on hand."""

    TRANSITIONS = RESERVATION_TRANSITIONS

    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey(StockBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    quantity = models.DecimalField(**QTY)
    status = models.CharField(max_length=10, choices=ReservationStatus.choices, default=ReservationStatus.ACTIVE)
    expires_at = models.DateTimeField(null=True, blank=True)
    source_type = models.CharField(max_length=50, blank=True)
    source_id = models.UUIDField(null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="stock_reservation_quantity_positive"),
        ]
        indexes = [
            models.Index(fields=["organization", "product", "warehouse", "status"], name="stock_reservation_key"),
            models.Index(
                fields=["organization", "expires_at"], condition=Q(status="ACTIVE"), name="stock_reservation_expiry"
            ),
        ]


class StockCount(PostableDocument):
    """A physical count of one warehouse: DRAFT → IN_PROGRESS (the system quantities snapshotted) → COMPLETED (the
    differences posted as adjustments in one STOCK journal entry, numbered STC-…) or CANCELLED."""

    TRANSITIONS = STOCK_COUNT_TRANSITIONS
    NUMBER_FIELD = "count_number"

    count_number = models.CharField(max_length=50, null=True, blank=True)
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    count_date = models.DateField()
    status = models.CharField(max_length=12, choices=StockCountStatus.choices, default=StockCountStatus.DRAFT)
    journal_entry = models.ForeignKey(
        "accounting.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(blank=True)
    in_progress_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-count_date", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "count_number"],
                condition=Q(count_number__isnull=False),
                name="stock_count_number_unique",
            ),
        ]
        indexes = [models.Index(fields=["organization", "status", "count_date"], name="stock_count_status_date")]

    def __str__(self) -> str:
        return self.count_number or f"{self.warehouse_id} {self.count_date}"


class StockCountLine(TenantModel):
    """What the books said (`system_quantity`, snapshotted when the count started) and what was counted."""

    count = models.ForeignKey(StockCount, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey(StockBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    system_quantity = models.DecimalField(**QTY)
    counted_quantity = models.DecimalField(**QTY, null=True, blank=True)

    class Meta:
        ordering = ["product__code", "batch__batch_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "count", "product", "batch"], nulls_distinct=False, name="stock_count_line_key"
            ),
            models.CheckConstraint(
                condition=Q(counted_quantity__isnull=True) | Q(counted_quantity__gte=0),
                name="stock_count_line_counted_non_negative",
            ),
        ]

    @property
    def difference(self):
        return None if self.counted_quantity is None else self.counted_quantity - self.system_quantity
