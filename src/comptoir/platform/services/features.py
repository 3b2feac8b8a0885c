"""Module switches and the financial freeze of an organization (catalogue §1 OrganizationFeature).

A module whose spec is `switchable` has one switch per organization (a `ModuleSwitch` row; without one, the
spec's `default_enabled`); the other modules are always on. Module names are checked against the registry.
- `require_feature("<module>")` in a service refuses (403 module_disabled) when the module is switched off.
- `ModuleGuard("<module>")` as a ninja Router's `auth` makes the module's whole API refuse the same way.
- `ensure_financial_writes_allowed()` in every financial write (post_entry…) refuses (409 organization_locked)
  while the organization is locked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.platform.constants import AuditAction
from comptoir.platform.errors import Conflict, PermissionDenied, ValidationFailed
from comptoir.platform.inputs import UNSET, Patch, _Unset
from comptoir.platform.models import ModuleSwitch, OrganizationFeature
from comptoir.platform.modules import UnknownModule, registry
from comptoir.platform.queries.configuration import module_switches, organization_features
from comptoir.platform.services.audit import record_audit, snapshot
from comptoir.platform.tenancy import require_org_id

AUDITED = ("tax_regime", "locked")


class ModuleDisabled(PermissionDenied):
    code = "module_disabled"
    title = gettext_lazy("Module disabled")


class OrganizationLocked(Conflict):
    code = "organization_locked"
    title = gettext_lazy("The organization is locked")


def is_feature_enabled(module: str, switches: Mapping[str, bool] | None = None) -> bool:
    """Whether `module` is on in the organization in context (UnknownModule for a name no spec declares);
    `switches`: its switch rows ({module: enabled}) when the caller read them already."""
    spec = registry().module(module)
    if not spec.switchable:
        return True
    if switches is not None:
        value = switches.get(module)
    else:
        value = ModuleSwitch.objects.filter(module=module).values_list("enabled", flat=True).first()
    return spec.default_enabled if value is None else value


def require_feature(module: str, switches: Mapping[str, bool] | None = None) -> None:
    """Refuse (403 module_disabled) when the current organization has `module` switched off."""
    if not is_feature_enabled(module, switches):
        raise ModuleDisabled(_("The %(module)s module is disabled for this organization") % {"module": module})


def ensure_financial_writes_allowed() -> None:
    """Refuse (409 organization_locked) while the organization is locked. Inside a transaction it takes a
    share lock on the switches row, so a concurrent freeze waits for in-flight postings and every posting after
    the freeze sees it."""
    table = OrganizationFeature._meta.db_table
    lock = " FOR SHARE" if connection.in_atomic_block else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT locked FROM {table} WHERE organization_id = %s{lock}",  # noqa: S608 (no user input)
            [require_org_id()],
        )
        row = cursor.fetchone()
    if row is not None and row[0]:
        raise OrganizationLocked(_("The organization is locked: no financial transaction may be written"))


class ModuleGuard:
    """A ninja `auth` for a module's Router: the request needs an actor (else 401) and the module switched on
    in its organization (else 403 module_disabled). `Router(tags=["stock"], auth=ModuleGuard("stock"))`."""

    openapi_type = "http"
    openapi_scheme = "bearer"

    def __init__(self, module: str):
        registry().module(module)
        self.module = module

    def __call__(self, request):
        actor = getattr(request, "actor", None)
        if actor is not None and actor.organization_id is not None:
            require_feature(self.module, actor.module_switches)
        return actor


def _check_switches(switches: dict[str, bool]) -> None:
    """Each switch names an installed module that can be switched."""
    for name in switches:
        field = f"modules.{name}"
        try:
            spec = registry().module(name)
        except UnknownModule:
            raise ValidationFailed(
                _("No module %(name)r is installed") % {"name": name}, code="unknown_module", field=field
            ) from None
        if not spec.switchable:
            raise ValidationFailed(
                _("The %(name)s module is always on") % {"name": name}, code="not_switchable", field=field
            )


@dataclass(frozen=True, kw_only=True)
class FeaturesPatch(Patch):
    """Switches to change ({module: on}), the tax regime, the financial freeze; none of them may be None."""

    modules: dict[str, bool] | None | _Unset = UNSET
    tax_regime: str | None | _Unset = UNSET
    locked: bool | None | _Unset = UNSET


def update_features(*, actor, patch: FeaturesPatch) -> OrganizationFeature:
    """Switch modules on or off, set the tax regime, lock or unlock the organization. Audited."""
    patch.refuse_nulls("modules", "tax_regime", "locked")
    changes = patch.provided()
    switches = changes.pop("modules", {})
    _check_switches(switches)
    with transaction.atomic():
        features = OrganizationFeature.objects.select_for_update().first()
        if features is None:
            features = organization_features()
            features.created_by = actor
        before = None if features._state.adding else {**snapshot(features, AUDITED), "modules": module_switches()}
        for name, value in changes.items():
            setattr(features, name, value)
        features.updated_by = actor
        features.save()
        for name, enabled in switches.items():
            ModuleSwitch.objects.update_or_create(
                module=name,
                defaults={"enabled": enabled, "updated_by": actor},
                create_defaults={"enabled": enabled, "created_by": actor, "updated_by": actor},
            )
        after = {**snapshot(features, AUDITED), "modules": module_switches()}
        if before != after:
            reason = ""
            if before and before["locked"] != after["locked"]:
                reason = "organization locked" if after["locked"] else "organization unlocked"
            record_audit(actor=actor, action=AuditAction.UPDATE, obj=features, old=before, new=after, reason=reason)
    return features
