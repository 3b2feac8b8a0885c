"""Background tasks of the identity app (procrastinate; autodiscovered as `<app>.tasks`)."""

from __future__ import annotations

from procrastinate.contrib.django import app

from comptoir.identity.services import auth
from comptoir.platform.tasks import MAINTENANCE_QUEUE, tick_time

PURGE_SIGN_IN_THROTTLES_TASK = "identity.purge_sign_in_throttles"


@app.periodic(cron="40 2 * * *", periodic_id="daily")
@app.task(
    name=PURGE_SIGN_IN_THROTTLES_TASK,
    queue=MAINTENANCE_QUEUE,
    queueing_lock=PURGE_SIGN_IN_THROTTLES_TASK,
    lock=PURGE_SIGN_IN_THROTTLES_TASK,
)
def purge_sign_in_throttles(timestamp: int | None = None) -> None:
    """Daily: the failed sign-ins of unknown e-mails that no longer count (a global table, not per organization)."""
    auth.purge_sign_in_throttles(now=tick_time(timestamp))
