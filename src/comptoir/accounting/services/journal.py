"""Journal entries: DRAFT → POSTED → REVERSED (by a posted reversal entry), DRAFT → CANCELLED.

An entry posts only if it has ≥ 2 lines, every amount is > 0, Σ debit = Σ credit in base currency, every account
is an active account of the organization, cost centers sit only on cost-center accounts, its date is in an OPEN
period of an open fiscal year, and the organization is not locked. PostgreSQL enforces the same a second time
(migration 0002). The balance cache is updated and the number taken last, in the posting transaction."""

from __future__ import annotations

import datetime
import hashlib
import re
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from comptoir.accounting.constants import EntryStatus, EntryType, PeriodStatus
from comptoir.accounting.models import FiscalPeriod, FiscalYear, JournalEntry, JournalLine, JournalType
from comptoir.accounting.services.books import add_to_balances
from comptoir.accounting.services.budgets import check_budgets
from comptoir.accounting.services.chart import resolve_accounts, resolve_cost_center
from comptoir.accounting.services.periods import period_of
from comptoir.platform.constants import AuditAction, ResetPeriod
from comptoir.platform.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from comptoir.platform.models import Currency, ExchangeRate, Organization, Workspace
from comptoir.platform.money import check_amount, round_money
from comptoir.platform.services.audit import record_audit
from comptoir.platform.services.features import ensure_financial_writes_allowed
from comptoir.platform.services.numbering import next_number
from comptoir.platform.tenancy import require_org_id

_LABEL_RE = re.compile(r"^[A-Za-z0-9-]{1,12}$")


def _organization_defaults() -> tuple[Currency, object]:
    """The base currency and the default workspace of the organization in context, in one query."""
    default_workspace = Workspace.objects.filter(organization=OuterRef("pk"), is_default=True).values("pk")[:1]
    organization = (
        Organization.objects.select_related("base_currency")
        .annotate(default_workspace_id=Subquery(default_workspace))
        .get(pk=require_org_id())
    )
    return organization.base_currency, organization.default_workspace_id


def _journal_type(ref) -> JournalType:
    if isinstance(ref, JournalType):
        return ref
    found = JournalType.objects.filter(code=ref or "").first()
    if found is None:
        raise ValidationFailed(f"No journal type '{ref}'", code="unknown", field="journal_type")
    if not found.is_active:
        raise ValidationFailed(f"Journal type {found.code} is inactive", code="inactive", field="journal_type")
    return found


def _decimal(value, field: str) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationFailed("Not a number", code="invalid", field=field) from None
    if not number.is_finite():
        raise ValidationFailed("Not a number", code="invalid", field=field)
    return number


def _rate(line: dict, currency: Currency, base: Currency, day: datetime.date, field: str) -> Decimal:
    given = line.get("exchange_rate")
    if currency.pk == base.pk:
        if given is not None and _decimal(given, f"{field}.exchange_rate") != 1:
            raise ValidationFailed(
                "A line in the base currency has rate 1", code="invalid_rate", field=f"{field}.exchange_rate"
            )
        return Decimal(1)
    if given is not None:
        rate = _decimal(given, f"{field}.exchange_rate")
    else:
        rate = (
            ExchangeRate.objects.filter(from_currency=currency, to_currency=base, rate_date__lte=day)
            .order_by("-rate_date")
            .values_list("rate", flat=True)
            .first()
        )
        if rate is None:
            raise ValidationFailed(
                f"No {currency.code}/{base.code} rate on or before {day}; give exchange_rate",
                code="missing_exchange_rate",
                field=f"{field}.exchange_rate",
            )
    if rate <= 0:
        raise ValidationFailed("The rate must be positive", code="invalid_rate", field=f"{field}.exchange_rate")
    return rate


def _build_lines(raw_lines, *, day: datetime.date, base: Currency) -> list[JournalLine]:
    if not isinstance(raw_lines, list | tuple) or not raw_lines:
        raise ValidationFailed("An entry needs lines", code="required", field="lines")
    currencies: dict[str, Currency] = {base.code: base}
    lines = []
    accounts = resolve_accounts(
        [raw.get("account") for raw in raw_lines], [f"lines[{i}].account" for i in range(len(raw_lines))]
    )
    for i, (raw, account) in enumerate(zip(raw_lines, accounts, strict=True)):
        field = f"lines[{i}]"
        entry_type = raw.get("entry_type")
        if entry_type not in EntryType.values:
            raise ValidationFailed("entry_type is DR or CR", code="invalid", field=f"{field}.entry_type")
        amount = _decimal(raw.get("amount"), f"{field}.amount")
        if amount <= 0:
            raise ValidationFailed("Every amount must be positive", code="amount_not_positive", field=f"{field}.amount")
        code = raw.get("currency") or base.code
        if code not in currencies:
            currencies[code] = Currency.objects.filter(code=code).first()
        currency = currencies[code]
        if currency is None:
            raise ValidationFailed(f"Unknown currency {code}", code="unknown", field=f"{field}.currency")
        check_amount(amount, currency, field=f"{field}.amount")
        rate = _rate(raw, currency, base, day, field)
        base_amount = round_money(amount * rate, base)
        if base_amount <= 0:
            raise ValidationFailed(
                "The amount is nil in base currency", code="amount_not_positive", field=f"{field}.amount"
            )
        cost_center = None
        if raw.get("cost_center"):
            cost_center = resolve_cost_center(raw["cost_center"], f"{field}.cost_center")
            if not account.is_cost_center_applicable:
                raise ValidationFailed(
                    f"Account {account.code} takes no cost center",
                    code="cost_center_not_applicable",
                    field=f"{field}.cost_center",
                )
        against = None
        if raw.get("against_entry"):
            against = JournalEntry.objects.filter(pk=raw["against_entry"]).first()
            if against is None:
                raise ValidationFailed("No such entry", code="unknown", field=f"{field}.against_entry")
            if against.status != EntryStatus.POSTED:
                raise ValidationFailed(
                    "A line settles a posted entry only", code="not_posted", field=f"{field}.against_entry"
                )
        lines.append(
            JournalLine(
                line_no=i + 1,
                account=account,
                entry_type=entry_type,
                amount=amount,
                currency=currency,
                exchange_rate=rate,
                base_amount=base_amount,
                cost_center=cost_center,
                against_entry=against,
                due_date=raw.get("due_date"),
                remarks=(raw.get("remarks") or "")[:255],
                entry_date=day,
            )
        )
    return lines


def _totals(lines) -> tuple[Decimal, Decimal]:
    debit = sum((line.base_amount for line in lines if line.entry_type == EntryType.DEBIT), Decimal(0))
    credit = sum((line.base_amount for line in lines if line.entry_type == EntryType.CREDIT), Decimal(0))
    return debit, credit


def _insert(*, actor, journal_type: JournalType, day, narration: str, lines, base: Currency, extra: dict):
    period = period_of(day)
    if period is None:
        raise ValidationFailed(f"No fiscal period contains {day}", code="no_fiscal_period", field="date")
    debit, credit = _totals(lines)
    entry = JournalEntry.objects.create(
        journal_type=journal_type,
        fiscal_year=period.fiscal_year,
        fiscal_period=period,
        date=day,
        narration=narration,
        currency=base,
        total_debit=debit,
        total_credit=credit,
        created_by=actor,
        updated_by=actor,
        **extra,
    )
    for line in lines:
        line.entry = entry
        line.organization_id = entry.organization_id
        line.created_by = line.updated_by = actor
    JournalLine.objects.bulk_create(lines)
    return entry


def _create(*, actor, data: dict) -> tuple[JournalEntry, list[JournalLine]]:
    day = data.get("date")
    if not isinstance(day, datetime.date):
        raise ValidationFailed("date is required", code="required", field="date")
    journal_type = _journal_type(data.get("journal_type"))
    base, workspace_id = _organization_defaults()
    lines = _build_lines(data.get("lines"), day=day, base=base)
    extra = {k: data[k] for k in ("reference_number", "reference_date", "source_type", "source_id") if data.get(k)}
    extra["workspace_id"] = workspace_id
    entry = _insert(
        actor=actor,
        journal_type=journal_type,
        day=day,
        narration=data.get("narration") or "",
        lines=lines,
        base=base,
        extra=extra,
    )
    return entry, lines


def create_entry(*, actor, data: dict) -> JournalEntry:
    """A DRAFT entry. `data`: date, journal_type (code), narration, lines [{account (id or code), entry_type
    DR|CR, amount, currency?, exchange_rate?, cost_center?, against_entry?, remarks?}], reference_number?,
    source_type?, source_id?"""
    with transaction.atomic():
        entry, _lines = _create(actor=actor, data=data)
        record_audit(
            actor=actor, action=AuditAction.CREATE, obj=entry, new={"status": entry.status, "date": entry.date}
        )
    return entry


def _document_type(journal_type: JournalType, year: FiscalYear) -> tuple[str, str]:
    """(counter key, printed prefix) of the entries of `journal_type` in `year`: JV-2026-000001."""
    label = year.name if _LABEL_RE.match(year.name) else f"{year.start_date:%Y}"
    code = journal_type.prefix or journal_type.code
    key = f"JE:{code}:{year.name}"
    if len(key) > 50:
        key = "JE:" + hashlib.sha256(f"{journal_type.pk}:{year.pk}".encode()).hexdigest()[:40]
    prefix = f"{code}-{label}-".replace("{", "{{").replace("}", "}}")
    return key, prefix


def _post(*, actor, entry: JournalEntry, lines) -> JournalEntry:
    """Post a locked DRAFT entry whose lines are `lines` (with accounts loaded). The caller holds the transaction."""
    if entry.status != EntryStatus.DRAFT:
        raise InvalidTransition(f"Cannot post a {entry.status} entry", field="status")
    if len(lines) < 2:
        raise ValidationFailed("An entry needs at least two lines", code="too_few_lines", field="lines")
    for i, line in enumerate(lines):
        if line.amount <= 0 or line.base_amount <= 0:
            raise ValidationFailed(
                "Every amount must be positive", code="amount_not_positive", field=f"lines[{i}].amount"
            )
        if not line.account.is_active:
            raise ValidationFailed(
                f"Account {line.account.code} is inactive", code="inactive_account", field=f"lines[{i}].account"
            )
        if line.cost_center_id and not line.account.is_cost_center_applicable:
            raise ValidationFailed(
                f"Account {line.account.code} takes no cost center",
                code="cost_center_not_applicable",
                field=f"lines[{i}].cost_center",
            )
    debit, credit = _totals(lines)
    if debit != credit:
        raise ValidationFailed(
            f"Debits ({debit}) and credits ({credit}) differ in base currency", code="unbalanced", field="lines"
        )
    # The period row is share-locked, so closing it waits for this posting and later postings see it closed.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.status, y.is_closed, y.name FROM {FiscalPeriod._meta.db_table} p "  # noqa: S608 (model tables)
            f"JOIN {FiscalYear._meta.db_table} y ON y.id = p.fiscal_year_id WHERE p.id = %s FOR SHARE OF p",
            [entry.fiscal_period_id],
        )
        period_status, year_closed, year_name = cursor.fetchone()
    if year_closed:
        raise Conflict(f"Fiscal year {year_name} is closed", code="fiscal_year_closed", field="date")
    if period_status != PeriodStatus.OPEN:
        raise Conflict(f"The period of {entry.date} is closed", code="period_closed", field="date")
    # Budgets (services/budgets.py): refuse or warn when the entry takes an active budget over its allocation.
    check_budgets(actor=actor, entry=entry)
    per_account: dict = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for line in lines:
        per_account[line.account_id][0 if line.entry_type == EntryType.DEBIT else 1] += line.base_amount
    entry.status = EntryStatus.POSTED
    entry.total_debit, entry.total_credit = debit, credit
    entry.posted_at = timezone.now()
    entry.posted_by = actor
    entry.updated_by = actor
    entry.version += 1
    record_audit(
        actor=actor,
        action=AuditAction.POST,
        obj=entry,
        old={"status": EntryStatus.DRAFT},
        new={"status": EntryStatus.POSTED, "total": debit},
    )
    add_to_balances(
        period_id=entry.fiscal_period_id, day=entry.date, totals={k: tuple(v) for k, v in per_account.items()}
    )
    key, prefix = _document_type(entry.journal_type, entry.fiscal_year)
    entry.entry_number = next_number(document_type=key, prefix=prefix, on=entry.date, reset=ResetPeriod.NEVER)
    entry.save(
        update_fields=[
            "status",
            "total_debit",
            "total_credit",
            "posted_at",
            "posted_by",
            "updated_by",
            "version",
            "entry_number",
            "updated_at",
        ]
    )
    return entry


def _lock_entry(entry_id) -> JournalEntry:
    entry = (
        JournalEntry.objects.select_for_update(of=("self",))
        .select_related("journal_type", "fiscal_year")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        raise NotFound("No such journal entry")
    return entry


def _lines_of(entry) -> list[JournalLine]:
    return list(JournalLine.objects.filter(entry=entry).select_related("account").order_by("line_no"))


def post_entry(*, actor, entry_id) -> JournalEntry:
    """DRAFT → POSTED with its number, after every rule of the books holds (see the module docstring)."""
    with transaction.atomic():
        ensure_financial_writes_allowed()
        entry = _lock_entry(entry_id)
        return _post(actor=actor, entry=entry, lines=_lines_of(entry))


def create_and_post(*, actor, data: dict) -> JournalEntry:
    """create_entry and post_entry in one transaction: nothing is written if any rule fails."""
    with transaction.atomic():
        ensure_financial_writes_allowed()
        entry, lines = _create(actor=actor, data=data)
        return _post(actor=actor, entry=entry, lines=lines)


def cancel_entry(*, actor, entry_id, reason: str = "") -> JournalEntry:
    """DRAFT → CANCELLED. A posted entry is reversed, never cancelled."""
    with transaction.atomic():
        entry = _lock_entry(entry_id)
        if entry.status != EntryStatus.DRAFT:
            raise InvalidTransition(f"Cannot cancel a {entry.status} entry; reverse it", field="status")
        entry.status = EntryStatus.CANCELLED
        entry.updated_by = actor
        entry.version += 1
        entry.save(update_fields=["status", "updated_by", "version", "updated_at"])
        record_audit(
            actor=actor,
            action=AuditAction.CANCEL,
            obj=entry,
            old={"status": EntryStatus.DRAFT},
            new={"status": EntryStatus.CANCELLED},
            reason=reason,
        )
    return entry


def reverse_entry(*, actor, entry_id, date: datetime.date, narration: str = "") -> JournalEntry:
    """Post the mirror entry (every DR a CR and back, same amounts and rates) on `date`, linked to the original by
    `reversed_entry`; the original becomes REVERSED. Returns the reversal."""
    if not isinstance(date, datetime.date):
        raise ValidationFailed("date is required", code="required", field="date")
    with transaction.atomic():
        ensure_financial_writes_allowed()
        original = _lock_entry(entry_id)
        if original.status != EntryStatus.POSTED:
            raise InvalidTransition(f"Cannot reverse a {original.status} entry", field="status")
        mirror = [
            JournalLine(
                line_no=line.line_no,
                account=line.account,
                entry_type=EntryType.CREDIT if line.entry_type == EntryType.DEBIT else EntryType.DEBIT,
                amount=line.amount,
                currency_id=line.currency_id,
                exchange_rate=line.exchange_rate,
                base_amount=line.base_amount,
                cost_center_id=line.cost_center_id,
                # the mirror settles the original's open items (aging) and whatever the original settled
                against_entry_id=line.against_entry_id or original.pk,
                due_date=line.due_date,
                remarks=line.remarks,
                entry_date=date,
            )
            for line in _lines_of(original)
        ]
        reversal = _insert(
            actor=actor,
            journal_type=original.journal_type,
            day=date,
            narration=narration or f"Reversal of {original.entry_number}",
            lines=mirror,
            base=original.currency,
            extra={
                "reversed_entry": original,
                "reference_number": original.entry_number,
                "workspace_id": original.workspace_id,
            },
        )
        original.status = EntryStatus.REVERSED
        original.updated_by = actor
        original.version += 1
        original.save(update_fields=["status", "updated_by", "version", "updated_at"])
        record_audit(
            actor=actor,
            action=AuditAction.REVERSE,
            obj=original,
            old={"status": EntryStatus.POSTED},
            new={"status": EntryStatus.REVERSED, "reversal": reversal.pk},
        )
        return _post(actor=actor, entry=reversal, lines=mirror)
