"""Typed inputs of the services (DESIGN §3): a create takes a frozen dataclass of its fields; an update takes a
`Patch`, whose fields default to `UNSET` so "not sent" differs from "sent as null". The API builds them from its
validated schema (`SomePatch.from_schema(body)`); a service reads `patch.provided()` and does not re-check what
the schema already checked (types, lengths, enums)."""

from __future__ import annotations

import dataclasses
from typing import Any, Final, TypeVar

from django.utils.translation import gettext as _

from comptoir.platform.errors import ValidationFailed


class _Unset:
    """The one "not given" marker of a patch field."""

    _instance: _Unset | None = None

    def __new__(cls) -> _Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()

P = TypeVar("P", bound="Patch")


@dataclasses.dataclass(frozen=True, kw_only=True)
class Patch:
    """Base of an update's input: subclasses declare each editable field as `name: T | _Unset = UNSET`."""

    def provided(self) -> dict[str, Any]:
        """The fields the caller sent, by name (a `None` means "clear it")."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if getattr(self, f.name) is not UNSET}

    def refuse_nulls(self, *names: str) -> None:
        """422 `required` for the first of `names` sent as None: a field the caller may leave out, not clear."""
        for name in names:
            if getattr(self, name) is None:
                raise ValidationFailed(_("%(name)s cannot be null") % {"name": name}, code="required", field=name)

    @classmethod
    def from_schema(cls: type[P], body: Any) -> P:
        """The patch of a validated request body: only the fields the client sent."""
        return cls(**body.model_dump(exclude_unset=True))
