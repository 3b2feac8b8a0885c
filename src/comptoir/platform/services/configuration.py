"""Typed settings (catalogue §1 Setting): organization values, workspace overrides and global defaults.

Every key is declared by a module's spec (`SettingSpec`: type, default, allowed values, validator): an undeclared
key is refused (422 unknown_setting) and a value must pass its declaration, then the `validation_rules` of its own
row and of every broader row (an operator's global default may tighten the declaration; tenants cannot loosen
it). A row that is read-only, or below a read-only row, refuses writes. Secret values are stored encrypted in
`encrypted_value`, never in `value`. Global defaults (organization NULL) are written only by
`set_global_default`, as the database owner: the application role cannot insert them (row-level security WITH
CHECK).
"""

from __future__ import annotations

import json
import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.platform import crypto
from comptoir.platform.constants import AuditAction, SettingType
from comptoir.platform.db import owner_mode
from comptoir.platform.errors import Conflict, NotFound, ValidationFailed
from comptoir.platform.models import Setting, Workspace
from comptoir.platform.modules import TYPE_CHECKS, SettingSpec, UndeclaredSetting, registry
from comptoir.platform.queries.configuration import scope_filter
from comptoir.platform.services.audit import record_audit
from comptoir.platform.tenancy import require_org_id

MASK = "***"

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
    title = gettext_lazy("The setting is read-only")


def _invalid(message: str, code: str, field: str = "value") -> ValidationFailed:
    return ValidationFailed(message, code=code, field=field)


_is_number = TYPE_CHECKS[SettingType.NUMBER]


def check_rules(rules, data_type: str) -> dict:
    """The rules, checked for shape against `data_type`."""
    if not isinstance(rules, dict):
        raise _invalid(_("validation_rules must be an object"), "invalid_validation_rules", "validation_rules")
    unknown = set(rules) - RULES[data_type]
    if unknown:
        raise _invalid(
            _("%(data_type)s settings accept no rule %(unknown)s")
            % {"data_type": data_type, "unknown": ", ".join(sorted(unknown))},
            "invalid_validation_rules",
            "validation_rules",
        )
    for name in ("min", "max"):
        if name in rules and not _is_number(rules[name]):
            raise _invalid(
                _("Rule %(name)s must be a number") % {"name": name}, "invalid_validation_rules", "validation_rules"
            )
    for name in ("min_length", "max_length"):
        if name in rules and not (
            isinstance(rules[name], int) and not isinstance(rules[name], bool) and rules[name] >= 0
        ):
            raise _invalid(
                _("Rule %(name)s must be an integer >= 0") % {"name": name},
                "invalid_validation_rules",
                "validation_rules",
            )
    if "choices" in rules and not (isinstance(rules["choices"], list) and rules["choices"]):
        raise _invalid(_("Rule choices must be a non-empty list"), "invalid_validation_rules", "validation_rules")
    if "pattern" in rules:
        try:
            re.compile(rules["pattern"])
        except (re.error, TypeError) as exc:
            raise _invalid(
                _("Rule pattern must be a regular expression"), "invalid_validation_rules", "validation_rules"
            ) from exc
    return rules


def check_value(value, data_type: str, rules: dict) -> None:
    """Refuse a value outside `rules` (422, field `value`); its type was checked against the declaration."""
    if "min" in rules and value < rules["min"]:
        raise _invalid(_("The value must be at least %(min)s") % {"min": rules["min"]}, "min_value")
    if "max" in rules and value > rules["max"]:
        raise _invalid(_("The value must be at most %(max)s") % {"max": rules["max"]}, "max_value")
    if "min_length" in rules and len(value) < rules["min_length"]:
        raise _invalid(
            _("The value must have at least %(min_length)s items or characters") % {"min_length": rules["min_length"]},
            "min_length",
        )
    if "max_length" in rules and len(value) > rules["max_length"]:
        raise _invalid(
            _("The value must have at most %(max_length)s items or characters") % {"max_length": rules["max_length"]},
            "max_length",
        )
    if "choices" in rules and value not in rules["choices"]:
        raise _invalid(_("The value must be one of %(choices)s") % {"choices": rules["choices"]}, "invalid_choice")
    if "pattern" in rules and not re.fullmatch(rules["pattern"], value):
        raise _invalid(_("The value does not match the setting's pattern"), "pattern_mismatch")


def _declared(key: str, data_type: str | None, value) -> SettingSpec:
    """The declaration of `key`; refuses an undeclared key, another data_type, or a value it does not allow."""
    try:
        spec = registry().setting(key)
    except UndeclaredSetting:
        raise _invalid(
            _("No installed module declares the setting '%(key)s'") % {"key": key}, "unknown_setting", "key"
        ) from None
    if data_type is not None and data_type != spec.type:
        raise _invalid(
            _("Setting '%(key)s' is of type %(type)s") % {"key": key, "type": spec.type},
            "data_type_mismatch",
            "data_type",
        )
    problem = spec.problem(value)
    if problem:
        raise _invalid(problem[1], problem[0])
    return spec


def _module_of(key: str) -> str:
    return key.split(".", 1)[0]


def _workspace_id(workspace):
    if workspace is None:
        return None
    workspace_id = getattr(workspace, "pk", workspace)
    if not Workspace.objects.filter(pk=workspace_id, deleted_at__isnull=True).exists():
        raise _invalid(_("Unknown workspace"), "unknown_workspace", "workspace")
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
        raise SettingReadOnly(_("Setting '%(key)s' is read-only") % {"key": key}, field="key")
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
    data_type: str | None = None,
    workspace=None,
    is_secret: bool = False,
    category: str | None = None,
    description: str | None = None,
    validation_rules: dict | None = None,
    is_public: bool = False,
) -> Setting:
    """Set the declared `key` for the current organization, or for `workspace` (an override). The value is checked
    against the declaration (type, allowed values, validator; `data_type`, when given, must be the declared one),
    `validation_rules` (default: the row's current rules) and the rules of the broader rows; a secret declaration
    or broader row keeps it secret. Without a category or description, the row keeps its own, else takes the
    nearest broader row's, else the declaration's."""
    spec = _declared(key, data_type, value)
    data_type = spec.type
    is_secret = is_secret or spec.secret
    org_id = require_org_id()
    with transaction.atomic():
        workspace_id = _workspace_id(workspace)
        chain = list(Setting.objects.filter(scope_filter(workspace_id), key=key))
        broader = [r for r in chain if r.workspace_id is None and (r.organization_id is None or workspace_id)]
        current = [r for r in chain if r.organization_id == org_id and r.workspace_id == workspace_id]
        rules = current[0].validation_rules if validation_rules is None and current else validation_rules
        rules = check_rules(rules or {}, data_type)
        if any(r.is_readonly for r in broader):
            raise SettingReadOnly(_("Setting '%(key)s' is read-only") % {"key": key}, field="key")
        for row in broader:
            if row.data_type != data_type:
                raise _invalid(
                    _("Setting '%(key)s' is of type %(data_type)s") % {"key": key, "data_type": row.data_type},
                    "data_type_mismatch",
                    "data_type",
                )
            check_value(value, data_type, row.validation_rules)
        check_value(value, data_type, rules)
        is_secret = is_secret or any(r.is_secret for r in broader)
        declared = Setting(category=_module_of(key), description=spec.description)
        inherited = (current or sorted(broader, key=lambda r: r.organization_id is None) or [declared])[0]
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
            raise NotFound(_("No setting '%(key)s' at this scope") % {"key": key})
        if row.is_readonly:
            raise SettingReadOnly(_("Setting '%(key)s' is read-only") % {"key": key}, field="key")
        record_audit(actor=actor, action=AuditAction.DELETE, obj=row, old=_audit_values(row))
        row.delete()


def set_global_default(
    *,
    key: str,
    value,
    data_type: str | None = None,
    category: str | None = None,
    description: str | None = None,
    validation_rules: dict | None = None,
    is_secret: bool = False,
    is_readonly: bool = False,
    is_public: bool = False,
) -> Setting:
    """Create or replace the installation's global default of the declared `key` (organization NULL), which
    replaces the declared default for every tenant. For migrations and the CLI; it runs as the database owner
    because the application role may not write global rows."""
    spec = _declared(key, data_type, value)
    data_type, is_secret = spec.type, is_secret or spec.secret
    category = category or _module_of(key)
    description = spec.description if description is None else description
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
