"""Statuses of the platform's records and their allowed transitions, declared as data.

Labels are translatable (gettext_lazy). A label whose Russian depends on what it qualifies takes a context naming it
(pgettext_lazy): a status agrees with its record's gender, an audit action is a noun, not the button's verb."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrganizationKind(models.TextChoices):
    COMPANY = "COMPANY", _("Company")
    INDIVIDUAL = "INDIVIDUAL", _("Individual")


class OrganizationSize(models.TextChoices):
    SMALL = "SMALL", _("Small")
    MEDIUM = "MEDIUM", _("Medium")
    LARGE = "LARGE", _("Large")
    ENTERPRISE = "ENTERPRISE", _("Enterprise")


class OrganizationStatus(models.TextChoices):
    ACTIVE = "ACTIVE", pgettext_lazy("organization", "Active")
    INACTIVE = "INACTIVE", pgettext_lazy("organization", "Inactive")
    SUSPENDED = "SUSPENDED", pgettext_lazy("organization", "Suspended")


ORGANIZATION_TRANSITIONS = {
    (OrganizationStatus.ACTIVE, OrganizationStatus.INACTIVE),
    (OrganizationStatus.INACTIVE, OrganizationStatus.ACTIVE),
    (OrganizationStatus.ACTIVE, OrganizationStatus.SUSPENDED),
    (OrganizationStatus.INACTIVE, OrganizationStatus.SUSPENDED),
    (OrganizationStatus.SUSPENDED, OrganizationStatus.ACTIVE),
}


class WorkspaceType(models.TextChoices):
    MAIN = "MAIN", _("Main")
    DIVISION = "DIVISION", _("Division")
    BRANCH = "BRANCH", _("Branch")
    PROJECT = "PROJECT", _("Project")
    DEPARTMENT = "DEPARTMENT", _("Department")


class WorkspaceStatus(models.TextChoices):
    ACTIVE = "ACTIVE", pgettext_lazy("workspace", "Active")
    INACTIVE = "INACTIVE", pgettext_lazy("workspace", "Inactive")
    ARCHIVED = "ARCHIVED", pgettext_lazy("workspace", "Archived")


WORKSPACE_TRANSITIONS = {
    (WorkspaceStatus.ACTIVE, WorkspaceStatus.INACTIVE),
    (WorkspaceStatus.INACTIVE, WorkspaceStatus.ACTIVE),
    (WorkspaceStatus.ACTIVE, WorkspaceStatus.ARCHIVED),
    (WorkspaceStatus.INACTIVE, WorkspaceStatus.ARCHIVED),
}


class OrgRole(models.TextChoices):
    OWNER = "OWNER", _("Owner")
    ADMIN = "ADMIN", _("Admin")
    MANAGER = "MANAGER", _("Manager")
    EMPLOYEE = "EMPLOYEE", _("Employee")
    INVESTOR = "INVESTOR", _("Investor")


class WorkspaceRole(models.TextChoices):
    ADMIN = "ADMIN", _("Admin")
    MANAGER = "MANAGER", _("Manager")
    MEMBER = "MEMBER", _("Member")


class AddressType(models.TextChoices):
    REGISTERED = "REGISTERED", _("Registered")
    CORPORATE = "CORPORATE", _("Corporate")
    BRANCH = "BRANCH", _("Branch")
    WAREHOUSE = "WAREHOUSE", _("Warehouse")
    OTHER = "OTHER", _("Other")


class TaxRegime(models.TextChoices):
    NONE = "NONE", _("None")
    VAT = "VAT", _("VAT")
    GST = "GST", _("GST")


class ResetPeriod(models.TextChoices):
    NEVER = "NEVER", _("Never")
    YEARLY = "YEARLY", _("Yearly")
    MONTHLY = "MONTHLY", _("Monthly")
    DAILY = "DAILY", _("Daily")


class AuditAction(models.TextChoices):
    CREATE = "CREATE", pgettext_lazy("audit action", "Create")
    UPDATE = "UPDATE", pgettext_lazy("audit action", "Update")
    DELETE = "DELETE", pgettext_lazy("audit action", "Delete")
    LOGIN = "LOGIN", pgettext_lazy("audit action", "Sign-in")
    LOGOUT = "LOGOUT", pgettext_lazy("audit action", "Sign-out")
    LOGIN_FAILED = "LOGIN_FAILED", pgettext_lazy("audit action", "Failed sign-in")
    EXPORT = "EXPORT", pgettext_lazy("audit action", "Export")
    IMPORT = "IMPORT", pgettext_lazy("audit action", "Import")
    POST = "POST", pgettext_lazy("audit action", "Post")
    CANCEL = "CANCEL", pgettext_lazy("audit action", "Cancel")
    REVERSE = "REVERSE", pgettext_lazy("audit action", "Reverse")
    APPROVE = "APPROVE", pgettext_lazy("audit action", "Approve")
    REJECT = "REJECT", pgettext_lazy("audit action", "Reject")
    TRANSITION = "TRANSITION", pgettext_lazy("audit action", "Transition")


class AuditSource(models.TextChoices):
    WEB = "WEB", _("Web")
    API = "API", _("API")
    SYSTEM = "SYSTEM", _("System")
    WORKER = "WORKER", _("Worker")


class SettingType(models.TextChoices):
    STRING = "STRING", pgettext_lazy("setting type", "String")
    NUMBER = "NUMBER", pgettext_lazy("setting type", "Number")
    BOOLEAN = "BOOLEAN", pgettext_lazy("setting type", "Boolean")
    OBJECT = "OBJECT", pgettext_lazy("setting type", "Object")
    ARRAY = "ARRAY", pgettext_lazy("setting type", "Array")


class EventStatus(models.TextChoices):
    PENDING = "PENDING", pgettext_lazy("integration event", "Pending")
    PROCESSING = "PROCESSING", pgettext_lazy("integration event", "Processing")
    SUCCESS = "SUCCESS", pgettext_lazy("integration event", "Success")
    FAILED = "FAILED", pgettext_lazy("integration event", "Failed")
    RETRY = "RETRY", pgettext_lazy("integration event", "Retry")


EVENT_TRANSITIONS = {
    (EventStatus.PENDING, EventStatus.PROCESSING),
    (EventStatus.PROCESSING, EventStatus.SUCCESS),
    (EventStatus.PROCESSING, EventStatus.RETRY),
    (EventStatus.RETRY, EventStatus.PROCESSING),
    (EventStatus.PROCESSING, EventStatus.FAILED),
    (EventStatus.FAILED, EventStatus.PENDING),
}


class DeliveryStatus(models.TextChoices):
    PENDING = "PENDING", pgettext_lazy("webhook delivery", "Pending")
    SUCCESS = "SUCCESS", pgettext_lazy("webhook delivery", "Success")
    FAILED = "FAILED", pgettext_lazy("webhook delivery", "Failed")
    RETRY = "RETRY", pgettext_lazy("webhook delivery", "Retry")


class NotificationType(models.TextChoices):
    INFO = "INFO", _("Info")
    WARNING = "WARNING", _("Warning")
    ERROR = "ERROR", _("Error")
    SUCCESS = "SUCCESS", _("Success")


class NotificationChannel(models.TextChoices):
    IN_APP = "IN_APP", _("In the app")
    EMAIL = "EMAIL", _("E-mail")
    PUSH = "PUSH", _("Push")


class CalendarEventType(models.TextChoices):
    EVENT = "EVENT", _("Event")
    MEETING = "MEETING", _("Meeting")
    REMINDER = "REMINDER", _("Reminder")
    TASK = "TASK", _("Task")


class Recurrence(models.TextChoices):
    NONE = "NONE", _("None")
    DAILY = "DAILY", _("Daily")
    WEEKLY = "WEEKLY", _("Weekly")
    MONTHLY = "MONTHLY", _("Monthly")
    YEARLY = "YEARLY", _("Yearly")


class CalendarEventStatus(models.TextChoices):
    CONFIRMED = "CONFIRMED", pgettext_lazy("calendar event", "Confirmed")
    TENTATIVE = "TENTATIVE", pgettext_lazy("calendar event", "Tentative")
    CANCELLED = "CANCELLED", pgettext_lazy("calendar event", "Cancelled")


CALENDAR_EVENT_TRANSITIONS = {
    (CalendarEventStatus.TENTATIVE, CalendarEventStatus.CONFIRMED),
    (CalendarEventStatus.CONFIRMED, CalendarEventStatus.TENTATIVE),
    (CalendarEventStatus.TENTATIVE, CalendarEventStatus.CANCELLED),
    (CalendarEventStatus.CONFIRMED, CalendarEventStatus.CANCELLED),
}


class AttendeeResponse(models.TextChoices):
    PENDING = "PENDING", pgettext_lazy("attendee response", "Pending")
    ACCEPTED = "ACCEPTED", pgettext_lazy("attendee response", "Accepted")
    DECLINED = "DECLINED", pgettext_lazy("attendee response", "Declined")
    TENTATIVE = "TENTATIVE", pgettext_lazy("attendee response", "Tentative")
