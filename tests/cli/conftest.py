"""Helpers for the `comptoir` command tests: real subprocesses, real PostgreSQL clusters in throwaway directories,
real HTTP on free local ports."""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from comptoir.database import EmbeddedCluster

# variables of the surrounding test run that must not leak into the commands under test
_SCRUBBED = ("DATABASE_URL", "COMPTOIR_VAR_DIR", "COMPTOIR_PG_BINDIR", "COMPTOIR_TEST_DB_NAME")


def comptoir_command() -> list[str]:
    script = Path(sys.executable).with_name("comptoir")
    return [str(script)] if script.exists() else [sys.executable, "-m", "comptoir.cli"]


def cli_env(var_dir: Path | None, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED}
    if var_dir is not None:
        env["COMPTOIR_VAR_DIR"] = str(var_dir)
    env.update(COMPTOIR_PG_FAST="1", COMPTOIR_WORKERS="2", COMPTOIR_THREADS="2", PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


def run_cli(args: list[str], env: dict, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*comptoir_command(), *args],
        env=env,
        cwd=tempfile.gettempdir(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def assert_one_line_error(result: subprocess.CompletedProcess, *fragments: str) -> str:
    """The command failed with exit status 1 and exactly one line on stderr, `comptoir: error: …`."""
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("comptoir: error: "), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def var_dir():
    """A fresh var directory under /tmp (short, so the socket path fits; traversable by the `postgres` user when
    the tests run as root). Any cluster left running in it is stopped afterwards."""
    yield from _var_dir_in(0o755)


@pytest.fixture
def private_var_dir():
    """A fresh var directory inside a 0700 directory (a root home, `mktemp -d`)."""
    yield from _var_dir_in(0o700)


def _var_dir_in(mode: int):
    root = Path(tempfile.mkdtemp(prefix="comptoir-cli-", dir="/tmp"))
    root.chmod(mode)
    try:
        yield root / "var"
    finally:
        cluster = EmbeddedCluster.in_var_dir(root / "var")
        if cluster.is_running():
            cluster.stop()
        if cluster.link is not None:
            shutil.rmtree(cluster.root, ignore_errors=True)
        shutil.rmtree(root, ignore_errors=True)


class CliProcess:
    """A long-running `comptoir` command whose stdout and stderr are collected line by line."""

    def __init__(self, args: list[str], env: dict):
        self.proc = subprocess.Popen(
            [*comptoir_command(), *args],
            env=env,
            cwd=tempfile.gettempdir(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, args=(self.proc.stdout, self.stdout, True), daemon=True).start()
        threading.Thread(target=self._pump, args=(self.proc.stderr, self.stderr, False), daemon=True).start()

    def _pump(self, stream, into: list[str], notify: bool) -> None:
        for line in stream:
            into.append(line)
            if notify:
                self._lines.put(line)

    def wait_for_line(self, fragment: str, timeout: float = 300) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._lines.get(timeout=0.2)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            if fragment in line:
                return line
        raise AssertionError(f"no {fragment!r} in the output; stderr:\n{''.join(self.stderr)}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 60) -> int:
        self.proc.send_signal(sig)
        return self.proc.wait(timeout=timeout)

    def kill(self) -> None:
        """After a failed test: stop it gracefully if possible (so it stops its cluster), else kill it."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def cli_processes():
    started: list[CliProcess] = []

    def start(args: list[str], env: dict) -> CliProcess:
        started.append(CliProcess(args, env))
        return started[-1]

    yield start
    for process in started:
        process.kill()


def http(method: str, url: str, body: dict | None = None, headers: dict | None = None, timeout: float = 120):
    """(status, headers, body) of a real HTTP request; the body decoded from JSON when it is JSON."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, response_headers, raw = response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        status, response_headers, raw = exc.code, exc.headers, exc.read()
    content_type = response_headers.get("Content-Type", "")
    return status, response_headers, json.loads(raw) if "json" in content_type else raw.decode(errors="replace")
