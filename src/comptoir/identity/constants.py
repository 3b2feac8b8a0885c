"""Statuses, token purposes and lifetimes of identity records."""

from datetime import timedelta

from django.db import models


class UserStatus(models.TextChoices):
    PENDING = "PENDING"
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"
    SUSPENDED = "SUSPENDED"


USER_TRANSITIONS = {
    (UserStatus.PENDING, UserStatus.ACTIVE),
    (UserStatus.ACTIVE, UserStatus.INACTIVE),
    (UserStatus.INACTIVE, UserStatus.ACTIVE),
    (UserStatus.ACTIVE, UserStatus.SUSPENDED),
    (UserStatus.INACTIVE, UserStatus.SUSPENDED),
    (UserStatus.SUSPENDED, UserStatus.ACTIVE),
}


class RegistrationStatus(models.TextChoices):
    EMAIL_PENDING = "EMAIL_PENDING"
    EMAIL_VERIFIED = "EMAIL_VERIFIED"
    ONBOARDING_PENDING = "ONBOARDING_PENDING"
    COMPLETED = "COMPLETED"


class TokenPurpose(models.TextChoices):
    REGISTRATION = "REGISTRATION"
    PASSWORD_RESET = "PASSWORD_RESET"
    EMAIL_CHANGE = "EMAIL_CHANGE"
    PHONE_VERIFY = "PHONE_VERIFY"
    INVITATION = "INVITATION"


TOKEN_TTL = {
    TokenPurpose.REGISTRATION: timedelta(hours=24),
    TokenPurpose.EMAIL_CHANGE: timedelta(hours=24),
    TokenPurpose.PASSWORD_RESET: timedelta(minutes=10),
    TokenPurpose.PHONE_VERIFY: timedelta(minutes=10),
    TokenPurpose.INVITATION: timedelta(days=7),
}
MAX_TOKEN_ATTEMPTS = 5
