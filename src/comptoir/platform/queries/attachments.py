"""Files attached to records (catalogue §1 Attachment). An attachment is reached through its owner: the owner
type names a tenant model ('app_label.model'), and the owner row must exist in the current organization."""

from __future__ import annotations

from django.apps import apps
from django.db.models import Model, QuerySet
from django.utils.module_loading import import_string
from django.utils.translation import gettext

from comptoir.platform.errors import NotFound, ValidationFailed
from comptoir.platform.models import Attachment, Organization, TenantModel
from comptoir.platform.modules import COMPTOIR_APP_PREFIX, registry
from comptoir.platform.tenancy import require_org_id


def owner_model(owner_type: str) -> type[Model]:
    """The model named by `owner_type` ('app_label.model'): a tenant model of a Comptoir app, or the
    organization itself. Anything else is a 422."""
    label, _, name = (owner_type or "").partition(".")
    try:
        model = apps.get_model(label, name) if name else None
    except LookupError:
        model = None
    attachable = model is not None and (
        model is Organization or (issubclass(model, TenantModel) and model is not Attachment)
    )
    if not attachable or not model._meta.app_config.name.startswith(COMPTOIR_APP_PREFIX):
        raise ValidationFailed(
            gettext("Unknown owner type '%(owner_type)s'") % {"owner_type": owner_type},
            code="unknown_owner_type",
            field="owner_type",
        )
    return model


def owner_type_of(model: type[Model]) -> str:
    return model._meta.label_lower


def owner_permission(model: type[Model], action: str) -> str:
    """The codename guarding `action` ('view' or 'change') on the owner model, e.g. 'platform.view_workspace'."""
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def _rows(model: type[Model]) -> QuerySet:
    """The rows of `model` the member may see: its module's record rule when it declares one, else all of the
    organization's."""
    if model is Organization:
        return Organization.objects.filter(pk=require_org_id())
    rule = registry().record_rules.get(model._meta.label_lower)
    return import_string(rule)() if rule else model.objects.all()


def access_owner(model: type[Model], owner_id) -> Model:
    """The owner row in the current organization (soft-deleted rows excluded) that the member may see, else
    404."""
    rows = _rows(model)
    if any(f.name == "deleted_at" for f in model._meta.concrete_fields):
        rows = rows.filter(deleted_at__isnull=True)
    owner = rows.filter(pk=owner_id).first()
    if owner is None:
        raise NotFound(gettext("%(name)s not found") % {"name": model._meta.verbose_name.capitalize()})
    return owner


def attachments(*, owner_type: str, owner_id) -> QuerySet:
    return Attachment.objects.filter(owner_type=owner_type, owner_id=owner_id, deleted_at__isnull=True)


def access_attachment(attachment_id, *, for_update: bool = False) -> Attachment:
    """A live attachment of the current organization, else 404 (also for another organization's)."""
    rows = Attachment.objects.select_for_update() if for_update else Attachment.objects.all()
    attachment = rows.filter(pk=attachment_id, deleted_at__isnull=True).first()
    if attachment is None:
        raise NotFound(gettext("Attachment not found"))
    return attachment
