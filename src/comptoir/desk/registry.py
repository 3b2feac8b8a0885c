"""The desk declarations of the installed modules, read once per process from their specs."""

from __future__ import annotations

from functools import cache

from django.http import Http404
from django.urls import reverse
from django.utils.module_loading import import_string

from comptoir.desk.declarations import Desk, DeskView, SearchSource, Widget
from comptoir.platform.modules import registry


@cache
def _desks() -> tuple[tuple[str, Desk], ...]:
    return tuple((m.name, import_string(m.desk)) for m in registry().modules if m.desk)


def desks() -> dict[str, Desk]:
    """module name → its Desk, in the order of the specs."""
    return dict(_desks())


def desk_view(module: str, slug: str) -> DeskView:
    """The view `slug` of `module`; 404 when no module declares it."""
    desk = desks().get(module)
    for view in desk.views if desk else ():
        if view.slug == slug:
            return view
    raise Http404("No such page")


def widgets() -> list[tuple[str, Widget]]:
    """(module name, widget) of every module, by the widgets' order."""
    return sorted(((m, w) for m, d in desks().items() for w in d.widgets), key=lambda pair: pair[1].order)


def search_sources() -> dict[str, SearchSource]:
    """ "module.name" → source."""
    return {f"{module}.{s.name}": s for module, d in desks().items() for s in d.search}


@cache
def _list_url(module: str, slug: str) -> str:
    return reverse("desk:list", args=(module, slug))


def record_url(module: str, slug: str, pk) -> str:
    """The detail page of record `pk` of view `slug` (reversed once per view: lists link every row)."""
    return f"{_list_url(module, slug)}{pk}/"
