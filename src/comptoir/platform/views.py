"""Page actions shared by the desk and the admin: the organization switcher, marking notifications read, the
favicon. Session-authenticated (the identity middleware has put the request in the chosen organization's tenant
context); thin: writes through services."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import resolve, reverse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_POST

from comptoir.platform.admin_site import SWITCH_URL_NAME
from comptoir.platform.services.notifications import mark_all_notifications_read

HOME_URL_NAME = "home"
FAVICON = Path(__file__).parent / "static" / "comptoir" / "favicon.ico"


def _organization_id(request):
    actor = getattr(request, "actor", None)
    return getattr(actor, "organization_id", None)


@never_cache
@require_POST
@login_required
def switch_organization(request):
    """The admin's switcher (`organization=<id>`, 404 for an organization that is not the user's), then back to
    the dashboard. The view is found by its URL name: identity sits above platform."""
    switcher = resolve(reverse(SWITCH_URL_NAME)).func
    response = switcher(request)
    if response.status_code == 302:
        return redirect(HOME_URL_NAME)
    return response


@never_cache
@require_POST
@login_required
def mark_all_read(request):
    """Marks every unread notification of the user in the organization in context read."""
    if _organization_id(request) is None:
        raise Http404("No organization")
    mark_all_notifications_read(actor=request.user)
    return redirect(HOME_URL_NAME)


@require_GET
@cache_control(public=True, max_age=86400)
def favicon(request):
    """`/favicon.ico`, where browsers look when a page names no icon (the pages link favicon.svg and this)."""
    return HttpResponse(FAVICON.read_bytes(), content_type="image/vnd.microsoft.icon")


def favicon_links(request=None) -> list[dict]:
    """The icons of the admin pages (UNFOLD["SITE_FAVICONS"]), those of comptoir/favicon.html."""
    return [
        {"rel": "icon", "href": static("comptoir/favicon.svg"), "type": "image/svg+xml"},
        {"rel": "icon", "href": "/favicon.ico", "sizes": "32x32"},
    ]
