"""Statuses, token purposes and lifetimes of identity records.

Labels are translatable (gettext_lazy). A label whose Russian depends on what it qualifies takes a context naming it
(pgettext_lazy): a status agrees with its record's gender, an audit action is a noun, not the button's verb."""

from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class UserStatus(models.TextChoices):
    PENDING = "PENDING", pgettext_lazy("user", "Pending")
    ACTIVE = "ACTIVE", pgettext_lazy("user", "Active")
    INACTIVE = "INACTIVE", pgettext_lazy("user", "Inactive")
    SUSPENDED = "SUSPENDED", pgettext_lazy("user", "Suspended")


USER_TRANSITIONS = {
    (UserStatus.PENDING, UserStatus.ACTIVE),
    (UserStatus.ACTIVE, UserStatus.INACTIVE),
    (UserStatus.INACTIVE, UserStatus.ACTIVE),
    (UserStatus.ACTIVE, UserStatus.SUSPENDED),
    (UserStatus.INACTIVE, UserStatus.SUSPENDED),
    (UserStatus.SUSPENDED, UserStatus.ACTIVE),
}


class RegistrationStatus(models.TextChoices):
    EMAIL_PENDING = "EMAIL_PENDING", pgettext_lazy("registration", "E-mail pending")
    EMAIL_VERIFIED = "EMAIL_VERIFIED", pgettext_lazy("registration", "E-mail verified")
    ONBOARDING_PENDING = "ONBOARDING_PENDING", pgettext_lazy("registration", "Onboarding pending")
    COMPLETED = "COMPLETED", pgettext_lazy("registration", "Completed")


class TokenPurpose(models.TextChoices):
    REGISTRATION = "REGISTRATION", _("Registration")
    PASSWORD_RESET = "PASSWORD_RESET", _("Password reset")
    EMAIL_CHANGE = "EMAIL_CHANGE", _("E-mail change")
    PHONE_VERIFY = "PHONE_VERIFY", _("Phone verification")
    INVITATION = "INVITATION", _("Invitation")


TOKEN_TTL = {
    TokenPurpose.REGISTRATION: timedelta(hours=24),
    TokenPurpose.EMAIL_CHANGE: timedelta(hours=24),
    TokenPurpose.PASSWORD_RESET: timedelta(minutes=10),
    TokenPurpose.PHONE_VERIFY: timedelta(minutes=10),
    TokenPurpose.INVITATION: timedelta(days=7),
}
MAX_TOKEN_ATTEMPTS = 5
