"""Browser tests: Playwright (sync API) driving Debian's chromium against pytest-django's live server.

One browser per test module (per xdist worker), a fresh context per test. A failing test leaves a screenshot in
test-artifacts/browser/<test name>.png. Playwright's own browser downloads are never used."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("COMPTOIR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--no-proxy-server",
]
TIMEOUT_MS = 15_000
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keeps each phase's report on the item, so the `page` fixture knows at teardown whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="module")
def browser(django_db_setup):
    """One chromium per test module (and xdist worker). Module scope, not session: while Playwright's sync API
    is started it keeps an asyncio loop running in this thread, which would break the tests that run after it
    in the same worker (`asyncio.run()` in the job worker, the ORM's async-safety guard). So the browser lives
    only while this module's tests run, and Django's guard is lifted for that time only: the ORM calls of the
    tests are plain synchronous code. Started after the test database is set up."""
    executable = shutil.which(CHROMIUM) or (CHROMIUM if os.access(CHROMIUM, os.X_OK) else None)
    if executable is None:
        pytest.fail(
            f"chromium not found at {CHROMIUM}: install Debian's package (`apt-get install chromium`, as ./run-tests "
            "does) or set COMPTOIR_CHROMIUM to its path",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture
def page(request, browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is None or report.failed:
        directory = Path(request.config.rootpath) / "test-artifacts" / "browser"
        directory.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        try:
            page.screenshot(path=str(directory / f"{name}.png"), full_page=True)
        except Exception as exc:  # a crashed page must not hide the test's own failure
            print(f"could not save the failure screenshot: {exc}")
    context.close()
