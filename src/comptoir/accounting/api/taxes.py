"""Tax rates and the tax computation."""

from __future__ import annotations

import uuid

from django.utils import timezone
from ninja import Query, Router, Status

from comptoir.accounting.queries import taxes as queries
from comptoir.accounting.schemas.taxes import (
    TaxBreakdownOut,
    TaxComputeIn,
    TaxRateFilters,
    TaxRateIn,
    TaxRateOut,
    TaxRatePage,
    TaxRatePatch,
)
from comptoir.accounting.services import taxes
from comptoir.platform.access import authorize
from comptoir.platform.exports import ExportParams, list_or_export
from comptoir.platform.money import check_amount
from comptoir.platform.pagination import PageParams

router = Router()


@router.get("/tax-rates", response=TaxRatePage)
def list_tax_rates(request, page: Query[PageParams], export: Query[ExportParams], filters: Query[TaxRateFilters]):
    """The tax rates of the organization."""
    authorize(request, "accounting.view_taxrate")
    return list_or_export(
        request,
        queries.tax_rates(**filters.dict()),
        page,
        export,
        allowed_ordering={"code", "effective_from"},
        default_ordering=["code", "effective_from"],
        schema=TaxRateOut,
        filename="tax-rates",
    )


@router.post("/tax-rates", response={201: TaxRateOut})
def create_tax_rate(request, body: TaxRateIn):
    """Create a tax rate with its accounts."""
    actor = authorize(request, "accounting.add_taxrate")
    data = taxes.TaxRateInput(
        **body.dict(exclude={"components"}),
        components=tuple(taxes.TaxComponentInput(**c.dict()) for c in body.components),
    )
    row = taxes.create_tax_rate(actor=actor.user, data=data)
    return Status(201, queries.access_tax_rate(row.pk))


@router.post("/tax-rates/compute", response=TaxBreakdownOut)
def compute_tax(request, body: TaxComputeIn):
    """Net, tax, gross and the per-component amounts of `amount` under a rate; `amount` has at most the decimals of
    its currency."""
    authorize(request, "accounting.view_taxrate")
    on_date = body.on_date or timezone.localdate()
    rate = queries.resolve_tax_rate(body.tax_rate, on_date)
    currency = queries.currency_for(body.currency)
    check_amount(body.amount, currency, field="amount")  # an entered amount is never rounded silently
    return taxes.compute_tax(amount=body.amount, tax_rate=rate, inclusive=body.inclusive, currency=currency)


@router.get("/tax-rates/{tax_rate_id}", response=TaxRateOut)
def get_tax_rate(request, tax_rate_id: uuid.UUID):
    """One tax rate."""
    authorize(request, "accounting.view_taxrate")
    return queries.access_tax_rate(tax_rate_id)


@router.patch("/tax-rates/{tax_rate_id}", response=TaxRateOut)
def update_tax_rate(request, tax_rate_id: uuid.UUID, body: TaxRatePatch):
    """Change the fields sent of a tax rate."""
    actor = authorize(request, "accounting.change_taxrate")
    queries.access_tax_rate(tax_rate_id)
    taxes.update_tax_rate(actor=actor.user, tax_rate_id=tax_rate_id, changes=taxes.TaxRatePatch.from_schema(body))
    return queries.access_tax_rate(tax_rate_id)


@router.post("/tax-rates/{tax_rate_id}/deactivate", response=TaxRateOut)
def deactivate_tax_rate(request, tax_rate_id: uuid.UUID):
    """Deactivate a tax rate: no new line may use it."""
    actor = authorize(request, "accounting.change_taxrate")
    queries.access_tax_rate(tax_rate_id)
    taxes.deactivate_tax_rate(actor=actor.user, tax_rate_id=tax_rate_id)
    return queries.access_tax_rate(tax_rate_id)
