"""What a module declares to the desk (DESIGN §9), in `<app>/desk.py` as `DESK = Desk(...)`, named by its
ModuleSpec (`desk="comptoir.<app>.desk.DESK"`): its views (list, detail, form and actions of each document or
master), its dashboard widgets and its quick-search sources. The desk renders them; the module writes no view
for these pages.

Writes go through the module's own services with the API's input schemas: a form names the schema the API parses
(`FormSpec.schema`) and the function both call (`FormSpec.save`), so the rules, the error codes and the field
names of the errors are the API's."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet


@dataclass(frozen=True)
class Column:
    """A value shown in a list row or a detail header. `key` is an attribute path (`account.code`) of the row;
    `kind` formats it: text, amount, date, datetime, choice (the field's human label), bool, badge (a status
    with its label), number. `sort` is the ordering key the list query accepts ("" = not sortable); `currency`
    the attribute path of an amount's currency code; `link` makes the cell link to the row's detail."""

    key: str
    label: str
    kind: str = "text"
    sort: str = ""
    currency: str = ""
    link: bool = False
    default: bool = True


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


def choices_of(enum) -> tuple[Choice, ...]:
    """A TextChoices enum's members as a select's options: the value and its human label."""
    return tuple(Choice(value, label) for value, label in enum.choices)


def blank_is_none(data: dict) -> dict:
    """A FormSpec's `prepare`: the form's empty fields, and those of its line grids (its lists of rows), as not
    given, so the schema's defaults apply."""
    out = {k: v for k, v in data.items() if v != ""}
    for name, value in data.items():
        if isinstance(value, list) and all(isinstance(row, dict) for row in value):
            out[name] = [{k: v for k, v in row.items() if v != ""} for row in value]
    return out


@dataclass(frozen=True)
class Field:
    """A form field named as the API's input schema names it. `widget`: text, textarea, date, number, decimal,
    select, checkbox, picker (type-ahead over the `picker` source: "module.source"). `choices` gives a select its
    options: a sequence of Choice, or a function of nothing returning them (read when the form is shown)."""

    name: str
    label: str
    widget: str = "text"
    required: bool = False
    choices: Sequence[Choice] | Callable[[], Sequence[Choice]] = ()
    picker: str = ""
    help: str = ""
    wide: bool = False
    data: dict[str, str] = field(default_factory=dict)  # extra data- attributes (the balance check's markers)


@dataclass(frozen=True)
class LineGrid:
    """A form's child rows (`lines-0-account`, …) parsed into the schema's list field `name`. `balance` names the
    (debit, credit) fields whose sums the grid shows and compares live."""

    name: str
    label: str
    fields: tuple[Field, ...]
    min_rows: int = 2
    balance: tuple[str, str] | None = None


@dataclass(frozen=True)
class FormSpec:
    """A create or edit form. `prepare(data)` turns the posted fields into the schema's shape (debit/credit
    columns into side and amount); `save(actor, body, obj)` is the function the API calls (obj is None on
    create); `initial(obj)` gives the fields' values to edit `obj` (on create, obj is None: the defaults); the
    query string may preset a create form's fields (`?group=52`); `errors` maps a service error field to the
    form field it is shown next to. `buttons` are (label, extra values): "Save draft", "Save and post"."""

    schema: type
    fields: tuple[Field, ...]
    save: Callable[..., Any]
    permission: str
    lines: LineGrid | None = None
    prepare: Callable[[dict], dict] | None = None
    initial: Callable[[Any], dict] | None = None
    buttons: tuple[tuple[str, dict], ...] = ()
    errors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Action:
    """A button of the detail page: a transition (`post`, `cancel`, `reverse`…) named by its verb, offered when
    the actor holds `permission` and `when(obj)` holds. `fields` (parsed by `schema`) are asked first (a
    reversal's date); `run(actor, obj, body)` calls the service and returns the record to show next (the list
    when the action `removes` it, the record made in the view `opens` names when it makes one)."""

    name: str
    label: str
    permission: str
    run: Callable[..., Any]
    when: Callable[[Any], bool] = lambda obj: True
    fields: tuple[Field, ...] = ()
    schema: type | None = None
    confirm: str = ""
    style: str = ""
    initial: Callable[[Any], dict] | None = None
    bulk: bool = False  # offered on the list for the selected rows (actions without fields only)
    removes: bool = False  # the record is gone afterwards (a delete): the list is shown next
    opens: str = ""  # "module.slug": `run` makes a record of that view (an order's invoice), shown next


@dataclass(frozen=True)
class LineTable:
    """The child rows a detail shows under its header: `rows(obj)` and their columns, with the columns summed in
    a totals row. `link` ("module.slug") names the desk view of a row: its first cell links to the row there. A table
    of related documents is shown to holders of `permission` while the module of `link` is switched on."""

    label: str
    rows: Callable[[Any], Sequence]
    columns: tuple[Column, ...]
    totals: tuple[str, ...] = ()
    link: str = ""
    permission: str = ""


@dataclass(frozen=True)
class DeskView:
    """A document or master in the desk, at /<module>/<slug>/. `query(**filters)` is the list query the API
    uses and `filters` its filter schema (one declaration for the API, the desk and the exports), `prepare` what
    the API's list applies to its rows; `get(id)`
    the `access_` query (404 for missing and forbidden alike). `title(obj)` names a record; `status` is the
    attribute holding its state (shown as a badge with its label); `related(obj)` gives (label, url) links
    to other records, `documents` tables of the documents of its flow (an order's shipments, invoices, payments:
    one query each); `history` shows the record's audit trail."""

    slug: str
    label: str
    singular: str
    permission: str
    query: Callable[..., QuerySet]
    get: Callable[[Any], Any]
    columns: tuple[Column, ...]
    ordering: tuple[str, ...]
    title: Callable[[Any], str] = str
    model: str = ""  # "app_label.modelname": other pages link to its records here
    prepare: Callable[[list], list] | None = None  # adds computed figures to a page of rows (one query)
    filters: type | None = None
    filter_labels: dict[str, str] = field(default_factory=dict)
    header: tuple[Column, ...] = ()
    lines: LineTable | None = None
    status: str = ""
    create: FormSpec | None = None
    edit: FormSpec | None = None
    edit_when: Callable[[Any], bool] = lambda obj: True
    actions: tuple[Action, ...] = ()
    related: Callable[[Any], Sequence[tuple[str, str]]] | None = None
    documents: tuple[LineTable, ...] = ()  # "Related documents": tables of other documents, rows linked by `link`
    empty: str = ""
    history: bool = True
    export_name: str = ""


@dataclass(frozen=True)
class Widget:
    """A dashboard panel: `context(actor)` gives the values `template` renders; shown to holders of
    `permission`, ordered by `order`."""

    name: str
    permission: str
    template: str
    context: Callable[[Any], dict]
    order: int = 100


@dataclass(frozen=True)
class SearchHit:
    """One result: its kind ("Account"), its text and detail, its page, and the value a picker puts in a form
    field (a code or an id)."""

    kind: str
    text: str
    detail: str
    url: str
    value: str = ""


@dataclass(frozen=True)
class SearchSource:
    """A quick-search source: `find(query, limit)` returns SearchHits; also serves the pickers of forms
    ("module.name"), where `value(hit)` is what the field receives."""

    name: str
    label: str
    permission: str
    find: Callable[[str, int], Sequence[SearchHit]]
    in_quick_search: bool = True


@dataclass(frozen=True)
class ViewExtension:
    """What a module adds to the detail page of a view of a module it depends on (`view`: "module.slug"), where the
    host may not import it: buttons (invoicing's "Invoice this order" on sales orders) and tables of related
    documents (an order's invoices and payments). The desk merges them into the host's view
    (`registry.desk_view`), refusing an extension of a module not depended on and an action name taken."""

    view: str
    actions: tuple[Action, ...] = ()
    documents: tuple[LineTable, ...] = ()


@dataclass(frozen=True)
class Desk:
    views: tuple[DeskView, ...] = ()
    widgets: tuple[Widget, ...] = ()
    search: tuple[SearchSource, ...] = ()
    extends: tuple[ViewExtension, ...] = ()
