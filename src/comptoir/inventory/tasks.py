"""Background tasks of the inventory (procrastinate; autodiscovered as `<app>.tasks`)."""

from __future__ import annotations

from procrastinate.contrib.django import app

from comptoir.inventory.services import reservations
from comptoir.platform.services.maintenance import for_each_organization
from comptoir.platform.tasks import MAINTENANCE_QUEUE, tick_time

EXPIRE_RESERVATIONS_TASK = "inventory.expire_reservations"


@app.periodic(cron="*/15 * * * *", periodic_id="quarter-hourly")
@app.task(
    name=EXPIRE_RESERVATIONS_TASK,
    queue=MAINTENANCE_QUEUE,
    queueing_lock=EXPIRE_RESERVATIONS_TASK,
    lock=EXPIRE_RESERVATIONS_TASK,
)
def expire_reservations(timestamp: int | None = None) -> None:
    """Every quarter hour, in every organization: the active reservations past their `expires_at` expire."""
    now = tick_time(timestamp)
    for_each_organization(
        lambda _org_id: reservations.expire_reservations(now=now), name=EXPIRE_RESERVATIONS_TASK
    ).raise_if_failed()
