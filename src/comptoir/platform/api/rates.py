"""Exchange rates of the organization: list (filters, export), create, read, change, delete."""

from __future__ import annotations

import uuid

from ninja import Query, Router, Status

from comptoir.platform.access import authorize
from comptoir.platform.exports import ExportParams, list_or_export
from comptoir.platform.pagination import PageParams
from comptoir.platform.queries import rates as queries
from comptoir.platform.schemas.rates import (
    ExchangeRateFilters,
    ExchangeRateIn,
    ExchangeRateOut,
    ExchangeRatePage,
    ExchangeRatePatchIn,
)
from comptoir.platform.services import rates as services

router = Router(tags=["exchange rates"])


@router.get("/exchange-rates", response=ExchangeRatePage)
def list_exchange_rates(
    request, page: Query[PageParams], export: Query[ExportParams], filters: Query[ExchangeRateFilters]
):
    """The rates, newest first; filter by currency pair and date range."""
    authorize(request, "platform.view_exchangerate")
    return list_or_export(
        request,
        queries.exchange_rates(**filters.dict()),
        page,
        export,
        allowed_ordering={"rate_date"},
        default_ordering=["-rate_date"],
        schema=ExchangeRateOut,
        filename="exchange-rates",
    )


@router.post("/exchange-rates", response={201: ExchangeRateOut})
def create_exchange_rate(request, body: ExchangeRateIn):
    """One unit of `from_currency` in `to_currency` on `rate_date`; one rate per pair and day (`duplicate`)."""
    actor = authorize(request, "platform.add_exchangerate")
    return Status(201, services.create_exchange_rate(actor=actor.user, data=services.ExchangeRateInput(**body.dict())))


@router.get("/exchange-rates/{rate_id}", response=ExchangeRateOut)
def get_exchange_rate(request, rate_id: uuid.UUID):
    """One rate."""
    authorize(request, "platform.view_exchangerate")
    return queries.access_exchange_rate(rate_id)


@router.patch("/exchange-rates/{rate_id}", response=ExchangeRateOut)
def update_exchange_rate(request, rate_id: uuid.UUID, body: ExchangeRatePatchIn):
    """A new rate or source; entries posted with the old rate keep it."""
    actor = authorize(request, "platform.change_exchangerate")
    queries.access_exchange_rate(rate_id)
    patch = services.ExchangeRatePatch.from_schema(body)
    return services.update_exchange_rate(actor=actor.user, rate_id=rate_id, patch=patch)


@router.delete("/exchange-rates/{rate_id}", response={204: None})
def delete_exchange_rate(request, rate_id: uuid.UUID):
    """The rate is gone; entries posted with it keep it."""
    actor = authorize(request, "platform.delete_exchangerate")
    queries.access_exchange_rate(rate_id)
    services.delete_exchange_rate(actor=actor.user, rate_id=rate_id)
    return Status(204, None)
