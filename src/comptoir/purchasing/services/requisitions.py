"""Purchase requisitions: created DRAFT and numbered (PR-2026-000001), submitted, approved or rejected by someone
other than the requester (`self_approval`), cancelled before they are ordered, and converted into a purchase order
(APPROVED → ORDERED, the only way there)."""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.catalog.queries.refs import resolve_product
from comptoir.parties.queries import resolve_party
from comptoir.platform.constants import AuditAction
from comptoir.platform.db import insert_rows
from comptoir.platform.errors import Conflict, ValidationFailed
from comptoir.platform.ids import uuid7
from comptoir.platform.locks import lock_row
from comptoir.platform.services.audit import record_audit
from comptoir.platform.services.events import emit_event
from comptoir.platform.services.numbering import next_number
from comptoir.platform.tenancy import require_org_id
from comptoir.platform.transitions import transition
from comptoir.purchasing.constants import Priority, RequisitionStatus
from comptoir.purchasing.errors import PurchasingError
from comptoir.purchasing.models import PurchaseOrder, PurchaseRequisition, PurchaseRequisitionLine
from comptoir.purchasing.module import (
    REQUISITION_APPROVED,
    REQUISITION_CANCELLED,
    REQUISITION_CREATED,
    REQUISITION_ORDERED,
    REQUISITION_REJECTED,
    REQUISITION_SERIES,
    REQUISITION_SUBMITTED,
)
from comptoir.purchasing.services.common import ZERO, check_supplier
from comptoir.purchasing.services.orders import OrderInput, OrderLineInput, create_order


@dataclasses.dataclass(frozen=True, kw_only=True)
class RequisitionLineInput:
    quantity: Decimal
    product: str | uuid.UUID | None = None
    item_name: str = ""
    description: str = ""
    unit_price: Decimal = ZERO


@dataclasses.dataclass(frozen=True, kw_only=True)
class RequisitionInput:
    request_date: datetime.date
    lines: Sequence[RequisitionLineInput]
    supplier: str | uuid.UUID | None = None
    required_date: datetime.date | None = None
    priority: str = Priority.NORMAL
    description: str = ""


@dataclasses.dataclass(frozen=True, kw_only=True)
class ConversionInput:
    """The order a requisition becomes: its supplier (the requisition's suggestion by default), date and
    warehouse; the lines' prices come from the catalogue's buying prices unless `use_estimates`."""

    order_date: datetime.date
    warehouse: str | uuid.UUID
    party: str | uuid.UUID | None = None
    use_estimates: bool = False


def _payload(req: PurchaseRequisition) -> dict:
    return {
        "id": req.pk,
        "requisition_number": req.requisition_number,
        "status": req.status,
        "requested_by": req.requested_by_id,
        "total_amount": req.total_amount,
        "purchase_order": req.purchase_order_id,
    }


def create_requisition(*, actor, data: RequisitionInput) -> PurchaseRequisition:
    """A DRAFT requisition by `actor` with its lines, numbered last."""
    with transaction.atomic():
        if not data.lines:
            raise ValidationFailed(
                _("A requisition needs at least one line"), code=PurchasingError.REQUIRED, field="lines"
            )
        req = PurchaseRequisition(
            id=uuid7(),
            organization_id=require_org_id(),
            requested_by=actor,
            request_date=data.request_date,
            required_date=data.required_date,
            priority=data.priority,
            description=data.description,
            created_by=actor,
            updated_by=actor,
        )
        if data.supplier:
            req.supplier = resolve_party(data.supplier, "supplier")
            check_supplier(req.supplier, "supplier")
        lines = []
        for i, line in enumerate(data.lines):
            field = f"lines[{i}]"
            product = resolve_product(line.product, f"{field}.product") if line.product else None
            name = line.item_name.strip() or (product.name if product else "")
            if not name:
                raise ValidationFailed(
                    _("A line names a product or an item"), code=PurchasingError.REQUIRED, field=f"{field}.item_name"
                )
            lines.append(
                PurchaseRequisitionLine(
                    id=uuid7(),
                    organization_id=req.organization_id,
                    requisition=req,
                    line_no=i + 1,
                    product=product,
                    item_name=name,
                    description=line.description,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    total_price=(line.quantity * line.unit_price).quantize(Decimal("0.0001")),
                    created_by=actor,
                    updated_by=actor,
                )
            )
        req.total_amount = sum((line.total_price for line in lines), ZERO)
        req.requisition_number = next_number(document_type=REQUISITION_SERIES, on=req.request_date)
        req.save(force_insert=True)
        insert_rows(lines)
        record_audit(
            actor=actor, action=AuditAction.CREATE, obj=req, new={"number": req.requisition_number, "lines": len(lines)}
        )
        emit_event(event_type=REQUISITION_CREATED, payload=_payload(req), source=req)
    return req


def _locked(requisition_id) -> PurchaseRequisition:
    return lock_row(PurchaseRequisition.objects.all(), requisition_id, what=_("requisition"))


def _move(actor, requisition_id, to: str, event: str, reason: str = "", check=None) -> PurchaseRequisition:
    with transaction.atomic():
        req = _locked(requisition_id)
        if check is not None:
            check(req)
        transition(req, to, actor=actor, reason=reason)
        emit_event(event_type=event, payload=_payload(req), source=req)
    return req


def submit_requisition(*, actor, requisition_id) -> PurchaseRequisition:
    return _move(actor, requisition_id, RequisitionStatus.SUBMITTED, REQUISITION_SUBMITTED)


def _not_requester(actor):
    def check(req: PurchaseRequisition) -> None:
        if req.requested_by_id == actor.pk and req.status == RequisitionStatus.SUBMITTED:
            raise Conflict(
                _("The requester of a requisition cannot approve or reject it"),
                code=PurchasingError.SELF_APPROVAL,
                field="approved_by",
            )

    return check


def approve_requisition(*, actor, requisition_id) -> PurchaseRequisition:
    """SUBMITTED → APPROVED, by someone other than the requester."""
    return _move(actor, requisition_id, RequisitionStatus.APPROVED, REQUISITION_APPROVED, check=_not_requester(actor))


def reject_requisition(*, actor, requisition_id, reason: str = "") -> PurchaseRequisition:
    """SUBMITTED → REJECTED, by someone other than the requester."""
    return _move(
        actor, requisition_id, RequisitionStatus.REJECTED, REQUISITION_REJECTED, reason, check=_not_requester(actor)
    )


def cancel_requisition(*, actor, requisition_id, reason: str = "") -> PurchaseRequisition:
    return _move(actor, requisition_id, RequisitionStatus.CANCELLED, REQUISITION_CANCELLED, reason)


def convert_requisition(*, actor, requisition_id, data: ConversionInput) -> PurchaseOrder:
    """APPROVED → ORDERED: a DRAFT purchase order of its lines (each must name a product), linked both ways."""
    with transaction.atomic():
        req = _locked(requisition_id)
        if req.status != RequisitionStatus.APPROVED:
            raise Conflict(
                _("Only an approved requisition becomes an order; %(number)s is %(status)s")
                % {"number": req.requisition_number, "status": req.get_status_display()},
                code=PurchasingError.ALREADY_ORDERED
                if req.status == RequisitionStatus.ORDERED
                else "invalid_transition",
                field="status",
            )
        party = data.party or req.supplier_id
        if not party:
            raise ValidationFailed(_("party is required"), code=PurchasingError.REQUIRED, field="party")
        lines = []
        for i, line in enumerate(req.lines.select_related("product").order_by("line_no")):
            if line.product_id is None:
                raise ValidationFailed(
                    _("Line %(line)s names no product: it cannot be ordered") % {"line": line.line_no},
                    code=PurchasingError.REQUIRED,
                    field=f"lines[{i}].product",
                )
            lines.append(
                OrderLineInput(
                    product=line.product_id,
                    quantity=line.quantity,
                    unit_rate=line.unit_price if data.use_estimates else None,
                    description=line.description[:255],
                )
            )
        order = create_order(
            actor=actor,
            data=OrderInput(
                party=party, order_date=data.order_date, warehouse=data.warehouse, lines=lines, requisition=req
            ),
        )
        req.purchase_order = order
        transition(req, RequisitionStatus.ORDERED, actor=actor, also=("purchase_order",))
        emit_event(event_type=REQUISITION_ORDERED, payload=_payload(req), source=req)
    return order
