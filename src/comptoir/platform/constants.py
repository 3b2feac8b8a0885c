"""Statuses of the platform's records and their allowed transitions, declared as data."""

from django.db import models


class OrganizationKind(models.TextChoices):
    COMPANY = "COMPANY"
    INDIVIDUAL = "INDIVIDUAL"


class OrganizationSize(models.TextChoices):
    SMALL = "SMALL"
    MEDIUM = "MEDIUM"
    LARGE = "LARGE"
    ENTERPRISE = "ENTERPRISE"


class OrganizationStatus(models.TextChoices):
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"
    SUSPENDED = "SUSPENDED"


ORGANIZATION_TRANSITIONS = {
    (OrganizationStatus.ACTIVE, OrganizationStatus.INACTIVE),
    (OrganizationStatus.INACTIVE, OrganizationStatus.ACTIVE),
    (OrganizationStatus.ACTIVE, OrganizationStatus.SUSPENDED),
    (OrganizationStatus.INACTIVE, OrganizationStatus.SUSPENDED),
    (OrganizationStatus.SUSPENDED, OrganizationStatus.ACTIVE),
}


class WorkspaceType(models.TextChoices):
    MAIN = "MAIN"
    DIVISION = "DIVISION"
    BRANCH = "BRANCH"
    PROJECT = "PROJECT"
    DEPARTMENT = "DEPARTMENT"


class WorkspaceStatus(models.TextChoices):
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"
    ARCHIVED = "ARCHIVED"


WORKSPACE_TRANSITIONS = {
    (WorkspaceStatus.ACTIVE, WorkspaceStatus.INACTIVE),
    (WorkspaceStatus.INACTIVE, WorkspaceStatus.ACTIVE),
    (WorkspaceStatus.ACTIVE, WorkspaceStatus.ARCHIVED),
    (WorkspaceStatus.INACTIVE, WorkspaceStatus.ARCHIVED),
}


class OrgRole(models.TextChoices):
    OWNER = "OWNER"
    ADMIN = "ADMIN"
    MANAGER = "MANAGER"
    EMPLOYEE = "EMPLOYEE"
    INVESTOR = "INVESTOR"


class WorkspaceRole(models.TextChoices):
    ADMIN = "ADMIN"
    MANAGER = "MANAGER"
    MEMBER = "MEMBER"


class AddressType(models.TextChoices):
    REGISTERED = "REGISTERED"
    CORPORATE = "CORPORATE"
    BRANCH = "BRANCH"
    WAREHOUSE = "WAREHOUSE"
    OTHER = "OTHER"


class TaxRegime(models.TextChoices):
    NONE = "NONE"
    VAT = "VAT"
    GST = "GST"


class ResetPeriod(models.TextChoices):
    NEVER = "NEVER"
    YEARLY = "YEARLY"
    MONTHLY = "MONTHLY"
    DAILY = "DAILY"


class AuditAction(models.TextChoices):
    CREATE = "CREATE"
    UPDATE = "UPDATE"
    DELETE = "DELETE"
    LOGIN = "LOGIN"
    LOGOUT = "LOGOUT"
    LOGIN_FAILED = "LOGIN_FAILED"
    EXPORT = "EXPORT"
    IMPORT = "IMPORT"
    POST = "POST"
    CANCEL = "CANCEL"
    REVERSE = "REVERSE"
    APPROVE = "APPROVE"
    REJECT = "REJECT"
    TRANSITION = "TRANSITION"


class AuditSource(models.TextChoices):
    WEB = "WEB"
    API = "API"
    SYSTEM = "SYSTEM"
    WORKER = "WORKER"


class SettingType(models.TextChoices):
    STRING = "STRING"
    NUMBER = "NUMBER"
    BOOLEAN = "BOOLEAN"
    OBJECT = "OBJECT"
    ARRAY = "ARRAY"


class EventStatus(models.TextChoices):
    PENDING = "PENDING"
    PROCESSING = "PROCESSING"
    SUCCESS = "SUCCESS"
    FAILED = "FAILED"
    RETRY = "RETRY"


EVENT_TRANSITIONS = {
    (EventStatus.PENDING, EventStatus.PROCESSING),
    (EventStatus.PROCESSING, EventStatus.SUCCESS),
    (EventStatus.PROCESSING, EventStatus.RETRY),
    (EventStatus.RETRY, EventStatus.PROCESSING),
    (EventStatus.PROCESSING, EventStatus.FAILED),
    (EventStatus.FAILED, EventStatus.PENDING),
}


class DeliveryStatus(models.TextChoices):
    PENDING = "PENDING"
    SUCCESS = "SUCCESS"
    FAILED = "FAILED"
    RETRY = "RETRY"


class NotificationType(models.TextChoices):
    INFO = "INFO"
    WARNING = "WARNING"
    ERROR = "ERROR"
    SUCCESS = "SUCCESS"


class NotificationChannel(models.TextChoices):
    IN_APP = "IN_APP"
    EMAIL = "EMAIL"
    PUSH = "PUSH"


class CalendarEventType(models.TextChoices):
    EVENT = "EVENT"
    MEETING = "MEETING"
    REMINDER = "REMINDER"
    TASK = "TASK"


class Recurrence(models.TextChoices):
    NONE = "NONE"
    DAILY = "DAILY"
    WEEKLY = "WEEKLY"
    MONTHLY = "MONTHLY"
    YEARLY = "YEARLY"


class CalendarEventStatus(models.TextChoices):
    CONFIRMED = "CONFIRMED"
    TENTATIVE = "TENTATIVE"
    CANCELLED = "CANCELLED"


CALENDAR_EVENT_TRANSITIONS = {
    (CalendarEventStatus.TENTATIVE, CalendarEventStatus.CONFIRMED),
    (CalendarEventStatus.CONFIRMED, CalendarEventStatus.TENTATIVE),
    (CalendarEventStatus.TENTATIVE, CalendarEventStatus.CANCELLED),
    (CalendarEventStatus.CONFIRMED, CalendarEventStatus.CANCELLED),
}


class AttendeeResponse(models.TextChoices):
    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    TENTATIVE = "TENTATIVE"
