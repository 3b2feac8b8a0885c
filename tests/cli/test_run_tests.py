"""`./run-tests`, the README's one test command (and .ci/run's): it installs Debian's chromium and Pango when absent
(apt-get as root, else through sudo) and runs `pytest -n auto --dist worksteal`. Run here with stand-ins for
apt-get, sudo, id and pytest placed first on PATH: each records its arguments."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "run-tests"


PANGO = "\tlibpangoft2-1.0.so.0 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libpangoft2-1.0.so.0"


def _stand_ins(bin_dir: Path, log: Path, uid: int, pango: bool) -> None:
    bin_dir.mkdir()
    programs = {
        "ldconfig": f"echo '{PANGO if pango else ''}'",
        "apt-get": f'echo "apt-get $*" >> {log}',
        "pytest": f'echo "pytest $*" >> {log}; echo "cwd $PWD" >> {log}',
        "id": f'[ "$1" = -u ] && echo {uid}',
        "sudo": f'echo "sudo $1" >> {log}; exec "$@"',
    }
    for name, body in programs.items():
        path = bin_dir / name
        path.write_text(f"#!/bin/sh\n{body}\n")
        path.chmod(0o755)


def _run(tmp_path: Path, uid: int, chromium: Path, *args: str, pango: bool = True) -> list[str]:
    log = tmp_path / "log"
    _stand_ins(tmp_path / "bin", log, uid, pango)
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}", "COMPTOIR_CHROMIUM": str(chromium)}
    result = subprocess.run([str(SCRIPT), *args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return log.read_text().splitlines()


@pytest.mark.parametrize(("uid", "through_sudo"), [(0, False), (1000, True)])
def test_installs_chromium_when_absent_then_runs_the_suite(tmp_path, uid, through_sudo):
    calls = _run(tmp_path, uid, tmp_path / "no-chromium", "-x", "tests/cli")
    apt = [c for c in calls if c.startswith("apt-get")]
    assert apt == ["apt-get update -qq", "apt-get install -y -qq chromium"]
    assert (calls.count("sudo apt-get") + calls.count("sudo env")) == (2 if through_sudo else 0)
    assert calls[-2:] == ["pytest -n auto --dist worksteal -x tests/cli", f"cwd {ROOT}"]


def test_runs_the_suite_alone_when_chromium_is_there(tmp_path):
    chromium = tmp_path / "chromium"
    chromium.write_text("#!/bin/sh\n")
    chromium.chmod(0o755)
    assert _run(tmp_path, 0, chromium) == ["pytest -n auto --dist worksteal", f"cwd {ROOT}"]


def test_installs_pango_for_the_pdf_reports_when_absent(tmp_path):
    chromium = tmp_path / "chromium"
    chromium.write_text("#!/bin/sh\n")
    chromium.chmod(0o755)
    calls = _run(tmp_path, 0, chromium, pango=False)
    assert [c for c in calls if c.startswith("apt-get")] == [
        "apt-get update -qq",
        "apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0",
    ]
    assert calls[-2:] == ["pytest -n auto --dist worksteal", f"cwd {ROOT}"]


def test_the_readme_and_ci_run_this_command():
    readme = (ROOT / "README.md").read_text()
    assert "```sh\n./run-tests\n```" in readme
    ci = (ROOT / ".ci" / "run").read_text()
    assert "\n./run-tests\n" in ci
    assert "pytest" not in ci  # no test command of its own
