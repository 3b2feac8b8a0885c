"""The desk declarations of the installed modules, read once per process from their specs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import cache

from django.core.exceptions import ImproperlyConfigured
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


def merged_views(desks: Sequence[tuple[str, Desk]]) -> dict[tuple[str, str], DeskView]:
    """(module, slug) → view, with the actions and related documents the modules depending on it add."""
    views = {(module, v.slug): v for module, d in desks for v in d.views}
    for module, desk in desks:
        for extension in desk.extends:
            host, slug = extension.view.split(".")
            if host not in registry().module(module).depends_on or (host, slug) not in views:
                raise ImproperlyConfigured(
                    f"Module {module!r} extends the desk view {extension.view!r} of a module it does not depend on"
                )
            view = views[host, slug]
            taken = {a.name for a in view.actions} & {a.name for a in extension.actions}
            if taken:
                raise ImproperlyConfigured(
                    f"Module {module!r} adds the action {taken.pop()!r} twice to {extension.view}"
                )
            views[host, slug] = replace(
                view,
                actions=(*view.actions, *extension.actions),
                documents=(*view.documents, *extension.documents),
            )
    return views


@cache
def _views() -> dict[tuple[str, str], DeskView]:
    return merged_views(_desks())


def desk_view(module: str, slug: str) -> DeskView:
    """The view `slug` of `module` with what other modules add to it; 404 when no module declares it."""
    try:
        return _views()[module, slug]
    except KeyError:
        raise Http404("No such page") from None


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
