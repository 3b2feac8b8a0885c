"""Settings and feature switches of the current organization. Thin: parse, authorise, call."""

from __future__ import annotations

from ninja import Query, Router, Status

from comptoir.platform.access import authorize
from comptoir.platform.exports import ExportParams, list_or_export
from comptoir.platform.pagination import PageParams
from comptoir.platform.queries import configuration as queries
from comptoir.platform.queries.core import access_workspace
from comptoir.platform.schemas.configuration import (
    FeaturesOut,
    FeaturesPatch,
    SettingFilters,
    SettingIn,
    SettingOut,
    SettingPage,
    SettingScope,
    setting_scope,
)
from comptoir.platform.services import configuration as settings_service
from comptoir.platform.services import features as features_service

router = Router(tags=["platform"])

SETTING_COLUMNS = [
    ("key", "key"),
    ("value", lambda row: None if row.is_secret else row.value),
    ("data_type", "data_type"),
    ("scope", setting_scope),
    ("category", "category"),
    ("is_secret", "is_secret"),
    ("is_readonly", "is_readonly"),
    ("description", "description"),
    ("updated_at", "updated_at"),
]


def _workspace(scope: SettingScope):
    return access_workspace(scope.workspace) if scope.workspace else None


@router.get("/settings", response=SettingPage)
def list_settings(
    request,
    page: Query[PageParams],
    scope: Query[SettingScope],
    filters: Query[SettingFilters],
    export: Query[ExportParams],
):
    """The effective value of every setting, with the scope it comes from. Secret values are null."""
    authorize(request, "platform.view_setting")
    return list_or_export(
        request,
        queries.effective_settings(workspace=_workspace(scope), **filters.dict()),
        page,
        export,
        columns=SETTING_COLUMNS,
        filename="settings",
        allowed_ordering={"key", "category", "updated_at"},
        default_ordering=["key"],
    )


@router.get("/settings/{key}", response=SettingOut)
def get_setting(request, key: str, scope: Query[SettingScope]):
    """One setting's value for the organization, or its declared default."""
    authorize(request, "platform.view_setting")
    return queries.access_setting(key, _workspace(scope))


@router.put("/settings/{key}", response=SettingOut)
def put_setting(request, key: str, payload: SettingIn, scope: Query[SettingScope]):
    """Set the organization's value of `key`, or the workspace's override with `?workspace=`."""
    actor = authorize(request, "platform.change_setting")
    return settings_service.set_setting(actor=actor.user, key=key, workspace=_workspace(scope), **payload.dict())


@router.delete("/settings/{key}", response={204: None})
def delete_setting(request, key: str, scope: Query[SettingScope]):
    """Remove the organization's value (or the workspace's override): the broader value applies again."""
    actor = authorize(request, "platform.change_setting")
    settings_service.delete_setting(actor=actor.user, key=key, workspace=_workspace(scope))
    return Status(204, None)


def _features_out(features) -> dict:
    return {"modules": queries.module_switches(), "tax_regime": features.tax_regime, "locked": features.locked}


@router.get("/features", response=FeaturesOut)
def get_features(request):
    """The modules switched on for the organization and its tax regime."""
    authorize(request, "platform.view_organizationfeature")
    return _features_out(queries.organization_features())


@router.patch("/features", response=FeaturesOut)
def patch_features(request, payload: FeaturesPatch):
    """Switch modules on or off (`{"modules": {"<module>": false}}`), set the tax regime, lock or unlock the
    organization's books."""
    actor = authorize(request, "platform.change_organizationfeature")
    patch = features_service.FeaturesPatch.from_schema(payload)
    return _features_out(features_service.update_features(actor=actor.user, patch=patch))
