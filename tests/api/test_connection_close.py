"""After a 413 the server closes the connection (the body was never read): measured on a real gunicorn (threaded
workers, as `comptoir serve` runs it) over a real socket."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def gunicorn_port():
    port = free_port()
    env = {**os.environ, "COMPTOIR_MAX_BODY_BYTES": "1024", "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "gunicorn", "-k", "gthread", "--threads", "2", "-w", "1"]
    server = subprocess.Popen(
        [*command, "-b", f"127.0.0.1:{port}", "comptoir.wsgi:application"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def _read_response(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def test_the_connection_is_closed_after_a_413(gunicorn_port):
    with socket.create_connection(("127.0.0.1", gunicorn_port), timeout=10) as sock:
        head = (
            "POST /api/v1/auth/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            "Content-Length: 10000000\r\n\r\n"
        )
        sock.sendall(head.encode() + b"{" + b" " * 4096)  # far less than announced: the rest never comes
        response = _read_response(sock)
        status, _, rest = response.partition(b"\r\n")
        headers = rest.split(b"\r\n\r\n")[0].lower()
        assert b" 413 " in status, response
        assert b"content-type: application/problem+json" in headers
        assert b"connection: close" in headers, headers
        sock.settimeout(10)
        tail = b""
        while chunk := sock.recv(65536):  # the server closes: recv returns b"" instead of waiting for the body
            tail += chunk


def test_a_small_request_keeps_the_connection(gunicorn_port):
    with socket.create_connection(("127.0.0.1", gunicorn_port), timeout=10) as sock:
        request = b"GET /api/v1/nowhere HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        sock.sendall(request)
        first = _read_response(sock)
        assert b" 404 " in first.split(b"\r\n")[0] and b"connection: close" not in first.lower()
