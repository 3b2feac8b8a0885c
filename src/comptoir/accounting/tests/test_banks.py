"""Bank accounts, statement import, matching and reconciliation: each rule and its refusal (nothing written)."""

import dataclasses
import datetime
from decimal import Decimal

import pytest

from comptoir.accounting.models import Account, BankAccount, BankTransaction
from comptoir.accounting.queries import banks as queries
from comptoir.accounting.services import banks as services
from comptoir.accounting.services import create_and_post, create_entry
from comptoir.accounting.services.banks import BankAccountInput, BankAccountPatch, ColumnMapping
from comptoir.accounting.services.chart import AccountInput, create_account
from comptoir.accounting.tests.factories import IN_YEAR, entry_data
from comptoir.platform import crypto
from comptoir.platform.errors import Conflict, DomainError, InvalidTransition, NotFound, ValidationFailed
from comptoir.platform.models import AuditLog, Currency
from comptoir.platform.services.features import FeaturesPatch, update_features
from comptoir.platform.tenancy import tenant_context

D = IN_YEAR
SIGNED = ColumnMapping(date="Date", amount="Amount", description="Details", reference="Ref", balance="Balance")


def day(n: int) -> str:
    return (D + datetime.timedelta(days=n)).isoformat()


def _bank(tenant, **extra):
    data = {"account": "1100", "account_name": "Main", "account_number": "FR76 3000 6000 0112 3456 7890 189", **extra}
    return services.create_bank_account(actor=tenant.owner, data=BankAccountInput(**data))


def _import(tenant, bank, csv_text, mapping=SIGNED, **kw):
    return services.import_bank_statement(
        actor=tenant.owner, bank_account_id=bank.pk, csv_text=csv_text, mapping=mapping, **kw
    )


def _refused(error, code, call, *args, **kwargs):
    before = (BankAccount.objects.count(), BankTransaction.objects.count())
    with pytest.raises(error) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value.message
    assert (BankAccount.objects.count(), BankTransaction.objects.count()) == before
    return caught.value


def test_bank_account_keeps_its_number_encrypted(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        bank = _bank(tenant)
        assert bank.account_number_last4 == "0189" and bank.currency.code == tenant.organization.base_currency.code
        assert crypto.decrypt(bank.account_number_encrypted) == "FR7630006000011234567890189"
        assert "0112" not in bank.account_number_encrypted and len(bank.account_number_hash) == 64
        audit = AuditLog.objects.get(object_id=bank.pk, action="CREATE")
        assert "FR7630006000011234567890189" not in str(audit.new_values)
        changed = services.update_bank_account(
            actor=tenant.owner,
            bank_account_id=bank.pk,
            changes=BankAccountPatch(account_number="12-3456-7777", bank_name="BNP"),
        )
        assert (changed.account_number_last4, changed.bank_name) == ("7777", "BNP")
        assert changed.account_number_hash == crypto.blind_index("1234567777", purpose="bank_account_number")


def test_the_iban_is_stored_encrypted_and_shown_masked(tenant):
    iban = "FR76 3000 6000 0112 3456 7890 189"
    with tenant_context(tenant.organization, user=tenant.owner):
        bank = _bank(tenant, iban=iban)
        assert bank.iban_masked == "FR76••••0189" and "3456" not in bank.iban_encrypted
        assert crypto.decrypt(bank.iban_encrypted) == iban.replace(" ", "")
        created = AuditLog.objects.get(object_id=bank.pk, action="CREATE")
        assert "3456" not in str(created.new_values) and created.new_values["iban_masked"] == "FR76••••0189"
        _refused(
            ValidationFailed,
            "invalid",
            services.update_bank_account,
            actor=tenant.owner,
            bank_account_id=bank.pk,
            changes=BankAccountPatch(iban="not an iban"),
        )
        cleared = services.update_bank_account(
            actor=tenant.owner, bank_account_id=bank.pk, changes=BankAccountPatch(iban="")
        )
        assert (cleared.iban_encrypted, cleared.iban_masked) == ("", "")
    body = tenant.api.get(f"accounting/bank-accounts/{bank.pk}").json()
    assert body["iban"] == "" and "account_number" not in body


def test_bank_account_refusals(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        _refused(ValidationFailed, "not_a_bank_account", _bank, tenant, account="4000")
        _refused(ValidationFailed, "unknown", _bank, tenant, account="9999")
        _refused(ValidationFailed, "invalid", _bank, tenant, account_number="12")
        _bank(tenant)
        _refused(ValidationFailed, "already_linked", _bank, tenant, account_number="999999")
        error = _refused(
            ValidationFailed,
            "duplicate",
            _bank,
            tenant,
            account="1000",
            account_number="fr76 3000 6000 0112 3456 7890 189",
        )
        assert error.errors[0].field == "account_number"
        Account.objects.filter(code="1000").update(currency=Currency.objects.get(code="USD"))
        _refused(
            ValidationFailed, "currency_mismatch", _bank, tenant, account="1000", account_number="5555", currency="EUR"
        )
        till = create_account(
            actor=tenant.owner, data=AccountInput(code="1010", name="Till", group="11", account_type="CASH")
        )
        Account.objects.filter(pk=till.pk).update(is_active=False)
        _refused(ValidationFailed, "inactive_account", _bank, tenant, account="1010", account_number="6666")
        usd = _bank(tenant, account="1000", account_number="5555")
        assert usd.currency.code == "USD"


def test_update_and_deactivate(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        bank = _bank(tenant)
        services.deactivate_bank_account(actor=tenant.owner, bank_account_id=bank.pk)
        _refused(
            Conflict, "already_inactive", services.deactivate_bank_account, actor=tenant.owner, bank_account_id=bank.pk
        )
        _refused(
            ValidationFailed, "inactive", _import, tenant, bank, f"Date,Amount,Details,Ref,Balance\n{day(0)},1,x,r,1\n"
        )


def test_import_signed_and_split_columns(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        bank = _bank(tenant)
        text = (
            "Date;Amount;Details;Ref;Balance\n"
            f"15/03/{D.year};1.234,50;Customer A;R1;1.234,50\n16/03/{D.year};-34,50;Fee;;1.200,00\n\n"
        )
        mapping = dataclasses.replace(SIGNED, date_format="%d/%m/%Y", decimal_separator=",", delimiter=";")
        result = _import(tenant, bank, text, mapping)
        assert (result["imported"], result["skipped_duplicates"], result["rows"]) == (2, 0, 2)
        rows = list(BankTransaction.objects.order_by("transaction_date"))
        assert [(r.transaction_type, r.amount, r.balance_after) for r in rows] == [
            ("CREDIT", Decimal("1234.50"), Decimal("1234.50")),
            ("DEBIT", Decimal("34.50"), Decimal("1200.00")),
        ]
        assert {r.import_batch for r in rows} == {result["batch_id"]} and rows[0].status == "UNMATCHED"
        split = ColumnMapping(date="D", debit="Out", credit="In", reference="Ref")
        result = services.import_bank_statement(
            actor=tenant.owner,
            bank_account_id=bank.pk,
            file=f"\ufeffD,Out,In,Ref\n{day(5)},,10.00,X\n{day(4)},7.25,,Y\n".encode(),
            mapping=split,
        )
        assert result["imported"] == 2
        assert BankTransaction.objects.get(reference_number="Y").transaction_type == "DEBIT"
        assert AuditLog.objects.filter(object_id=bank.pk, action="IMPORT").count() == 2


def test_bad_rows_are_refused_by_row_and_nothing_is_written(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        bank = _bank(tenant)
        header = "Date,Amount,Details,Ref,Balance\n"
        bad = (
            header + f"{day(0)},10,a,1,\n2026-13-45,10,b,2,\n{day(0)},abc,c,3,\n{day(0)},0,d,4,\n{day(0)},1.234,e,5,\n"
            f"{day(0)},1e17,f,6,\n{day(0)},1,g,7,x\n{day(0)},1,h,{'R' * 101},\n"
        )
        error = _refused(ValidationFailed, "invalid", _import, tenant, bank, bad)
        assert [(e.field, e.code) for e in error.errors] == [
            ("rows[1].date", "invalid"),
            ("rows[2].amount", "invalid"),
            ("rows[3].amount", "amount_not_positive"),
            ("rows[4].amount", "too_many_decimals"),
            ("rows[5].amount", "too_large"),
            ("rows[6].balance", "invalid"),
            ("rows[7].reference", "too_long"),
        ]
        huge = header + f'{day(0)},1,"{"x" * 200_000}",R,\n'
        _refused(ValidationFailed, "invalid_csv", _import, tenant, bank, huge)
        split = ColumnMapping(date="D", debit="Out", credit="In")
        error = _refused(
            ValidationFailed, "ambiguous_amount", _import, tenant, bank, f"D,Out,In\n{day(0)},1,2\n", split
        )
        assert error.errors[0].field == "rows[0].amount"
        _refused(ValidationFailed, "invalid_mapping", _import, tenant, bank, header, ColumnMapping(date="Date"))
        _refused(
            ValidationFailed,
            "invalid_mapping",
            _import,
            tenant,
            bank,
            header,
            dataclasses.replace(SIGNED, debit="Amount"),
        )
        _refused(
            ValidationFailed,
            "unknown_column",
            _import,
            tenant,
            bank,
            header,
            dataclasses.replace(SIGNED, reference="Nope"),
        )
        _refused(ValidationFailed, "empty_file", _import, tenant, bank, header)
        _refused(
            ValidationFailed,
            "not_utf8",
            services.import_bank_statement,
            actor=tenant.owner,
            bank_account_id=bank.pk,
            file=b"\xff\xfe\x00bad",
            mapping=SIGNED,
        )


def test_duplicate_lines_are_refused_or_skipped(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        bank = _bank(tenant)
        header = "Date,Amount,Details,Ref,Balance\n"
        twice = header + f"{day(0)},10,a,R1,\n{day(0)},10,again,R1,\n"
        error = _refused(ValidationFailed, "duplicate_line", _import, tenant, bank, twice)
        assert error.errors[0].field == "rows[1].reference"
        _import(tenant, bank, header + f"{day(0)},10,a,R1,\n")
        _refused(
            ValidationFailed, "duplicate_line", _import, tenant, bank, header + f"{day(0)},10,a,R1,\n{day(1)},5,b,R2,\n"
        )
        result = _import(tenant, bank, twice + f"{day(1)},5,b,R2,\n", skip_duplicates=True)
        assert (result["imported"], result["skipped_duplicates"]) == (1, 2)
        assert BankTransaction.objects.count() == 2
        # a deposit and a withdrawal of the same amount on the same day, without reference, are two lines
        result = _import(tenant, bank, header + f"{day(2)},10,in,,\n{day(2)},-10,out,,\n")
        assert result["imported"] == 2 and BankTransaction.objects.count() == 4


def test_locked_organization_refuses_imports_and_matching(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        bank = _bank(tenant)
        entry = create_and_post(actor=tenant.owner, data=entry_data(("1100", "DR", "100"), ("4000", "CR", "100")))
        _import(tenant, bank, f"Date,Amount,Details,Ref,Balance\n{day(0)},100,a,b,\n")
        update_features(actor=tenant.owner, patch=FeaturesPatch(locked=True))
        _refused(
            DomainError,
            "organization_locked",
            _import,
            tenant,
            bank,
            f"Date,Amount,Details,Ref,Balance\n{day(1)},1,a,b,\n",
        )
        tx = BankTransaction.objects.get()
        _refused(
            DomainError,
            "organization_locked",
            services.match_bank_transaction,
            actor=tenant.owner,
            bank_transaction_id=tx.pk,
            journal_line_id=entry.lines.get(line_no=1).pk,
        )
        assert BankTransaction.objects.get().status == "UNMATCHED"


def _books(tenant):
    """Ledger lines of the bank account (1100): a 100 deposit ref INV-1, a 100 deposit 3 days later, a 40 payment,
    and lines the suggestions must skip (a 100 withdrawal, a 99 deposit, a far deposit, the cash account)."""
    entries = {
        "ref": create_and_post(
            actor=tenant.owner,
            data=entry_data(("1100", "DR", "100"), ("4000", "CR", "100"), reference_number="INV-1"),
        ),
        "near": create_and_post(
            actor=tenant.owner,
            data=entry_data(("1100", "DR", "100"), ("4000", "CR", "100"), date=D + datetime.timedelta(days=3)),
        ),
        "payment": create_and_post(actor=tenant.owner, data=entry_data(("6100", "DR", "40"), ("1100", "CR", "40"))),
        "out": create_and_post(actor=tenant.owner, data=entry_data(("6100", "DR", "100"), ("1100", "CR", "100"))),
        "odd": create_and_post(actor=tenant.owner, data=entry_data(("1100", "DR", "99"), ("4000", "CR", "99"))),
        "far": create_and_post(
            actor=tenant.owner,
            data=entry_data(("1100", "DR", "100"), ("4000", "CR", "100"), date=D + datetime.timedelta(days=30)),
        ),
        "cash": create_and_post(actor=tenant.owner, data=entry_data(("1000", "DR", "100"), ("4000", "CR", "100"))),
    }
    return {name: entry.lines.order_by("line_no") for name, entry in entries.items()}


def test_suggestions_rank_reference_then_date(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        bank = _bank(tenant)
        lines = _books(tenant)
        _import(tenant, bank, f"Date,Amount,Details,Ref,Balance\n{day(2)},100,deposit,INV-1,\n{day(2)},100,other,,\n")
        with_ref, without = (
            BankTransaction.objects.get(reference_number="INV-1"),
            BankTransaction.objects.get(reference_number=""),
        )
        found = list(queries.suggest_matches(with_ref))
        assert [line.pk for line in found] == [lines["ref"][0].pk, lines["near"][0].pk]
        assert (found[0].reference_match, found[0].days_apart, found[1].days_apart) == (True, 2, 1)
        assert [line.pk for line in queries.suggest_matches(without)] == [lines["near"][0].pk, lines["ref"][0].pk]
        assert len(queries.suggest_matches(without, days=30)) == 3
        services.match_bank_transaction(
            actor=tenant.owner, bank_transaction_id=with_ref.pk, journal_line_id=lines["ref"][0].pk
        )
        assert [line.pk for line in queries.suggest_matches(without)] == [lines["near"][0].pk]


def test_match_refusals_unmatch_and_reconcile(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        bank = _bank(tenant)
        lines = _books(tenant)
        draft = create_entry(actor=tenant.owner, data=entry_data(("1100", "DR", "100"), ("4000", "CR", "100")))
        _import(tenant, bank, f"Date,Amount,Details,Ref,Balance\n{day(0)},100,deposit,INV-1,\n{day(0)},100,b,B,\n")
        tx, other = (
            BankTransaction.objects.get(reference_number="INV-1"),
            BankTransaction.objects.get(reference_number="B"),
        )

        def match(line, bank_tx=tx):
            return services.match_bank_transaction(
                actor=tenant.owner, bank_transaction_id=bank_tx.pk, journal_line_id=line.pk
            )

        _refused(ValidationFailed, "wrong_account", match, lines["cash"][0])
        _refused(ValidationFailed, "wrong_account", match, lines["ref"][1])
        _refused(ValidationFailed, "amount_mismatch", match, lines["odd"][0])
        _refused(ValidationFailed, "direction_mismatch", match, lines["out"][1])
        _refused(ValidationFailed, "not_posted", match, draft.lines.get(line_no=1))
        _refused(
            NotFound,
            "not_found",
            services.match_bank_transaction,
            actor=tenant.owner,
            bank_transaction_id=draft.pk,
            journal_line_id=lines["ref"][0].pk,
        )
        matched = match(lines["ref"][0])
        assert (matched.status, matched.matched_line_id, matched.matched_by_id) == (
            "MATCHED",
            lines["ref"][0].pk,
            tenant.owner.pk,
        )
        _refused(Conflict, "already_matched", match, lines["near"][0])
        _refused(Conflict, "already_matched", match, lines["ref"][0], other)
        assert BankTransaction.objects.get(pk=other.pk).status == "UNMATCHED"
        services.unmatch_bank_transaction(actor=tenant.owner, bank_transaction_id=tx.pk)
        tx.refresh_from_db()
        assert (tx.status, tx.matched_line_id, tx.matched_by_id) == ("UNMATCHED", None, None)
        _refused(
            InvalidTransition,
            "invalid_transition",
            services.unmatch_bank_transaction,
            actor=tenant.owner,
            bank_transaction_id=tx.pk,
        )
        match(lines["ref"][0])
        match(lines["near"][0], other)  # dated 3 days after: not reconciled on D
        assert services.reconcile_bank_account(actor=tenant.owner, bank_account_id=bank.pk, statement_date=D) == 1
        tx.refresh_from_db()
        assert tx.status == "RECONCILED" and tx.reconciled_at is not None
        assert BankTransaction.objects.get(pk=other.pk).status == "MATCHED"
        _refused(
            InvalidTransition,
            "invalid_transition",
            services.unmatch_bank_transaction,
            actor=tenant.owner,
            bank_transaction_id=tx.pk,
        )
        _refused(Conflict, "already_matched", match, lines["ref"][0])
        assert AuditLog.objects.filter(object_id=tx.pk, action="TRANSITION").count() == 3


def test_reconciliation_summary_and_unreconciled_items(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        bank = _bank(tenant)
        deposit = create_and_post(actor=tenant.owner, data=entry_data(("1100", "DR", "100"), ("4000", "CR", "100")))
        payment = create_and_post(
            actor=tenant.owner,
            data=entry_data(("6100", "DR", "40"), ("1100", "CR", "40"), date=D + datetime.timedelta(days=1)),
        )
        _import(tenant, bank, f"Date,Amount,Details,Ref,Balance\n{day(0)},100,deposit,R1,100\n{day(2)},-5,fee,F,95\n")
        services.match_bank_transaction(
            actor=tenant.owner,
            bank_transaction_id=BankTransaction.objects.get(reference_number="R1").pk,
            journal_line_id=deposit.lines.get(line_no=1).pk,
        )
        summary = queries.reconciliation_summary(bank, as_of=D + datetime.timedelta(days=2))
        assert summary["ledger_balance"] == Decimal("60.00") and summary["statement_balance"] == Decimal("95.00")
        assert (summary["unmatched_statement_total"], summary["unmatched_statement_count"]) == (Decimal("-5.00"), 1)
        assert (summary["unmatched_ledger_total"], summary["unmatched_ledger_count"]) == (Decimal("-40.00"), 1)
        assert summary["difference"] == Decimal("0.00")
        before = queries.reconciliation_summary(bank, as_of=D - datetime.timedelta(days=1))
        assert (before["ledger_balance"], before["statement_balance"], before["difference"]) == (Decimal(0), None, None)
        items = queries.unreconciled_items(bank, as_of=D + datetime.timedelta(days=2))
        assert [(i["source"], i["amount"], i["entry_number"]) for i in items] == [
            ("LEDGER", Decimal("-40.00"), payment.entry_number),
            ("STATEMENT", Decimal("-5.00"), ""),
        ]
        assert [i["source"] for i in queries.unreconciled_items(bank, as_of=D)] == []
