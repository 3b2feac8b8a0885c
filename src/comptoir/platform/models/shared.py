"""Cross-cutting records (DESIGN §5; catalogue §1, §20, §26, §27): numbering sequences, audit log, settings,
attachments, notifications and calendar, the outbox and webhooks."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy

from comptoir.platform.constants import (
    AttendeeResponse,
    AuditAction,
    AuditSource,
    CalendarEventStatus,
    CalendarEventType,
    DeliveryStatus,
    EventStatus,
    NotificationChannel,
    NotificationType,
    Recurrence,
    ResetPeriod,
    SettingType,
)
from comptoir.platform.ids import uuid7
from comptoir.platform.models.base import TenantDocument, TenantModel

USER_MODEL = settings.AUTH_USER_MODEL


class Sequence(TenantModel):
    """The counter of one document type in one reset period (`period_key` '' when it never resets, else
    '2026', '2026-11' or '2026-11-22'). Incremented in the caller's transaction: gap-free."""

    document_type = models.CharField(max_length=50)
    period_key = models.CharField(max_length=10, blank=True)
    prefix = models.CharField(max_length=30, blank=True, help_text="may use {year}, {month}, {day}")
    padding = models.PositiveSmallIntegerField(default=6)
    reset_period = models.CharField(max_length=8, choices=ResetPeriod.choices, default=ResetPeriod.YEARLY)
    last_value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = gettext_lazy("numbering sequence")
        constraints = [
            models.UniqueConstraint(fields=["organization", "document_type", "period_key"], name="sequence_unique"),
            models.CheckConstraint(condition=Q(padding__lte=12), name="sequence_padding_lte_12"),
        ]

    def __str__(self) -> str:
        return f"{self.document_type} {self.period_key}".strip()


class AuditLog(models.Model):
    """Append-only record of who did what (a trigger rejects UPDATE and DELETE). Partitioned by month in
    PostgreSQL, primary key (id, timestamp); organization NULL for events before a tenant is known."""

    rls_policy = "USING (organization_id = {org}) WITH CHECK (organization_id IS NULL OR organization_id = {org})"

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    timestamp = models.DateTimeField()
    organization = models.ForeignKey(
        "platform.Organization", on_delete=models.DO_NOTHING, null=True, db_constraint=False, related_name="+"
    )
    workspace_id = models.UUIDField(null=True, blank=True)
    actor_user = models.ForeignKey(
        USER_MODEL, on_delete=models.DO_NOTHING, null=True, db_constraint=False, related_name="+"
    )
    user_email = models.CharField(max_length=255, blank=True)
    session_id = models.CharField(max_length=255, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=100)
    object_id = models.UUIDField(null=True, blank=True)
    object_repr = models.CharField(max_length=255, blank=True)
    old_values = models.JSONField(null=True, blank=True)
    new_values = models.JSONField(null=True, blank=True)
    changes = models.JSONField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.TextField(blank=True)
    request_path = models.CharField(max_length=500, blank=True)
    http_method = models.CharField(max_length=10, blank=True)
    source = models.CharField(max_length=10, choices=AuditSource.choices, default=AuditSource.SYSTEM)
    reason = models.TextField(blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("audit log entry")
        verbose_name_plural = gettext_lazy("audit log entries")
        ordering = ["-timestamp"]
        indexes = [
            models.Index(fields=["organization", "timestamp"], name="audit_org_ts"),
            models.Index(fields=["actor_user", "timestamp"], name="audit_actor_ts"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["action", "timestamp"], name="audit_action_ts"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr or self.object_type}"


class Setting(models.Model):
    """A typed setting. Organization NULL = the global default; workspace set = a workspace override.
    Effective value: workspace, else organization, else global. Secret values are stored encrypted."""

    rls_policy = "USING (organization_id IS NULL OR organization_id = {org}) WITH CHECK (organization_id = {org})"
    # Global defaults are readable by every tenant but no tenant may change or delete them.
    rls_restrictive = (
        ("UPDATE", "USING (organization_id = {org})"),
        ("DELETE", "USING (organization_id = {org})"),
    )

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    organization = models.ForeignKey(
        "platform.Organization", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    workspace = models.ForeignKey(
        "platform.Workspace", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    key = models.CharField(max_length=255)
    category = models.CharField(max_length=100, default="general")
    value = models.JSONField(null=True, blank=True)
    encrypted_value = models.TextField(blank=True)
    data_type = models.CharField(max_length=8, choices=SettingType.choices, default=SettingType.STRING)
    description = models.TextField(blank=True)
    is_public = models.BooleanField(default=False)
    is_secret = models.BooleanField(default=False)
    is_readonly = models.BooleanField(default=False)
    validation_rules = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    updated_by = models.ForeignKey(USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["key"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "organization", "workspace"], nulls_distinct=False, name="setting_key_scope_unique"
            ),
            models.CheckConstraint(
                condition=Q(workspace__isnull=True) | Q(organization__isnull=False), name="setting_workspace_needs_org"
            ),
        ]
        indexes = [models.Index(fields=["organization", "key"], name="setting_org_key")]

    def __str__(self) -> str:
        return self.key


class Attachment(TenantModel):
    """A file attached to any record (`owner_type` = 'app_label.model', `owner_id`); downloads go through the
    owner's permission check."""

    owner_type = models.CharField(max_length=100)
    owner_id = models.UUIDField()
    file = models.FileField(upload_to="attachments/%Y/%m/", max_length=500)
    file_name = models.CharField(max_length=255)
    mime_type = models.CharField(max_length=100)
    size_bytes = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "owner_type", "owner_id"], name="attachment_owner")]

    def __str__(self) -> str:
        return self.file_name


class Notification(TenantModel):
    user = models.ForeignKey(USER_MODEL, on_delete=models.CASCADE, related_name="+")
    type = models.CharField(max_length=8, choices=NotificationType.choices, default=NotificationType.INFO)
    category = models.CharField(max_length=50, blank=True)
    title = models.CharField(max_length=255)
    message = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    channel = models.CharField(max_length=8, choices=NotificationChannel.choices, default=NotificationChannel.IN_APP)
    is_read = models.BooleanField(default=False)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organization", "user", "is_read", "created_at"], name="notification_inbox"),
        ]

    def __str__(self) -> str:
        return self.title


class CalendarEvent(TenantDocument):
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    type = models.CharField(max_length=10, choices=CalendarEventType.choices, default=CalendarEventType.EVENT)
    location = models.CharField(max_length=255, blank=True)
    start_time = models.DateTimeField()
    end_time = models.DateTimeField()
    all_day = models.BooleanField(default=False)
    recurrence = models.CharField(max_length=8, choices=Recurrence.choices, default=Recurrence.NONE)
    recurrence_end = models.DateField(null=True, blank=True)
    reminders = models.JSONField(default=list, blank=True, help_text='[{"minutes_before": 15, "channel": "IN_APP"}]')
    color = models.CharField(max_length=7, blank=True)
    status = models.CharField(max_length=10, choices=CalendarEventStatus.choices, default=CalendarEventStatus.CONFIRMED)
    related_type = models.CharField(max_length=50, blank=True)
    related_id = models.UUIDField(null=True, blank=True)
    attendees = models.ManyToManyField(
        USER_MODEL, through="CalendarEventAttendee", through_fields=("event", "user"), related_name="+"
    )

    class Meta:
        ordering = ["start_time"]
        indexes = [
            models.Index(fields=["organization", "workspace", "start_time"], name="calendar_ws_start"),
            models.Index(fields=["organization", "type"], name="calendar_type"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gte=models.F("start_time")), name="calendar_end_after_start"),
            models.CheckConstraint(
                condition=Q(color="") | Q(color__regex=r"^#[0-9A-Fa-f]{6}$"), name="calendar_color_hex"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CalendarEventAttendee(TenantModel):
    event = models.ForeignKey(CalendarEvent, on_delete=models.CASCADE, related_name="attendee_rows")
    user = models.ForeignKey(USER_MODEL, on_delete=models.CASCADE, related_name="+")
    response = models.CharField(max_length=10, choices=AttendeeResponse.choices, default=AttendeeResponse.PENDING)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "event", "user"], name="attendee_unique")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_response_display()})"


class IntegrationEvent(TenantModel):
    """A domain event written in the business transaction (the outbox), delivered to webhook subscriptions."""

    event_type = models.CharField(max_length=100)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=EventStatus.choices, default=EventStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=5)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_retry_at = models.DateTimeField(null=True, blank=True)
    response = models.JSONField(null=True, blank=True)
    error_message = models.TextField(blank=True)
    source_object_type = models.CharField(max_length=100, blank=True)
    source_object_id = models.UUIDField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organization", "status", "next_retry_at"], name="event_org_status"),
            models.Index(fields=["organization", "event_type"], name="event_org_type"),
            models.Index(fields=["status", "next_retry_at"], name="event_status_retry"),
            models.Index(fields=["organization", "source_object_type", "source_object_id"], name="event_source"),
        ]

    def __str__(self) -> str:
        if self.created_at is None:
            return self.event_type
        return f"{self.event_type} ({self.created_at:%Y-%m-%d %H:%M:%S})"


class WebhookSubscription(TenantModel):
    url = models.URLField(max_length=500)
    encrypted_secret = models.TextField()
    event_types = ArrayField(models.CharField(max_length=100))
    is_active = models.BooleanField(default=True)
    description = models.TextField(blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "is_active"], name="webhook_org_active")]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(TenantModel):
    event = models.ForeignKey(IntegrationEvent, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    attempt = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)
    error_message = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    next_retry_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "webhook deliveries"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "event", "subscription", "attempt"], name="delivery_unique_attempt"
            )
        ]
        indexes = [models.Index(fields=["organization", "subscription", "created_at"], name="delivery_sub")]

    def __str__(self) -> str:
        return gettext("%(event)s to %(url)s, attempt %(attempt)s") % {
            "event": self.event.event_type,
            "url": self.subscription.url,
            "attempt": self.attempt,
        }
