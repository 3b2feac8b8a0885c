"""The refusals in the member's language (DESIGN §9): a service's refusal and a schema's (pydantic's) message are
built in the language of the request, in the desk next to their field and in the API's problem+json, with the same
`code` and `field` in every language; pydantic's error types get our translations, an unknown type keeps
pydantic's text."""

from __future__ import annotations

import html
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import encode_multipart
from django.utils import translation
from pydantic import BaseModel, ValidationError, field_validator

from comptoir.accounting.models import JournalEntry
from comptoir.accounting.tests.factories import IN_YEAR
from comptoir.catalog.models import PriceList, PriceListItem, Product, ProductCategory
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


# --- the catalogue's refusals through the API -----------------------------------------------------------------------

RU = {"Accept-Language": "ru"}


def _catalog_rows(tenant) -> tuple[int, int, int, int]:
    """(products, categories, price lists, prices) of the tenant: a refusal writes none."""
    with tenant_context(tenant.organization, user=tenant.owner):
        return (
            Product.objects.count(),
            ProductCategory.objects.count(),
            PriceList.objects.count(),
            PriceListItem.objects.count(),
        )


def _in_both_languages(send) -> tuple[dict, dict]:
    """The problem+json of the same refused request in English and in Russian: same status, code and fields."""
    english, russian = send({}), send(RU)
    assert english.status_code == russian.status_code and english.status_code in (404, 409, 422), english.json()
    english, russian = english.json(), russian.json()
    assert russian["code"] == english["code"]
    fields = [(e["field"], e["code"]) for e in russian.get("errors", [])]
    assert fields == [(e["field"], e["code"]) for e in english.get("errors", [])]
    return english, russian


@pytest.fixture
def catalog(tenant):
    """A category TOOLS holding the product TAKEN (SKU SKU-TAKEN), and Retail, the default selling list in EUR."""
    api = tenant.api
    assert api.post("catalog/categories", {"name": "Tools", "code": "TOOLS"}).status_code == 201
    taken = {"code": "TAKEN", "name": "Taken", "uom": "pcs", "sku": "SKU-TAKEN", "category": "TOOLS"}
    assert api.post("catalog/products", taken).status_code == 201
    retail = api.post("catalog/price-lists", {"name": "Retail", "valid_from": "2026-01-01", "is_default": True})
    assert retail.status_code == 201
    return retail.json()


@pytest.mark.parametrize(
    ("body", "field", "code", "english", "russian"),
    [
        (
            {"code": "TAKEN"},
            "code",
            "duplicate",
            "A product with code 'TAKEN' exists",
            "Товар с кодом «TAKEN» уже есть",
        ),
        (
            {"sku": "SKU-TAKEN"},
            "sku",
            "duplicate",
            "A product with SKU 'SKU-TAKEN' exists",
            "Товар с артикулом «SKU-TAKEN» уже есть",
        ),
        ({"uom": "furlong"}, "uom", "unknown", "No unit 'furlong'", "Нет единицы измерения «furlong»"),
        ({"category": "NOPE"}, "category", "unknown", "No category 'NOPE'", "Нет категории «NOPE»"),
        (
            {"type": "SERVICE", "track_inventory": True},
            "track_inventory",
            "untracked_type",
            "A Service product never tracks stock",
            "Для товара типа «Услуга» остатки не учитываются",
        ),
        (
            {"min_stock_level": "5", "max_stock_level": "1"},
            "max_stock_level",
            "invalid_range",
            "The maximum stock level is below the minimum",
            "Максимальный остаток меньше минимального",
        ),
    ],
)
def test_a_product_refusal_is_in_russian_with_the_same_code_and_field(tenant, catalog, body, field, code, english,
                                                                      russian):  # fmt: skip
    before = _catalog_rows(tenant)
    product = {"code": "NEW", "name": "New", "uom": "pcs", **body}
    in_english, in_russian = _in_both_languages(lambda h: tenant.api.post("catalog/products", product, headers=h))
    assert (in_russian["code"], in_russian["errors"][0]["field"]) == (code, field)
    assert (in_english["detail"], in_russian["detail"]) == (english, russian)
    assert in_russian["errors"][0]["message"] == russian
    assert _catalog_rows(tenant) == before


def test_a_category_holding_products_is_not_deleted_and_says_so_in_russian(tenant, catalog):
    tools = tenant.api.get("catalog/categories").json()["items"][0]
    before = _catalog_rows(tenant)
    english, russian = _in_both_languages(lambda h: tenant.api.delete(f"catalog/categories/{tools['id']}", headers=h))
    assert russian["code"] == "category_in_use"
    assert english["detail"] == "Category TOOLS Tools holds products"
    assert russian["detail"] == "В категории TOOLS Tools есть товары"
    assert _catalog_rows(tenant) == before


def test_a_second_default_price_list_and_a_clashing_price_are_refused_in_russian(tenant, catalog):
    before = _catalog_rows(tenant)
    body = {"name": "Shop", "valid_from": "2026-01-01", "is_default": True}
    english, russian = _in_both_languages(lambda h: tenant.api.post("catalog/price-lists", body, headers=h))
    assert (russian["code"], russian["errors"][0]["field"]) == ("duplicate_default", "is_default")
    assert english["detail"] == "'Retail' is already the default selling list in EUR"
    assert russian["detail"] == "Прайс-лист продажи по умолчанию в EUR — уже «Retail»"

    items = f"catalog/price-lists/{catalog['id']}/items"
    assert tenant.api.post(items, {"product": "TAKEN", "rate": "10"}).status_code == 201
    before = _catalog_rows(tenant)
    clash = {"product": "TAKEN", "rate": "9", "valid_from": "2026-03-01"}
    english, russian = _in_both_languages(lambda h: tenant.api.post(items, clash, headers=h))
    assert (russian["errors"][0]["code"], russian["errors"][0]["field"]) == ("overlapping_dates", "valid_from")
    assert russian["detail"] == "У этого товара уже есть цена от 1.000 на эти даты (с 2026-01-01)"
    assert english["detail"] == "This product already has a price from 1.000 on these dates (from 2026-01-01)"
    assert _catalog_rows(tenant) == before


def test_an_import_refused_row_by_row_is_reported_in_russian(tenant, catalog):
    before = _catalog_rows(tenant)
    content = b"code,name,uom\nOK-1,Fine,pcs\nBAD,Bad,furlong\n"

    def upload(headers):
        boundary = "BoUnDaRy"
        return tenant.api.client.post(
            "/api/v1/catalog/products/import",
            encode_multipart(boundary, {"file": SimpleUploadedFile("products.csv", content)}),
            content_type=f"multipart/form-data; boundary={boundary}",
            headers=tenant.api._headers(headers),
        )

    english, russian = _in_both_languages(upload)
    assert english["detail"] == "1 row is refused; nothing was imported"
    assert russian["detail"] == "Отклонена 1 строка; ничего не импортировано"
    assert [(e["field"], e["code"], e["message"]) for e in russian["errors"]] == [
        ("rows[1].uom", "unknown", "Строка 3: Нет единицы измерения «furlong»")
    ]
    assert english["errors"][0]["message"] == "Line 3: No unit 'furlong'"
    assert _catalog_rows(tenant) == before


def test_a_missing_catalogue_row_is_not_found_in_russian(tenant, catalog):
    missing = "00000000-0000-4000-8000-000000000000"
    english, russian = _in_both_languages(lambda h: tenant.api.get(f"catalog/products/{missing}", headers=h))
    assert (english["detail"], russian["detail"]) == ("No such product", "Не найдено: товар")
    body = {"name": "Renamed"}
    english, russian = _in_both_languages(lambda h: tenant.api.patch(f"catalog/categories/{missing}", body, headers=h))
    assert (english["detail"], russian["detail"]) == ("No such category", "Не найдено: категория")
