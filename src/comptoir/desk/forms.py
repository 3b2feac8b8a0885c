"""Desk forms: the posted fields parsed by the API's input schema, and the errors of that schema or of the
service put next to their field.

Field names follow the schema (`date`, `narration`); a line grid's fields are `lines-0-account`, … . Blank fields
are left out, so the schema's defaults apply as they do to an API body that omits them. Error fields from the
schema (`("lines", 0, "amount")`) and from services (`lines[0].amount`, `lines.0.amount`) become the form's names
(`lines-0-amount`)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pydantic import ValidationError

from comptoir.desk.declarations import Choice, Field, FormSpec, LineGrid
from comptoir.platform.errors import DomainError
from comptoir.platform.problems import pydantic_message

ROW_FIELD = re.compile(r"^(?P<grid>\w+)-(?P<row>\d+)-(?P<name>\w+)$")
MAX_ROWS = 1000
_INDEX = re.compile(r"\[(\d+)\]")


@dataclass
class Errors:
    """Messages by form field name; `form` holds those no field shows."""

    fields: dict[str, str] = field(default_factory=dict)
    form: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.fields or self.form)

    def add(self, name: str, message: str, known: set[str]) -> None:
        if name in known and name not in self.fields:
            self.fields[name] = message
        elif name not in known:
            self.form.append(message)


def form_name(path: str | Sequence) -> str:
    """`lines[0].amount`, `lines.0.amount` or ("lines", 0, "amount") → `lines-0-amount`."""
    parts = [str(p) for p in path] if not isinstance(path, str) else _INDEX.sub(r".\1", path).split(".")
    return "-".join(p for p in parts if p)


def posted(spec: FormSpec, data: Mapping) -> tuple[dict, list[dict]]:
    """(the header's values, the grid's rows) as posted, blanks left out; a row with nothing in it is dropped."""
    values = {}
    for f in spec.fields:
        if f.widget == "checkbox":
            values[f.name] = f.name in data
        elif (v := str(data.get(f.name, "")).strip()) != "":
            values[f.name] = v
    rows: list[dict] = []
    if spec.lines is not None:
        found: dict[int, dict] = {}
        for key in data:
            m = ROW_FIELD.match(key)
            if m and m["grid"] == spec.lines.name and int(m["row"]) < MAX_ROWS:
                v = str(data.get(key, "")).strip()
                row = found.setdefault(int(m["row"]), {})
                if v != "":
                    row[m["name"]] = v
        rows = [found[i] for i in sorted(found) if found[i]]
    return values, rows


def field_names(spec: FormSpec, rows: int) -> set[str]:
    names = {f.name for f in spec.fields}
    if spec.lines is not None:
        names.add(spec.lines.name)
        names |= {f"{spec.lines.name}-{i}-{f.name}" for i in range(rows) for f in spec.lines.fields}
    return names


def parse(spec: FormSpec, values: dict, rows: list[dict], extra: Mapping | None = None):
    """(the schema's instance, Errors): the body the API would have received, validated by the API's schema."""
    body = {**values, **(extra or {})}
    if spec.lines is not None:
        body[spec.lines.name] = rows
    if spec.prepare is not None:
        try:
            body = spec.prepare(body)
        except DomainError as exc:
            return None, service_errors(spec, exc, len(rows))
    known = field_names(spec, len(rows))
    errors = Errors()
    try:
        return spec.schema.model_validate(body), errors
    except ValidationError as exc:
        for error in exc.errors():
            name = _shown_at(spec, form_name(error["loc"]))
            errors.add(name, message_of(error), known)
        return None, errors


def message_of(error: dict) -> str:
    """A pydantic error's message in the member's language, without pydantic's "Value error, " prefix."""
    return pydantic_message(error, bare=True)


def _shown_at(spec: FormSpec, name: str) -> str:
    """The form field an error of `name` is shown next to (FormSpec.errors maps a line's `amount` to its debit
    column, say)."""
    m = ROW_FIELD.match(name)
    if m and spec.errors.get(m["name"]):
        return f"{m['grid']}-{m['row']}-{spec.errors[m['name']]}"
    return spec.errors.get(name, name)


def service_errors(spec: FormSpec, exc: DomainError, rows: int) -> Errors:
    """A service's refusal, each field error next to its field, the rest above the form."""
    errors = Errors()
    known = field_names(spec, rows)
    for error in exc.errors:
        errors.add(_shown_at(spec, form_name(error.field)), error.message, known)
    if not exc.errors:
        errors.form.append(exc.message)
    return errors


def choices_of(f: Field) -> Sequence[Choice]:
    return f.choices() if callable(f.choices) else f.choices


def grid_rows(grid: LineGrid, rows: list[dict]) -> list[dict]:
    """The rows to show: those posted (or the record's), padded with blank rows up to the grid's minimum."""
    return [*rows, *({} for _ in range(max(0, grid.min_rows - len(rows))))]
