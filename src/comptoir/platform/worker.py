"""Background jobs (DESIGN §1): procrastinate, with its jobs in PostgreSQL.

- `defer_job` enqueues on Django's own connection, so the job row commits or rolls back with the caller's
  transaction (the outbox rule: no job for a write that did not happen, no write without its job).
- `run_worker` runs the jobs. The worker fetches jobs on a connection pool of its own (procrastinate cannot
  LISTEN through Django), switched to the application role like every other connection; the tasks themselves run
  in worker threads on Django connections and enter `tenant_context` for the organization they were given.
"""

from __future__ import annotations

import asyncio
import datetime
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from asgiref.sync import sync_to_async
from django.db import connections
from procrastinate import PsycopgConnector, manager, tasks
from procrastinate.contrib.django import DjangoApp, app, connector_params
from procrastinate.contrib.django.django_connector import DjangoConnector
from procrastinate.periodic import PeriodicRegistry

from comptoir.platform.db import app_role

_django_jobs = manager.JobManager(connector=DjangoConnector(alias="default"))


@dataclass
class JobSpec:
    """One job to enqueue: the task's registered name and its JSON keyword arguments."""

    task_name: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    queue: str | None = None
    lock: str | None = None
    schedule_at: datetime.datetime | None = None


def defer_jobs(specs: Iterable[JobSpec]) -> list[int]:
    """Enqueue jobs in the caller's transaction (one INSERT for all of them); returns their ids."""
    jobs = [
        tasks.configure_task(
            name=spec.task_name,
            job_manager=_django_jobs,
            task_kwargs=spec.kwargs,
            queue=spec.queue,
            lock=spec.lock,
            schedule_at=spec.schedule_at,
        ).job
        for spec in specs
    ]
    if not jobs:
        return []
    return [job.id for job in _django_jobs.batch_defer_jobs(jobs=jobs)]


def defer_job(
    task_name: str,
    *,
    queue: str | None = None,
    lock: str | None = None,
    schedule_at: datetime.datetime | None = None,
    **kwargs: Any,
) -> int:
    """Enqueue one job in the caller's transaction; returns its id."""
    return defer_jobs([JobSpec(task_name, kwargs, queue=queue, lock=lock, schedule_at=schedule_at)])[0]


def _close_django_connections(call_next, context, worker):
    """After each task of a one-shot run, close the thread's Django connections: the run's threads end with it,
    and a connection left open in them would outlive the run (and block dropping a test database)."""
    try:
        return call_next()
    finally:
        connections.close_all()


async def _as_app_role(connection) -> None:
    await connection.execute(f'SET ROLE "{app_role()}"')
    await connection.commit()


def _worker_app(pool_size: int, *, periodic: bool = True) -> DjangoApp:
    """An app with the tasks of the Django app but a pooled psycopg connector of its own, so a worker running in a
    thread of the web process does not change how request threads enqueue. A one-shot run (`periodic=False`)
    schedules no periodic job: it only drains what is due."""
    app.perform_import_paths()
    worker_app = DjangoApp(
        connector=PsycopgConnector(
            kwargs=connector_params("default"), configure=_as_app_role, min_size=1, max_size=pool_size
        ),
        worker_defaults=app.worker_defaults,
        periodic_defaults=app.periodic_defaults,
    )
    worker_app.tasks = app.tasks
    worker_app.periodic_registry = app.periodic_registry if periodic else PeriodicRegistry()
    return worker_app


def run_worker(
    queues: Iterable[str] | None = None,
    wait: bool = True,
    *,
    concurrency: int = 1,
    stop: threading.Event | None = None,
    install_signal_handlers: bool | None = None,
) -> None:
    """Run the jobs of `queues` (every queue when None). With `wait=False` it returns once no job is due (tests,
    one-shot runs); else it runs until stopped: SIGINT/SIGTERM when called from the main thread, or `stop.set()`
    from another thread (the in-process worker of `serve`/`demo`), after the running jobs finish."""
    if install_signal_handlers is None:
        install_signal_handlers = threading.current_thread() is threading.main_thread()
    worker_app = _worker_app(pool_size=concurrency + 2, periodic=wait)  # the jobs, the LISTEN connection, the heartbeat
    middleware = list(worker_app.worker_defaults.get("task_middleware") or [])
    if not wait:
        middleware.append(_close_django_connections)

    async def watch(run: asyncio.Task) -> None:
        while not stop.is_set():
            await asyncio.sleep(0.1)
        run.cancel()  # procrastinate stops gracefully: no new job, the running ones finish

    async def main() -> None:
        async with worker_app.open_async():
            run = asyncio.create_task(
                worker_app.run_worker_async(
                    queues=list(queues) if queues is not None else None,
                    wait=wait,
                    concurrency=concurrency,
                    listen_notify=wait,
                    install_signal_handlers=install_signal_handlers,
                    task_middleware=middleware,
                )
            )
            watcher = asyncio.create_task(watch(run)) if stop is not None else None
            try:
                await run
            except asyncio.CancelledError:
                if stop is None or not stop.is_set():
                    raise
            finally:
                if watcher is not None:
                    watcher.cancel()
                await sync_to_async(connections.close_all)()

    asyncio.run(main())
