"""Daily jobs of invoicing (procrastinate; autodiscovered as `<app>.tasks`): recurring invoices, overdue marking
and dunning, in every organization."""

from __future__ import annotations

from procrastinate.contrib.django import app

from comptoir.invoicing.services import schedules
from comptoir.platform.services.maintenance import for_each_organization
from comptoir.platform.tasks import MAINTENANCE_QUEUE, tick_time

DAILY_TASK = "invoicing.daily"


def run_daily(today) -> None:
    """What the daily job does in the organization in context."""
    schedules.run_recurring_invoices(actor=None, today=today)
    schedules.mark_overdue_invoices(actor=None, today=today)
    schedules.raise_dunning_levels(actor=None, today=today)


@app.periodic(cron="30 1 * * *", periodic_id="daily")
@app.task(name=DAILY_TASK, queue=MAINTENANCE_QUEUE, queueing_lock=DAILY_TASK, lock=DAILY_TASK)
def invoicing_daily(timestamp: int | None = None) -> None:
    """Every night, in every organization: recurring invoices made, overdue invoices marked, dunning raised."""
    today = tick_time(timestamp).date()
    for_each_organization(lambda _org_id: run_daily(today), name=DAILY_TASK).raise_if_failed()
