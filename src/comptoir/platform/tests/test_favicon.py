"""The favicon: served at /favicon.ico to anyone, and linked from the pages' heads (home, reports, admin)."""

import struct

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db

LINKS = ('<link rel="icon" href="/static/comptoir/favicon.svg" type="image/svg+xml"', '"/favicon.ico"')


def test_favicon_ico_is_served_without_signing_in():
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/vnd.microsoft.icon"
    assert "max-age=86400" in response["Cache-Control"]
    body = response.content
    reserved, kind, count = struct.unpack("<HHH", body[:6])
    assert (reserved, kind, count) == (0, 1, 1)  # an icon file with one image
    width, height, *_rest, size, offset = struct.unpack("<BBBBHHII", body[6:22])
    assert (width, height, offset + size) == (32, 32, len(body))
    assert body[offset : offset + 8] == b"\x89PNG\r\n\x1a\n"
    assert Client().post("/favicon.ico").status_code == 405


def test_the_svg_icon_exists():
    svg = finders.find("comptoir/favicon.svg")
    assert svg is not None
    with open(svg) as f:
        assert f.read().startswith('<svg xmlns="http://www.w3.org/2000/svg"')


@pytest.mark.parametrize("path", ["/", "/accounting/reports/", "/admin/", "/admin/login/"])
def test_pages_link_the_icons(tenant, path):
    client = Client()
    if path != "/admin/login/":
        client.force_login(tenant.owner)
    response = client.get(path)
    assert response.status_code == 200, path
    head = response.content.decode().split("</head>", 1)[0]
    for link in LINKS:
        assert link in head, path
