"""Settings and feature switches of the current organization (catalogue §1 Setting, OrganizationFeature).

A setting's effective value is the workspace override, else the organization's value, else the global default
(organization NULL, readable by every tenant), else the default its module's spec declares. Reading a key no
spec declares is an error in the code (UndeclaredSetting). Secret values are decrypted here, for internal use
only: the API never returns them.
"""

from __future__ import annotations

import json

from django.db.models import F, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from comptoir.platform import crypto
from comptoir.platform.db import fetch_rows
from comptoir.platform.errors import NotFound
from comptoir.platform.models import ModuleSwitch, OrganizationFeature, Setting
from comptoir.platform.modules import UndeclaredSetting, registry
from comptoir.platform.tenancy import require_org_id


def _id(value):
    return getattr(value, "pk", value)


def scope_filter(workspace=None) -> Q:
    """The rows that can apply in the current organization (and `workspace`, when given): global defaults,
    the organization's own rows and the workspace's overrides."""
    rows = Q(organization_id=require_org_id()) | Q(organization__isnull=True)
    if workspace is None:
        return rows & Q(workspace__isnull=True)
    return rows & (Q(workspace__isnull=True) | Q(workspace_id=_id(workspace)))


def _most_specific_first() -> list:
    return [F("workspace_id").asc(nulls_last=True), F("organization_id").asc(nulls_last=True)]


def decoded_value(row: Setting):
    """The row's value; a secret is decrypted."""
    if row.is_secret:
        return json.loads(crypto.decrypt(row.encrypted_value)) if row.encrypted_value else None
    return row.value


def effective_setting(key: str, workspace=None) -> Setting | None:
    """The row that gives `key` its value in the current organization (and workspace): one query."""
    return _effective_rows([key], workspace).get(key)


def _effective_rows(keys: list, workspace=None) -> dict:
    """{key: the row giving it its value} for those of `keys` a row sets: the workspace's, else the organization's,
    else the global default (one prepared statement)."""
    org_id = require_org_id()
    if workspace is None:
        rows = fetch_rows(Setting, _SCOPE_SQL, [keys, org_id])
    else:
        rows = fetch_rows(Setting, _WORKSPACE_SCOPE_SQL, [keys, org_id, _id(workspace)])
    rows.sort(key=lambda row: (row.workspace_id is None, row.organization_id is None))  # the most specific first
    winners: dict = {}
    for row in rows:
        winners.setdefault(row.key, row)
    return winners


def get_setting(key: str, workspace=None):
    """The effective value of the declared `key` (workspace, else organization, else global row, else the
    declared default; UndeclaredSetting for a key no module declares). Secret values come back decrypted. One
    query."""
    return get_settings([key], workspace)[key]


def get_settings(keys, workspace=None) -> dict:
    """{key: effective value} of each declared key of `keys`, as `get_setting` gives it, in one statement."""
    keys = list(dict.fromkeys(keys))
    specs = {key: registry().setting(key) for key in keys}
    winners = _effective_rows(keys, workspace)
    return {key: decoded_value(winners[key]) if key in winners else specs[key].default for key in keys}


_IN_SCOPE = "key = ANY(%s) AND (organization_id = %s OR organization_id IS NULL)"
_SCOPE_SQL = f"{_IN_SCOPE} AND workspace_id IS NULL"
_WORKSPACE_SCOPE_SQL = f"{_IN_SCOPE} AND (workspace_id IS NULL OR workspace_id = %s)"


def access_setting(key: str, workspace=None) -> Setting:
    """The row giving `key` its value, or an unsaved row holding the declared default; 404 for an undeclared key."""
    try:
        spec = registry().setting(key)
    except UndeclaredSetting:
        raise NotFound(_("No setting '%(key)s'") % {"key": key}) from None
    row = effective_setting(key, workspace)
    if row is None:
        row = Setting(
            key=key,
            value=None if spec.secret else spec.default,
            data_type=spec.type,
            category=key.split(".", 1)[0],
            description=spec.description,
            is_secret=spec.secret,
        )
    return row


def effective_settings(*, workspace=None, category: str | None = None, search: str | None = None) -> QuerySet:
    """One row per key: the one that gives the key its effective value (a single query with DISTINCT ON)."""
    winners = (
        Setting.objects.filter(scope_filter(workspace))
        .order_by("key", *_most_specific_first())
        .distinct("key")
        .values("id")
    )
    qs = Setting.objects.filter(id__in=Subquery(winners))
    if category:
        qs = qs.filter(category=category)
    if search:
        qs = qs.filter(Q(key__icontains=search) | Q(description__icontains=search))
    return qs


def organization_features() -> OrganizationFeature:
    """The current organization's switches (an unsaved row with the defaults if none was created)."""
    features = OrganizationFeature.objects.first()
    return features if features is not None else OrganizationFeature(organization_id=require_org_id())


def module_switches() -> dict[str, bool]:
    """{module: on?} for every switchable module, in the organization in context (one query)."""
    rows = dict(ModuleSwitch.objects.values_list("module", "enabled"))
    return {m.name: rows.get(m.name, m.default_enabled) for m in registry().switchable()}


def enabled_modules() -> set[str]:
    """The names of the modules on in the organization in context: the switched-on and the always-on ones."""
    switches = module_switches()
    return {m.name for m in registry().modules if switches.get(m.name, True)}
