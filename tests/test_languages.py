"""The desk in English and in Russian (DESIGN §9): the Russian catalogue translates every message of the code (no
entry left empty or fuzzy, placeholders kept) and the compiled catalogue is that one; a member who chooses Russian
sees the sidebar, the lists, the statuses, amounts and dates in Russian; no template shows text that is not marked
for translation, and no page rendered in Russian keeps an English label."""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation.template import templatize

import comptoir
from comptoir.accounting import constants as accounting_constants
from comptoir.accounting.models import FiscalYear, JournalEntry
from comptoir.accounting.services import journal
from comptoir.accounting.tests.factories import IN_YEAR, entry_data
from comptoir.catalog import constants as catalog_constants
from comptoir.identity import constants as identity_constants
from comptoir.platform import constants as platform_constants
from comptoir.platform.modules import registry
from comptoir.platform.tenancy import tenant_context

pytestmark = pytest.mark.django_db

ROOT = Path(comptoir.__file__).parent
CATALOGUE = ROOT / "locale" / "ru" / "LC_MESSAGES"
ENTRIES = "/accounting/journal-entries/"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
# Labels that read the same in Russian: acronyms and codes.
SAME_IN_RUSSIAN = {"API", "GST", "CGST", "SGST", "IGST"}


# --- the catalogue ----------------------------------------------------------------------------------------------


@dataclass
class Message:
    context: str | None = None
    msgid: str = ""
    plural: str | None = None
    strings: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> str:
        """The key a compiled catalogue stores the message under (the context, EOT, the msgid)."""
        return f"{self.context}\x04{self.msgid}" if self.context is not None else self.msgid


def read_po(path: Path) -> list[Message]:
    """The entries of a PO file (the header left out): a PO string is a C string literal, as Python reads it."""
    messages = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        message, target = Message(), None
        for line in block.splitlines():
            if line.startswith("#,"):
                message.flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#") or not line.strip():
                continue
            elif line.startswith('"'):
                value = ast.literal_eval(line)
                if target == "strings":
                    message.strings[-1] += value
                else:
                    setattr(message, target, getattr(message, target) + value)
            else:
                keyword, _sep, value = line.partition(" ")
                target = {"msgctxt": "context", "msgid": "msgid", "msgid_plural": "plural"}.get(keyword, "strings")
                if target == "strings":
                    message.strings.append(ast.literal_eval(value))
                else:
                    setattr(message, target, ast.literal_eval(value))
        if message.msgid:
            messages.append(message)
    return messages


@pytest.fixture(scope="module")
def catalogue() -> list[Message]:
    return read_po(CATALOGUE / "django.po")


def test_every_message_has_a_russian_translation_with_its_placeholders(catalogue):
    assert len(catalogue) > 400
    for message in catalogue:
        assert "fuzzy" not in message.flags, message.msgid
        assert len(message.strings) == (4 if message.plural else 1), message.msgid  # Russian has 4 plural forms
        for string in message.strings:
            assert string.strip(), f"{message.msgid!r} is not translated"
            expected = set(PLACEHOLDER.findall(message.plural or message.msgid))
            assert set(PLACEHOLDER.findall(string)) == expected, f"{message.msgid!r}: {string!r}"


# What makemessages extracts (the ignores of the command in django.po's header): each gettext function's arguments,
# in Python sources and in templates (as Django's templatize writes their translate tags, for xgettext).
ARGUMENTS = {
    "gettext": ("msgid",),
    "pgettext": ("context", "msgid"),
    "ngettext": ("msgid", "plural"),
    "npgettext": ("context", "msgid", "plural"),
}
FUNCTIONS = {
    **{n: n for n in ARGUMENTS},
    **{f"{n}_lazy": n for n in ARGUMENTS},
    "_": "gettext",
    "gettext_noop": "gettext",
}
_LITERAL = r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
_CALL = re.compile(rf"(?<![\w.])(_|n?p?gettext)\(((?:{_LITERAL}, )*{_LITERAL})")


def _key(function: str, strings) -> str:
    named = dict(zip(ARGUMENTS[FUNCTIONS[function]], strings, strict=False))
    return Message(context=named.get("context"), msgid=named["msgid"]).key


def messages_of_the_code() -> set[str]:
    """The keys of every message the code marks with literal strings. Also those inside an f-string, which
    xgettext misses: such a message is never translated (write `_("%(x)s: …") % {…}` instead)."""
    found = set()
    for path in ROOT.rglob("*.py"):
        if {"tests", "migrations"} & set(path.relative_to(ROOT).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = getattr(node.func, "id", getattr(node.func, "attr", "")) if isinstance(node, ast.Call) else ""
            if name in FUNCTIONS:
                args = node.args[: len(ARGUMENTS[FUNCTIONS[name]])]
                literals = all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args)
                if literals and len(args) == len(ARGUMENTS[FUNCTIONS[name]]):
                    found.add(_key(name, [a.value for a in args]))
    for path in ROOT.glob("*/templates/**/*.html"):
        for function, args in _CALL.findall(templatize(path.read_text(encoding="utf-8"))):
            found.add(_key(function, ast.literal_eval(f"({args},)")))
    return found


def test_the_catalogue_holds_every_message_of_the_code_and_no_other(catalogue):
    """A string marked since the catalogue was refreshed is missing here: refresh it (the command is in the header
    of django.po) and translate the new entries."""
    code = messages_of_the_code()
    assert {"journal entry\x04Posted", "Reversed by %(number)s", "Notifications: %(counter)s unread"} <= code
    assert sorted(code - {m.key for m in catalogue}) == [], "messages of the code missing from the catalogue"
    assert sorted({m.key for m in catalogue} - code) == [], "messages of the catalogue no code uses"


def test_the_compiled_catalogue_is_the_po_file(catalogue):
    """The .mo Django reads (committed, so no machine needs gettext) holds exactly the .po's translations."""
    with (CATALOGUE / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog  # {msgid: str, (msgid, form): str}
    expected = {}
    for message in catalogue:
        if message.plural:
            expected.update({(message.key, n): string for n, string in enumerate(message.strings)})
        else:
            expected[message.key] = message.strings[0]
    assert {k: v for k, v in compiled.items() if k != ""} == expected


def test_every_choice_label_and_menu_entry_is_translated():
    """Statuses and kinds have labels in the catalogue: a member added without one shows its English label."""
    enums = [
        value
        for module in (accounting_constants, catalog_constants, identity_constants, platform_constants)
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, models.TextChoices) and value.__module__ == module.__name__
    ]
    labels = [m.label for enum in enums for m in enum]
    labels += [spec.label for spec in registry().modules] + [e.label for s in registry().modules for e in s.menu]
    assert len(enums) > 30
    untranslated = []
    for label in labels:
        with translation.override("en"):
            english = str(label)
        with translation.override("ru"):
            russian = str(label)
        if russian == english and english not in SAME_IN_RUSSIAN:
            untranslated.append(english)
    assert untranslated == []
    with translation.override("ru"):
        assert str(accounting_constants.EntryStatus.POSTED.label) == "Проведена"
        assert str(platform_constants.CalendarEventStatus.CANCELLED.label) == "Отменено"  # its own gender


# --- the pages --------------------------------------------------------------------------------------------------


class Page(HTMLParser):
    """What a page shows: its text nodes, each with the tags it is in, and its human attributes; scripts left
    out."""

    HUMAN_ATTRIBUTES = {"aria-label", "placeholder", "title", "alt", "data-confirm"}
    VOID = {"input", "meta", "link", "br", "img", "hr", "source"}

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.texts: list[tuple[tuple[str, ...], str]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)
        self.texts += [((f"@{name}",), v.strip()) for name, v in attrs if name in self.HUMAN_ATTRIBUTES and v]

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not {"script", "style"} & set(self.stack):
            self.texts.append((tuple(self.stack), text))

    def shown(self) -> set[str]:
        return {text for _tags, text in self.texts}

    def within(self, tag: str) -> list[str]:
        return [text for tags, text in self.texts if tag in tags]


def signed_in(user, language: str | None = None) -> Client:
    client = Client()
    client.force_login(user)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def entry(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        data = entry_data(("6000", "DR", "1234.56"), ("1000", "CR", "1234.56"), narration="Office rent")
        return journal.create_and_post(actor=tenant.owner, data=data)


def test_a_member_who_chooses_russian_sees_the_desk_in_russian_on_every_page(tenant, entry):
    client = signed_in(tenant.owner)
    chosen = client.post("/i18n/setlang/", {"language": "ru", "next": ENTRIES})
    assert chosen.status_code == 302 and chosen["Location"] == ENTRIES
    html = client.get(ENTRIES).content.decode()
    page = Page(html)
    assert '<html lang="ru">' in html
    assert {"Главная", "Бухгалтерия", "Проводки", "План счетов", "Рабочие пространства"} <= set(page.within("nav"))
    assert page.within("th") == ["Выбрать", "Номер", "Дата", "Журнал", "Содержание", "Сумма", "Статус"]
    assert '<span class="badge posted">Проведена</span>' in html
    assert "1\xa0234,56" in html  # the Russian separators: a non-breaking space for thousands, a decimal comma
    assert IN_YEAR.strftime("%d.%m.%Y") in html
    assert "Journal entries" not in page.shown() and "Posted" not in page.shown()

    detail = Page(client.get(f"{ENTRIES}{entry.pk}/").content.decode())  # the choice holds on the next page
    assert {"Сторнировать", "Строки", "Итого", "История", "Итого дебет"} <= detail.shown()


def test_english_is_the_default_and_can_be_chosen_back(tenant, entry):
    default = signed_in(tenant.owner).get(ENTRIES).content.decode()
    client = signed_in(tenant.owner, "ru")
    assert "Проводки" in client.get(ENTRIES).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": ENTRIES})
    for html in (default, client.get(ENTRIES).content.decode()):
        assert '<html lang="en">' in html and '<span class="badge posted">Posted</span>' in html
        assert "1,234.56" in html and "Journal entries" in Page(html).shown() and "Проводки" not in html


def test_the_sign_in_page_is_in_the_language_chosen_before_signing_in():
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    page = Page(client.get("/sign-in/").content.decode())
    assert {"Войти", "Эл. почта", "Пароль", "Язык"} <= page.shown()


# --- nothing left in English ------------------------------------------------------------------------------------


_BLOCKS = re.compile(r"{%\s*(blocktranslate|blocktrans|comment)\b.*?{%\s*end\1\s*%}", re.S)
_TAGS = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
_UNTRANSLATED = re.compile(r"Comptoir|Alt\+N")  # the brand and a key name


def unmarked(source: str) -> list[str]:
    """Text and human attributes of a template that contain letters outside the template's tags: the words no
    {% translate %} or {% blocktranslate %} covers."""
    page = Page(_TAGS.sub(" ", _BLOCKS.sub(" ", source)))
    found = [(tags, text) for tags, text in page.texts if re.search("[A-Za-z]", _UNTRANSLATED.sub("", text))]
    return [f"{tags[-1] if tags else ''}: {text}" for tags, text in found]


TEMPLATES = sorted(ROOT.glob("*/templates/**/*.html"))


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_text_of_the_templates_is_marked_for_translation(template):
    assert unmarked(template.read_text(encoding="utf-8")) == []


def test_unmarked_text_is_found():
    """The check above would see a forgotten mark, in text and in a label for screen readers."""
    assert unmarked('<p>{% translate "Saved" %} · Comptoir</p><button aria-label="{{ n }} left">+</button>') == [
        "@aria-label: left"
    ]
    assert unmarked("<h2>Notifications</h2>{% blocktranslate %}{{ n }} unread{% endblocktranslate %}") == [
        "h2: Notifications"
    ]


def test_pages_rendered_in_russian_keep_no_english_label(tenant, entry, catalogue):
    """Every label of the catalogue that Russian changes is absent, as a whole text, from the main pages: a label
    evaluated at import time (gettext instead of gettext_lazy) or rendered outside the active language shows."""
    english = {m.msgid for m in catalogue if m.msgid not in m.strings} | {m.plural for m in catalogue if m.plural}
    client = signed_in(tenant.owner, "ru")
    with tenant_context(tenant.organization, user=tenant.owner):
        year = FiscalYear.objects.get(is_current=True)
        draft = journal.create_entry(actor=tenant.owner, data=entry_data(("6000", "DR", "5"), ("1000", "CR", "5")))
        assert JournalEntry.objects.get(pk=draft.pk).status == "DRAFT"
    pages = [
        "/",
        ENTRIES,
        f"{ENTRIES}{entry.pk}/",
        f"{ENTRIES}{draft.pk}/",
        f"{ENTRIES}new/",
        f"{ENTRIES}{entry.pk}/reverse/",
        "/accounting/fiscal-years/",
        f"/accounting/fiscal-years/{year.pk}/",
        "/accounting/fiscal-periods/",
        "/accounting/tax-rates/",
        "/accounting/budgets/",
        "/accounting/bank-accounts/",
        "/accounting/accounts/new/",
        reverse("accounting_budget_report"),
        f"{reverse('desk:search')}?q=JV",
        "/catalog/products/",
        "/catalog/products/new/",
        "/catalog/categories/",
        "/catalog/price-lists/new/",
        "/catalog/import/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert Page(response.content.decode()).shown() & english == set(), url
    in_english = Page(signed_in(tenant.owner, "en").get(ENTRIES).content.decode()).shown() & english
    assert {"Journal entries", "Status", "Posted", "Filters", "Notifications"} <= in_english  # the check sees them
