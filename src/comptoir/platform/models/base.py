"""Base kinds of the catalogue (§0.3): global rows and tenant-owned rows."""

from django.conf import settings
from django.db import models

from comptoir.platform.ids import uuid7
from comptoir.platform.tenancy import require_org_id


class GlobalModel(models.Model):
    """G: a row shared by every tenant (currencies, countries, users)."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class TenantQuerySet(models.QuerySet):
    pass


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    """Filters by the organization in context; raises `NoTenantError` when there is none (fail closed)."""

    def get_queryset(self):
        return super().get_queryset().filter(organization_id=require_org_id())

    def none(self):
        """An empty queryset needs no tenant (forms declare one at import time)."""
        return super().get_queryset().none()


class TenantModel(models.Model):
    """M/L: a row owned by one organization. `objects` is scoped; `unscoped` is for explicit cross-tenant
    reads (still subject to PostgreSQL row-level security)."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    organization = models.ForeignKey(
        "platform.Organization", on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=False)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = TenantManager()
    unscoped = models.Manager()  # noqa: DJ012 (a manager, declared after the scoped default)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.organization_id is None:
            self.organization_id = require_org_id()
        super().save(*args, **kwargs)


class VersionedMixin(models.Model):
    """D: documents edited concurrently carry a version (optimistic lock; API ETag / If-Match)."""

    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


class TenantDocument(VersionedMixin, TenantModel):
    """D: a document of one workspace (the organization's default one unless given), with a version for
    optimistic locking and soft delete."""

    workspace = models.ForeignKey("platform.Workspace", on_delete=models.PROTECT, related_name="+")
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.workspace_id is None:
            from comptoir.platform.models.tenancy import Workspace

            self.workspace_id = Workspace.default_id()
        super().save(*args, **kwargs)


class PostableDocument(TenantDocument):
    """D: a document that posts (a journal entry, an invoice, a pay run…): a `status` moved only along the
    declared `TRANSITIONS` by the shared guard, a legal number (the field named by `NUMBER_FIELD`, declared by the
    document) taken last when it posts, and who posted it when. `platform.documents.move_document` is the one
    skeleton every document's posting follows."""

    TRANSITIONS: frozenset[tuple[str, str]] = frozenset()
    POSTED = "POSTED"
    NUMBER_FIELD = "number"

    status = models.CharField(max_length=20, default="DRAFT")
    posted_at = models.DateTimeField(null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True
