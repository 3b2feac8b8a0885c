"""The `comptoir` command: serve, demo, migrate, createorg.

Without DATABASE_URL every command starts the embedded PostgreSQL cluster under the var directory (or uses it when
another comptoir process already runs it) and, when it started it, stops it on the way out: normal exit, error,
Ctrl-C (SIGINT), SIGTERM or SIGHUP. `serve` and `demo` run gunicorn in this process: its master is the process
that owns the cluster; its forked workers never stop it.

Expected failures (the database cannot be started or reached, the port is taken, bad input) end with one line on
stderr, `comptoir: error: …`, and exit status 1.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

DEMO_CODE = "demo"
DEMO_EMAIL = "demo@comptoir.local"
DEMO_PASSWORD = "comptoir-demo"  # noqa: S105 (a published demo login)
EXIT_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


def _fail(message: str) -> NoReturn:
    print(f"comptoir: error: {message}", file=sys.stderr, flush=True)
    raise SystemExit(1)


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


@contextlib.contextmanager
def _exit_on_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP end the command by unwinding (SystemExit), so the `finally` blocks stop the cluster.
    A signal already ignored (`nohup`) stays ignored."""

    def leave(signum, frame):
        raise SystemExit(0)

    previous = {sig: signal.signal(sig, leave) for sig in EXIT_SIGNALS if signal.getsignal(sig) != signal.SIG_IGN}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def _signals_ignored() -> Iterator[None]:
    """Let a shutdown finish: a second Ctrl-C or SIGTERM must not interrupt stopping the cluster."""
    sigs = (signal.SIGINT, *EXIT_SIGNALS)
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in sigs}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _check_connection(embedded: bool) -> None:
    from django.db import OperationalError, connection

    from comptoir.platform.db import owner_mode

    try:
        with owner_mode():  # as the connecting user: the application role may not exist before the first migrate
            connection.ensure_connection()
            connection.close()
    except OperationalError as exc:
        where = "the embedded PostgreSQL" if embedded else "the database at DATABASE_URL"
        _fail(f"cannot reach {where}: {_first_line(exc)}")


@contextlib.contextmanager
def database() -> Iterator[None]:
    """Start the embedded cluster when needed, set Django up, check the database answers, and stop the cluster on
    the way out when this process started it."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.settings")
    import django
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    from comptoir.database import EmbeddedDatabaseError, embedded_cluster

    owner_pid = os.getpid()
    cluster = None
    owned = False
    with _exit_on_signals():
        try:
            try:
                var_dir = Path(settings.VAR_DIR)
            except ValueError as exc:  # e.g. a DATABASE_URL with an unknown scheme
                _fail(f"invalid configuration: {_first_line(exc)}")
            cluster = embedded_cluster(var_dir)
            if cluster is not None:
                owned = cluster.start()
            try:
                django.setup()
            except ImproperlyConfigured as exc:
                _fail(f"invalid configuration: {_first_line(exc)}")
            _check_connection(embedded=cluster is not None)
            yield
        except EmbeddedDatabaseError as exc:
            _fail(str(exc))
        except KeyboardInterrupt:
            raise SystemExit(130) from None
        finally:
            if owned and os.getpid() == owner_pid:  # never in a forked gunicorn worker
                with _signals_ignored():
                    from django.db import connections

                    connections.close_all()
                    cluster.stop()


def _migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command
    from django.db import OperationalError

    try:
        call_command("migrate", interactive=False, verbosity=verbosity)
    except OperationalError as exc:
        _fail(f"cannot reach the database: {_first_line(exc)}")


def _listen(host: str, port: int) -> socket.socket:
    """Bind the HTTP port before anything else starts, so a taken port fails at once and cleanly; gunicorn is
    handed this socket."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        _fail(f"cannot listen on {host}:{port}: {exc.strerror}")
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            _fail(f"port {port} on {host} is already in use; stop the server there or choose another --port")
        _fail(f"cannot listen on {host}:{port}: {exc.strerror}")
    return sock


def _serve(listener: socket.socket, workers: int, threads: int) -> None:
    """Run gunicorn (threaded workers) in this process on `listener`; returns when it stops (SIGTERM, Ctrl-C)."""
    from django.core.management import call_command
    from django.db import connections
    from gunicorn.app.base import BaseApplication

    call_command("collectstatic", interactive=False, verbosity=0)
    connections.close_all()  # workers are forked from this process: they must not share its connections
    fd = listener.detach()
    master_pid = os.getpid()
    config = {
        "bind": [f"fd://{fd}"],
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "preload_app": True,
        "proc_name": "comptoir",
        "accesslog": "-",
        "graceful_timeout": 10,
        "max_requests": 2000,
        "max_requests_jitter": 200,
        "control_socket_disable": True,  # gunicorn >= 25: one fixed socket path per user would clash
    }

    class Server(BaseApplication):
        def load_config(self):
            for name, value in config.items():
                if name in self.cfg.settings:
                    self.cfg.set(name, value)

        def load(self):
            from comptoir.wsgi import application

            return application

    try:
        Server().run()
    except SystemExit as exc:
        if os.getpid() != master_pid:
            # A worker leaving (gunicorn has run its exit hooks). It ends here, with its status for the master:
            # it must not unwind into `database()`, which belongs to the master, nor spend seconds finalising.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1)
        if exc.code not in (0, None):
            _fail(f"the web server stopped with status {exc.code}; see its log above")


def _url(host: str, port: int, path: str = "/") -> str:
    shown = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "": "127.0.0.1"}.get(host, host)  # noqa: S104
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}{path}"


def ensure_demo() -> tuple[str, str, bool]:
    """The demo organization and its owner, created if absent. Returns (email, password, created)."""
    from django.test.utils import override_settings
    from django.utils import timezone

    from comptoir.accounting.services.demo import seed_demo_books
    from comptoir.catalog.services.demo import seed_demo_catalog
    from comptoir.hr.services.demo import seed_demo_hr
    from comptoir.identity.models import User
    from comptoir.identity.services import accounts
    from comptoir.inventory.services.demo import seed_demo_stock
    from comptoir.invoicing.services.demo import seed_demo_invoicing
    from comptoir.logistics.services.demo import seed_demo_logistics
    from comptoir.parties.services.demo import seed_demo_parties
    from comptoir.payroll.services.demo import seed_demo_payroll
    from comptoir.platform.services import OrganizationInput
    from comptoir.platform.tenancy import tenant_context
    from comptoir.purchasing.services.demo import seed_demo_purchasing
    from comptoir.sales.services.demo import seed_demo_sales

    if User.objects.filter(email=DEMO_EMAIL).exists():
        return DEMO_EMAIL, DEMO_PASSWORD, False
    # the demo address receives no mail: keep the verification e-mail off the console
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        organization, owner = accounts.sign_up(
            organization=OrganizationInput(name="Demo Trading Ltd", code=DEMO_CODE, country="FR", base_currency="EUR"),
            user=accounts.UserInput(email=DEMO_EMAIL, password=DEMO_PASSWORD, first_name="Demo", last_name="Owner"),
        )
    with tenant_context(organization, user=owner):
        seed_demo_books(actor=owner, today=timezone.localdate())
        seed_demo_parties(actor=owner, today=timezone.localdate())
        seed_demo_catalog(actor=owner, today=timezone.localdate())
        seed_demo_stock(actor=owner, today=timezone.localdate())
        seed_demo_purchasing(actor=owner, today=timezone.localdate())
        orders = seed_demo_sales(actor=owner, today=timezone.localdate())
        seed_demo_logistics(actor=owner, today=timezone.localdate(), orders=orders)
        seed_demo_hr(actor=owner, today=timezone.localdate())
        seed_demo_invoicing(actor=owner, today=timezone.localdate())
        seed_demo_payroll(actor=owner, today=timezone.localdate())  # after HR's demo: its employees
    return DEMO_EMAIL, DEMO_PASSWORD, True


def cmd_migrate(args) -> None:
    with database():
        _migrate(verbosity=1)


@contextlib.contextmanager
def _background_worker(enabled: bool) -> Iterator[None]:
    """The job worker as a child process beside the web server (`comptoir worker`), stopped with it. A separate
    process, not a thread: gunicorn forks its workers from this one."""
    if not enabled:
        yield
        return
    worker = subprocess.Popen([sys.executable, "-m", "comptoir.cli", "worker"])  # noqa: S603
    master_pid = os.getpid()
    try:
        yield
    finally:
        if os.getpid() == master_pid:
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()


def cmd_worker(args) -> None:
    from comptoir.platform.worker import run_worker

    with database():
        run_worker(queues=args.queues or None, concurrency=args.concurrency)


def cmd_serve(args) -> None:
    listener = _listen(args.host, args.port)
    with database():
        _migrate()
        print(f"Comptoir on {_url(args.host, args.port)}", flush=True)
        with _background_worker(not args.no_worker):
            _serve(listener, args.workers, args.threads)


def cmd_demo(args) -> None:
    listener = _listen(args.host, args.port)
    with database():
        _migrate()
        email, password, _created = ensure_demo()
        print(
            f"\nComptoir demo on {_url(args.host, args.port)}\n"
            f"  sign in at {_url(args.host, args.port, '/admin/')} or POST /api/v1/auth/token\n"
            f"  e-mail:   {email}\n"
            f"  password: {password}\n"
            f"  API docs: {_url(args.host, args.port, '/api/v1/docs')}\n",
            flush=True,
        )
        with _background_worker(not args.no_worker):
            _serve(listener, args.workers, args.threads)


def cmd_createorg(args) -> None:
    with database():
        _migrate()
        from comptoir.identity.models import User
        from comptoir.identity.services import accounts
        from comptoir.platform.errors import DomainError
        from comptoir.platform.services import OrganizationInput

        data = OrganizationInput(name=args.name, code=args.code, country=args.country, base_currency=args.currency)
        try:
            user = User.objects.filter(email__iexact=args.owner_email).first()
            if user is not None:
                org = accounts.create_organization_for(user=user, organization=data)
            else:
                if not args.owner_password:
                    _fail("--owner-password is required for a new owner")
                org, user = accounts.sign_up(
                    organization=data, user=accounts.UserInput(email=args.owner_email, password=args.owner_password)
                )
        except DomainError as exc:
            field = f" ({exc.errors[0].field})" if exc.errors else ""
            _fail(f"{exc.message}{field}")
        print(f"created organization {org.code} ({org.pk}) owned by {user.email}")


def cmd_check_books(args) -> None:
    from django.core.management import CommandError, call_command

    with database():
        try:
            call_command("check_books", rebuild=args.rebuild)
        except CommandError as exc:
            print(f"comptoir: {exc}", file=sys.stderr)
            raise SystemExit(exc.returncode) from None


def cmd_bench(args) -> None:
    with database():
        from comptoir.bench import use_bench_database

        name = use_bench_database(fresh=args.fresh)
        _migrate()
        print(f"benchmark database: {name}", flush=True)
        if args.name == "desk":
            from comptoir.bench import desk

            desk.run(lines=args.lines, runs=args.runs, echo=lambda text: print(text, flush=True))
            return
        if args.name == "payroll":
            from comptoir.bench import payroll

            payroll.run(employees=args.employees, echo=lambda text: print(text, flush=True))
            return
        if args.name == "orders":
            from comptoir.bench import orders

            orders.run(
                products=args.products or 1_000,
                customers=args.customers,
                per_client=args.per_client,
                clients=args.clients,
                echo=lambda text: print(text, flush=True),
            )
            return
        if args.name == "stock":
            from comptoir.bench import stock

            stock.run(
                movements=args.movements,
                products=args.products or 10_000,
                per_client=args.per_client,
                clients=args.clients,
                runs=args.runs,
                echo=lambda text: print(text, flush=True),
            )
            return
        from comptoir.bench import books

        books.run(
            lines=args.lines,
            per_client=args.per_client,
            clients=args.clients,
            runs=args.runs,
            echo=lambda text: print(text, flush=True),
        )


def _client_counts(value: str) -> list[int]:
    try:
        counts = [int(part) for part in value.split(",")]
    except ValueError:
        counts = []
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a comma-separated list of positive integers")
    return counts


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a TCP port (1-65535)")
    return port


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive integer")
    return int(value)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="comptoir", description="Comptoir ERP")
    sub = parser.add_subparsers(dest="command", required=True)

    def server_args(p):
        p.add_argument("--no-worker", action="store_true", help="do not start the background job worker")
        p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
        p.add_argument("--port", type=_port, default=8000, help="TCP port (default: 8000)")
        p.add_argument(
            "--workers",
            type=_positive,
            default=os.environ.get("COMPTOIR_WORKERS", "2"),
            help="worker processes (default: $COMPTOIR_WORKERS or 2)",
        )
        p.add_argument(
            "--threads",
            type=_positive,
            default=os.environ.get("COMPTOIR_THREADS", "4"),
            help="threads per worker (default: $COMPTOIR_THREADS or 4)",
        )

    p = sub.add_parser("serve", help="apply migrations and run the web server (gunicorn)")
    server_args(p)
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser("demo", help="apply migrations, create the demo organization if absent, and serve it")
    server_args(p)
    p.set_defaults(func=cmd_demo)
    p = sub.add_parser("worker", help="run the background job worker (webhook deliveries, periodic jobs)")
    p.add_argument("--queue", dest="queues", action="append", help="only this queue (repeatable)")
    p.add_argument("--concurrency", type=_positive, default=2)
    p.set_defaults(func=cmd_worker)
    p = sub.add_parser("migrate", help="apply database migrations")
    p.set_defaults(func=cmd_migrate)
    p = sub.add_parser("createorg", help="create an organization and its owner")
    p.add_argument("--name", required=True)
    p.add_argument("--code", required=True)
    p.add_argument("--country", required=True, help="ISO 3166-1 alpha-2, e.g. FR")
    p.add_argument("--currency", help="ISO 4217 base currency (default: the country's)")
    p.add_argument("--owner-email", required=True)
    p.add_argument("--owner-password", help="required when the owner is a new user")
    p.set_defaults(func=cmd_createorg)
    p = sub.add_parser("check-books", help="prove every balance cache equals the ledger (exit 1 on a difference)")
    p.add_argument("--rebuild", action="store_true", help="recompute the caches found different")
    p.set_defaults(func=cmd_check_books)
    p = sub.add_parser("bench", help="run a benchmark in a database of its own (<database>_bench)")
    p.add_argument(
        "name",
        choices=["books", "desk", "stock", "payroll", "orders"],
        help="books: posting throughput and report latency; desk: server time of the desk's list and report pages; "
        "stock: stock-entry posting throughput and stock-on-hand latency; payroll: a run processed, posted and paid; "
        "orders: a TPC-C-like order mix and sales invoice posting throughput",
    )
    p.add_argument("--lines", type=_positive, default=1_000_000, help="posted lines of the report ledger")
    p.add_argument("--per-client", type=_positive, default=300, help="entries each posting client posts")
    p.add_argument("--movements", type=_positive, default=5_000_000, help="stock: movements of the bulk ledger")
    p.add_argument(
        "--products", type=_positive, help="stock: products of the bulk ledger (10,000); orders: products sold (1,000)"
    )
    p.add_argument("--customers", type=_positive, default=1_000, help="orders: customers")
    p.add_argument("--employees", type=_positive, default=5_000, help="payroll: employees of the run")
    p.add_argument("--clients", type=_client_counts, default=[1, 2, 4], help="client counts (default: 1,2,4)")
    p.add_argument("--runs", type=_positive, default=50, help="calls per report latency figure")
    p.add_argument("--fresh", action="store_true", help="drop and recreate the benchmark database first")
    p.set_defaults(func=cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
