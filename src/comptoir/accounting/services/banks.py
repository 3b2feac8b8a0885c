"""Bank and cash accounts, their imported statements, matching and reconciliation.

A BankAccount is linked one-to-one to an active BANK or CASH ledger account (same currency when the ledger
account has one); its number is encrypted in the application, unique through an HMAC blind index, and only its
last four characters are ever shown. A statement import writes every line or none. A statement line is matched,
by a user, to one posted journal line of the same ledger account, same amount and direction (a deposit is a
debit of the bank account); UNMATCHED → MATCHED → RECONCILED as declared in BANK_TRANSACTION_TRANSITIONS."""

from __future__ import annotations

import csv
import dataclasses
import datetime
import io
import itertools
import re
import uuid
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from comptoir.accounting.constants import (
    BANK_TRANSACTION_TRANSITIONS,
    LEDGER_STATUSES,
    AccountType,
    BankAccountKind,
    BankTransactionStatus,
    BankTransactionType,
    EntryType,
)
from comptoir.accounting.models import BankAccount, BankTransaction, JournalLine
from comptoir.accounting.services.chart import resolve_account
from comptoir.platform import crypto
from comptoir.platform.constants import AuditAction
from comptoir.platform.errors import Conflict, FieldError, NotFound, ValidationFailed
from comptoir.platform.ids import uuid7
from comptoir.platform.inputs import UNSET, Patch, _Unset
from comptoir.platform.money import amount_error
from comptoir.platform.queries.core import currencies_by_code, current_organization
from comptoir.platform.services.audit import record_audit, snapshot
from comptoir.platform.services.features import ensure_financial_writes_allowed
from comptoir.platform.transitions import check_transition, transition

AUDITED = ("account", "account_name", "account_number_last4", "bank_name", "branch", "iban_masked", "swift", "ifsc")
AUDITED += ("kind", "currency", "is_active")
OPTIONAL_TEXT = ("bank_name", "branch", "swift", "ifsc")
MAX_ROWS = 20_000
_NUMBER_RE = re.compile(r"^[A-Z0-9]{4,50}$")
_IBAN_RE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$")
_MATCHED = (BankTransactionStatus.MATCHED, BankTransactionStatus.RECONCILED)
DATE_FORMAT = "%Y-%m-%d"


# ---- bank accounts -------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True)
class BankAccountInput:
    """A bank account on `account` (the id or code of a BANK or CASH ledger account); `currency` defaults to the
    account's, else the base currency."""

    account: str | uuid.UUID
    account_name: str
    account_number: str
    bank_name: str = ""
    branch: str = ""
    iban: str = ""
    swift: str = ""
    ifsc: str = ""
    kind: str = BankAccountKind.CURRENT
    currency: str | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class BankAccountPatch(Patch):
    """A null text clears it (`account_name` and `account_number` cannot be cleared); a null `is_active`
    deactivates."""

    account_name: str | None | _Unset = UNSET
    account_number: str | None | _Unset = UNSET
    bank_name: str | None | _Unset = UNSET
    branch: str | None | _Unset = UNSET
    iban: str | None | _Unset = UNSET
    swift: str | None | _Unset = UNSET
    ifsc: str | None | _Unset = UNSET
    kind: str | None | _Unset = UNSET
    is_active: bool | None | _Unset = UNSET


def _normalized_number(value) -> str:
    number = re.sub(r"[\s-]", "", str(value or "")).upper()
    if not _NUMBER_RE.match(number):
        raise ValidationFailed(
            gettext("account_number is 4 to 50 letters or digits"), code="invalid", field="account_number"
        )
    return number


def _set_number(bank: BankAccount, raw) -> None:
    number = _normalized_number(raw)
    bank.account_number_encrypted = crypto.encrypt(number)
    bank.account_number_hash = crypto.blind_index(number, purpose="bank_account_number")
    bank.account_number_last4 = number[-4:]


def _set_iban(bank: BankAccount, raw) -> None:
    """The IBAN holds the account number: stored encrypted, shown as its country, check digits and last 4."""
    iban = re.sub(r"\s", "", str(raw or "")).upper()
    if iban and not _IBAN_RE.match(iban):
        raise ValidationFailed(
            gettext("iban is 2 letters, 2 digits and 11 to 30 letters or digits"), code="invalid", field="iban"
        )
    bank.iban_encrypted = crypto.encrypt(iban) if iban else ""
    bank.iban_masked = crypto.masked_iban(iban)


def _text(value: str | None, name: str, *, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationFailed(gettext("%(field)s is required") % {"field": name}, code="required", field=name)
    return text


def _save_unique(bank: BankAccount) -> None:
    try:
        with transaction.atomic():
            bank.save()
    except IntegrityError as exc:
        raise ValidationFailed(
            gettext("A bank account with this number exists"), code="duplicate", field="account_number"
        ) from exc


def create_bank_account(*, actor, data: BankAccountInput) -> BankAccount:
    """Link a bank account to an active BANK or CASH account not linked yet. The currency defaults to the
    account's, else the base currency, and must equal the account's when it has one."""
    with transaction.atomic():
        account = resolve_account(data.account)
        if not account.is_active:
            raise ValidationFailed(
                gettext("Account %(code)s is inactive") % {"code": account.code},
                code="inactive_account",
                field="account",
            )
        if account.account_type not in (AccountType.BANK, AccountType.CASH):
            raise ValidationFailed(
                gettext("Account %(code)s is not a BANK or CASH account") % {"code": account.code},
                code="not_a_bank_account",
                field="account",
            )
        if BankAccount.objects.filter(account=account).exists():
            raise ValidationFailed(
                gettext("Account %(code)s already has a bank account") % {"code": account.code},
                code="already_linked",
                field="account",
            )
        code = data.currency
        if code:
            currency = currencies_by_code([code]).get(code)
            if currency is None:
                raise ValidationFailed(
                    gettext("Unknown currency %(code)s") % {"code": code}, code="unknown", field="currency"
                )
        else:
            currency = account.currency or current_organization().base_currency
        if account.currency_id and account.currency_id != currency.pk:
            raise ValidationFailed(
                gettext("Account %(account_code)s is kept in %(currency_code)s")
                % {"account_code": account.code, "currency_code": account.currency.code},
                code="currency_mismatch",
                field="currency",
            )
        bank = BankAccount(
            account=account,
            account_name=_text(data.account_name, "account_name", required=True),
            **{name: _text(getattr(data, name), name) for name in OPTIONAL_TEXT},
            kind=data.kind,
            currency=currency,
            created_by=actor,
            updated_by=actor,
        )
        _set_number(bank, data.account_number)
        _set_iban(bank, data.iban)
        _save_unique(bank)
        record_audit(actor=actor, action=AuditAction.CREATE, obj=bank, new=snapshot(bank, AUDITED))
    return bank


def _lock_bank_account(bank_account_id) -> BankAccount:
    bank = (
        BankAccount.objects.select_for_update(of=("self",))
        .select_related("currency")
        .filter(pk=bank_account_id)
        .first()
    )
    if bank is None:
        raise NotFound(gettext("No such bank account"))
    return bank


def update_bank_account(*, actor, bank_account_id, changes: BankAccountPatch) -> BankAccount:
    """Change names, bank details, kind, is_active or the number (re-encrypted). The ledger account and currency
    stay."""
    given = changes.provided()
    with transaction.atomic():
        bank = _lock_bank_account(bank_account_id)
        before = snapshot(bank, AUDITED)
        for name, value in given.items():
            if name == "account_number":
                _set_number(bank, value)
            elif name == "iban":
                _set_iban(bank, value)
            elif name == "kind":
                if value is None:
                    raise ValidationFailed(gettext("kind cannot be cleared"), code="invalid", field="kind")
                bank.kind = value
            elif name == "is_active":
                bank.is_active = bool(value)
            else:
                setattr(bank, name, _text(value, name, required=name == "account_name"))
        bank.updated_by = actor
        _save_unique(bank)
        after = snapshot(bank, AUDITED)
        if after != before or {"account_number", "iban"} & set(given):
            record_audit(actor=actor, action=AuditAction.UPDATE, obj=bank, old=before, new=after)
    return bank


def deactivate_bank_account(*, actor, bank_account_id) -> BankAccount:
    """An inactive bank account takes no more statements; its history stays."""
    with transaction.atomic():
        bank = _lock_bank_account(bank_account_id)
        if not bank.is_active:
            raise Conflict(gettext("The bank account is already inactive"), code="already_inactive")
        bank.is_active = False
        bank.updated_by = actor
        bank.save(update_fields=["is_active", "updated_by", "updated_at"])
        record_audit(
            actor=actor, action=AuditAction.UPDATE, obj=bank, old={"is_active": True}, new={"is_active": False}
        )
    return bank


# ---- statement import ----------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True)
class ColumnMapping:
    """The columns of a statement CSV: the date and either the signed amount (+ deposit, − withdrawal) or both
    debit (money out) and credit (money in); `decimal_separator` is "." or ","; `delimiter` one character."""

    date: str
    amount: str | None = None
    debit: str | None = None
    credit: str | None = None
    description: str | None = None
    reference: str | None = None
    balance: str | None = None
    date_format: str = DATE_FORMAT
    decimal_separator: str = "."
    delimiter: str = ","


def _check_mapping(m: ColumnMapping, header: list[str]) -> None:
    """Check the mapping against the header: date and either amount (signed) or debit/credit columns."""
    has_amount, has_split = bool(m.amount), bool(m.debit or m.credit)
    if has_amount == has_split or (has_split and not (m.debit and m.credit)):
        raise ValidationFailed(
            gettext("Map either amount (signed) or both debit and credit"),
            code="invalid_mapping",
            field="mapping.amount",
        )
    for key in ("date", "amount", "debit", "credit", "description", "reference", "balance"):
        column = getattr(m, key)
        if column and column not in header:
            raise ValidationFailed(
                gettext("No column '%(column)s' in the file") % {"column": column},
                code="unknown_column",
                field=f"mapping.{key}",
            )


class _RowError(Exception):
    def __init__(self, field: str, code: str, message: str):
        super().__init__(message)
        self.field, self.code, self.message = field, code, message


def _cell(row: dict, column: str | None) -> str:
    value = row.get(column) if column else None
    return value.strip() if isinstance(value, str) else ""


def _number(row: dict, column: str | None, separator: str, field: str, currency) -> Decimal | None:
    """The amount of `currency` in a cell ('1 234,50' with separator ','), None when empty, else _RowError."""
    text = re.sub(r"[\s\u00a0']", "", _cell(row, column))
    if not text:
        return None
    text = text.replace("," if separator == "." else ".", "").replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise _RowError(field, "invalid", gettext("Not a number"))
    error = amount_error(value, currency)
    if error is not None:
        raise _RowError(field, *error)
    return value


def _parse_row(row: dict, m: ColumnMapping, currency) -> dict:
    """The fields of one statement line from one CSV row, or _RowError naming the bad field."""
    out = {}
    date_format = m.date_format or DATE_FORMAT
    try:
        out["transaction_date"] = datetime.datetime.strptime(_cell(row, m.date), date_format).date()  # noqa: DTZ007
    except ValueError:
        message = gettext("Not a date in the format %(date_format)s") % {"date_format": date_format}
        raise _RowError("date", "invalid", message) from None
    sep = m.decimal_separator
    if m.amount:
        signed = _number(row, m.amount, sep, "amount", currency)
    else:
        debit = _number(row, m.debit, sep, "amount", currency)
        credit = _number(row, m.credit, sep, "amount", currency)
        if (debit or 0) < 0 or (credit or 0) < 0:
            raise _RowError("amount", "invalid", gettext("Debit and credit columns hold positive amounts"))
        if debit and credit:
            raise _RowError("amount", "ambiguous_amount", gettext("A line has a debit or a credit, not both"))
        signed = credit or (-debit if debit else None)
    if not signed:
        raise _RowError("amount", "amount_not_positive", gettext("A statement line has a non-zero amount"))
    out["transaction_type"] = BankTransactionType.CREDIT if signed > 0 else BankTransactionType.DEBIT
    out["amount"] = abs(signed)
    out["description"] = _cell(row, m.description)[:255]
    out["reference_number"] = _cell(row, m.reference)
    if len(out["reference_number"]) > 100:
        raise _RowError("reference", "too_long", gettext("A reference has at most 100 characters"))
    out["balance_after"] = _number(row, m.balance, sep, "balance", currency)
    return out


def _decode(csv_text: str | None, file: bytes | None) -> str:
    if (csv_text is None) == (file is None):
        raise ValidationFailed(gettext("Send a file or csv_text"), code="required", field="file")
    if file is not None:
        try:
            return file.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationFailed(gettext("The file is not UTF-8 text"), code="not_utf8", field="file") from None
    return csv_text.lstrip("\ufeff")


def _not_csv(exc: csv.Error) -> ValidationFailed:
    return ValidationFailed(gettext("Not a CSV file: %(error)s") % {"error": exc}, code="invalid_csv", field="file")


def _reader(text: str, delimiter: str) -> csv.DictReader:
    """The rows of a statement's text, by its header's stripped column names."""
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    try:
        reader.fieldnames = [h.strip() for h in reader.fieldnames or []]
    except csv.Error as exc:
        raise _not_csv(exc) from None
    return reader


def read_statement(
    *, csv_text: str | None = None, file: bytes | None = None, delimiter: str = ",", sample: int = 0
) -> tuple[str, list[str], list[dict]]:
    """(text, column names, the first `sample` rows as {column: cell}) of a statement given as
    `import_bank_statement` takes it: a UTF-8 file or text."""
    text = _decode(csv_text, file)
    reader = _reader(text, delimiter)
    try:
        return text, reader.fieldnames, list(itertools.islice(reader, sample))
    except csv.Error as exc:
        raise _not_csv(exc) from None


def preview_bank_statement(*, bank_account: BankAccount, csv_text: str, mapping: ColumnMapping, limit: int) -> dict:
    """What `import_bank_statement` reads from `csv_text`, nothing written: the mapping checked against the header,
    then the lines of the first `limit` rows ({row index: fields}), how many lines the file has and the refusals
    (`rows[i].<field>`) of all of them. Lines imported already are found by the import only."""
    reader = _reader(_decode(csv_text, None), mapping.delimiter)
    _check_mapping(mapping, reader.fieldnames)
    parsed, errors = _parse_rows(reader, mapping, bank_account.currency)
    return {"lines": {i: line for i, line in parsed if i < limit}, "rows": len(parsed) + len(errors), "errors": errors}


def _parse_rows(reader, m: ColumnMapping, currency) -> tuple[list, list[FieldError]]:
    """[(row index, fields)] of the non-blank rows, and the errors of the bad ones."""
    parsed, errors = [], []
    try:
        for i, row in enumerate(reader):
            if i >= MAX_ROWS:
                raise ValidationFailed(
                    gettext("At most %(max_rows)s lines per import") % {"max_rows": MAX_ROWS},
                    code="too_many_rows",
                    field="file",
                )
            if not any(v.strip() for v in row.values() if isinstance(v, str)):
                continue
            try:
                parsed.append((i, _parse_row(row, m, currency)))
            except _RowError as err:
                errors.append(FieldError(f"rows[{i}].{err.field}", err.code, err.message))
    except csv.Error as exc:
        raise _not_csv(exc) from None
    return parsed, errors


def import_bank_statement(
    *,
    actor,
    bank_account_id,
    mapping: ColumnMapping,
    csv_text: str | None = None,
    file: bytes | None = None,
    skip_duplicates: bool = False,
) -> dict:
    """Import a CSV statement: every line or none. A bad row is refused as `rows[i].<field>` (i counts data rows
    from 0); a line already imported, or twice in the file (same date, amount, reference), is refused as
    `duplicate_line`, or skipped and counted with `skip_duplicates`."""
    reader = _reader(_decode(csv_text, file), mapping.delimiter)
    _check_mapping(mapping, reader.fieldnames)
    with transaction.atomic():
        ensure_financial_writes_allowed()
        bank = _lock_bank_account(bank_account_id)  # one import at a time per account
        if not bank.is_active:
            raise ValidationFailed(gettext("The bank account is inactive"), code="inactive", field="bank_account")
        parsed, errors = _parse_rows(reader, mapping, bank.currency)
        if not parsed and not errors:
            raise ValidationFailed(gettext("The file has no statement lines"), code="empty_file", field="file")
        key = lambda line: (  # noqa: E731
            line["transaction_date"],
            line["transaction_type"],
            line["amount"],
            line["reference_number"],
        )
        seen = set()
        if parsed:
            days = [line["transaction_date"] for _, line in parsed]
            seen = set(
                BankTransaction.objects.filter(
                    bank_account=bank, transaction_date__range=(min(days), max(days))
                ).values_list("transaction_date", "transaction_type", "amount", "reference_number")
            )
        fresh, skipped = [], 0
        for i, line in parsed:
            if key(line) in seen:
                if not skip_duplicates:
                    errors.append(
                        FieldError(f"rows[{i}].reference", "duplicate_line", gettext("This line is already imported"))
                    )
                skipped += 1
                continue
            seen.add(key(line))
            fresh.append(line)
        if errors:
            raise ValidationFailed(
                ngettext("%(count)d statement line refused", "%(count)d statement lines refused", len(errors))
                % {"count": len(errors)},
                code=errors[0].code,
                errors=errors,
            )
        if fresh and fresh[0]["transaction_date"] > fresh[-1]["transaction_date"]:
            fresh.reverse()  # newest-first files: insert oldest first, so the id order is the statement's order
        batch = uuid7()
        rows = [
            BankTransaction(
                organization_id=bank.organization_id,
                bank_account=bank,
                import_batch=batch,
                created_by=actor,
                updated_by=actor,
                **line,
            )
            for line in fresh
        ]
        try:
            with transaction.atomic():
                BankTransaction.objects.bulk_create(rows)
        except IntegrityError as exc:
            raise Conflict(gettext("A line was imported concurrently"), code="duplicate_line") from exc
        result = {"batch_id": batch, "imported": len(rows), "skipped_duplicates": skipped, "rows": len(parsed)}
        record_audit(actor=actor, action=AuditAction.IMPORT, obj=bank, metadata=result)
    return result


# ---- matching and reconciliation -----------------------------------------------------------------------------


def _lock_transaction(bank_transaction_id) -> BankTransaction:
    row = (
        BankTransaction.objects.select_for_update(of=("self",))
        .select_related("bank_account")
        .filter(pk=bank_transaction_id)
        .first()
    )
    if row is None:
        raise NotFound(gettext("No such bank transaction"))
    return row


def match_bank_transaction(*, actor, bank_transaction_id, journal_line_id) -> BankTransaction:
    """A user confirms that a statement line is a posted journal line of the bank's ledger account, same amount
    (in the bank's currency) and direction. Each side is matched once at most (`already_matched`)."""
    with transaction.atomic():
        ensure_financial_writes_allowed()
        bank_tx = _lock_transaction(bank_transaction_id)
        if bank_tx.status in _MATCHED:
            raise Conflict(gettext("The statement line is already matched"), code="already_matched")
        line = JournalLine.objects.select_related("entry").filter(pk=journal_line_id).first()
        if line is None:
            raise ValidationFailed(gettext("No such journal line"), code="unknown", field="journal_line")
        if line.account_id != bank_tx.bank_account.account_id:
            raise ValidationFailed(
                gettext("The line is on another account"), code="wrong_account", field="journal_line"
            )
        if line.entry.status not in LEDGER_STATUSES:
            raise ValidationFailed(gettext("The line's entry is not posted"), code="not_posted", field="journal_line")
        if line.currency_id != bank_tx.bank_account.currency_id or line.amount != bank_tx.amount:
            raise ValidationFailed(gettext("The amounts differ"), code="amount_mismatch", field="journal_line")
        expected = EntryType.DEBIT if bank_tx.transaction_type == BankTransactionType.CREDIT else EntryType.CREDIT
        if line.entry_type != expected:
            raise ValidationFailed(
                gettext("A %(type)s matches a %(expected)s line")
                % {"type": BankTransactionType(bank_tx.transaction_type).label.lower(), "expected": expected},
                code="direction_mismatch",
                field="journal_line",
            )
        if BankTransaction.objects.filter(matched_line=line).exists():
            raise Conflict(gettext("The journal line is already matched"), code="already_matched", field="journal_line")
        bank_tx.matched_line = line
        transition(
            bank_tx, BankTransactionStatus.MATCHED, actor=actor, transitions=BANK_TRANSACTION_TRANSITIONS, save=False
        )
        try:
            with transaction.atomic():
                bank_tx.save(update_fields=["status", "matched_line", "matched_by", "updated_by", "updated_at"])
        except IntegrityError as exc:  # the same line matched concurrently
            raise Conflict(
                gettext("The journal line is already matched"), code="already_matched", field="journal_line"
            ) from exc
    return bank_tx


def unmatch_bank_transaction(*, actor, bank_transaction_id) -> BankTransaction:
    """MATCHED → UNMATCHED; a reconciled line stays reconciled."""
    with transaction.atomic():
        ensure_financial_writes_allowed()
        bank_tx = _lock_transaction(bank_transaction_id)
        transition(
            bank_tx, BankTransactionStatus.UNMATCHED, actor=actor, transitions=BANK_TRANSACTION_TRANSITIONS, save=False
        )
        bank_tx.matched_line = None
        bank_tx.matched_by = None
        bank_tx.save(update_fields=["status", "matched_line", "matched_by", "updated_by", "updated_at"])
    return bank_tx


def reconcile_bank_account(*, actor, bank_account_id, statement_date: datetime.date) -> int:
    """MATCHED → RECONCILED for every line of the account whose statement and journal dates are on or before
    `statement_date`, stamped with reconciled_at; returns how many. One UPDATE, one audit row."""
    if not isinstance(statement_date, datetime.date):
        raise ValidationFailed(gettext("statement_date is required"), code="required", field="statement_date")
    check_transition(BANK_TRANSACTION_TRANSITIONS, BankTransactionStatus.MATCHED, BankTransactionStatus.RECONCILED)
    with transaction.atomic():
        ensure_financial_writes_allowed()
        bank = _lock_bank_account(bank_account_id)
        count = BankTransaction.objects.filter(
            bank_account=bank,
            status=BankTransactionStatus.MATCHED,
            transaction_date__lte=statement_date,
            matched_line__entry_date__lte=statement_date,
        ).update(
            status=BankTransactionStatus.RECONCILED,
            reconciled_at=timezone.now(),
            updated_by=actor,
            updated_at=timezone.now(),
        )
        record_audit(
            actor=actor,
            action=AuditAction.TRANSITION,
            obj=bank,
            new={"status": BankTransactionStatus.RECONCILED},
            metadata={"statement_date": statement_date, "reconciled": count},
        )
    return count
