"""The category tree. A category's `path` lists the ids from its root down to itself, so a move is refused when the
new parent lies under the category itself (a cycle), and a move rewrites the paths of the whole subtree at once.
A category is deleted (marked) only when it holds no live sub-category and no live product."""

from __future__ import annotations

import dataclasses
import uuid

from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.catalog.models import Product, ProductCategory
from comptoir.catalog.queries.refs import resolve_category
from comptoir.platform.constants import AuditAction
from comptoir.platform.errors import Conflict, ValidationFailed
from comptoir.platform.inputs import UNSET, Patch, _Unset
from comptoir.platform.locks import advisory_lock, lock_row
from comptoir.platform.services.audit import record_audit, snapshot
from comptoir.platform.tenancy import require_org_id

AUDITED = ("code", "name", "description", "parent", "sort_order", "is_active", "metadata")
MAX_PATH = ProductCategory._meta.get_field("path").max_length
CATEGORY = gettext_lazy("category")  # names the row of a "not found"


@dataclasses.dataclass(frozen=True, kw_only=True)
class CategoryInput:
    """A category under `parent` (id or code), or a root."""

    name: str
    code: str | None = None
    parent: str | uuid.UUID | None = None
    description: str = ""
    sort_order: int = 0
    metadata: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True, kw_only=True)
class CategoryPatch(Patch):
    name: str | _Unset = UNSET
    code: str | None | _Unset = UNSET
    parent: str | uuid.UUID | None | _Unset = UNSET
    description: str | _Unset = UNSET
    sort_order: int | _Unset = UNSET
    metadata: dict | _Unset = UNSET
    is_active: bool | _Unset = UNSET


def text_of(value: str | None, field: str) -> str:
    """`value` stripped; blank (or null) is refused as `required`."""
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(_("%(field)s is required") % {"field": field}, code="required", field=field)
    return text


def _code(value: str | None) -> str | None:
    return (value or "").strip() or None


def _lock_tree() -> None:
    """Serialise the writes of the tree in the organization (a move reads the paths, then rewrites them)."""
    advisory_lock("catalog.category_tree")


def _parent(ref) -> ProductCategory | None:
    if ref is None or ref == "":
        return None
    parent = resolve_category(ref, "parent")
    if not parent.is_active:
        raise ValidationFailed(
            _("Category %(category)s is inactive") % {"category": parent}, code="inactive", field="parent"
        )
    return parent


def _check_unique(row: ProductCategory) -> None:
    live = ProductCategory.objects.filter(deleted_at__isnull=True).exclude(pk=row.pk)
    if row.code and live.filter(code=row.code).exists():
        raise ValidationFailed(
            _("A category with code '%(code)s' exists") % {"code": row.code}, code="duplicate", field="code"
        )
    if live.filter(parent_id=row.parent_id, name=row.name).exists():
        raise ValidationFailed(
            _("'%(name)s' exists under this parent") % {"name": row.name}, code="duplicate", field="name"
        )


def _save(row: ProductCategory) -> None:
    _check_unique(row)
    if len(row.path) > MAX_PATH:
        raise ValidationFailed(_("The category tree is too deep"), code="too_deep", field="parent")
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as exc:  # a concurrent writer outside the tree lock (none in our services)
        raise ValidationFailed(_("This category exists"), code="duplicate", field="name") from exc


def create_category(*, actor, data: CategoryInput) -> ProductCategory:
    """A category under `parent` (active and live) or a root; its code (when given) and its name among its
    siblings are unique."""
    with transaction.atomic():
        _lock_tree()
        parent = _parent(data.parent)
        row = ProductCategory(
            organization_id=require_org_id(),
            code=_code(data.code),
            name=text_of(data.name, "name"),
            description=data.description or "",
            parent=parent,
            sort_order=data.sort_order,
            metadata=data.metadata or {},
            created_by=actor,
            updated_by=actor,
        )
        row.path = f"{parent.path if parent else '/'}{row.id}/"
        _save(row)
        record_audit(actor=actor, action=AuditAction.CREATE, obj=row, new=snapshot(row, AUDITED))
    return row


def update_category(*, actor, category_id, changes: CategoryPatch) -> ProductCategory:
    """Rename, recode, describe, reorder, (de)activate or move a category. A move under itself or one of its
    descendants is refused (`cycle`); a category holding active sub-categories is not deactivated."""
    given = changes.provided()
    changes.refuse_nulls("name")
    with transaction.atomic():
        _lock_tree()
        row = lock_row(ProductCategory.objects.filter(deleted_at__isnull=True), category_id, what=CATEGORY)
        old = snapshot(row, AUDITED)
        old_path = row.path
        if "name" in given:
            row.name = text_of(given["name"], "name")
        if "code" in given:
            row.code = _code(given["code"])
        for name in ("description", "sort_order", "metadata"):
            if name in given:
                setattr(row, name, given[name] if given[name] is not None else getattr(row, name))
        if "parent" in given:
            parent = _parent(given["parent"])
            if parent is not None and parent.path.startswith(old_path):
                raise ValidationFailed(_("A category cannot move under itself"), code="cycle", field="parent")
            row.parent = parent
            row.path = f"{parent.path if parent else '/'}{row.id}/"
        if "is_active" in given and given["is_active"] != row.is_active:
            if not given["is_active"] and _live_children(row).filter(is_active=True).exists():
                raise Conflict(_("Deactivate its sub-categories first"), code="category_in_use")
            row.is_active = given["is_active"]
        row.updated_by = actor
        _save(row)
        if row.path != old_path:
            subtree = ProductCategory.objects.filter(path__startswith=old_path).exclude(pk=row.pk)
            deepest = max((len(p) for p in subtree.values_list("path", flat=True)), default=len(old_path))
            if deepest - len(old_path) + len(row.path) > MAX_PATH:
                raise ValidationFailed(_("The category tree is too deep"), code="too_deep", field="parent")
            subtree.update(path=Concat(Value(row.path), Substr(F("path"), len(old_path) + 1)))
        record_audit(actor=actor, action=AuditAction.UPDATE, obj=row, old=old, new=snapshot(row, AUDITED))
    return row


def _live_children(row: ProductCategory):
    return ProductCategory.objects.filter(parent=row, deleted_at__isnull=True)


def delete_category(*, actor, category_id) -> ProductCategory:
    """Mark a category deleted; refused while it holds a live sub-category or a live product."""
    with transaction.atomic():
        _lock_tree()
        row = lock_row(ProductCategory.objects.filter(deleted_at__isnull=True), category_id, what=CATEGORY)
        if _live_children(row).exists():
            raise Conflict(_("Category %(category)s has sub-categories") % {"category": row}, code="category_in_use")
        if Product.objects.filter(category=row, deleted_at__isnull=True).exists():
            raise Conflict(_("Category %(category)s holds products") % {"category": row}, code="category_in_use")
        row.deleted_at, row.deleted_by, row.updated_by = timezone.now(), actor, actor
        row.save(update_fields=["deleted_at", "deleted_by", "updated_by", "updated_at"])
        record_audit(actor=actor, action=AuditAction.DELETE, obj=row, old=snapshot(row, AUDITED))
    return row
