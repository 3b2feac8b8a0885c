"""Sales' writes: `orders` (create, edit, submit, confirm, hold, resume, cancel) and `fulfilment` (the quantities
logistics and invoicing move on the lines, and the status rolled up from them)."""

from comptoir.sales.services.fulfilment import (
    consume_reservations_for_shipping,
    record_delivered_quantities,
    record_invoiced_quantities,
    record_returned_quantities,
    record_shipped_quantities,
    release_invoiced_quantities,
)

__all__ = [
    "consume_reservations_for_shipping",
    "record_delivered_quantities",
    "record_invoiced_quantities",
    "record_returned_quantities",
    "record_shipped_quantities",
    "release_invoiced_quantities",
]
