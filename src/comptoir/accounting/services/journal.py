"""Journal entries: DRAFT → POSTED → REVERSED (by a posted reversal entry), DRAFT → CANCELLED, moved by the one
document skeleton (`platform.documents.move_document`) along `ENTRY_TRANSITIONS`.

`post_document()` is the posting protocol of the books: every module that moves value (invoices, payments, payroll,
depreciation, stock valuation…) posts a typed source reference, a date, a journal type and `PostingLine`s through
it, in its own transaction. A source posts at most once (409 `already_posted`) until its entry is reversed.

An entry posts only if it has ≥ 2 lines, every amount is > 0, Σ debit = Σ credit in base currency, every account
is an active account of the organization, cost centers sit only on cost-center accounts, its date is in an OPEN
period of an open fiscal year, and the organization is not locked. PostgreSQL enforces the same a second time
(migration 0002). The balance cache is updated and the number taken last, in the posting transaction."""

from __future__ import annotations

import datetime
import hashlib
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from comptoir.accounting.constants import EntryStatus, EntryType, PeriodStatus
from comptoir.accounting.errors import AccountingError
from comptoir.accounting.locks import lock_entry
from comptoir.accounting.models import Account, Budget, FiscalPeriod, FiscalYear, JournalEntry, JournalLine, JournalType
from comptoir.accounting.module import (
    ENTRY_SERIES,
    JOURNAL_ENTRY_CANCELLED,
    JOURNAL_ENTRY_POSTED,
    JOURNAL_ENTRY_REVERSED,
)
from comptoir.accounting.services.books import SHARED_BOOKS_LOCK, books_lock_key, record_posting
from comptoir.accounting.services.budgets import check_budgets
from comptoir.accounting.services.chart import resolve_account, resolve_cost_center
from comptoir.platform.constants import AuditAction
from comptoir.platform.db import insert_rows, prepared_cursor, remember_related
from comptoir.platform.documents import move_document
from comptoir.platform.errors import Conflict, ValidationFailed
from comptoir.platform.models import Currency, ExchangeRate, Organization, OrganizationFeature, Workspace
from comptoir.platform.modules import registry
from comptoir.platform.money import check_amount, decimal_of, round_money
from comptoir.platform.services.audit import record_audit
from comptoir.platform.services.features import OrganizationLocked
from comptoir.platform.services.numbering import next_number
from comptoir.platform.tenancy import require_org_id

_LABEL_RE = re.compile(r"^[A-Za-z0-9-]{1,12}$")
SOURCE_CONSTRAINT = "journal_entry_source_posts_once"


@dataclass(frozen=True)
class SourceRef:
    """The document an entry is written for (a type its module declares in `posting_documents`, such as
    `'accounting.fiscalyear'`; its id), or a line's party."""

    document_type: str
    document_id: uuid.UUID


@dataclass(frozen=True)
class PostingLine:
    """One line of a posting. `account` and `cost_center` are a row, its id or its code; `currency` an ISO code
    (the base currency when None); `exchange_rate` to the base currency (the rate of the day when None).
    `base_amount`, when given, is the line's base-currency amount instead of amount × rate: a settlement that
    clears a bill at the bill's own base amount (the difference goes to an exchange gain or loss line)."""

    account: object
    side: str  # EntryType.DEBIT or EntryType.CREDIT
    amount: Decimal
    currency: str | None = None
    exchange_rate: Decimal | None = None
    party: SourceRef | None = None
    cost_center: object = None
    against_entry: uuid.UUID | None = None  # the posted entry (a bill) this line settles
    due_date: datetime.date | None = None
    description: str = ""
    base_amount: Decimal | None = None


def base_of(line: PostingLine, base: Currency) -> Decimal:
    """The base-currency amount a line with its rate posts: its `base_amount`, else amount × rate rounded."""
    if line.base_amount is not None:
        return line.base_amount
    return round_money(line.amount * (line.exchange_rate or 1), base)


def unbalanced_by(lines: Sequence[PostingLine], base: Currency) -> Decimal:
    """Σ debit − Σ credit in the base currency of lines that carry their rates (`base_of`): what a balancing line
    must make up (credit it when positive, debit it when negative)."""
    return sum((base_of(p, base) * (1 if p.side == EntryType.DEBIT else -1) for p in lines), Decimal(0))


@dataclass(frozen=True)
class _Books:
    """What a posting reads before it writes, in one statement (`_books_of`)."""

    base: Currency
    workspace_id: uuid.UUID
    locked: bool
    journal_type: JournalType
    period: FiscalPeriod | None
    has_active_budget: bool
    accounts: dict  # the accounts asked for, by id and by code


# One round trip: the books' shared lock (held to the end of the posting: a rebuild of the caches waits for it), the
# base currency, the default workspace, the freeze flag (share-locked, so a concurrent freeze
# waits for this posting: see platform.services.features), the journal type, the period of the day with its year
# (share-locked, so closing it waits for this posting and later postings see it closed) and whether any budget is
# active, and the accounts the lines name. Row-level security scopes every table to the organization in context.
_ACCOUNT_FIELDS = tuple(  # in the model's field order, as Model.from_db expects them
    f.attname
    for f in Account._meta.concrete_fields
    if f.attname in {"id", "code", "name", "account_type", "is_active", "is_cost_center_applicable"}
)
_BOOKS_SQL = f"""
SELECT {SHARED_BOOKS_LOCK}, c.id, c.code, c.decimal_places,
       (SELECT w.id FROM {Workspace._meta.db_table} w WHERE w.organization_id = o.id AND w.is_default LIMIT 1),
       (SELECT f.locked FROM {OrganizationFeature._meta.db_table} f WHERE f.organization_id = o.id FOR SHARE),
       t.id, t.code, t.prefix, t.is_active,
       p.id, p.status, p.fiscal_year_id, p.name, p.is_closed, p.start_date,
       EXISTS (SELECT 1 FROM {Budget._meta.db_table} b
                WHERE b.organization_id = o.id AND b.status = 'ACTIVE' AND b.deleted_at IS NULL),
       (SELECT json_agg(json_build_array({", ".join(f"a.{f}" for f in _ACCOUNT_FIELDS)}))
          FROM {Account._meta.db_table} a
         WHERE a.organization_id = o.id AND (a.id = ANY(%(ids)s::uuid[]) OR a.code = ANY(%(codes)s::text[])))
  FROM {Organization._meta.db_table} o
  JOIN {Currency._meta.db_table} c ON c.id = o.base_currency_id
  LEFT JOIN {JournalType._meta.db_table} t ON t.organization_id = o.id AND t.code = %(journal_type)s
  LEFT JOIN LATERAL (
       SELECT p.id, p.status, p.fiscal_year_id, y.name, y.is_closed, y.start_date
         FROM {FiscalPeriod._meta.db_table} p JOIN {FiscalYear._meta.db_table} y ON y.id = p.fiscal_year_id
        WHERE p.organization_id = o.id AND p.start_date <= %(day)s AND p.end_date >= %(day)s
        ORDER BY p.start_date LIMIT 1 FOR SHARE OF p) p ON true
 WHERE o.id = %(org)s
"""  # noqa: S608 (model tables)


def _books_of(day: datetime.date, journal_type: str, account_refs=()) -> _Books:
    """The books of the organization in context for a posting of `journal_type` (a code) on `day`, with the
    accounts named by `account_refs` (ids or codes)."""
    ids, codes = [], []
    for ref in account_refs:
        try:
            ids.append(uuid.UUID(str(ref)))
        except ValueError:
            codes.append(str(ref))
    org_id = require_org_id()
    params = {"journal_type": journal_type or "", "day": day, "org": org_id, "ids": ids, "codes": codes}
    params["books_lock"] = books_lock_key(org_id)
    with prepared_cursor() as cursor:
        cursor.execute(_BOOKS_SQL, params)
        row = cursor.fetchone()[1:]
    currency_id, code, decimals, workspace_id, locked, type_id, type_code, prefix, type_active = row[:9]
    period_id, period_status, year_id, year_name, year_closed, year_start, has_budget, found = row[9:]
    accounts = {}
    for values in found or ():
        account = Account.from_db("default", _ACCOUNT_FIELDS, [uuid.UUID(values[0]), *values[1:]])
        accounts[account.pk] = accounts[account.code] = account
    if type_id is None:
        raise ValidationFailed(
            _("No journal type '%(journal_type)s'") % {"journal_type": journal_type},
            code="unknown",
            field="journal_type",
        )
    if not type_active:
        raise ValidationFailed(
            _("Journal type %(type_code)s is inactive") % {"type_code": type_code},
            code="inactive",
            field="journal_type",
        )
    period = None
    if period_id is not None:
        year = FiscalYear(id=year_id, name=year_name, is_closed=year_closed, start_date=year_start)
        period = FiscalPeriod(id=period_id, status=period_status, fiscal_year=year)
    return _Books(
        base=Currency(id=currency_id, code=code, decimal_places=decimals),
        workspace_id=workspace_id,
        locked=bool(locked),
        journal_type=JournalType(id=type_id, code=type_code, prefix=prefix, is_active=type_active),
        period=period,
        has_active_budget=has_budget,
        accounts=accounts,
    )


def _rate(given, currency: Currency, base: Currency, day: datetime.date, field: str) -> Decimal:
    if currency.pk == base.pk:
        if given is not None and decimal_of(given, field=f"{field}.exchange_rate") != 1:
            raise ValidationFailed(
                _("A line in the base currency has rate 1"), code="invalid_rate", field=f"{field}.exchange_rate"
            )
        return Decimal(1)
    if given is not None:
        rate = decimal_of(given, field=f"{field}.exchange_rate")
    else:
        rate = (
            ExchangeRate.objects.filter(from_currency=currency, to_currency=base, rate_date__lte=day)
            .order_by("-rate_date")
            .values_list("rate", flat=True)
            .first()
        )
        if rate is None:
            raise ValidationFailed(
                _("No %(currency_code)s/%(base_code)s rate on or before %(day)s; give exchange_rate")
                % {"currency_code": currency.code, "base_code": base.code, "day": day},
                code="missing_exchange_rate",
                field=f"{field}.exchange_rate",
            )
    if rate <= 0:
        raise ValidationFailed(_("The rate must be positive"), code="invalid_rate", field=f"{field}.exchange_rate")
    return rate


def _account_refs(postings: Sequence[PostingLine]) -> list:
    return [p.account for p in postings if p.account not in (None, "") and not isinstance(p.account, Account)]


def _build_lines(postings: Sequence[PostingLine], *, books: _Books, day: datetime.date) -> list[JournalLine]:
    if not postings:
        raise ValidationFailed(_("An entry needs lines"), code="required", field="lines")
    base = books.base
    currencies: dict[str, Currency | None] = {base.code: base}
    lines = []
    accounts = [_account(books, p.account, f"lines[{i}].account") for i, p in enumerate(postings)]
    for i, (posting, account) in enumerate(zip(postings, accounts, strict=True)):
        field = f"lines[{i}]"
        if posting.side not in EntryType.values:
            raise ValidationFailed(_("entry_type is DR or CR"), code="invalid", field=f"{field}.entry_type")
        amount = decimal_of(posting.amount, field=f"{field}.amount")
        if amount <= 0:
            raise ValidationFailed(
                _("Every amount must be positive"), code="amount_not_positive", field=f"{field}.amount"
            )
        code = posting.currency or base.code
        if code not in currencies:
            currencies[code] = Currency.objects.filter(code=code).first()
        currency = currencies[code]
        if currency is None:
            raise ValidationFailed(
                _("Unknown currency %(code)s") % {"code": code}, code="unknown", field=f"{field}.currency"
            )
        check_amount(amount, currency, field=f"{field}.amount")
        rate = _rate(posting.exchange_rate, currency, base, day, field)
        base_amount = round_money(amount * rate, base)
        if posting.base_amount is not None:
            given = check_amount(decimal_of(posting.base_amount, field=f"{field}.base_amount"), base,
                                 field=f"{field}.base_amount")  # fmt: skip
            if currency.pk == base.pk and given != amount:
                raise ValidationFailed(
                    _("A line in the base currency has its amount as base amount"),
                    code="invalid_rate",
                    field=f"{field}.base_amount",
                )
            base_amount = given
        if base_amount <= 0:
            raise ValidationFailed(
                _("The amount is nil in base currency"), code="amount_not_positive", field=f"{field}.amount"
            )
        cost_center = None
        if posting.cost_center:
            cost_center = resolve_cost_center(posting.cost_center, f"{field}.cost_center")
            if not account.is_cost_center_applicable:
                raise ValidationFailed(
                    _("Account %(code)s takes no cost center") % {"code": account.code},
                    code="cost_center_not_applicable",
                    field=f"{field}.cost_center",
                )
        against = None
        if posting.against_entry:
            against = JournalEntry.objects.filter(pk=posting.against_entry).only("status").first()
            if against is None:
                raise ValidationFailed(_("No such entry"), code="unknown", field=f"{field}.against_entry")
            if against.status != EntryStatus.POSTED:
                raise ValidationFailed(
                    _("A line settles a posted entry only"), code="not_posted", field=f"{field}.against_entry"
                )
        lines.append(
            JournalLine(
                line_no=i + 1,
                account=account,
                entry_type=posting.side,
                amount=amount,
                currency=currency,
                exchange_rate=rate,
                base_amount=base_amount,
                cost_center=cost_center,
                against_entry=against,
                due_date=posting.due_date,
                remarks=(posting.description or "")[:255],
                party_type=posting.party.document_type if posting.party else "",
                party_id=posting.party.document_id if posting.party else None,
                entry_date=day,
            )
        )
    return lines


def _account(books: _Books, ref, field: str) -> Account:
    """The account named by `ref` (read with the books), else the chart's field error."""
    if isinstance(ref, Account):
        return ref
    try:
        key = uuid.UUID(str(ref))
    except ValueError:
        key = str(ref)
    return books.accounts.get(key) or resolve_account(ref, field)


def _totals(lines) -> tuple[Decimal, Decimal]:
    debit = sum((line.base_amount for line in lines if line.entry_type == EntryType.DEBIT), Decimal(0))
    credit = sum((line.base_amount for line in lines if line.entry_type == EntryType.CREDIT), Decimal(0))
    return debit, credit


def _insert(*, actor, books: _Books, day, narration: str, lines, source: SourceRef | None, **extra) -> JournalEntry:
    """The DRAFT entry and its lines (two statements). A source with a live entry already is refused (409), one
    of a type no module declares as posting to the books (`ModuleSpec.posting_documents`) with 422."""
    if source is not None and source.document_type not in registry().posting_documents:
        raise ValidationFailed(
            _("No module declares %(document_type)r as a document that posts to the books")
            % {"document_type": source.document_type},
            code=AccountingError.UNDECLARED_SOURCE,
            field="source_type",
        )
    if books.period is None:
        raise ValidationFailed(
            _("No fiscal period contains %(day)s") % {"day": day}, code="no_fiscal_period", field="date"
        )
    debit, credit = _totals(lines)
    entry = JournalEntry(
        organization_id=require_org_id(),
        journal_type=books.journal_type,
        fiscal_year=books.period.fiscal_year,
        fiscal_period=books.period,
        date=day,
        narration=narration,
        currency=books.base,
        total_debit=debit,
        total_credit=credit,
        created_by=actor,
        updated_by=actor,
        workspace_id=extra.pop("workspace_id", None) or books.workspace_id,
        source_type=source.document_type if source else "",
        source_id=source.document_id if source else None,
        **extra,
    )
    try:
        insert_rows([entry])
    except IntegrityError as exc:
        if SOURCE_CONSTRAINT not in str(exc):
            raise
        raise Conflict(
            _("%(document_type)s %(document_id)s is already posted; reverse its entry first")
            % {"document_type": source.document_type, "document_id": source.document_id},
            code=AccountingError.ALREADY_POSTED,
        ) from None
    for line in lines:
        line.entry = entry
        line.organization_id = entry.organization_id
        line.created_by = line.updated_by = actor
    insert_rows(lines)
    _with_lines(entry, lines)
    return entry


def _with_lines(entry: JournalEntry, lines: list[JournalLine]) -> None:
    """Remember the lines on the entry, as a prefetch would (`entry.lines.all()` reads nothing again; a filtered
    `entry.lines` still queries)."""
    remember_related(entry, "lines", lines)


def _number(entry: JournalEntry) -> str:
    """JV-2026-000001: the declared `JE` series, a counter per journal type and fiscal year, taken last in the
    posting transaction."""
    journal_type, year = entry.journal_type, entry.fiscal_year
    code = journal_type.prefix or journal_type.code
    part = f"{code}:{year.name}"
    if len(part) > 47:  # the counter key is JE:<part>, at most 50 characters
        part = hashlib.sha256(f"{journal_type.pk}:{year.pk}".encode()).hexdigest()[:40]
    label = year.name if _LABEL_RE.match(year.name) else f"{year.start_date:%Y}"
    return next_number(document_type=ENTRY_SERIES, on=entry.date, part=part, labels={"type": code, "year": label})


def _to_ledger(*, actor, entry: JournalEntry, lines, books: _Books) -> None:
    """Every rule of the books (module docstring), the budgets, then the balance caches, on a DRAFT entry whose
    lines are `lines` (accounts loaded). The caller moves it to POSTED and numbers it."""
    if books.locked:
        raise OrganizationLocked(_("The organization is locked: no financial transaction may be written"))
    if len(lines) < 2:
        raise ValidationFailed(_("An entry needs at least two lines"), code="too_few_lines", field="lines")
    for i, line in enumerate(lines):  # amounts are positive already (`_build_lines`, and a CHECK on stored lines)
        if not line.account.is_active:
            raise ValidationFailed(
                _("Account %(code)s is inactive") % {"code": line.account.code},
                code="inactive_account",
                field=f"lines[{i}].account",
            )
        if line.cost_center_id and not line.account.is_cost_center_applicable:
            raise ValidationFailed(
                _("Account %(code)s takes no cost center") % {"code": line.account.code},
                code="cost_center_not_applicable",
                field=f"lines[{i}].cost_center",
            )
    debit, credit = _totals(lines)
    if debit != credit:
        raise ValidationFailed(
            _("Debits (%(debit)s) and credits (%(credit)s) differ in base currency")
            % {"debit": debit, "credit": credit},
            code="unbalanced",
            field="lines",
        )
    period = books.period
    if period is None or period.pk != entry.fiscal_period_id:
        raise ValidationFailed(
            _("No fiscal period contains %(date)s") % {"date": entry.date}, code="no_fiscal_period", field="date"
        )
    if period.fiscal_year.is_closed:
        raise Conflict(
            _("Fiscal year %(name)s is closed") % {"name": period.fiscal_year.name},
            code="fiscal_year_closed",
            field="date",
        )
    if period.status != PeriodStatus.OPEN:
        raise Conflict(_("The period of %(date)s is closed") % {"date": entry.date}, code="period_closed", field="date")
    # Budgets (services/budgets.py): refuse or warn when the entry takes an active budget over its allocation.
    if books.has_active_budget:
        check_budgets(actor=actor, entry=entry)
    entry.total_debit, entry.total_credit = debit, credit
    record_posting(entry=entry, lines=lines)


def _payload(entry: JournalEntry) -> dict:
    return {
        "id": entry.pk,
        "entry_number": entry.entry_number,
        "status": entry.status,
        "date": entry.date,
        "journal_type": entry.journal_type.code,
        "total": entry.total_debit,
        "currency": entry.currency.code,
        "source_type": entry.source_type,
        "source_id": entry.source_id,
        "reversed_entry": entry.reversed_entry_id,
    }


def _post(*, actor, lock, lines_of, books_of) -> JournalEntry:
    """The posting of one entry through the document skeleton: `lock()` gives the DRAFT entry, `lines_of(entry)`
    its lines, `books_of(entry)` the books it posts into."""
    lines: list[JournalLine] = []

    def to_ledger(entry):
        lines[:] = lines_of(entry)
        _to_ledger(actor=actor, entry=entry, lines=lines, books=books_of(entry))

    entry = move_document(
        lock,
        actor=actor,
        to=EntryStatus.POSTED,
        action=AuditAction.POST,
        post=to_ledger,
        number=_number,
        also=("total_debit", "total_credit"),
        audit=lambda entry: {"total": entry.total_debit},
        event_type=JOURNAL_ENTRY_POSTED,
        payload=_payload,
    )
    if "lines" not in getattr(entry, "_prefetched_objects_cache", {}):  # a new entry has them since its insert
        _with_lines(entry, lines)
    return entry


def _post_new(*, actor, write) -> JournalEntry:
    """Post the entry `write()` inserts (returning it with the books it posts into and its lines), all in the one
    transaction of the document skeleton."""
    written: dict = {}

    def insert() -> JournalEntry:
        written["books"], entry, written["lines"] = write()
        return entry

    return _post(
        actor=actor, lock=insert, lines_of=lambda _entry: written["lines"], books_of=lambda _entry: written["books"]
    )


def post_document(
    *,
    actor,
    source: SourceRef | None,
    date: datetime.date,
    journal_type: str,
    lines: Sequence[PostingLine],
    narration: str = "",
    reference_number: str = "",
    reference_date: datetime.date | None = None,
    workspace_id: uuid.UUID | None = None,
) -> JournalEntry:
    """Write and post the entry of `source` (a document of another module, or None for a manual entry) in one
    transaction, the caller's when it has one: every rule of the books holds or nothing is written. A source that
    has a live (draft or posted) entry already is refused with 409 `already_posted`. The entry belongs to
    `workspace_id` (the source's), else to the organization's default workspace."""

    def write():
        books = _books_of(date, journal_type, _account_refs(lines))
        built = _build_lines(lines, books=books, day=date)
        entry = _insert(
            actor=actor,
            books=books,
            day=date,
            narration=narration,
            lines=built,
            source=source,
            reference_number=reference_number,
            reference_date=reference_date,
            workspace_id=workspace_id,
        )
        return books, entry, built

    return _post_new(actor=actor, write=write)


@dataclass(frozen=True, kw_only=True)
class EntryInput:
    """A manual journal entry (or one a caller builds itself): the fields `post_document` takes."""

    date: datetime.date
    lines: Sequence[PostingLine]
    journal_type: str = "JV"
    narration: str = ""
    reference_number: str = ""
    reference_date: datetime.date | None = None
    source: SourceRef | None = None


def create_entry(*, actor, data: EntryInput) -> JournalEntry:
    """A DRAFT entry: the lines are checked and priced as a posting would (accounts, amounts, currencies,
    rates, cost centers), the balance and the period's state only when it posts."""
    with transaction.atomic():
        books = _books_of(data.date, data.journal_type, _account_refs(data.lines))
        lines = _build_lines(data.lines, books=books, day=data.date)
        entry = _insert(
            actor=actor,
            books=books,
            day=data.date,
            narration=data.narration,
            lines=lines,
            source=data.source,
            reference_number=data.reference_number,
            reference_date=data.reference_date,
        )
        record_audit(
            actor=actor, action=AuditAction.CREATE, obj=entry, new={"status": entry.status, "date": entry.date}
        )
    return entry


def create_and_post(*, actor, data: EntryInput) -> JournalEntry:
    """create_entry and post_entry in one transaction (`post_document` with the fields of `EntryInput`)."""
    return post_document(
        actor=actor,
        source=data.source,
        date=data.date,
        journal_type=data.journal_type,
        lines=data.lines,
        narration=data.narration,
        reference_number=data.reference_number,
        reference_date=data.reference_date,
    )


def _lines_of(entry) -> list[JournalLine]:
    return list(
        JournalLine.objects.filter(entry=entry).select_related("account", "currency", "cost_center").order_by("line_no")
    )


def post_entry(*, actor, entry_id) -> JournalEntry:
    """DRAFT → POSTED with its number, after every rule of the books holds (see the module docstring)."""
    return _post(
        actor=actor,
        lock=lambda: lock_entry(entry_id),
        lines_of=_lines_of,
        books_of=lambda entry: _books_of(entry.date, entry.journal_type.code),
    )


def cancel_entry(*, actor, entry_id, reason: str = "") -> JournalEntry:
    """DRAFT → CANCELLED. A posted entry is reversed, never cancelled."""
    return move_document(
        lambda: lock_entry(entry_id),
        actor=actor,
        to=EntryStatus.CANCELLED,
        action=AuditAction.CANCEL,
        event_type=JOURNAL_ENTRY_CANCELLED,
        payload=_payload,
        reason=reason,
    )


def reverse_entry(*, actor, entry_id, date: datetime.date, narration: str = "") -> JournalEntry:
    """Post the mirror entry (every DR a CR and back, same amounts and rates) on `date`, linked to the original by
    `reversed_entry`; the original becomes REVERSED. Returns the reversal."""
    if not isinstance(date, datetime.date):
        raise ValidationFailed(_("date is required"), code="required", field="date")
    reversal: list[JournalEntry] = []

    def post_mirror(original: JournalEntry) -> None:
        mirror = [
            JournalLine(
                line_no=line.line_no,
                account=line.account,
                entry_type=EntryType.CREDIT if line.entry_type == EntryType.DEBIT else EntryType.DEBIT,
                amount=line.amount,
                currency=line.currency,
                exchange_rate=line.exchange_rate,
                base_amount=line.base_amount,
                cost_center=line.cost_center,
                # the mirror settles the original's open items (aging) and whatever the original settled
                against_entry_id=line.against_entry_id or original.pk,
                due_date=line.due_date,
                remarks=line.remarks,
                party_type=line.party_type,
                party_id=line.party_id,
                entry_date=date,
            )
            for line in _lines_of(original)
        ]
        books = _books_of(date, original.journal_type.code)
        entry = _insert(
            actor=actor,
            books=books,
            day=date,
            narration=narration or f"Reversal of {original.entry_number}",
            lines=mirror,
            source=None,
            reversed_entry=original,
            reference_number=original.entry_number,
            workspace_id=original.workspace_id,
        )
        reversal.append(_post_new(actor=actor, write=lambda: (books, entry, mirror)))

    move_document(
        lambda: lock_entry(entry_id),
        actor=actor,
        to=EntryStatus.REVERSED,
        action=AuditAction.REVERSE,
        post=post_mirror,
        audit=lambda _original: {"reversal": reversal[0].pk},
        event_type=JOURNAL_ENTRY_REVERSED,
        payload=lambda original: _payload(original) | {"reversal": reversal[0].pk},
    )
    return reversal[0]
