"""The bank pages of the desk: statement import (upload, map the columns, preview, import) and reconciliation.

Import: the CSV (a file or pasted text, at most MAX_TEXT bytes) is read once, then travels between the steps in a
hidden field; the mapping is parsed by the API's `StatementMapping` and remembered per bank account in the session
after an import. Reconciliation: the statement lines (unmatched first) beside the book lines not matched, the
ranked suggestions of the selected line; match, unmatch, create the missing entry and reconcile up to a date answer
htmx with the page's workspace (`#reconciliation`), other requests with a redirect to the page.

Reads go through queries/banks.py, writes through services/banks.py and services/journal.py with the API's inputs
and permissions; a bank account of another organization, or a line of another account, is not found (404)."""

from __future__ import annotations

import datetime
import re
import uuid
from decimal import Decimal
from urllib.parse import urlencode

import pydantic
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, IntegerField, When
from django.http import Http404
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptoir.accounting.constants import BankTransactionStatus, BankTransactionType, EntryType
from comptoir.accounting.queries import banks as queries
from comptoir.accounting.schemas.banks import BankTransactionFilters, MatchIn, ReconcileIn, StatementMapping
from comptoir.accounting.services import banks as services
from comptoir.accounting.services import journal
from comptoir.desk.access import desk_page
from comptoir.desk.registry import record_url
from comptoir.desk.templatetags.desk import day as format_day
from comptoir.platform.errors import DomainError, FieldError, NotFound, ValidationFailed
from comptoir.platform.problems import pydantic_errors

VIEW = ("accounting.view_bankaccount", "accounting.view_banktransaction")
IMPORT = "accounting.add_banktransaction"  # as the API's import endpoint
RECONCILE = "accounting.reconcile_banktransaction"
POST_ENTRY = ("accounting.add_journalentry", "accounting.change_journalentry")  # create and post, as the API

MAX_TEXT = 1024 * 1024  # the CSV is posted again at each step: under DATA_UPLOAD_MAX_MEMORY_SIZE
PREVIEW_ROWS = 20
MAX_LINES = 200  # statement and book lines shown; narrower dates show the others
SAVED_MAPPING = "accounting.bank_mapping.{}"

COLUMNS = (  # (mapping field, label, help)
    ("date", gettext_lazy("Date"), ""),
    ("amount", gettext_lazy("Amount (signed)"), gettext_lazy("+ money in, − money out; or map the two below")),
    ("debit", gettext_lazy("Money out (debit)"), ""),
    ("credit", gettext_lazy("Money in (credit)"), ""),
    ("description", gettext_lazy("Description"), ""),
    ("reference", gettext_lazy("Reference"), ""),
    ("balance", gettext_lazy("Balance after the line"), gettext_lazy("needed for the statement balance")),
)
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y/%m/%d", "%d/%m/%y", "%d %b %Y")
SEPARATORS = ((".", "1,234.56"), (",", "1 234,56"))
DELIMITERS = {"comma": ",", "semicolon": ";", "tab": "\t", "pipe": "|"}
DELIMITER_LABELS = {
    "comma": gettext_lazy("Comma (,)"),
    "semicolon": gettext_lazy("Semicolon (;)"),
    "tab": gettext_lazy("Tab"),
    "pipe": gettext_lazy("Vertical bar (|)"),
}
ROW_FIELDS = {
    "date": gettext_lazy("Date"),
    "amount": gettext_lazy("Amount"),
    "balance": gettext_lazy("Balance"),
    "reference": gettext_lazy("Reference"),
}
# Header words that name a mapping field, tried in this order (a column serves one field).
GUESSES = (
    ("date", ("date", "day", "when")),
    ("balance", ("balance", "solde")),
    ("reference", ("reference", "ref", "cheque", "check", "id")),
    ("description", ("description", "details", "narrative", "memo", "label", "payee", "particulars", "libelle")),
    ("amount", ("amount", "montant", "betrag", "sum")),
    ("debit", ("debit", "withdrawal", "withdrawals", "out", "paid out", "money out")),
    ("credit", ("credit", "deposit", "deposits", "in", "paid in", "money in")),
)
_NUMBER_RE = re.compile(r"[-+]?[\d\s\u00a0.,']*\d")
_ROW_RE = re.compile(r"^rows\[(\d+)\]\.(\w+)$")
FORM_FIELDS = {"file", "csv_text", "date_format", "decimal_separator", "delimiter", *(n for n, _l, _h in COLUMNS)}


def _require(actor, *permissions: str) -> None:
    for permission in permissions:
        if not actor.can(permission):
            raise PermissionDenied(_("Missing permission %(permission)s") % {"permission": permission})


def _bank(pk):
    try:
        return queries.access_bank_account(pk)
    except NotFound:
        raise Http404("No such bank account") from None


def _statement_line(bank, line_id):
    try:
        line = queries.access_bank_transaction(line_id)
    except NotFound:
        raise Http404("No such statement line") from None
    if line.bank_account_id != bank.pk:
        raise Http404("No such statement line")
    return line


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _links(bank) -> dict:
    return {
        "bank_url": record_url("accounting", "bank-accounts", bank.pk),
        "import_url": reverse("accounting_bank_import", args=(bank.pk,)),
        "reconcile_url": reverse("accounting_bank_reconcile", args=(bank.pk,)),
    }


# ---- statement import ----------------------------------------------------------------------------------------


def _words(name: str) -> tuple[str, set[str]]:
    text = re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()
    return text, set(text.split())


def _guess_columns(header: list[str]) -> dict:
    """The mapping fields a header's names suggest: amount, else debit and credit."""
    free, found = list(header), {}
    for name, words in GUESSES:
        for column in free:
            text, tokens = _words(column)
            if any(word in tokens or word == text for word in words):
                found[name] = column
                free.remove(column)
                break
    if "amount" in found:
        found.pop("debit", None)
        found.pop("credit", None)
    return found


def _date_format_of(values: list[str]) -> str | None:
    """The first format that reads every value (None without values)."""
    for fmt in DATE_FORMATS:
        try:
            for value in values:
                datetime.datetime.strptime(value, fmt)  # noqa: DTZ007 (a calendar date)
        except ValueError:
            continue
        return fmt if values else None
    return None


def _guess_separator(values: list[str]) -> str:
    comma = any(re.search(r",\d{1,2}$", v) for v in values)
    point = any(re.search(r"\.\d{1,2}$", v) for v in values)
    return "," if comma and not point else "."


def _guess_delimiter(text: str) -> str:
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    return max(DELIMITERS, key=lambda key: first.count(DELIMITERS[key]))


def _initial_values(request, bank, text: str) -> dict:
    """The mapping to start from: the one saved for this bank account when the file has its columns, else the
    columns, date format and decimal separator guessed from the header and the first rows."""
    saved = request.session.get(SAVED_MAPPING.format(bank.pk))
    if saved:
        _text, header, _rows = services.read_statement(csv_text=text, delimiter=DELIMITERS[saved["delimiter"]])
        if all(saved.get(name) in ("", None, *header) for name, _label, _help in COLUMNS):
            return {**saved, "skip_duplicates": False}
    delimiter = _guess_delimiter(text)
    _text, header, sample = services.read_statement(csv_text=text, delimiter=DELIMITERS[delimiter], sample=PREVIEW_ROWS)
    columns = _guess_columns(header)

    def cells(*names):  # the non-blank cells of these columns in the first rows
        return [row[n].strip() for row in sample for n in names if isinstance(row.get(n), str) and row[n].strip()]

    if "date" not in columns:  # the first other column whose cells are all dates
        columns["date"] = next((c for c in header if c not in columns.values() and _date_format_of(cells(c))), "")
    numbers = [v for v in cells(*(c for c in header if c != columns["date"])) if _NUMBER_RE.fullmatch(v)]
    return {
        **{name: columns.get(name, "") for name, _label, _help in COLUMNS},
        "date_format": _date_format_of(cells(columns["date"])) or services.DATE_FORMAT,
        "decimal_separator": _guess_separator(numbers),
        "delimiter": delimiter,
        "skip_duplicates": False,
    }


def _posted_values(post) -> dict:
    delimiter = post.get("delimiter", "")
    return {
        **{name: post.get(name, "").strip() for name, _label, _help in COLUMNS},
        "date_format": post.get("date_format", "") or services.DATE_FORMAT,
        "decimal_separator": post.get("decimal_separator", ""),
        "delimiter": delimiter if delimiter in DELIMITERS else "comma",
        "skip_duplicates": post.get("skip_duplicates") == "on",
    }


def _mapping(values: dict) -> services.ColumnMapping:
    """The service's mapping from the form, parsed by the API's schema; its refusals name the form's fields."""
    if not values["date"]:
        raise ValidationFailed(_("Choose the column of the date"), code="required", field="date")
    try:
        schema = StatementMapping(
            **{name: values[name] or None for name, _label, _help in COLUMNS},
            date_format=values["date_format"],
            decimal_separator=values["decimal_separator"],
            delimiter=DELIMITERS[values["delimiter"]],
        )
    except pydantic.ValidationError as exc:
        errors = [FieldError(e["field"], e["code"], e["message"]) for e in pydantic_errors(exc.errors())]
        raise ValidationFailed(_("The mapping is not valid"), errors=errors) from None
    return services.ColumnMapping(**schema.dict())


def _sorted_errors(exc: DomainError) -> tuple[dict, dict, list]:
    """A refusal's errors by form field, by statement row ({row index: [(label, message)]}), and the others."""
    fields, rows, other = {}, {}, []
    for error in exc.errors:
        name = error.field.removeprefix("mapping.")
        found = _ROW_RE.match(name)
        if found:
            label = ROW_FIELDS.get(found[2], found[2])
            rows.setdefault(int(found[1]), []).append((label, error.message))
        elif name in FORM_FIELDS:
            fields.setdefault(name, error.message)
        else:
            other.append(error.message)
    if not exc.errors:
        other.append(exc.message)
    return fields, rows, other


def _cell(cells: dict, column: str) -> str:
    value = cells.get(column) if column else None
    return value.strip() if isinstance(value, str) else ""


def _preview_rows(values: dict, sample: list[dict], lines: dict, row_errors: dict) -> list[dict]:
    """The first rows as the import reads them: the line's fields, else the cells with the row's errors."""
    rows = []
    for i, cells in enumerate(sample):
        line = lines.get(i)
        errors = row_errors.get(i, [])
        blank = line is None and not errors and not any(str(v or "").strip() for v in cells.values())
        signed = None
        if line is not None:
            signed = line["amount"] if line["transaction_type"] == BankTransactionType.CREDIT else -line["amount"]
        raw_amount = _cell(cells, values["amount"]) or " / ".join(
            filter(None, (_cell(cells, values["debit"]), _cell(cells, values["credit"])))
        )
        rows.append(
            {
                "number": i + 1,
                "line": line,
                "signed": signed,
                "errors": errors,
                "blank": blank,
                "cells": {
                    "date": _cell(cells, values["date"]),
                    "description": _cell(cells, values["description"]),
                    "reference": _cell(cells, values["reference"]),
                    "amount": raw_amount,
                    "balance": _cell(cells, values["balance"]),
                },
            }
        )
    return rows


def _too_large(field: str) -> ValidationFailed:
    message = _("The statement is larger than %(size)s: import it through the API") % {"size": filesizeformat(MAX_TEXT)}
    return ValidationFailed(message, code="too_large", field=field)


def _text_field(request, name: str) -> str:
    text = request.POST.get(name, "")
    if len(text.encode()) > MAX_TEXT:
        raise _too_large(name)
    return text


def _mapping_page(request, bank, text: str, values: dict, refusal: DomainError | None = None, status: int = 200):
    """The mapping form and the preview of the first rows; `refusal` is the import's, shown next to its fields
    and rows."""
    fields, row_errors, other = _sorted_errors(refusal) if refusal else ({}, {}, [])
    header, sample, preview = [], [], None
    try:
        _text, header, sample = services.read_statement(
            csv_text=text, delimiter=DELIMITERS[values["delimiter"]], sample=PREVIEW_ROWS
        )
        preview = services.preview_bank_statement(
            bank_account=bank, csv_text=text, mapping=_mapping(values), limit=PREVIEW_ROWS
        )
    except ValidationFailed as exc:
        found_fields, found_rows, found_other = _sorted_errors(exc)
        fields = {**found_fields, **fields}
        other += [message for message in found_other if message not in other]
        for i, errors in found_rows.items():
            row_errors.setdefault(i, []).extend(errors)
        status = 422
    if preview:
        for error in preview["errors"]:
            i, _field = _ROW_RE.match(error.field).groups()
            row_errors.setdefault(int(i), []).append((ROW_FIELDS.get(_field, _field), error.message))
    row_errors = {i: list(dict.fromkeys(errors)) for i, errors in row_errors.items()}  # the import's and preview's
    later = sorted(
        (i + 1, label, message) for i, errors in row_errors.items() if i >= len(sample) for label, message in errors
    )
    formats = DATE_FORMATS if values["date_format"] in DATE_FORMATS else (values["date_format"], *DATE_FORMATS)
    example = timezone.localdate().replace(month=12, day=31)  # day and month told apart
    context = {
        **_links(bank),
        "bank": bank,
        "step": "mapping",
        "text": text,
        "values": values,
        "header": header,
        "columns": [
            {"name": n, "label": label, "help": help_text, "value": values[n], "error": fields.get(n)}
            for n, label, help_text in COLUMNS
        ],
        "date_formats": [(fmt, example.strftime(fmt)) for fmt in formats],
        "separators": SEPARATORS,
        "delimiters": list(DELIMITER_LABELS.items()),
        "errors": fields,
        "other_errors": other,
        "sample": sample,
        "preview": preview,
        "preview_rows": _preview_rows(values, sample, preview["lines"] if preview else {}, row_errors),
        "refused_rows": sum(1 for errors in row_errors.values() if errors),
        "later_errors": later,
    }
    return TemplateResponse(request, "accounting/banks/import.html", context, status=status)


def _upload_page(request, bank, refusal: DomainError | None = None):
    fields, _rows, other = _sorted_errors(refusal) if refusal else ({}, {}, [])
    context = {
        **_links(bank),
        "bank": bank,
        "step": "upload",
        "pasted": request.POST.get("csv_text", ""),
        "errors": fields,
        "other_errors": other,
        "max_size": MAX_TEXT,
    }
    return TemplateResponse(request, "accounting/banks/import.html", context, status=422 if refusal else 200)


def _uploaded(request, bank):
    """Step 1: the file or the pasted text, read as the import reads it; then the mapping step."""
    upload = request.FILES.get("file")
    try:
        if upload is not None:
            if upload.size > MAX_TEXT:
                raise _too_large("file")
            text, _header, _rows = services.read_statement(file=upload.read())
        else:
            pasted = _text_field(request, "csv_text")
            if not pasted.strip():
                raise ValidationFailed(_("Choose a file or paste the statement"), code="required", field="file")
            text, _header, _rows = services.read_statement(csv_text=pasted)
        values = _initial_values(request, bank, text)
    except ValidationFailed as exc:
        return _upload_page(request, bank, exc)
    return _mapping_page(request, bank, text, values)


@never_cache
@require_http_methods(["GET", "POST"])
@desk_page(IMPORT)
def import_statement(request, actor, pk):
    """Upload (a file or pasted text) → map the columns and preview the first rows → import, every line or none;
    refusals shown next to their field or row, nothing written."""
    bank = _bank(pk)
    step = request.POST.get("step")
    if request.method == "GET":
        return _upload_page(request, bank)
    if step == "upload":
        return _uploaded(request, bank)
    values = _posted_values(request.POST)
    try:
        text = _text_field(request, "csv_text")
    except ValidationFailed as exc:
        return _upload_page(request, bank, exc)
    if step != "import":
        return _mapping_page(request, bank, text, values)
    try:
        result = services.import_bank_statement(
            actor=actor.user,
            bank_account_id=bank.pk,
            csv_text=text,
            mapping=_mapping(values),
            skip_duplicates=values["skip_duplicates"],
        )
    except DomainError as exc:
        return _mapping_page(request, bank, text, values, exc, status=422)
    request.session[SAVED_MAPPING.format(bank.pk)] = {**values, "skip_duplicates": False}
    imported = ngettext("%(count)d line imported", "%(count)d lines imported", result["imported"]) % {
        "count": result["imported"]
    }
    if result["skipped_duplicates"]:
        imported += "; " + ngettext(
            "%(count)d line imported already was skipped",
            "%(count)d lines imported already were skipped",
            result["skipped_duplicates"],
        ) % {"count": result["skipped_duplicates"]}
    messages.success(request, imported + ".")
    return redirect("accounting_bank_reconcile", pk=bank.pk)


# ---- reconciliation ------------------------------------------------------------------------------------------


def _filters(params) -> tuple[dict, dict, dict]:
    """(the filter form's values, the valid filters, the errors by field): status and a date range, parsed by the
    API's schema; a bad value is shown next to its field and left out."""
    raw = {name: params.get(name, "").strip() for name in ("status", "date_from", "date_to")}
    given = {name: value for name, value in raw.items() if value}
    try:
        return raw, BankTransactionFilters(**given).dict(), {}
    except pydantic.ValidationError as exc:
        errors = {e["field"]: e["message"] for e in pydantic_errors(exc.errors())}
    valid = BankTransactionFilters(**{n: v for n, v in given.items() if n not in errors}).dict()
    return raw, valid, errors


def _signed(row) -> Decimal:
    return row.amount if row.transaction_type == BankTransactionType.CREDIT else -row.amount


def _workspace(
    request,
    actor,
    bank,
    *,
    selected=None,
    outcome: str = "",
    refusal: DomainError | None = None,
    entry_form: dict | None = None,
    focus: str = "",
    status: int = 200,
):
    """The reconciliation of `bank`: summary (as of the filter's end, else the statement's last line), statement
    lines, the selected line's suggestions and the book lines not matched, in a constant number of queries. The
    whole page, or its workspace for htmx."""
    raw, filters, filter_errors = _filters(request.GET)
    try:
        lines = queries.bank_transactions(bank_account=bank, **filters)
    except ValidationFailed as exc:
        filter_errors.update({e.field: e.message for e in exc.errors})
        filters.update(date_from=None, date_to=None)
        lines = queries.bank_transactions(bank_account=bank, **filters)
    pending_first = Case(When(status=BankTransactionStatus.UNMATCHED, then=0), default=1, output_field=IntegerField())
    rows = list(lines.alias(pending=pending_first).order_by("pending", "transaction_date", "id")[: MAX_LINES + 1])
    truncated, rows = len(rows) > MAX_LINES, rows[:MAX_LINES]
    if selected is None:
        wanted = request.GET.get("line", "")
        selected = next((row for row in rows if str(row.pk) == wanted), None)
        if selected is None and wanted:
            try:
                selected = _statement_line(bank, uuid.UUID(wanted))
            except ValueError:
                raise Http404("No such statement line") from None
        if selected is None:
            selected = next((row for row in rows if row.status == BankTransactionStatus.UNMATCHED), None)
    unmatched = selected is not None and selected.status == BankTransactionStatus.UNMATCHED
    last = queries.bank_transactions(bank_account=bank).order_by("-transaction_date")
    as_of = filters["date_to"] or last.values_list("transaction_date", flat=True).first() or timezone.localdate()
    book = [
        item
        for item in queries.unreconciled_items(bank)
        if item["source"] == "LEDGER"
        and (not filters["date_from"] or item["date"] >= filters["date_from"])
        and (not filters["date_to"] or item["date"] <= filters["date_to"])
    ]
    summary = queries.reconciliation_summary(bank, as_of=as_of)
    filter_query = urlencode({name: value for name, value in raw.items() if value and name not in filter_errors})
    can_reconcile = actor.can(RECONCILE)
    context = {
        **_links(bank),
        "bank": bank,
        "currency": bank.currency.code,
        "raw": raw,
        "filter_errors": filter_errors,
        "filter_query": filter_query,
        "filter_items": [(n, v) for n, v in raw.items() if v and n not in filter_errors],
        "statuses": BankTransactionStatus.choices,
        "rows": [{"line": row, "signed": _signed(row), "selected": row == selected} for row in rows],
        "truncated": truncated,
        "max_lines": MAX_LINES,
        "selected": selected,
        "selected_signed": _signed(selected) if selected else None,
        "suggestions": [
            {"line": s, "signed": s.amount if s.entry_type == EntryType.DEBIT else -s.amount}
            for s in (queries.suggest_matches(selected) if unmatched else ())
        ],
        "match_days": queries.DEFAULT_MATCH_DAYS,
        "book": book[:MAX_LINES],
        "book_truncated": len(book) > MAX_LINES,
        "summary": summary,
        "statement_date": summary["statement_date"] or as_of,
        "outcome": outcome,
        "refusal": refusal.message if refusal else "",
        "entry_form": entry_form
        or (
            {"values": {"account": "", "narration": selected.description, "date": selected.transaction_date}}
            if unmatched
            else {}
        ),
        "focus": focus or ("error" if refusal else "outcome" if outcome else ""),
        "can_import": actor.can(IMPORT),
        "can_reconcile": can_reconcile,
        "can_post_entry": can_reconcile and all(actor.can(p) for p in POST_ENTRY),
        "unmatched_status": BankTransactionStatus.UNMATCHED,
        "matched_status": BankTransactionStatus.MATCHED,
    }
    template = "accounting/banks/_workspace.html" if _is_htmx(request) else "accounting/banks/reconcile.html"
    return TemplateResponse(request, template, context, status=status)


def _done(request, actor, bank, outcome: str, *, selected=None):
    """After a write: the workspace for htmx, else a redirect to the page (same filters) with the outcome."""
    if _is_htmx(request):
        return _workspace(request, actor, bank, outcome=outcome, selected=selected)
    messages.success(request, outcome)
    query = request.GET.copy()
    query.pop("line", None)
    if selected is not None:
        query["line"] = str(selected.pk)
    url = reverse("accounting_bank_reconcile", args=(bank.pk,))
    return redirect(f"{url}?{query.urlencode()}" if query else url)


@never_cache
@require_GET
@desk_page(VIEW[0])
def reconcile(request, actor, pk):
    """The reconciliation screen of a bank account (`?status=&date_from=&date_to=` filter the statement lines and
    set the summary's date, `?line=` selects the line whose matches are shown)."""
    _require(actor, *VIEW)
    bank = _bank(pk)
    return _workspace(request, actor, bank, focus="matches" if "line" in request.GET else "")


@never_cache
@require_POST
@desk_page(RECONCILE)
def match(request, actor, pk, line_id):
    """Match a statement line to a book line (`journal_line`), as the API's match endpoint."""
    _require(actor, *VIEW)
    bank = _bank(pk)
    line = _statement_line(bank, line_id)
    try:
        body = MatchIn(journal_line=request.POST.get("journal_line", ""))
    except pydantic.ValidationError:
        return _workspace(
            request, actor, bank, selected=line, refusal=ValidationFailed(_("Choose a book line")), status=422
        )
    try:
        services.match_bank_transaction(
            actor=actor.user, bank_transaction_id=line.pk, journal_line_id=body.journal_line
        )
    except DomainError as exc:
        return _workspace(request, actor, bank, selected=line, refusal=exc, status=422)
    return _done(request, actor, bank, _("The line of %(date)s is matched.") % {"date": _day(line)})


@never_cache
@require_POST
@desk_page(RECONCILE)
def unmatch(request, actor, pk, line_id):
    """Undo the match of a statement line (a reconciled line stays reconciled)."""
    _require(actor, *VIEW)
    bank = _bank(pk)
    line = _statement_line(bank, line_id)
    try:
        line = services.unmatch_bank_transaction(actor=actor.user, bank_transaction_id=line.pk)
    except DomainError as exc:
        return _workspace(request, actor, bank, selected=line, refusal=exc, status=422)
    return _done(request, actor, bank, _("The line of %(date)s is unmatched.") % {"date": _day(line)}, selected=line)


@never_cache
@require_POST
@desk_page(RECONCILE)
def reconcile_up_to(request, actor, pk):
    """Reconcile the matched lines up to the statement date, as the API's reconcile endpoint."""
    _require(actor, *VIEW)
    bank = _bank(pk)
    try:
        body = ReconcileIn(statement_date=request.POST.get("statement_date", ""))
    except pydantic.ValidationError:
        refusal = ValidationFailed(_("Enter the statement date"), field="statement_date")
        return _workspace(request, actor, bank, refusal=refusal, status=422)
    try:
        count = services.reconcile_bank_account(
            actor=actor.user, bank_account_id=bank.pk, statement_date=body.statement_date
        )
    except DomainError as exc:
        return _workspace(request, actor, bank, refusal=exc, status=422)
    outcome = ngettext(
        "%(count)d line reconciled up to %(date)s.", "%(count)d lines reconciled up to %(date)s.", count
    ) % {"count": count, "date": format_day(body.statement_date)}
    return _done(request, actor, bank, outcome)


def _entry_field(field: str) -> str:
    """The form field a posting's refusal is shown next to: the contra account is the entry's second line."""
    if field.startswith("lines[1]"):
        return "account"
    return field if field in ("date", "narration") else ""


@never_cache
@require_POST
@desk_page(RECONCILE)
def create_entry(request, actor, pk, line_id):
    """Post the entry a statement line is missing (the bank's ledger account against the contra account, for the
    line's amount) and match the line to its bank line, both or neither."""
    _require(actor, *VIEW, *POST_ENTRY)
    bank = _bank(pk)
    line = _statement_line(bank, line_id)
    values = {
        "account": request.POST.get("account", "").strip(),
        "narration": request.POST.get("narration", "").strip(),
        "date": request.POST.get("date", "").strip(),
    }
    money_in = line.transaction_type == BankTransactionType.CREDIT
    bank_side, contra_side = (EntryType.DEBIT, EntryType.CREDIT) if money_in else (EntryType.CREDIT, EntryType.DEBIT)
    try:
        if not values["account"]:
            raise ValidationFailed(_("Enter the code of the contra account"), code="required", field="lines[1].account")
        try:
            day = datetime.date.fromisoformat(values["date"])
        except ValueError:
            raise ValidationFailed(_("Enter a date"), code="invalid", field="date") from None
        postings = [
            journal.PostingLine(
                account=bank.account_id, side=bank_side, amount=line.amount, currency=bank.currency.code
            ),
            journal.PostingLine(
                account=values["account"], side=contra_side, amount=line.amount, currency=bank.currency.code
            ),
        ]
        data = journal.EntryInput(
            date=day,
            journal_type="RCP" if money_in else "PAY",
            narration=values["narration"],
            reference_number=line.reference_number[:50],
            lines=postings,
        )
        with transaction.atomic():
            entry = journal.create_and_post(actor=actor.user, data=data)
            bank_line = next(posted for posted in entry.lines.all() if posted.line_no == 1)
            services.match_bank_transaction(actor=actor.user, bank_transaction_id=line.pk, journal_line_id=bank_line.pk)
    except DomainError as exc:
        errors = {}
        for error in exc.errors:
            errors.setdefault(_entry_field(error.field), error.message)
        form = {"values": values, "errors": errors}
        general = errors.pop("", None) or ("" if errors else exc.message)
        refusal = ValidationFailed(general) if general else None
        return _workspace(
            request, actor, bank, selected=line, refusal=refusal, entry_form=form, focus="entry", status=422
        )
    outcome = _("Entry %(number)s is posted and matched to the line of %(date)s.") % {
        "number": entry.entry_number,
        "date": _day(line),
    }
    return _done(request, actor, bank, outcome)


def _day(line) -> str:
    return format_day(line.transaction_date)
