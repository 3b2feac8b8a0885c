"""What every desk page shows around its content: the organization and the switcher, the sidebar built from the
module specs (modules switched on, entries the member may open), the notifications, the languages. A context
processor gives templates `desk`, computed on first use only (the admin's pages never touch it)."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject

from comptoir.desk.access import modules_on
from comptoir.platform.admin_site import user_memberships
from comptoir.platform.modules import MenuEntry, registry
from comptoir.platform.queries.notifications import notifications_of, unread_count

API_DOCS = "/api/v1/docs"
LATEST_NOTIFICATIONS = 10


@cache
def menu_link(entry: MenuEntry) -> str:
    """A menu entry's page: a desk view, a page of the module, an admin changelist, else the API docs (reversed
    once per process: every page shows the sidebar)."""
    if entry.view:
        module, slug = entry.view.split(".")
        return reverse("desk:list", args=(module, slug))
    if entry.url:
        return reverse(entry.url)
    if entry.admin:
        app_label, model_name = entry.admin.split(".")
        try:
            return reverse(f"admin:{app_label}_{model_name}_changelist")
        except NoReverseMatch:
            pass
    return API_DOCS


def sidebar(actor, enabled: set[str], path: str = "") -> list[dict]:
    """The menu of every module switched on, with the entries `actor` may open (modules with none left out), in
    the order of the specs; the entry whose page `path` is in is marked current."""
    groups = []
    for module in registry().modules:
        if module.name not in enabled:
            continue
        entries = []
        for entry in module.menu:
            if actor.can(entry.permission):
                url = menu_link(entry)
                entries.append({"label": str(entry.label), "url": url, "current": url != "/" and path.startswith(url)})
        if entries:
            groups.append({"name": str(module.label), "entries": entries})
    return groups


def chrome(request) -> dict:
    actor = getattr(request, "actor", None)
    memberships = user_memberships(request)
    org_id = getattr(actor, "organization_id", None)
    organization = next((m.organization for m in memberships if m.organization_id == org_id), None)
    data = {
        "organization": organization,
        "memberships": memberships,
        "languages": settings.LANGUAGES,
        "menu": [],
        "notifications": [],
        "unread_count": 0,
    }
    if organization is not None:
        data["menu"] = sidebar(actor, modules_on(request), request.path)
        data["notifications"] = list(notifications_of(request.user).order_by("-created_at")[:LATEST_NOTIFICATIONS])
        data["unread_count"] = unread_count(request.user)
    return data


def desk_context(request) -> dict:
    """`desk` for templates, read when a template first uses it, for signed-in members only."""
    if getattr(request, "actor", None) is None or not request.user.is_authenticated:
        return {}
    return {"desk": SimpleLazyObject(lambda: chrome(request))}
