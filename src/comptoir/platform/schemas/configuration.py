"""Shapes of the settings and feature-switch endpoints. A secret setting's value is never returned."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import Field, StrictBool

from comptoir.platform.constants import SettingType, TaxRegime
from comptoir.platform.schemas.base import Input, Page


def setting_scope(row) -> str:
    if row._state.adding:
        return "default"
    if row.workspace_id is not None:
        return "workspace"
    return "organization" if row.organization_id is not None else "global"


class SettingOut(Schema):
    key: str
    value: Any = Field(None, description="null when the setting is secret")
    data_type: str
    scope: str = Field(
        description="where the effective value comes from: workspace, organization, global or (no row) the "
        "module's declared default"
    )
    workspace_id: uuid.UUID | None
    category: str
    description: str
    is_secret: bool
    is_readonly: bool
    is_public: bool
    validation_rules: dict
    updated_at: datetime | None

    @staticmethod
    def resolve_value(obj) -> Any:
        return None if obj.is_secret else obj.value

    @staticmethod
    def resolve_scope(obj) -> str:
        return setting_scope(obj)


class SettingPage(Page):
    items: list[SettingOut]


class SettingScope(Schema):
    workspace: uuid.UUID | None = Field(None, description="read or write the override of this workspace")


class SettingFilters(Schema):
    category: str | None = Field(None, max_length=100)
    search: str | None = Field(None, max_length=100)


class SettingIn(Input):
    value: Any = Field(description="a JSON value of type data_type")
    data_type: SettingType | None = Field(None, description="the declared type; refused when different")
    is_secret: bool = False
    category: str | None = Field(None, min_length=1, max_length=100, description="default: the broader row's")
    description: str | None = Field(None, max_length=5000)
    is_public: bool = False


class FeaturesOut(Schema):
    modules: dict[str, bool] = Field(description="the switch of every switchable module; the others are always on")
    tax_regime: str
    locked: bool


class FeaturesPatch(Input):
    modules: dict[str, StrictBool] | None = Field(None, description="switches to change, {module: true|false}")
    tax_regime: TaxRegime | None = None
    locked: bool | None = None
