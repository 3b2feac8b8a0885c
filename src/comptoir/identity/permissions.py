"""The permission catalogue, generated from the code, and the role templates seeded in every organization.

Every model of a Comptoir app yields `app.view_model`, `app.add_model`, `app.change_model`, `app.delete_model`
(the same codenames Django's admin asks for); each module declares its own actions, its role templates and the
patterns it grants them in its spec (`<app>/module.py`, read through `comptoir.platform.modules.registry()`).
"""

from __future__ import annotations

import functools
from fnmatch import fnmatch

from django.apps import apps

from comptoir.platform.modules import registry


def permission_catalogue() -> dict[str, tuple[str, str]]:
    """codename -> (name, module), for every model of every module and every action the modules declare."""
    catalogue: dict[str, tuple[str, str]] = {}
    for spec in registry().modules:
        config = apps.get_app_config(spec.name)
        for model in config.get_models():
            verbose = model._meta.verbose_name
            for action in ("view", "add", "change", "delete"):
                codename = f"{config.label}.{action}_{model._meta.model_name}"
                catalogue[codename] = (f"Can {action} {verbose}", config.label)
    for codename, name in registry().permissions().items():
        catalogue[codename] = (name, codename.split(".", 1)[0])
    return catalogue


def role_templates() -> dict[str, tuple[str, str, tuple[str, ...]]]:
    """code: (name, description, permission patterns), from every module's spec."""
    return registry().role_templates()


def template_codenames(role_code: str, codenames) -> frozenset[str]:
    """The codenames among `codenames` that the template `role_code` grants (a restricted one only by name)."""
    patterns = role_templates()[role_code][2]
    return _matching(patterns, registry().restricted_permissions(), frozenset(codenames))


@functools.lru_cache(maxsize=256)
def _matching(patterns: tuple[str, ...], restricted: frozenset[str], codenames: frozenset[str]) -> frozenset[str]:
    """Every new organization asks the same question of the same catalogue: answered once per process."""
    return frozenset(
        c
        for c in codenames
        if any(fnmatch(c, p) for p in patterns) and (c not in restricted or c in patterns or "*" in patterns)
    )


def on_post_migrate(sender, using="default", **kwargs) -> None:
    if sender.name != "comptoir.identity":
        return
    from comptoir.identity.services.roles import sync_permission_catalogue

    sync_permission_catalogue(using=using)
