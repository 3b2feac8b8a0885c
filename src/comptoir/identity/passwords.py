"""A password may not be built from the user's own data (catalogue §2: strong passwords)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

PERSONAL_ATTRIBUTES = ("email", "first_name", "last_name", "organization_name", "organization_code")


def _letters(value: str) -> str:
    return re.sub(r"[^a-z]", "", value.lower())


class PersonalDataValidator:
    """Lower-cased and stripped of digits and punctuation, the password may not be (part of) the e-mail, its
    local part, the user's names or the organization's name or code. `user` may be any object carrying some of
    PERSONAL_ATTRIBUTES (sign-up validates before the user exists)."""

    def validate(self, password: str, user=None) -> None:
        core = _letters(password or "")
        if user is None or len(core) < 3:
            return
        for attribute in PERSONAL_ATTRIBUTES:
            value = getattr(user, attribute, None) or ""
            parts = [value, *value.split("@")[:1]] if attribute == "email" else [value]
            if any(core in _letters(part) for part in parts if part):
                raise ValidationError(
                    gettext("The password is too close to your own data (e-mail, name or organization)."),
                    code="password_personal_data",
                )

    def get_help_text(self) -> str:
        return gettext("Your password cannot be built from your e-mail, your name or your organization.")
