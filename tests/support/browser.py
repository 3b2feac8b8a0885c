"""Steps the browser tests share."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.support.api import PASSWORD


def sign_in(page, email: str, password: str = PASSWORD, *, start: str = "/") -> None:
    """Opens `start`, signs in on the desk's page it is sent to, and waits to be back on `start`."""
    page.goto(start)
    expect(page).to_have_url(re.compile(r"/sign-in/\?next="))
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(rf"^https?://[^/]+{re.escape(start)}$"))
