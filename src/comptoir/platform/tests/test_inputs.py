import dataclasses

import pytest
from ninja import Schema

from comptoir.platform.errors import ValidationFailed
from comptoir.platform.inputs import UNSET, Patch, _Unset


@dataclasses.dataclass(frozen=True, kw_only=True)
class NotePatch(Patch):
    title: str | _Unset = UNSET
    body: str | None | _Unset = UNSET


class NoteBody(Schema):
    title: str | None = None
    body: str | None = None


def test_a_patch_tells_not_sent_from_sent_as_null():
    assert NotePatch().provided() == {}
    assert NotePatch(body=None).provided() == {"body": None}
    assert NotePatch.from_schema(NoteBody.model_validate({"title": "x"})).provided() == {"title": "x"}
    assert NotePatch.from_schema(NoteBody.model_validate({"body": None})).provided() == {"body": None}


def test_unset_is_one_falsy_marker():
    assert _Unset() is UNSET
    assert not UNSET
    with pytest.raises(dataclasses.FrozenInstanceError):
        NotePatch().title = "y"  # type: ignore[misc]


def test_a_field_that_cannot_be_cleared_refuses_null():
    NotePatch(title="x").refuse_nulls("title")
    NotePatch().refuse_nulls("title")
    with pytest.raises(ValidationFailed) as exc:
        NotePatch(body=None).refuse_nulls("title", "body")
    assert (exc.value.code, exc.value.errors[0].field) == ("required", "body")
