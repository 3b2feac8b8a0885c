"""Transport security: Secure session and CSRF cookies, HSTS over HTTPS, and a Content-Security-Policy on HTML
pages only."""

import os
import subprocess
import sys

import pytest
from django.test import Client
from tests.support.api import PASSWORD, ApiClient


def test_session_and_csrf_cookies_are_secure_and_https_answers_carry_hsts(tenant):
    client = Client()
    login = client.get("/admin/login/")
    assert login.cookies["csrftoken"]["secure"] is True
    signed_in = client.post("/admin/login/", {"username": tenant.owner.email, "password": PASSWORD})
    assert signed_in.status_code == 302
    assert signed_in.cookies["sessionid"]["secure"] is True and signed_in.cookies["sessionid"]["httponly"] is True

    assert Client().get("/admin/login/", secure=True)["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in Client().get("/admin/login/")


def test_html_pages_carry_a_content_security_policy_and_api_json_does_not(tenant):
    home = Client().get("/admin/login/")
    assert "'unsafe-eval'" in home["Content-Security-Policy"]  # the admin's own, wider policy
    docs = Client().get("/api/v1/docs")
    assert docs["Content-Security-Policy"].startswith("default-src 'self';")
    assert "unsafe" not in docs["Content-Security-Policy"]
    me = tenant.api.get("me")
    assert me.status_code == 200 and "Content-Security-Policy" not in me
    assert "Content-Security-Policy" not in ApiClient().get("me")  # a problem+json refusal


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "True True 31536000"),
        ({"COMPTOIR_DEBUG": "1"}, "False False 0"),
        ({"COMPTOIR_SECURE_COOKIES": "0"}, "False False 0"),
        ({"COMPTOIR_DEBUG": "1", "COMPTOIR_SECURE_COOKIES": "1", "COMPTOIR_HSTS_SECONDS": "600"}, "True True 600"),
    ],
)
def test_secure_cookies_and_hsts_follow_the_environment(env, expected):
    clean = {k: v for k, v in os.environ.items() if k not in {"COMPTOIR_DEBUG", "COMPTOIR_SECURE_COOKIES"}}
    code = (
        "from comptoir import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == expected
