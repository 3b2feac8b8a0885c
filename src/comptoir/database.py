"""Where the database is: `DATABASE_URL`, else an embedded PostgreSQL cluster under the var directory.

The embedded cluster (DESIGN §2, docs/adr/0002) is initialised with the PostgreSQL server binaries found on the
machine, else with those bundled in the `pgserver` wheel (`pip install 'comptoir[embedded]'`). It listens only on a
unix socket inside its own directory, so it never collides with a server already running on the machine.
PostgreSQL refuses to run as root, so as root the cluster runs as an unprivileged system user (`postgres` when the
distribution created one, else `comptoir-pg`); when that user cannot reach the var directory (a checkout in a 0700
directory), the cluster lives in a directory of its own under /var/lib/comptoir, keyed by the var directory, and
`<var dir>/pg` is a symbolic link to it.

Ownership: the process whose `start()` returned True started the cluster (or adopted one whose starter died) and
is the only one that stops it; a process that finds it running under a live owner just uses it.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import hashlib
import importlib.util
import os
import pwd
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dj_database_url

DB_NAME = "comptoir"
DB_SUPERUSER = "comptoir"
SOCKET_PORT = 5432  # only names the socket file; no TCP port is opened
MAX_SOCKET_PATH = 107  # sizeof(sockaddr_un.sun_path) - 1 on Linux
SERVER_BINARIES = ("initdb", "pg_ctl", "postgres")
SYSTEM_CLUSTERS = Path("/var/lib/comptoir")  # as root: clusters of var directories the service user cannot reach


class EmbeddedDatabaseError(Exception):
    """A one-line, user-facing reason why the embedded PostgreSQL cannot be used."""


def database_config(var_dir: Path) -> dict:
    url = os.environ.get("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=False)
        if not config.get("ENGINE", "").endswith(("postgresql", "postgis")):
            raise ValueError(f"DATABASE_URL must name a PostgreSQL server (postgresql://…), not {config['ENGINE']}")
    else:
        cluster = EmbeddedCluster.in_var_dir(var_dir)
        config = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": DB_NAME,
            "USER": DB_SUPERUSER,
            "HOST": str(cluster.socket_dir),
            "PORT": str(SOCKET_PORT),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": False,
        }
    config.setdefault("OPTIONS", {}).setdefault("connect_timeout", 10)
    # Statements run through `platform.db.prepared_cursor` are prepared on their 2nd use on a connection; Django's
    # own cursors bind on the client and never prepare. (A transaction-mode pooler in front would need this off.)
    config["OPTIONS"].setdefault("prepare_threshold", 2)
    # No JIT: row-level security hides the columns' statistics from the planner, whose row estimates for a tenant's
    # query then run into the millions, and JIT compiled for 30-40 ms queries that execute in 10 (bench desk).
    config["OPTIONS"].setdefault("options", "-c jit=off")
    config["TEST"] = {"NAME": os.environ.get("COMPTOIR_TEST_DB_NAME", f"test_{config['NAME']}")}
    return config


def _has_server_binaries(bindir: Path) -> bool:
    return all((bindir / name).is_file() for name in SERVER_BINARIES)


def _system_bindirs() -> Iterator[Path]:
    """The PostgreSQL server binaries of this machine, preferred first: COMPTOIR_PG_BINDIR when set (and only
    there), else the Debian/Ubuntu installs newest first, else those on PATH or named by pg_config."""
    explicit = os.environ.get("COMPTOIR_PG_BINDIR")
    if explicit:
        yield Path(explicit)
        return
    yield from sorted(
        (Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin") if Path(p).parent.name.isdigit()),
        key=lambda p: int(p.parent.name),
        reverse=True,
    )
    initdb = shutil.which("initdb")
    if initdb:
        yield Path(initdb).parent
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        if out.returncode == 0 and out.stdout.strip():
            yield Path(out.stdout.strip())


def _pgserver_bindir() -> Path | None:
    """The server binaries bundled in the `pgserver` wheel, found without importing it."""
    spec = importlib.util.find_spec("pgserver")
    if spec is None or not spec.origin:
        return None
    return Path(spec.origin).parent / "pginstall" / "bin"


def _major_version(bindir: Path) -> str:
    if bindir.parent.parent == Path("/usr/lib/postgresql"):
        return bindir.parent.name
    out = subprocess.run([str(bindir / "postgres"), "--version"], capture_output=True, text=True, check=False)
    match = re.search(r"(\d+)(?:\.\d+)?", out.stdout)
    return match.group(1) if match else ""


def find_pg_bindir(major: str | None = None) -> Path | None:
    """The PostgreSQL server binaries to run the embedded cluster with: the machine's, else the `pgserver`
    wheel's; of major version `major` when given (an existing data directory runs only on its own version)."""
    candidates = [*_system_bindirs(), _pgserver_bindir()]
    found = [c for c in dict.fromkeys(candidates) if c is not None and _has_server_binaries(c)]
    if major:
        found = [c for c in found if _major_version(c) == major]
    return found[0] if found else None


def _no_postgresql_message() -> str:
    explicit = os.environ.get("COMPTOIR_PG_BINDIR")
    where = f"COMPTOIR_PG_BINDIR={explicit} has no initdb, pg_ctl and postgres" if explicit else "none on this machine"
    return (
        f"no PostgreSQL server found ({where}): install PostgreSQL (e.g. apt-get install postgresql), "
        "or pip install 'comptoir[embedded]', or set DATABASE_URL"
    )


def _service_user() -> pwd.struct_passwd | None:
    """The unprivileged OS user that runs the cluster when we are root; None when we are not root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "comptoir-pg"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "comptoir-pg"],
        check=True,
        capture_output=True,
    )
    return pwd.getpwnam("comptoir-pg")


def _traversable_by_others(path: Path) -> bool:
    """Whether every existing directory from `path` up is traversable by any user (those still to be made will be)."""
    return all(os.stat(p).st_mode & 0o001 for p in [path, *path.parents] if p.exists())


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


@dataclass
class EmbeddedCluster:
    root: Path
    link: Path | None = None  # `<var dir>/pg` when the cluster lives elsewhere (as root, under SYSTEM_CLUSTERS)

    @classmethod
    def in_var_dir(cls, var_dir: Path) -> EmbeddedCluster:
        """The cluster of a var directory: `<var dir>/pg`; as root, when the service user cannot reach the var
        directory, `SYSTEM_CLUSTERS/<hash of the var directory>`, which `<var dir>/pg` then links to. A cluster
        already initialised in `<var dir>/pg` stays there."""
        local = var_dir / "pg"
        if local.is_symlink():
            return cls(local.resolve(), link=local)
        if os.geteuid() != 0 or (local / "data").exists() or _traversable_by_others(var_dir.absolute()):
            return cls(local)
        key = hashlib.sha256(os.fsencode(var_dir.resolve())).hexdigest()[:16]
        return cls(SYSTEM_CLUSTERS / key, link=local)

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "socket"

    @property
    def log_file(self) -> Path:
        return self.root / "postgres.log"

    @property
    def owner_file(self) -> Path:
        """The PID of the comptoir process that started the running cluster and will stop it."""
        return self.root / "owner.pid"

    # --- running the PostgreSQL binaries ---------------------------------------------------------------------

    def _bindir(self) -> Path:
        major = self.data_version()
        bindir = find_pg_bindir(major)
        if bindir is None and major and find_pg_bindir() is not None:
            raise EmbeddedDatabaseError(
                f"the embedded cluster in {self.data_dir} was made by PostgreSQL {major}, whose server binaries "
                f"are not on this machine: install them, or move {self.data_dir} away to start afresh"
            )
        if bindir is None:
            raise EmbeddedDatabaseError(_no_postgresql_message())
        user = _service_user()
        if user is not None and not _traversable_by_others(bindir):
            if bindir != _pgserver_bindir():
                raise EmbeddedDatabaseError(
                    f"the '{user.pw_name}' user cannot reach the PostgreSQL binaries in {bindir}"
                )
            bindir = self._private_copy(bindir)
        return bindir

    def _private_copy(self, bindir: Path) -> Path:
        """A copy of the `pgserver` wheel's PostgreSQL (pgserver/pginstall/{bin,lib,share} and the pgserver.libs
        its binaries load through a relative rpath) under the cluster directory, for when the service user cannot
        reach the wheel where it is installed (a virtualenv under /root)."""
        site = bindir.parents[2]
        target = self.root / "pginstall"
        stamp = target / "source"
        source = f"{site} {os.stat(bindir / 'postgres').st_mtime_ns}"
        if not (stamp.exists() and stamp.read_text() == source):
            shutil.rmtree(target, ignore_errors=True)
            for part in ("pgserver/pginstall", "pgserver.libs"):
                if (site / part).exists():
                    shutil.copytree(site / part, target / part, symlinks=True)
            stamp.write_text(source)
        return target / bindir.relative_to(site)

    def _run(self, bindir: Path, args: list[str]) -> subprocess.CompletedProcess:
        user = _service_user()
        kwargs: dict = {"capture_output": True, "text": True, "check": False, "cwd": self.root}
        if user is not None:
            kwargs.update(user=user.pw_uid, group=user.pw_gid, extra_groups=[])
            kwargs["env"] = {**os.environ, "HOME": str(self.root)}
        return subprocess.run([str(bindir / args[0]), *args[1:]], **kwargs)

    def _pg_ctl_status(self, bindir: Path) -> bool:
        return self._run(bindir, ["pg_ctl", "-D", str(self.data_dir), "status"]).returncode == 0

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Serialise start and stop between comptoir processes sharing this var directory."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".cluster.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    # --- preparing the directories ---------------------------------------------------------------------------

    def _prepare_dirs(self) -> None:
        socket_path = self.socket_dir / f".s.PGSQL.{SOCKET_PORT}"
        if len(str(socket_path)) > MAX_SOCKET_PATH:
            raise EmbeddedDatabaseError(
                f"the embedded PostgreSQL socket path {socket_path} is longer than {MAX_SOCKET_PATH} bytes; "
                "set COMPTOIR_VAR_DIR to a shorter path"
            )
        if self.link is not None:
            self._link()
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        self.log_file.touch(exist_ok=True)
        user = _service_user()
        if user is None:
            return
        if not _traversable_by_others(self.root):
            blocked = next(p for p in [self.root, *self.root.parents] if not os.stat(p).st_mode & 0o001)
            raise EmbeddedDatabaseError(
                f"{blocked} is not traversable by the '{user.pw_name}' user that runs the embedded PostgreSQL; "
                "chmod o+x it, set COMPTOIR_VAR_DIR to a directory elsewhere, or set DATABASE_URL"
            )
        for path in (self.root, self.socket_dir, self.log_file):
            os.chown(path, user.pw_uid, user.pw_gid)

    def _link(self) -> None:
        """Make `<var dir>/pg` a symbolic link to the cluster's own directory (its log and socket are found there)."""
        if self.root.parent == SYSTEM_CLUSTERS:
            SYSTEM_CLUSTERS.mkdir(parents=True, exist_ok=True)
            SYSTEM_CLUSTERS.chmod(0o755)
        if self.link.is_symlink():
            return
        if self.link.is_dir():  # what a failed start left behind before this layout: sockets and a log, no data
            shutil.rmtree(self.link)
        self.link.parent.mkdir(parents=True, exist_ok=True)
        self.link.symlink_to(self.root, target_is_directory=True)

    def _initdb(self, bindir: Path) -> None:
        """Create the data directory, atomically: initdb writes a temporary directory that is renamed when done,
        so an interrupted initdb never leaves a half-made cluster behind."""
        if self.data_dir.exists():
            if any(self.data_dir.iterdir()):
                raise EmbeddedDatabaseError(
                    f"{self.data_dir} is not empty but is not a PostgreSQL data directory; move it away"
                )
            self.data_dir.rmdir()
        staging = self.root / "data.initdb"
        shutil.rmtree(staging, ignore_errors=True)
        out = self._run(
            bindir,
            [
                "initdb",
                "-D",
                str(staging),
                "-U",
                DB_SUPERUSER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
                "--no-instructions",
            ],
        )
        if out.returncode != 0:
            shutil.rmtree(staging, ignore_errors=True)
            raise EmbeddedDatabaseError(f"initdb failed: {_last_line(out.stderr or out.stdout)}")
        staging.rename(self.data_dir)

    # --- life cycle ------------------------------------------------------------------------------------------

    def is_initialised(self) -> bool:
        return (self.data_dir / "PG_VERSION").exists()

    def data_version(self) -> str | None:
        """The major PostgreSQL version of the data directory, None before initdb."""
        with contextlib.suppress(OSError):
            return (self.data_dir / "PG_VERSION").read_text().strip()
        return None

    def is_running(self) -> bool:
        """Whether a server runs on the data directory (pg_ctl status)."""
        if not self.is_initialised():
            return False
        try:
            bindir = self._bindir()
        except EmbeddedDatabaseError:
            return False
        return self._pg_ctl_status(bindir)

    def start(self) -> bool:
        """Initialise the cluster if needed and start it. True when this process now owns it (it started it, or
        adopted one whose starter has died) and so must stop it; False when it was already running under a live
        owner (another comptoir process, or an earlier call of this one)."""
        with self._locked():
            bindir = self._bindir()
            self._prepare_dirs()
            if not self.is_initialised():
                self._initdb(bindir)
            if self._pg_ctl_status(bindir):
                return self._join_running()
            self._start_server(bindir)
            try:
                self._create_database()
                self.owner_file.write_text(str(os.getpid()))
            except BaseException:  # includes Ctrl-C and SIGTERM half-way: never leave an orphan behind
                self._stop_server(bindir)
                raise
            return True

    def stop(self) -> None:
        """Stop the cluster (fast shutdown: open sessions are disconnected) and wait until it is down."""
        if not self.is_initialised():
            return
        with self._locked():
            try:
                bindir = self._bindir()
            except EmbeddedDatabaseError:
                return
            self._stop_server(bindir)
            self.owner_file.unlink(missing_ok=True)

    def _join_running(self) -> bool:
        if not self._answers():
            pid = self._postmaster_pid()
            raise EmbeddedDatabaseError(
                f"the embedded PostgreSQL data directory {self.data_dir} is locked by another server "
                f"(PID {pid or '?'} in its postmaster.pid) that does not listen on {self.socket_dir}; "
                "stop that server or set COMPTOIR_VAR_DIR to another directory"
            )
        self._create_database()
        try:
            owner = int(self.owner_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            owner = None
        if owner is not None and _pid_alive(owner):
            return False
        self.owner_file.write_text(str(os.getpid()))  # its starter died without stopping it: adopt it
        return True

    def _postmaster_pid(self) -> str:
        with contextlib.suppress(OSError):
            return (self.data_dir / "postmaster.pid").read_text(errors="replace").split("\n", 1)[0].strip()
        return ""

    def _server_options(self) -> str:
        options = (
            f"-c listen_addresses='' -c unix_socket_directories='{self.socket_dir}' -c port={SOCKET_PORT} "
            "-c max_connections=200"
        )
        if os.environ.get("COMPTOIR_PG_FAST") == "1":  # throwaway clusters: trade durability for speed
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        return options

    def _start_server(self, bindir: Path) -> None:
        """Start the server; on failure stop whatever half-started, unless another server holds the locks."""
        log_offset = self.log_file.stat().st_size
        try:
            out = self._run(
                bindir,
                [
                    "pg_ctl",
                    "-D",
                    str(self.data_dir),
                    "-l",
                    str(self.log_file),
                    "-o",
                    self._server_options(),
                    "-w",
                    "-t",
                    "30",
                    "start",
                ],
            )
        except BaseException:  # Ctrl-C or SIGTERM while pg_ctl waits: never leave an orphan behind
            self._stop_server(bindir)
            raise
        if out.returncode != 0:
            with open(self.log_file, "rb") as f:  # only what this start wrote
                f.seek(log_offset)
                log = f.read().decode(errors="replace")
            fatal = [line for line in log.splitlines() if "FATAL" in line or "ERROR" in line]
            last = (fatal[-1] if fatal else _last_line(out.stderr or out.stdout) or _last_line(log)).strip()
            if "lock file" in last and "already exists" in last:  # another server holds it: leave that alone
                if ".s.PGSQL" in last:
                    raise EmbeddedDatabaseError(
                        f"the embedded PostgreSQL socket in {self.socket_dir} is taken by another server"
                    )
                raise EmbeddedDatabaseError(
                    f"the embedded PostgreSQL data directory {self.data_dir} is locked by another server "
                    f"(PID {self._postmaster_pid() or '?'} in its postmaster.pid)"
                )
            self._stop_server(bindir)  # e.g. it did not come up within the timeout
            raise EmbeddedDatabaseError(f"the embedded PostgreSQL did not start: {last or 'see ' + str(self.log_file)}")

    def _stop_server(self, bindir: Path) -> None:
        if self.is_initialised():
            self._run(bindir, ["pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "-t", "60", "stop"])

    def _connect(self, dbname: str):
        import psycopg

        return psycopg.connect(
            host=str(self.socket_dir),
            port=SOCKET_PORT,
            user=DB_SUPERUSER,
            dbname=dbname,
            autocommit=True,
            connect_timeout=5,
        )

    def _answers(self) -> bool:
        """Whether the server on our socket answers and serves our data directory."""
        import psycopg

        try:
            with self._connect("postgres") as conn:
                row = conn.execute("SHOW data_directory").fetchone()
        except psycopg.Error:
            return False
        return row is not None and os.path.realpath(row[0]) == os.path.realpath(self.data_dir)

    def _create_database(self) -> None:
        import psycopg

        deadline = time.monotonic() + 10
        while True:
            try:
                with self._connect("postgres") as conn:
                    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone():
                        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
                    return
            except psycopg.OperationalError as exc:
                if time.monotonic() > deadline:
                    raise EmbeddedDatabaseError(f"the embedded PostgreSQL does not answer: {exc}") from exc
                time.sleep(0.1)


def embedded_cluster(var_dir: Path) -> EmbeddedCluster | None:
    """The embedded cluster to manage, or None when DATABASE_URL points elsewhere."""
    return None if os.environ.get("DATABASE_URL") else EmbeddedCluster.in_var_dir(var_dir)
