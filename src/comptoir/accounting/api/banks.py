"""Bank accounts, statement import, matching and reconciliation.

Bank accounts need view/add/change_bankaccount; reading statement lines, suggestions and the reconciliation
reports needs view_banktransaction; importing a statement add_banktransaction; matching, unmatching and
reconciling accounting.reconcile_banktransaction."""

from __future__ import annotations

import uuid

import pydantic
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import ValidationError as NinjaValidationError

from comptoir.accounting.constants import BankTransactionType
from comptoir.accounting.queries import banks as queries
from comptoir.accounting.schemas.banks import (
    AsOfParams,
    BankAccountFilters,
    BankAccountIn,
    BankAccountOut,
    BankAccountPage,
    BankAccountPatch,
    BankTransactionFilters,
    BankTransactionOut,
    BankTransactionPage,
    MatchIn,
    ReconcileIn,
    ReconcileOut,
    ReconciliationOut,
    StatementImportIn,
    StatementImportOut,
    StatementMapping,
    SuggestionOut,
    SuggestionParams,
    UnreconciledOut,
    UnreconciledParams,
)
from comptoir.accounting.services import banks as services
from comptoir.platform.access import authorize
from comptoir.platform.errors import ValidationFailed
from comptoir.platform.exports import ExportParams, list_or_export, report_or_export
from comptoir.platform.pagination import PageParams

router = Router()

MAX_UPLOAD = 10 * 1024 * 1024
BANK_ACCOUNT_COLUMNS = [
    ("id", "id"),
    ("account", "account.code"),
    ("account_name", "account_name"),
    ("account_number_last4", "account_number_last4"),
    ("bank_name", "bank_name"),
    ("kind", "kind"),
    ("currency", "currency.code"),
    ("is_active", "is_active"),
]
TRANSACTION_COLUMNS = [
    ("id", "id"),
    ("date", "transaction_date"),
    ("type", "transaction_type"),
    ("amount", "amount"),
    (
        "signed_amount",
        lambda line: line.amount if line.transaction_type == BankTransactionType.CREDIT else -line.amount,
        True,
    ),
    ("description", "description"),
    ("reference", "reference_number"),
    ("balance_after", "balance_after"),
    ("status", "status"),
    ("matched_line", "matched_line_id"),
    ("reconciled_at", "reconciled_at"),
]
UNRECONCILED_COLUMNS = [(key, key) for key in ("source", "id", "date")] + [("amount", "amount", True)]
UNRECONCILED_COLUMNS += [(key, key) for key in ("reference", "description", "entry_number")]
_IMPORT_SCHEMA = StatementImportIn.model_json_schema()
_IMPORT_SCHEMA["properties"]["mapping"] = _IMPORT_SCHEMA.pop("$defs")["StatementMapping"]  # inline for OpenAPI
IMPORT_DOC = {
    "requestBody": {
        "content": {
            "application/json": {"schema": _IMPORT_SCHEMA},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file", "mapping"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "mapping": {"type": "string", "description": "the mapping object, as JSON"},
                        "skip_duplicates": {"type": "boolean"},
                    },
                }
            },
        }
    }
}


@router.get("/bank-accounts", response=BankAccountPage)
def list_bank_accounts(
    request, page: Query[PageParams], filters: Query[BankAccountFilters], export: Query[ExportParams]
):
    """The bank accounts of the organization."""
    authorize(request, "accounting.view_bankaccount")
    return list_or_export(
        request,
        queries.bank_accounts(**filters.dict()),
        page,
        export,
        columns=BANK_ACCOUNT_COLUMNS,
        filename="bank-accounts",
        allowed_ordering={"account_name", "created_at"},
        default_ordering=["account_name"],
    )


@router.post("/bank-accounts", response={201: BankAccountOut})
def create_bank_account(request, body: BankAccountIn):
    """Create a bank account linked to a ledger account."""
    actor = authorize(request, "accounting.add_bankaccount")
    bank = services.create_bank_account(actor=actor.user, data=services.BankAccountInput(**body.dict()))
    return Status(201, queries.access_bank_account(bank.pk))


@router.get("/bank-accounts/{bank_account_id}", response=BankAccountOut)
def get_bank_account(request, bank_account_id: uuid.UUID):
    """One bank account."""
    authorize(request, "accounting.view_bankaccount")
    return queries.access_bank_account(bank_account_id)


@router.patch("/bank-accounts/{bank_account_id}", response=BankAccountOut)
def update_bank_account(request, bank_account_id: uuid.UUID, body: BankAccountPatch):
    """Change the fields sent of a bank account."""
    actor = authorize(request, "accounting.change_bankaccount")
    queries.access_bank_account(bank_account_id)
    services.update_bank_account(
        actor=actor.user, bank_account_id=bank_account_id, changes=services.BankAccountPatch.from_schema(body)
    )
    return queries.access_bank_account(bank_account_id)


def _import_request(request) -> dict:
    """The statement from a multipart form (file, mapping as JSON, skip_duplicates) or a JSON body."""
    try:
        if request.content_type == "multipart/form-data":
            upload = request.FILES.get("file")
            if upload is None:
                raise ValidationFailed(_("file is required"), code="required", field="file")
            if upload.size > MAX_UPLOAD:
                raise ValidationFailed(_("The file is larger than 10 MB"), code="too_large", field="file")
            mapping = StatementMapping.model_validate_json(request.POST.get("mapping") or "{}")
            skip = request.POST.get("skip_duplicates", "").lower() in ("1", "true", "yes", "on")
            return {"file": upload.read(), "mapping": services.ColumnMapping(**mapping.dict()), "skip_duplicates": skip}
        body = StatementImportIn.model_validate_json(request.body or b"{}")
    except pydantic.ValidationError as exc:
        raise NinjaValidationError(
            [{**e, "loc": ("mapping", *e["loc"])} for e in exc.errors()]
            if request.content_type == "multipart/form-data"
            else exc.errors()
        ) from None
    mapping = services.ColumnMapping(**body.mapping.dict())
    return {"csv_text": body.csv_text, "mapping": mapping, "skip_duplicates": body.skip_duplicates}


@router.post(
    "/bank-accounts/{bank_account_id}/statements/import",
    response={201: StatementImportOut},
    openapi_extra=IMPORT_DOC,
)
def import_bank_statement(request, bank_account_id: uuid.UUID):
    """Import a bank statement (CSV as JSON text or a multipart file) with a column mapping; duplicates may be
    skipped."""
    actor = authorize(request, "accounting.add_banktransaction")
    queries.access_bank_account(bank_account_id)
    result = services.import_bank_statement(
        actor=actor.user, bank_account_id=bank_account_id, **_import_request(request)
    )
    return Status(201, result)


@router.get("/bank-accounts/{bank_account_id}/transactions", response=BankTransactionPage)
def list_bank_transactions(
    request,
    bank_account_id: uuid.UUID,
    page: Query[PageParams],
    filters: Query[BankTransactionFilters],
    export: Query[ExportParams],
):
    """The transactions of a bank account, filtered by date and match status."""
    authorize(request, "accounting.view_banktransaction")
    bank = queries.access_bank_account(bank_account_id)
    return list_or_export(
        request,
        queries.bank_transactions(bank_account=bank, **filters.dict()),
        page,
        export,
        columns=TRANSACTION_COLUMNS,
        filename="bank-transactions",
        allowed_ordering={"transaction_date", "amount", "created_at"},
        default_ordering=["-transaction_date"],
    )


@router.get("/bank-transactions/{bank_transaction_id}", response=BankTransactionOut)
def get_bank_transaction(request, bank_transaction_id: uuid.UUID):
    """One bank transaction."""
    authorize(request, "accounting.view_banktransaction")
    return queries.access_bank_transaction(bank_transaction_id)


@router.get("/bank-transactions/{bank_transaction_id}/suggestions", response=list[SuggestionOut])
def suggest_matches(request, bank_transaction_id: uuid.UUID, params: Query[SuggestionParams]):
    """Ledger lines that may match a bank transaction, best first."""
    authorize(request, "accounting.view_banktransaction")
    return list(queries.suggest_matches(queries.access_bank_transaction(bank_transaction_id), days=params.days))


@router.post("/bank-transactions/{bank_transaction_id}/match", response=BankTransactionOut)
def match_bank_transaction(request, bank_transaction_id: uuid.UUID, body: MatchIn):
    """Match a bank transaction to ledger lines."""
    actor = authorize(request, "accounting.reconcile_banktransaction")
    queries.access_bank_transaction(bank_transaction_id)
    services.match_bank_transaction(
        actor=actor.user, bank_transaction_id=bank_transaction_id, journal_line_id=body.journal_line
    )
    return queries.access_bank_transaction(bank_transaction_id)


@router.post("/bank-transactions/{bank_transaction_id}/unmatch", response=BankTransactionOut)
def unmatch_bank_transaction(request, bank_transaction_id: uuid.UUID):
    """Undo the match of a bank transaction."""
    actor = authorize(request, "accounting.reconcile_banktransaction")
    queries.access_bank_transaction(bank_transaction_id)
    services.unmatch_bank_transaction(actor=actor.user, bank_transaction_id=bank_transaction_id)
    return queries.access_bank_transaction(bank_transaction_id)


@router.post("/bank-accounts/{bank_account_id}/reconcile", response=ReconcileOut)
def reconcile_bank_account(request, bank_account_id: uuid.UUID, body: ReconcileIn):
    """Reconcile a bank account up to a date against a statement balance."""
    actor = authorize(request, "accounting.reconcile_banktransaction")
    queries.access_bank_account(bank_account_id)
    count = services.reconcile_bank_account(
        actor=actor.user, bank_account_id=bank_account_id, statement_date=body.statement_date
    )
    bank = queries.access_bank_account(bank_account_id)
    return {"reconciled": count, "summary": queries.reconciliation_summary(bank, as_of=body.statement_date)}


@router.get("/bank-accounts/{bank_account_id}/reconciliation", response=ReconciliationOut)
def reconciliation_summary(request, bank_account_id: uuid.UUID, params: Query[AsOfParams]):
    """The reconciliation state of a bank account: book and bank balances, unmatched items."""
    authorize(request, "accounting.view_banktransaction")
    bank = queries.access_bank_account(bank_account_id)
    return queries.reconciliation_summary(bank, as_of=params.as_of)


@router.get("/bank-accounts/{bank_account_id}/unreconciled", response=UnreconciledOut)
def unreconciled_items(
    request, bank_account_id: uuid.UUID, params: Query[UnreconciledParams], export: Query[ExportParams]
):
    """Statement and ledger lines not matched, as JSON or, with `?format=csv|xlsx`, a file (audited)."""
    authorize(request, "accounting.view_banktransaction")
    bank = queries.access_bank_account(bank_account_id)
    items = queries.unreconciled_items(bank, as_of=params.as_of)
    return report_or_export(
        request,
        {"bank_account": bank.pk, "as_of": params.as_of, "items": items},
        export,
        rows="items",
        columns=UNRECONCILED_COLUMNS,
        filename=f"unreconciled-{bank.account.code}",
        object_type="accounting.bankaccount",
        report="unreconciled",
        bank_account=str(bank.pk),
    )
