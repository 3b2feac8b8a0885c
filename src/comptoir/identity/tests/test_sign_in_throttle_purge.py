"""The failed sign-ins of unknown e-mails are forgotten once they no longer count, by a daily task."""

from datetime import timedelta

import pytest
from django.utils import timezone

from comptoir.identity import tasks
from comptoir.identity.models import SignInThrottle
from comptoir.identity.services.auth import authenticate_password

pytestmark = pytest.mark.django_db


def test_stale_unlocked_rows_are_purged_and_counting_or_locked_ones_kept():
    for email in ("stale@example.com", "recent@example.com", "locked@example.com"):
        authenticate_password(email=email, password="wrong", raise_errors=False)
    now = timezone.now() + timedelta(hours=1)
    SignInThrottle.objects.filter(email="recent@example.com").update(updated_at=now - timedelta(minutes=5))
    SignInThrottle.objects.filter(email="locked@example.com").update(locked_until=now + timedelta(minutes=10))
    tasks.purge_sign_in_throttles(timestamp=int(now.timestamp()))
    kept = sorted(SignInThrottle.objects.values_list("email", flat=True))
    assert kept == ["locked@example.com", "recent@example.com"]


def test_the_purge_is_a_daily_maintenance_task():
    periodic = {p.task.name: p for p in tasks.app.periodic_registry.periodic_tasks.values()}
    assert periodic[tasks.PURGE_SIGN_IN_THROTTLES_TASK].cron == "40 2 * * *"
    task = tasks.app.tasks[tasks.PURGE_SIGN_IN_THROTTLES_TASK]
    assert (task.queue, task.lock, task.queueing_lock) == (
        tasks.MAINTENANCE_QUEUE,
        tasks.PURGE_SIGN_IN_THROTTLES_TASK,
        tasks.PURGE_SIGN_IN_THROTTLES_TASK,
    )
