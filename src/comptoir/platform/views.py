"""The signed-in landing page (`/`): the organization in context and the switcher, the modules the member may
open (the menus of the module specs) and the notifications bell. Session-authenticated (the identity middleware
has put the request in the chosen organization's tenant context); thin: reads through queries, writes through
services."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import NoReverseMatch, resolve, reverse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_POST

from comptoir.platform.admin_site import SWITCH_URL_NAME, user_memberships
from comptoir.platform.modules import MenuEntry, registry
from comptoir.platform.queries.configuration import enabled_modules
from comptoir.platform.queries.notifications import notifications_of, unread_count
from comptoir.platform.services.notifications import mark_all_notifications_read

HOME_URL_NAME = "home"
API_DOCS = "/api/v1/docs"
LATEST_NOTIFICATIONS = 10
FAVICON = Path(__file__).parent / "static" / "comptoir" / "favicon.ico"


def _link(entry: MenuEntry) -> str:
    if entry.url:
        return reverse(entry.url)
    if entry.admin:
        app_label, model_name = entry.admin.split(".")
        try:
            return reverse(f"admin:{app_label}_{model_name}_changelist")
        except NoReverseMatch:  # not (yet) in the admin: the API documents it
            pass
    return API_DOCS


def visible_modules(user) -> list[dict]:
    """The menu of every module switched on in the organization in context, with the entries `user` may view
    (modules with no such entry left out), in the order of the module specs."""
    enabled = enabled_modules()
    groups = []
    for module in registry().modules:
        if module.name not in enabled:
            continue
        entries = [{"label": m.label, "url": _link(m)} for m in module.menu if user.has_perm(m.permission)]
        if entries:
            groups.append({"name": module.label, "modules": entries})
    return groups


def _organization_id(request):
    actor = getattr(request, "actor", None)
    return getattr(actor, "organization_id", None)


@never_cache
@require_GET
@login_required
def home(request):
    org_id = _organization_id(request)
    memberships = user_memberships(request)
    current = next((m.organization for m in memberships if m.organization_id == org_id), None)
    context = {
        "organization": current,
        "memberships": memberships,
        "switch_url": reverse("home_switch_organization"),
        "modules": [],
        "notifications": [],
        "unread_count": 0,
    }
    if current is not None:
        context["modules"] = visible_modules(request.user)
        context["notifications"] = list(notifications_of(request.user).order_by("-created_at")[:LATEST_NOTIFICATIONS])
        context["unread_count"] = unread_count(request.user)
    return TemplateResponse(request, "comptoir/home.html", context)


@never_cache
@require_POST
@login_required
def switch_organization(request):
    """The admin's switcher (`organization=<id>`, 404 for an organization that is not the user's), then back to
    the landing page. The view is found by its URL name: identity sits above platform."""
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
