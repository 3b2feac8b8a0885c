"""The one guard for status changes, driven by each model's declared transitions (DESIGN §3 `constants.py`).

`transition(obj, to, actor=…)` checks the move against the allowed (from, to) pairs, sets the field, stamps who
and when, saves, and writes a TRANSITION audit row. Stamps, when the model has the fields:
`<to>_at` / `<to>_by` (target value in lower case: APPROVED -> approved_at, approved_by) and
`<field>_changed_at` / `<field>_changed_by` (status_changed_at, status_changed_by).
"""

from __future__ import annotations

import functools

from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.platform.constants import AuditAction
from comptoir.platform.db import insert_rows, update_fields
from comptoir.platform.errors import InvalidTransition


def check_transition(transitions: set[tuple[str, str]], current: str, target: str, *, field: str = "status") -> None:
    """Refuse a move not declared in `transitions`; staying in the same state is allowed (a PATCH repeating
    the current value)."""
    if current == target:
        return
    if (current, target) not in transitions:
        raise InvalidTransition(
            _("Cannot change %(field)s from %(current)s to %(target)s")
            % {"field": field, "current": current, "target": target},
            field=field,
        )


def declared_transitions(model, field: str = "status") -> set[tuple[str, str]]:
    """The model's `TRANSITIONS`: a set of (from, to) pairs for `status`, or a dict {field: set of pairs}."""
    declared = getattr(model, "TRANSITIONS", None)
    if isinstance(declared, dict):
        declared = declared.get(field)
    elif field != "status":
        declared = None
    if declared is None:
        raise TypeError(f"{model.__name__} declares no TRANSITIONS for {field!r}; pass transitions=")
    return set(declared)


def transition(
    obj,
    to: str,
    *,
    actor,
    field: str = "status",
    transitions=None,
    reason: str = "",
    save: bool = True,
    also: tuple[str, ...] = (),
    action: str = AuditAction.TRANSITION,
    audit: dict | None = None,
):
    """Move `obj.<field>` to `to` if (current, to) is declared, or raise InvalidTransition (409). Call it on a row
    locked with select_for_update, inside the business transaction; a document not saved yet (created and moved in
    one transaction) is inserted as it ends up. With `save=False` the caller saves `obj` together with its other
    changes; `also` names other fields the caller changed, saved in the same UPDATE. The audit row (`action`,
    TRANSITION unless given; `audit` adds values to its `new`) is written either way."""
    from comptoir.platform.services.audit import record_audit  # services import this module: import late

    allowed = declared_transitions(type(obj), field) if transitions is None else set(transitions)
    current = getattr(obj, field)
    if (current, to) not in allowed:
        raise InvalidTransition(
            _("Cannot change %(field)s from %(current)s to %(target)s")
            % {"field": field, "current": current, "target": to},
            field=field,
        )
    now = timezone.now()
    setattr(obj, field, to)
    changed = [field, *also]
    for name, value in (
        (f"{str(to).lower()}_at", now),
        (f"{str(to).lower()}_by", actor),
        (f"{field}_changed_at", now),
        (f"{field}_changed_by", actor),
    ):
        if _has_field(obj, name):
            setattr(obj, name, value)
            changed.append(name)
    if _has_field(obj, "updated_by"):
        obj.updated_by = actor
        changed.append("updated_by")
    if save:
        if _has_field(obj, "version"):
            obj.version += 1
            changed.append("version")
        if _has_field(obj, "updated_at"):
            changed.append("updated_at")
        if obj._state.adding:  # created and moved in one transaction: inserted once, as it ends up
            insert_rows([obj])
        else:
            update_fields(obj, changed)
    record_audit(
        actor=actor, action=action, obj=obj, old={field: current}, new={field: to, **(audit or {})}, reason=reason
    )
    return obj


def _has_field(obj, name: str) -> bool:
    return _model_has_field(type(obj), name)


@functools.cache
def _model_has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True
