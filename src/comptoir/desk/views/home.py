"""The dashboard (`/`): the widgets the modules declare, those the member may see in the modules switched on;
and the quick search over the modules' search sources."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from comptoir.desk.access import desk_page, modules_on
from comptoir.desk.registry import search_sources, widgets

SEARCH_LIMIT = 8
PICK_LIMIT = 20
MIN_QUERY = 1


def _enabled(name: str, enabled: set[str]) -> bool:
    return name.split(".")[0] in enabled


@never_cache
@require_GET
def home(request):
    """Signed-in members without an organization see a welcome (the desk's pages need one)."""
    if not request.user.is_authenticated or getattr(request, "actor", None) is None:
        return redirect_to_login(request.get_full_path())
    actor = request.actor
    panels = []
    if actor.organization_id is not None:
        enabled = modules_on(request)
        panels = [
            {"name": w.name, "template": w.template, **w.context(actor)}
            for module, w in widgets()
            if module in enabled and actor.can(w.permission)
        ]
    return TemplateResponse(request, "desk/home.html", {"panels": panels})


@never_cache
@require_GET
@desk_page()
def search(request, actor):
    """Every source the member may search, a few hits each: entry numbers, account codes and names…"""
    query = request.GET.get("q", "").strip()
    groups = []
    if len(query) >= MIN_QUERY:
        enabled = modules_on(request)
        for name, source in search_sources().items():
            if source.in_quick_search and _enabled(name, enabled) and actor.can(source.permission):
                hits = list(source.find(query, SEARCH_LIMIT))
                if hits:
                    groups.append({"label": source.label, "hits": hits})
    return TemplateResponse(request, "desk/search.html", {"query": query, "groups": groups})


@never_cache
@require_GET
@desk_page()
def pick(request, actor, source: str):
    """A picker's suggestions: the options of a form field's datalist (htmx sends the field's own value), or
    JSON ({value, text, detail})."""
    found = search_sources().get(source)
    if found is None or not _enabled(source, modules_on(request)) or not actor.can(found.permission):
        raise Http404("No such source")
    query = request.GET.get("q") or next((v for v in request.GET.values() if v), "")
    hits = found.find(query.strip(), PICK_LIMIT)
    if request.headers.get("HX-Request"):  # a form field's datalist
        return TemplateResponse(request, "desk/pick.html", {"hits": hits})
    return JsonResponse({"items": [{"value": h.value, "text": h.text, "detail": h.detail} for h in hits]})
