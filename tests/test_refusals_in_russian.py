"""The refusals in the member's language (DESIGN §9): a service's refusal and a schema's (pydantic's) message are
built in the language of the request, in the desk next to their field and in the API's problem+json, with the same
`code` and `field` in every language; pydantic's error types get our translations, an unknown type keeps
pydantic's text."""

from __future__ import annotations

import html
import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from pydantic import BaseModel, ValidationError, field_validator

from comptoir.accounting.models import JournalEntry
from comptoir.accounting.tests.factories import IN_YEAR
from comptoir.desk.forms import message_of
from comptoir.platform.problems import pydantic_errors, pydantic_message
from comptoir.platform.tenancy import tenant_context

pytestmark = pytest.mark.django_db

NEW_ENTRY = "/accounting/journal-entries/new/"


def signed_in(user, language: str) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _form(*rows, **fields) -> dict:
    data = {"date": IN_YEAR.isoformat(), "journal_type": "JV", "narration": "Office supplies", "button": "0"}
    for i, (account, debit, credit) in enumerate(rows):
        data |= {f"lines-{i}-account": account, f"lines-{i}-debit": debit, f"lines-{i}-credit": credit}
    return data | fields


def field_error(body: str, name: str) -> str:
    """The text of the error shown next to the form field `name`."""
    found = re.search(rf'data-testid="error-{re.escape(name)}">([^<]*)<', body)
    assert found, f"no error next to {name}"
    return html.unescape(found[1])


def _entry_body(**extra) -> dict:
    return {
        "date": IN_YEAR.isoformat(),
        "journal_type": "JV",
        "narration": "rent",
        "lines": [
            {"account": "6100", "entry_type": "DR", "amount": "100.00"},
            {"account": "1100", "entry_type": "CR", "amount": "99.00"},
        ],
        "post": True,
        **extra,
    }


def _entries(tenant) -> int:
    with tenant_context(tenant.organization, user=tenant.owner):
        return JournalEntry.objects.count()


# --- the desk -----------------------------------------------------------------------------------------------------


def test_an_unbalanced_entry_is_refused_in_russian_next_to_its_lines(tenant):
    rows = (("6000", "100.00", ""), ("1000", "", "99.00"))
    russian = signed_in(tenant.owner, "ru").post(NEW_ENTRY, _form(*rows))
    assert russian.status_code == 422
    message = field_error(russian.content.decode(), "lines")
    assert message == "Дебет (100.00) и кредит (99.00) в базовой валюте не равны"

    english = signed_in(tenant.owner, "en").post(NEW_ENTRY, _form(*rows))
    assert (
        field_error(english.content.decode(), "lines") == "Debits (100.00) and credits (99.00) differ in base currency"
    )
    assert _entries(tenant) == 0


def test_a_field_pydantic_finds_missing_is_refused_in_russian_next_to_it(tenant):
    russian = signed_in(tenant.owner, "ru").post(
        NEW_ENTRY, _form(("6000", "100.00", ""), ("1000", "", "100.00"), date="", narration="")
    )
    assert russian.status_code == 422
    body = russian.content.decode()
    assert field_error(body, "date") == "Обязательное поле"  # pydantic's `missing`, translated
    english = signed_in(tenant.owner, "en").post(
        NEW_ENTRY, _form(("6000", "100.00", ""), ("1000", "", "100.00"), date="")
    )
    assert field_error(english.content.decode(), "date") == "Field required"
    assert _entries(tenant) == 0


def test_a_bad_amount_on_a_row_is_refused_in_russian_on_that_row(tenant):
    response = signed_in(tenant.owner, "ru").post(NEW_ENTRY, _form(("6000", "abc", ""), ("1000", "", "100.00")))
    assert response.status_code == 422
    message = field_error(response.content.decode(), "lines-0-debit")
    assert re.search("[а-яА-Я]", message) and not re.search("[a-zA-Z]{3}", message), message


# --- the API ------------------------------------------------------------------------------------------------------


def test_the_api_answers_a_refusal_in_the_language_of_the_request_with_the_same_code_and_field(tenant):
    english = tenant.api.post("accounting/journal-entries", _entry_body()).json()
    russian = tenant.api.post("accounting/journal-entries", _entry_body(), headers={"Accept-Language": "ru"}).json()
    assert english["detail"] == "Debits (100.00) and credits (99.00) differ in base currency"
    assert russian["detail"] == "Дебет (100.00) и кредит (99.00) в базовой валюте не равны"
    assert russian["title"] == "Проверка не пройдена" and english["title"] == "Validation failed"
    assert russian["code"] == english["code"] == "unbalanced"
    assert [(e["field"], e["code"]) for e in russian["errors"]] == [(e["field"], e["code"]) for e in english["errors"]]
    assert russian["errors"][0]["message"] == russian["detail"]
    assert _entries(tenant) == 0


def test_the_api_translates_a_schema_refusal_and_keeps_pydantics_codes(tenant):
    body = _entry_body()
    del body["date"]
    body["lines"][0]["amount"] = "1.5.0"
    english = tenant.api.post("accounting/journal-entries", body).json()
    russian = tenant.api.post("accounting/journal-entries", body, headers={"Accept-Language": "ru"}).json()
    assert russian["code"] == english["code"] == "validation_error"
    assert russian["detail"] == "В запросе есть неверные поля"
    fields = {e["field"]: e for e in russian["errors"]}
    assert [(e["field"], e["code"]) for e in russian["errors"]] == [(e["field"], e["code"]) for e in english["errors"]]
    assert fields["date"]["code"] == "missing" and fields["date"]["message"] == "Обязательное поле"
    assert {e["field"]: e["message"] for e in english["errors"]}["date"] == "Field required"
    assert all(re.search("[а-яА-Я]", e["message"]) for e in russian["errors"]), russian["errors"]


def test_a_refusal_of_the_request_limits_is_in_the_language_of_the_request(tenant):
    response = tenant.api.client.post(
        "/api/v1/accounting/journal-entries",
        data="a=1",
        content_type="text/plain",
        headers={"Authorization": f"Bearer {tenant.api.token}", "Accept-Language": "ru"},
    )
    assert response.status_code == 415 and response.json()["code"] == "unsupported_media_type"
    assert response.json()["detail"] == "Отправьте JSON (Content-Type: application/json), а не text/plain"


# --- pydantic's messages --------------------------------------------------------------------------------------------


class _Sample(BaseModel):
    name: str = ""
    code: str = ""

    @field_validator("code")
    @classmethod
    def _known(cls, value: str) -> str:
        if value == "bad":
            raise ValueError(translation.gettext("Malformed cursor"))
        return value


def _errors(**data) -> list[dict]:
    try:
        _Sample.model_validate(data)
    except ValidationError as exc:
        return exc.errors()
    raise AssertionError("valid")


def test_pydantic_messages_keep_their_english_text_and_get_russian_plurals():
    too_long = {"type": "string_too_long", "ctx": {"max_length": 1}, "msg": "String should have at most 1 character"}
    with translation.override("en"):
        assert pydantic_message(too_long) == "String should have at most 1 character"
        assert pydantic_message({**too_long, "ctx": {"max_length": 5}}) == "String should have at most 5 characters"
    with translation.override("ru"):
        assert pydantic_message(too_long) == "Не более 1 символа"
        assert pydantic_message({**too_long, "ctx": {"max_length": 5}}) == "Не более 5 символов"
        assert pydantic_message({**too_long, "ctx": {"max_length": 3}}) == "Не более 3 символов"


def test_a_validator_message_is_the_validators_own_and_an_unknown_type_keeps_pydantics_text():
    with translation.override("ru"):
        [error] = _errors(code="bad")
        assert message_of(error) == "Неверный курсор"  # the desk shows the validator's message alone
        assert pydantic_errors([error])[0] == {
            "field": "code",
            "code": "value_error",
            "message": "Ошибка значения: Неверный курсор",
        }
        [error] = _errors(name=1)
        assert error["type"] == "string_type" and message_of(error) == "Введите строку"
        unknown = {"type": "some_future_type", "msg": "Something pydantic says"}
        assert message_of(unknown) == "Something pydantic says"
        assert message_of({"type": "string_too_long", "msg": "no ctx"}) == "no ctx"  # a ctx the message lacks
