"""Typed settings (catalogue §1 Setting): organization values, workspace overrides and global defaults.

A value must have its row's `data_type` and pass the `validation_rules` of its own row and of every broader row
(the global default is the definition a module ships; tenants cannot loosen it). A row that is read-only, or
below a read-only row, refuses writes. Secret values are stored encrypted in `encrypted_value`, never in `value`.
Global defaults (organization NULL) are written only by `set_global_default`, as the database owner: the
application role cannot insert them (row-level security WITH CHECK).
"""

from __future__ import annotations

import json
import math
import re

from django.db import IntegrityError, transaction

from comptoir.platform import crypto
from comptoir.platform.constants import AuditAction, SettingType
from comptoir.platform.db import owner_mode
from comptoir.platform.errors import Conflict, NotFound, ValidationFailed
from comptoir.platform.models import Setting, Workspace
from comptoir.platform.queries.configuration import scope_filter
from comptoir.platform.services.audit import record_audit
from comptoir.platform.tenancy import require_org_id

KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,254}$")
MASK = "***"

_TYPES = {
    SettingType.STRING: lambda v: isinstance(v, str),
    SettingType.NUMBER: lambda v: isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v),
    SettingType.BOOLEAN: lambda v: isinstance(v, bool),
    SettingType.OBJECT: lambda v: isinstance(v, dict),
    SettingType.ARRAY: lambda v: isinstance(v, list),
}
# The rules each type accepts: min/max bound a NUMBER, min_length/max_length a STRING or ARRAY, choices lists the
# allowed values, pattern is a regular expression a STRING must match in full.
RULES = {
    SettingType.STRING: {"min_length", "max_length", "choices", "pattern"},
    SettingType.NUMBER: {"min", "max", "choices"},
    SettingType.BOOLEAN: set(),
    SettingType.OBJECT: set(),
    SettingType.ARRAY: {"min_length", "max_length"},
}


class SettingReadOnly(Conflict):
    code = "setting_readonly"
    title = "The setting is read-only"


def _invalid(message: str, code: str, field: str = "value") -> ValidationFailed:
    return ValidationFailed(message, code=code, field=field)


def _is_number(value) -> bool:
    return _TYPES[SettingType.NUMBER](value)


def check_rules(rules, data_type: str) -> dict:
    """The rules, checked for shape against `data_type`."""
    if not isinstance(rules, dict):
        raise _invalid("validation_rules must be an object", "invalid_validation_rules", "validation_rules")
    unknown = set(rules) - RULES[data_type]
    if unknown:
        raise _invalid(
            f"{data_type} settings accept no rule {', '.join(sorted(unknown))}",
            "invalid_validation_rules",
            "validation_rules",
        )
    for name in ("min", "max"):
        if name in rules and not _is_number(rules[name]):
            raise _invalid(f"Rule {name} must be a number", "invalid_validation_rules", "validation_rules")
    for name in ("min_length", "max_length"):
        if name in rules and not (
            isinstance(rules[name], int) and not isinstance(rules[name], bool) and rules[name] >= 0
        ):
            raise _invalid(f"Rule {name} must be an integer >= 0", "invalid_validation_rules", "validation_rules")
    if "choices" in rules and not (isinstance(rules["choices"], list) and rules["choices"]):
        raise _invalid("Rule choices must be a non-empty list", "invalid_validation_rules", "validation_rules")
    if "pattern" in rules:
        try:
            re.compile(rules["pattern"])
        except (re.error, TypeError) as exc:
            raise _invalid(
                "Rule pattern must be a regular expression", "invalid_validation_rules", "validation_rules"
            ) from exc
    return rules


def check_value(value, data_type: str, rules: dict) -> None:
    """Refuse a value of the wrong type or outside `rules` (422, field `value`)."""
    if value is None:
        raise _invalid("A value is required", "required")
    if not _TYPES[data_type](value):
        raise _invalid(f"The value must be of type {data_type}", "invalid_type")
    if "min" in rules and value < rules["min"]:
        raise _invalid(f"The value must be at least {rules['min']}", "min_value")
    if "max" in rules and value > rules["max"]:
        raise _invalid(f"The value must be at most {rules['max']}", "max_value")
    if "min_length" in rules and len(value) < rules["min_length"]:
        raise _invalid(f"The value must have at least {rules['min_length']} items or characters", "min_length")
    if "max_length" in rules and len(value) > rules["max_length"]:
        raise _invalid(f"The value must have at most {rules['max_length']} items or characters", "max_length")
    if "choices" in rules and value not in rules["choices"]:
        raise _invalid(f"The value must be one of {rules['choices']}", "invalid_choice")
    if "pattern" in rules and not re.fullmatch(rules["pattern"], value):
        raise _invalid("The value does not match the setting's pattern", "pattern_mismatch")


def _check_key(key: str) -> None:
    if not KEY_RE.match(key or ""):
        raise _invalid("A key is 1-255 lower-case letters, digits, '.', '_' or '-'", "invalid_key", "key")


def _check_type(data_type: str) -> str:
    if data_type not in SettingType.values:
        raise _invalid(f"data_type must be one of {', '.join(SettingType.values)}", "invalid_choice", "data_type")
    return data_type


def _workspace_id(workspace):
    if workspace is None:
        return None
    workspace_id = getattr(workspace, "pk", workspace)
    if not Workspace.objects.filter(pk=workspace_id, deleted_at__isnull=True).exists():
        raise _invalid("Unknown workspace", "unknown_workspace", "workspace")
    return workspace_id


def _audit_values(row: Setting) -> dict:
    return {
        "value": MASK if row.is_secret else row.value,
        "data_type": row.data_type,
        "is_secret": row.is_secret,
        "category": row.category,
    }


def _store(row: Setting, value, is_secret: bool) -> None:
    row.is_secret = is_secret
    if is_secret:
        row.value = None
        row.encrypted_value = crypto.encrypt(json.dumps(value))
    else:
        row.value = value
        row.encrypted_value = ""


def _upsert(*, organization_id, workspace_id, key: str, fields: dict, value, is_secret: bool, actor):
    """Create or update the row of `key` at one scope under a row lock. Returns (row, values before or None)."""
    scope = {"organization_id": organization_id, "workspace_id": workspace_id, "key": key}
    row = Setting.objects.select_for_update().filter(**scope).first()
    if row is None:
        row = Setting(**scope, **fields, created_by=actor, updated_by=actor)
        _store(row, value, is_secret)
        try:
            with transaction.atomic():
                row.save(force_insert=True)
            return row, None
        except IntegrityError:  # created meanwhile by a concurrent call: update it instead
            row = Setting.objects.select_for_update().get(**scope)
    if row.is_readonly:
        raise SettingReadOnly(f"Setting '{key}' is read-only", field="key")
    before = _audit_values(row)
    for name, field_value in fields.items():
        setattr(row, name, field_value)
    _store(row, value, is_secret)
    row.updated_by = actor
    row.save()
    return row, before


def set_setting(
    *,
    actor,
    key: str,
    value,
    data_type: str,
    workspace=None,
    is_secret: bool = False,
    category: str | None = None,
    description: str | None = None,
    validation_rules: dict | None = None,
    is_public: bool = False,
) -> Setting:
    """Set `key` for the current organization, or for `workspace` (an override). The value is checked against
    `data_type`, `validation_rules` (default: the row's current rules) and the rules of the broader rows; a
    secret broader row keeps it secret. Without a category or description, the row keeps its own, else takes
    the nearest broader row's."""
    _check_key(key)
    data_type = _check_type(data_type)
    org_id = require_org_id()
    with transaction.atomic():
        workspace_id = _workspace_id(workspace)
        chain = list(Setting.objects.filter(scope_filter(workspace_id), key=key))
        broader = [r for r in chain if r.workspace_id is None and (r.organization_id is None or workspace_id)]
        current = [r for r in chain if r.organization_id == org_id and r.workspace_id == workspace_id]
        rules = current[0].validation_rules if validation_rules is None and current else validation_rules
        rules = check_rules(rules or {}, data_type)
        if any(r.is_readonly for r in broader):
            raise SettingReadOnly(f"Setting '{key}' is read-only", field="key")
        for row in broader:
            if row.data_type != data_type:
                raise _invalid(f"Setting '{key}' is of type {row.data_type}", "data_type_mismatch", "data_type")
            check_value(value, data_type, row.validation_rules)
        check_value(value, data_type, rules)
        is_secret = is_secret or any(r.is_secret for r in broader)
        inherited = (current or sorted(broader, key=lambda r: r.organization_id is None) or [Setting()])[0]
        fields = {
            "category": category or inherited.category,
            "description": inherited.description if description is None else description,
            "data_type": data_type,
            "validation_rules": rules,
            "is_public": is_public,
        }
        row, before = _upsert(
            organization_id=org_id,
            workspace_id=workspace_id,
            key=key,
            fields=fields,
            value=value,
            is_secret=is_secret,
            actor=actor,
        )
        record_audit(
            actor=actor,
            action=AuditAction.CREATE if before is None else AuditAction.UPDATE,
            obj=row,
            old=before,
            new=_audit_values(row),
        )
    return row


def delete_setting(*, actor, key: str, workspace=None) -> None:
    """Remove the organization's value (or the workspace's override) of `key`: the broader value applies again."""
    org_id = require_org_id()
    with transaction.atomic():
        workspace_id = _workspace_id(workspace)
        row = Setting.objects.select_for_update().filter(organization_id=org_id, workspace_id=workspace_id, key=key)
        row = row.first()
        if row is None:
            raise NotFound(f"No setting '{key}' at this scope")
        if row.is_readonly:
            raise SettingReadOnly(f"Setting '{key}' is read-only", field="key")
        record_audit(actor=actor, action=AuditAction.DELETE, obj=row, old=_audit_values(row))
        row.delete()


def set_global_default(
    *,
    key: str,
    value,
    data_type: str,
    category: str = "general",
    description: str = "",
    validation_rules: dict | None = None,
    is_secret: bool = False,
    is_readonly: bool = False,
    is_public: bool = False,
) -> Setting:
    """Create or replace the global default of `key` (organization NULL): the definition every tenant reads.
    For migrations and the CLI; it runs as the database owner because the application role may not write
    global rows."""
    _check_key(key)
    data_type = _check_type(data_type)
    rules = check_rules(validation_rules or {}, data_type)
    check_value(value, data_type, rules)
    with owner_mode(), transaction.atomic():
        scope = {"organization_id": None, "workspace_id": None, "key": key}
        row = Setting.objects.select_for_update().filter(**scope).first() or Setting(**scope)
        row.category, row.description, row.data_type = category, description, data_type
        row.validation_rules, row.is_readonly, row.is_public = rules, is_readonly, is_public
        _store(row, value, is_secret)
        row.save()
    return row
