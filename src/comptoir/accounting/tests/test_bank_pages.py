"""The bank pages of the desk: upload → map → preview → import, refusals next to their field or row with nothing
written, match / unmatch / create the missing entry / reconcile (htmx and plain posts), permissions, other
organizations' accounts, and a constant number of queries on the reconciliation page."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from tests.support.api import member_client
from tests.support.queries import CaptureStatements

from comptoir.accounting.constants import BankTransactionStatus, EntryType
from comptoir.accounting.models import BankTransaction, JournalEntry, JournalLine
from comptoir.accounting.pages.banks import MAX_TEXT
from comptoir.accounting.services import banks as services
from comptoir.accounting.services import create_and_post
from comptoir.accounting.services.banks import BankAccountInput, ColumnMapping
from comptoir.accounting.tests.factories import IN_YEAR, entry_data
from comptoir.identity.services.roles import create_role
from comptoir.platform.tenancy import tenant_context

D = IN_YEAR
HX = {"HX-Request": "true"}
SIGNED = ColumnMapping(date="Date", amount="Amount", description="Details", reference="Ref", balance="Balance")
MAPPING_FORM = {
    "date": "Date",
    "amount": "Amount",
    "description": "Details",
    "reference": "Ref",
    "balance": "Balance",
    "date_format": "%Y-%m-%d",
    "decimal_separator": ".",
    "delimiter": "comma",
}


def day(n: int = 0) -> datetime.date:
    return D + datetime.timedelta(days=n)


def statement(*rows) -> str:
    return "Date,Amount,Details,Ref,Balance\n" + "".join(",".join(map(str, row)) + "\n" for row in rows)


STATEMENT = statement(
    (day(0), "1250.00", "Customer payment", "INV-1", "1250.00"),
    (day(2), "-12.50", "Bank fee", "FEE-3", "1237.50"),
)


def session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def urls(bank) -> dict:
    return {
        "import": reverse("accounting_bank_import", args=(bank.pk,)),
        "reconcile": reverse("accounting_bank_reconcile", args=(bank.pk,)),
        "up_to": reverse("accounting_bank_reconcile_up_to", args=(bank.pk,)),
    }


def line_url(name: str, bank, line) -> str:
    return reverse(f"accounting_bank_{name}", args=(bank.pk, line.pk))


def make_bank(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        return services.create_bank_account(
            actor=tenant.owner,
            data=BankAccountInput(account="1100", account_name="Main", account_number="FR76 3000 6000 0112 3456"),
        )


def post(tenant, *specs, date=D, reference=""):
    with tenant_context(tenant.organization, user=tenant.owner):
        return create_and_post(
            actor=tenant.owner, data=entry_data(*specs, date=date, narration="bank", reference_number=reference)
        )


@pytest.fixture
def books(tenant):
    """A bank account, a posted customer payment of 1,250.00 into it and its imported statement (the payment and
    a bank fee the books do not have)."""
    bank = make_bank(tenant)
    payment = post(tenant, ("1100", "DR", "1250.00"), ("1200", "CR", "1250.00"), reference="INV-1")
    with tenant_context(tenant.organization, user=tenant.owner):
        services.import_bank_statement(actor=tenant.owner, bank_account_id=bank.pk, csv_text=STATEMENT, mapping=SIGNED)
        lines = {line.reference_number: line for line in BankTransaction.objects.all()}
        bank_line = JournalLine.objects.get(entry=payment, account__code="1100")
    return {"bank": bank, "payment": payment, "bank_line": bank_line, "deposit": lines["INV-1"], "fee": lines["FEE-3"]}


def upload(client, bank, text, name="statement.csv", **form):
    file = SimpleUploadedFile(name, text if isinstance(text, bytes) else text.encode(), content_type="text/csv")
    return client.post(urls(bank)["import"], {"step": "upload", "file": file, **form})


def selected_option(html: str, name: str) -> str:
    select = re.search(rf'<select id="map-{name}" name="{name}"[^>]*>(.*?)</select>', html, re.S)[1]
    found = re.search(r'<option value="([^"]*)" selected>', select)
    return found[1] if found else ""


def count_lines(tenant) -> int:
    with tenant_context(tenant.organization, user=tenant.owner):
        return BankTransaction.objects.count()


# ---- import ----------------------------------------------------------------------------------------------------


def test_upload_map_preview_then_import_writes_the_lines(tenant):
    bank = make_bank(tenant)
    client = session(tenant.owner)
    empty = client.get(urls(bank)["reconcile"]).content.decode()
    assert "No statement lines here" in empty and "Map the balance column on import" in empty
    page = client.get(urls(bank)["import"])
    assert page.status_code == 200 and b'type="file"' in page.content and b"Or paste the statement" in page.content

    mapped = upload(client, bank, STATEMENT)
    html = mapped.content.decode()
    assert mapped.status_code == 200, html
    assert {name: selected_option(html, name) for name in ("date", "amount", "debit", "reference", "balance")} == {
        "date": "Date",
        "amount": "Amount",
        "debit": "",
        "reference": "Ref",
        "balance": "Balance",
    }
    assert f"{D:%m/%d/%Y}" in html  # parsed dates, in the language's format
    assert "1,250.00" in html and "-12.50" in html and "1,237.50" in html  # parsed amounts, signed, separated
    assert "2 lines in the file" in html and count_lines(tenant) == 0  # a preview writes nothing

    previewed = client.post(urls(bank)["import"], {"step": "preview", "csv_text": STATEMENT, **MAPPING_FORM})
    assert previewed.status_code == 200 and "Customer payment" in previewed.content.decode()
    assert count_lines(tenant) == 0

    imported = client.post(urls(bank)["import"], {"step": "import", "csv_text": STATEMENT, **MAPPING_FORM})
    assert imported.status_code == 302 and imported["Location"] == urls(bank)["reconcile"]
    with tenant_context(tenant.organization, user=tenant.owner):
        rows = sorted(BankTransaction.objects.values_list("transaction_date", "amount", "transaction_type", "status"))
    assert rows == [
        (day(0), Decimal("1250.000"), "CREDIT", "UNMATCHED"),
        (day(2), Decimal("12.500"), "DEBIT", "UNMATCHED"),
    ]
    assert "2 lines imported." in client.get(imported["Location"]).content.decode()


def test_the_mapping_of_the_last_import_is_offered_again_and_guesses_read_the_file(tenant):
    bank = make_bank(tenant)
    client = session(tenant.owner)
    text = f"Booked;Withdrawn;Lodged;Note\n{D:%d.%m.%Y};;1 250,00;A-1\n"
    guessed = upload(client, bank, text).content.decode()
    assert selected_option(guessed, "delimiter") == "semicolon"
    assert selected_option(guessed, "date_format") == "%d.%m.%Y"
    assert selected_option(guessed, "decimal_separator") == ","
    assert selected_option(guessed, "date") == "Booked"  # no header word names it: its cells are dates
    assert selected_option(guessed, "debit") == "" and selected_option(guessed, "amount") == ""
    assert 'data-testid="error-amount"' in guessed  # the user maps Withdrawn and Lodged
    mapping = {
        "date": "Booked",
        "debit": "Withdrawn",
        "credit": "Lodged",
        "reference": "Note",
        "date_format": "%d.%m.%Y",
        "decimal_separator": ",",
        "delimiter": "semicolon",
    }
    done = client.post(urls(bank)["import"], {"step": "import", "csv_text": text, **mapping})
    assert done.status_code == 302
    again = upload(client, bank, f"Booked;Withdrawn;Lodged;Note\n{day(1):%d.%m.%Y};3,00;;A-2\n").content.decode()
    assert {name: selected_option(again, name) for name in ("date", "debit", "credit", "reference")} == {
        "date": "Booked",
        "debit": "Withdrawn",
        "credit": "Lodged",
        "reference": "Note",
    }
    assert "-3.00" in again


def test_a_bad_file_or_mapping_is_shown_next_to_its_field_and_nothing_is_written(tenant):
    bank = make_bank(tenant)
    client = session(tenant.owner)
    not_utf8 = upload(client, bank, "Date,Amount\n2026-01-01,5,é\n".encode("latin-1"))
    assert not_utf8.status_code == 422
    assert re.search(r'data-testid="file-error">The file is not UTF-8 text<', not_utf8.content.decode())
    too_large = client.post(urls(bank)["import"], {"step": "upload", "csv_text": "Date\n" + "x" * MAX_TEXT})
    assert too_large.status_code == 422
    assert re.search(r'id="statement-text-error">The statement is larger than 1\.0.MB', too_large.content.decode())
    nothing = client.post(urls(bank)["import"], {"step": "upload", "csv_text": "  "})
    assert nothing.status_code == 422 and "Choose a file or paste the statement" in nothing.content.decode()

    no_date = client.post(urls(bank)["import"], {"step": "preview", "csv_text": STATEMENT, **MAPPING_FORM, "date": ""})
    assert no_date.status_code == 422
    assert 'data-testid="error-date">Choose the column of the date<' in no_date.content.decode()
    both = client.post(urls(bank)["import"], {"step": "import", "csv_text": STATEMENT, **MAPPING_FORM, "debit": "Ref"})
    assert both.status_code == 422
    assert re.search(
        r'data-testid="error-amount">Map either amount \(signed\) or both debit and credit<', both.content.decode()
    )
    unknown = client.post(
        urls(bank)["import"], {"step": "import", "csv_text": STATEMENT, **MAPPING_FORM, "balance": "Solde"}
    )
    assert unknown.status_code == 422
    assert re.search(r'data-testid="error-balance">No column &#x27;Solde&#x27; in the file<', unknown.content.decode())
    separator = client.post(
        urls(bank)["import"], {"step": "preview", "csv_text": STATEMENT, **MAPPING_FORM, "decimal_separator": ";"}
    )
    assert separator.status_code == 422 and 'id="map-decimal_separator-error"' in separator.content.decode()

    bad_rows = statement(
        (day(0), "5.00", "ok", "A", ""), ("31/02/2026", "5.00", "bad date", "B", ""), (day(1), "x", "", "C", "")
    )
    refused = client.post(urls(bank)["import"], {"step": "import", "csv_text": bad_rows, **MAPPING_FORM})
    html = refused.content.decode()
    assert refused.status_code == 422
    rows = re.findall(r'<tr class="refused" data-testid="preview-row">(.*?)</tr>', html, re.S)
    assert len(rows) == 2 and "31/02/2026" in rows[0] and "Date: Not a date in the format %Y-%m-%d" in rows[0]
    assert "Amount: Not a number" in rows[1]
    assert "2 refused" in html
    assert count_lines(tenant) == 0


def test_duplicates_are_refused_on_their_row_or_skipped_and_counted(tenant):
    bank = make_bank(tenant)
    client = session(tenant.owner)
    first = client.post(urls(bank)["import"], {"step": "import", "csv_text": STATEMENT, **MAPPING_FORM})
    assert first.status_code == 302 and count_lines(tenant) == 2
    more = STATEMENT + f"{day(3)},40.00,Transfer,TR-9,1277.50\n"
    again = client.post(urls(bank)["import"], {"step": "import", "csv_text": more, **MAPPING_FORM})
    html = again.content.decode()
    assert again.status_code == 422 and html.count("Reference: This line is already imported") == 2
    assert count_lines(tenant) == 2
    skipped = client.post(
        urls(bank)["import"], {"step": "import", "csv_text": more, **MAPPING_FORM, "skip_duplicates": "on"}
    )
    assert skipped.status_code == 302 and count_lines(tenant) == 3
    shown = client.get(skipped["Location"]).content.decode()
    assert "1 line imported; 2 lines imported already were skipped." in shown


# ---- reconciliation --------------------------------------------------------------------------------------------


def test_the_page_shows_lines_suggestions_and_summary(tenant, books):
    bank = books["bank"]
    html = session(tenant.owner).get(urls(bank)["reconcile"]).content.decode()
    assert "Customer payment" in html and "Bank fee" in html
    selected = re.search(r'<tr id="line-([0-9a-f-]+)" data-testid="statement-line" class="selected"', html)[1]
    assert selected == str(books["deposit"].pk)  # the first unmatched line is chosen
    suggestions = re.search(r'data-testid="suggestions">(.*?)</table>', html, re.S)[1]
    assert books["payment"].entry_number in suggestions and "same reference" in suggestions
    assert 'class="badge unmatched" data-testid="status">Unmatched<' in html  # the status's human label
    summary = re.search(r'data-testid="summary">(.*?)</section>', html, re.S)[1]
    assert "1,237.50" in summary and "1,250.00" in summary and "EUR" in summary  # statement and book balances
    unmatched_fee = session(tenant.owner).get(urls(bank)["reconcile"], {"line": books["fee"].pk}).content.decode()
    assert "No book line of this amount and direction" in unmatched_fee and "Create the missing entry" in unmatched_fee
    filtered = session(tenant.owner).get(urls(bank)["reconcile"], {"date_from": day(1)}).content.decode()
    assert "Bank fee" in filtered and "Customer payment" not in filtered
    reversed_range = session(tenant.owner).get(urls(bank)["reconcile"], {"date_from": day(1), "date_to": day(0)})
    assert 'data-testid="error-date_to">date_from must not be after date_to<' in reversed_range.content.decode()


def test_match_then_unmatch_with_htmx_and_plain_posts(tenant, books):
    bank, deposit = books["bank"], books["deposit"]
    client = session(tenant.owner)
    matched = client.post(line_url("match", bank, deposit), {"journal_line": books["bank_line"].pk}, headers=HX)
    html = matched.content.decode()
    assert matched.status_code == 200 and "<html" not in html and html.lstrip().startswith('<div id="reconciliation"')
    assert "is matched." in html and books["payment"].entry_number in html
    assert re.search(rf'id="line-{deposit.pk}".*?data-testid="status">Matched<', html, re.S)
    assert re.search(r'id="line-[^"]+" data-testid="statement-line" class="selected"', html)  # the fee, next
    with tenant_context(tenant.organization, user=tenant.owner):
        deposit.refresh_from_db()
    assert (deposit.status, deposit.matched_line_id) == (BankTransactionStatus.MATCHED, books["bank_line"].pk)

    again = client.post(line_url("match", bank, deposit), {"journal_line": books["bank_line"].pk}, headers=HX)
    assert again.status_code == 422 and "The statement line is already matched" in again.content.decode()

    unmatched = client.post(line_url("unmatch", bank, deposit))
    assert unmatched.status_code == 302 and unmatched["Location"].endswith(f"?line={deposit.pk}")
    with tenant_context(tenant.organization, user=tenant.owner):
        deposit.refresh_from_db()
    assert (deposit.status, deposit.matched_line_id) == (BankTransactionStatus.UNMATCHED, None)
    assert "is unmatched." in client.get(unmatched["Location"]).content.decode()


def test_a_refused_match_shows_why_and_changes_nothing(tenant, books):
    bank = books["bank"]
    client = session(tenant.owner)
    wrong = client.post(line_url("match", bank, books["fee"]), {"journal_line": books["bank_line"].pk}, headers=HX)
    assert wrong.status_code == 422 and 'data-testid="refusal"' in wrong.content.decode()
    assert "The amounts differ" in wrong.content.decode()
    missing = client.post(line_url("match", bank, books["fee"]), {"journal_line": "nope"})
    assert missing.status_code == 422 and "Choose a book line" in missing.content.decode()
    assert "<html" in missing.content.decode()  # a plain post gets the whole page
    with tenant_context(tenant.organization, user=tenant.owner):
        assert set(BankTransaction.objects.values_list("status", flat=True)) == {BankTransactionStatus.UNMATCHED}


def entry_count(tenant) -> int:
    with tenant_context(tenant.organization, user=tenant.owner):
        return JournalEntry.objects.count()


def test_create_the_missing_entry_posts_it_and_matches_the_line(tenant, books):
    bank, fee = books["bank"], books["fee"]
    client = session(tenant.owner)
    entries = entry_count(tenant)
    url = line_url("entry", bank, fee)
    refused = client.post(url, {"account": "9999", "narration": "Bank fee", "date": day(2)}, headers=HX)
    html = refused.content.decode()
    assert refused.status_code == 422 and 'data-testid="error-account"' in html and "9999" in html
    closed = client.post(url, {"account": "6900", "narration": "Bank fee", "date": "1990-01-01"}, headers=HX)
    assert closed.status_code == 422
    assert 'data-testid="error-date">No fiscal period contains 1990-01-01<' in closed.content.decode()
    assert entry_count(tenant) == entries
    created = client.post(url, {"account": "6900", "narration": "Bank fee March", "date": day(2)}, headers=HX)
    assert created.status_code == 200, created.content.decode()
    with tenant_context(tenant.organization, user=tenant.owner):
        assert JournalEntry.objects.count() == entries + 1
        fee.refresh_from_db()
        entry = fee.matched_line.entry
        lines = sorted(entry.lines.values_list("account__code", "entry_type", "amount"))
    assert fee.status == BankTransactionStatus.MATCHED and (entry.narration, entry.date) == ("Bank fee March", day(2))
    assert entry.reference_number == "FEE-3" and entry.status == "POSTED"
    assert lines == [("1100", EntryType.CREDIT, Decimal("12.500")), ("6900", EntryType.DEBIT, Decimal("12.500"))]
    assert f"Entry {entry.entry_number} is posted and matched" in created.content.decode()


def test_the_missing_entry_is_not_posted_when_the_line_cannot_be_matched(tenant, books):
    bank, deposit = books["bank"], books["deposit"]
    client = session(tenant.owner)
    client.post(line_url("match", bank, deposit), {"journal_line": books["bank_line"].pk})
    entries = entry_count(tenant)
    refused = client.post(line_url("entry", bank, deposit), {"account": "4000", "narration": "x", "date": day(0)})
    assert refused.status_code == 422 and "The statement line is already matched" in refused.content.decode()
    assert entry_count(tenant) == entries  # the posted entry went back with the refused match


def test_reconcile_up_to_a_date_marks_the_matched_lines(tenant, books):
    bank = books["bank"]
    client = session(tenant.owner)
    client.post(line_url("match", bank, books["deposit"]), {"journal_line": books["bank_line"].pk})
    no_date = client.post(urls(bank)["up_to"], {"statement_date": ""}, headers=HX)
    assert no_date.status_code == 422 and "Enter the statement date" in no_date.content.decode()
    done = client.post(urls(bank)["up_to"], {"statement_date": day(5)}, headers=HX)
    assert done.status_code == 200 and "1 line reconciled up to" in done.content.decode()
    assert re.search(
        rf'id="line-{books["deposit"].pk}".*?data-testid="status">Reconciled<', done.content.decode(), re.S
    )
    with tenant_context(tenant.organization, user=tenant.owner):
        statuses = dict(BankTransaction.objects.values_list("reference_number", "status"))
    assert statuses == {"INV-1": BankTransactionStatus.RECONCILED, "FEE-3": BankTransactionStatus.UNMATCHED}
    reconciled = client.post(line_url("unmatch", bank, books["deposit"]), headers=HX)
    assert reconciled.status_code == 422  # a reconciled line stays reconciled


# ---- permissions and tenancy ---------------------------------------------------------------------------------


def role_member(tenant, code: str, permissions: list[str]):
    with tenant_context(tenant.organization, user=tenant.owner):
        create_role(actor=tenant.owner, code=code, name=code.title(), permissions=permissions)
    user, _api = member_client(tenant, org_role="EMPLOYEE", roles=[code])
    return session(user)


def test_each_page_and_action_needs_its_permission(tenant, books):
    bank, deposit, fee = books["bank"], books["deposit"], books["fee"]
    match = (line_url("match", bank, deposit), {"journal_line": books["bank_line"].pk})
    entry = (line_url("entry", bank, fee), {"account": "6900", "narration": "fee", "date": day(2)})
    employee, _api = member_client(tenant, org_role="EMPLOYEE")
    assert session(employee).get(urls(bank)["reconcile"]).status_code == 403
    assert session(employee).get(urls(bank)["import"]).status_code == 403
    anonymous = Client().get(urls(bank)["reconcile"])
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/sign-in/")

    investor, _api = member_client(tenant, org_role="INVESTOR")  # reads everything, changes nothing
    reader = session(investor)
    page = reader.get(urls(bank)["reconcile"])
    assert page.status_code == 200 and "Find matches" in page.content.decode()
    assert ">Match<" not in page.content.decode() and "Reconcile up to date" not in page.content.decode()
    assert "Create the missing entry" not in page.content.decode()
    assert reader.get(urls(bank)["import"]).status_code == 403
    assert reader.post(*match).status_code == 403
    assert reader.post(line_url("unmatch", bank, deposit)).status_code == 403
    assert reader.post(urls(bank)["up_to"], {"statement_date": day(5)}).status_code == 403
    assert reader.post(*entry).status_code == 403

    reconciler = role_member(
        tenant,
        "RECONCILER",
        ["accounting.view_bankaccount", "accounting.view_banktransaction", "accounting.reconcile_banktransaction"],
    )
    assert "Create the missing entry" not in reconciler.get(urls(bank)["reconcile"]).content.decode()
    assert reconciler.post(*entry).status_code == 403  # posting an entry needs add and change_journalentry
    assert reconciler.get(urls(bank)["import"]).status_code == 403
    assert reconciler.post(*match).status_code == 302
    with tenant_context(tenant.organization, user=tenant.owner):
        assert BankTransaction.objects.get(pk=fee.pk).status == BankTransactionStatus.UNMATCHED
        assert BankTransaction.objects.get(pk=deposit.pk).status == BankTransactionStatus.MATCHED

    importer = role_member(tenant, "IMPORTER", ["accounting.add_banktransaction"])
    assert importer.get(urls(bank)["import"]).status_code == 200
    assert importer.get(urls(bank)["reconcile"]).status_code == 403


def test_another_organizations_account_and_lines_are_not_found(tenant, other_tenant, books):
    theirs = make_bank(other_tenant)
    with tenant_context(other_tenant.organization, user=other_tenant.owner):
        services.import_bank_statement(
            actor=other_tenant.owner, bank_account_id=theirs.pk, csv_text=STATEMENT, mapping=SIGNED
        )
        their_line = BankTransaction.objects.first()
    client = session(tenant.owner)
    for url in urls(theirs).values():
        assert client.get(url).status_code in (404, 405)
    assert client.get(urls(theirs)["reconcile"]).status_code == 404
    assert client.get(urls(theirs)["import"]).status_code == 404
    assert client.post(urls(theirs)["up_to"], {"statement_date": day(5)}).status_code == 404
    mine = books["bank"]
    assert client.get(urls(mine)["reconcile"], {"line": their_line.pk}).status_code == 404
    for name in ("match", "unmatch", "entry"):
        assert client.post(line_url(name, mine, their_line), {"journal_line": books["bank_line"].pk}).status_code == 404
    with tenant_context(other_tenant.organization, user=other_tenant.owner):
        assert BankTransaction.objects.get(pk=their_line.pk).status == BankTransactionStatus.UNMATCHED


def test_the_reconciliation_page_costs_the_same_queries_whatever_the_lines(tenant, books):
    bank = books["bank"]
    client = session(tenant.owner)
    client.get(urls(bank)["reconcile"])  # warm the session and the caches

    def queries() -> int:
        with CaptureStatements(connection) as ctx:
            assert client.get(urls(bank)["reconcile"]).status_code == 200
        return len(ctx.captured_queries)

    before = queries()
    for n in range(1, 11):
        post(tenant, ("1100", "DR", f"{n}.00"), ("4000", "CR", f"{n}.00"), date=day(n), reference=f"S-{n}")
    more = statement(*((day(n), f"{n}.00", f"Sale {n}", f"S-{n}", "") for n in range(1, 11)))
    with tenant_context(tenant.organization, user=tenant.owner):
        services.import_bank_statement(actor=tenant.owner, bank_account_id=bank.pk, csv_text=more, mapping=SIGNED)
    client.post(line_url("match", bank, books["deposit"]), {"journal_line": books["bank_line"].pk})
    assert queries() == before
