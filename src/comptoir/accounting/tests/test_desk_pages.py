"""The books in the desk: the generic pages rendered from accounting/desk.py, writing through the services with
the API's schemas (same rules, same refusals), each refusal next to its field and nothing written."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from tests.support.api import member_client

from comptoir.accounting.models import Account, JournalEntry
from comptoir.accounting.services import journal
from comptoir.accounting.tests.factories import IN_YEAR, entry_data
from comptoir.platform.tenancy import tenant_context

pytestmark = pytest.mark.django_db

ENTRIES = "/accounting/journal-entries/"
ACCOUNTS = "/accounting/accounts/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _lines(*rows) -> dict:
    data = {}
    for i, (account, debit, credit) in enumerate(rows):
        data.update({f"lines-{i}-account": account, f"lines-{i}-debit": debit, f"lines-{i}-credit": credit})
    return data


def _entry_form(*rows, button="0", **fields) -> dict:
    return {
        "date": IN_YEAR.isoformat(),
        "journal_type": "JV",
        "narration": "Office supplies",
        "button": button,
        **fields,
        **_lines(*rows),
    }


def _post(tenant, *specs, narration="test"):
    with tenant_context(tenant.organization, user=tenant.owner):
        return journal.create_and_post(actor=tenant.owner, data=entry_data(*specs, narration=narration))


def _count(tenant, model, **filters):
    with tenant_context(tenant.organization, user=tenant.owner):
        return model.objects.filter(**filters).count()


def test_a_three_line_entry_is_saved_and_posted_from_the_form(tenant):
    client = signed_in(tenant.owner)
    form = client.get(f"{ENTRIES}new/").content.decode()
    assert '<option value="JV" selected>' in form and '<option value="PAY"' in form  # the journals to choose from
    assert 'value="CLOSING"' not in form  # the year-end closing's journal is the system's
    response = client.post(
        f"{ENTRIES}new/", _entry_form(("6000", "100.00", ""), ("2100", "20.00", ""), ("1000", "", "120.00"))
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    with tenant_context(tenant.organization, user=tenant.owner):
        entry = JournalEntry.objects.get(narration="Office supplies")
        assert entry.status == "POSTED" and entry.total_debit == Decimal("120.00")
        assert [(line.account.code, line.entry_type) for line in entry.lines.order_by("line_no")] == [
            ("6000", "DR"),
            ("2100", "DR"),
            ("1000", "CR"),
        ]
    assert response["Location"] == f"{ENTRIES}{entry.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert entry.entry_number in page and "120.00" in page and "Posted" in page


def test_an_unbalanced_entry_is_refused_next_to_the_lines_and_nothing_is_written(tenant):
    client = signed_in(tenant.owner)
    response = client.post(f"{ENTRIES}new/", _entry_form(("6000", "100.00", ""), ("1000", "", "99.00")))
    assert response.status_code == 422
    body = response.content.decode()
    assert 'data-testid="error-lines"' in body and "differ" in body
    assert 'value="99.00"' in body  # the form keeps what was typed
    assert _count(tenant, JournalEntry, narration="Office supplies") == 0


def test_a_line_with_debit_and_credit_or_an_unknown_account_is_refused_on_its_row(tenant):
    client = signed_in(tenant.owner)
    both = client.post(f"{ENTRIES}new/", _entry_form(("6000", "100.00", "100.00"), ("1000", "", "100.00")))
    assert both.status_code == 422 and 'data-testid="error-lines-0-debit"' in both.content.decode()
    unknown = client.post(f"{ENTRIES}new/", _entry_form(("9999", "100.00", ""), ("1000", "", "100.00")))
    assert unknown.status_code == 422 and 'data-testid="error-lines-0-account"' in unknown.content.decode()
    bad_amount = client.post(f"{ENTRIES}new/", _entry_form(("6000", "abc", ""), ("1000", "", "100.00")))
    assert bad_amount.status_code == 422 and 'data-testid="error-lines-0-debit"' in bad_amount.content.decode()
    no_date = client.post(f"{ENTRIES}new/", _entry_form(("6000", "1", ""), ("1000", "", "1"), date=""))
    assert no_date.status_code == 422 and 'data-testid="error-date"' in no_date.content.decode()
    assert _count(tenant, JournalEntry, narration="Office supplies") == 0


def test_a_draft_is_posted_then_reversed_from_its_page(tenant):
    client = signed_in(tenant.owner)
    response = client.post(f"{ENTRIES}new/", _entry_form(("6000", "50", ""), ("1000", "", "50"), button="1"))
    with tenant_context(tenant.organization, user=tenant.owner):
        draft = JournalEntry.objects.get(narration="Office supplies")
    assert draft.status == "DRAFT" and response["Location"] == f"{ENTRIES}{draft.pk}/"
    assert 'data-testid="action-post"' in client.get(f"{ENTRIES}{draft.pk}/").content.decode()
    assert client.post(f"{ENTRIES}{draft.pk}/post/").status_code == 302
    detail = client.get(f"{ENTRIES}{draft.pk}/").content.decode()
    assert "action-post" not in detail and 'data-testid="action-reverse"' in detail
    form = client.get(f"{ENTRIES}{draft.pk}/reverse/")
    assert form.status_code == 200 and 'name="date"' in form.content.decode()
    refused = client.post(f"{ENTRIES}{draft.pk}/reverse/", {"date": "not a date"})
    assert refused.status_code == 422 and 'data-testid="error-date"' in refused.content.decode()
    done = client.post(f"{ENTRIES}{draft.pk}/reverse/", {"date": IN_YEAR.isoformat(), "narration": "undo"})
    with tenant_context(tenant.organization, user=tenant.owner):
        reversal = JournalEntry.objects.get(reversed_entry=draft)
        assert JournalEntry.objects.get(pk=draft.pk).status == "REVERSED"
    assert done["Location"] == f"{ENTRIES}{reversal.pk}/"
    original = client.get(f"{ENTRIES}{draft.pk}/").content.decode()
    assert f"{ENTRIES}{reversal.pk}/" in original  # the original links to its reversal, and back
    assert f"{ENTRIES}{draft.pk}/" in client.get(f"{ENTRIES}{reversal.pk}/").content.decode()
    assert "REVERSE" in original or "Reverse" in original  # the history shows the reversal


def test_the_list_filters_by_account_amount_status_and_dates_and_exports_the_filtered_view(tenant):
    big = _post(tenant, ("6000", "DR", "900.00"), ("1000", "CR", "900.00"), narration="Big rent")
    small = _post(tenant, ("4000", "CR", "15.00"), ("1000", "DR", "15.00"), narration="Small sale")
    client = signed_in(tenant.owner)
    page = client.get(ENTRIES, {"account": "6000"}).content.decode()
    assert big.entry_number in page and small.entry_number not in page
    page = client.get(ENTRIES, {"amount_min": "100"}).content.decode()
    assert big.entry_number in page and small.entry_number not in page
    page = client.get(ENTRIES, {"status": "DRAFT"}).content.decode()
    assert 'data-testid="empty-state"' in page and "Nothing matches these filters" in page
    refused = client.get(ENTRIES, {"date_from": "2026-05-01", "date_to": "2026-04-01"})
    assert refused.status_code == 422 and "date_from must not be after date_to" in refused.content.decode()
    bad_account = client.get(ENTRIES, {"account": "nope"})
    assert bad_account.status_code == 422 and "No account" in bad_account.content.decode()
    export = client.get(ENTRIES, {"account": "6000", "format": "csv"})
    text = b"".join(export.streaming_content).decode()
    assert export["Content-Type"].startswith("text/csv")
    assert "Big rent" in text and "Small sale" not in text and "Posted" in text  # labels, not POSTED


def test_the_list_sorts_pages_and_keeps_the_chosen_columns_in_a_saved_view(tenant):
    for i in range(3):
        _post(tenant, ("6000", "DR", f"{i + 1}.00"), ("1000", "CR", f"{i + 1}.00"), narration=f"Narrative-{i}")
    client = signed_in(tenant.owner)
    first = client.get(ENTRIES, {"ordering": "entry_number", "limit": "2"})
    body = first.content.decode()
    assert 'data-testid="next-page"' in body and body.index("Narrative-0") < body.index("Narrative-1")
    assert "Narrative-2" not in body
    nxt = client.get(ENTRIES + first.context["next_url"]).content.decode()
    assert "Narrative-2" in nxt and "Narrative-0" not in nxt
    chosen = client.get(ENTRIES, {"columns": ["entry_number", "posted_at"]})
    assert [c.key for c in chosen.context["columns"]] == ["entry_number", "posted_at"]
    saved = client.post(
        ENTRIES, {"name": "Mine", "query": "ordering=-entry_number", "columns": ["entry_number"], "is_default": "1"}
    )
    assert saved.status_code == 302
    again = client.get(ENTRIES)  # the default view applies when the list opens bare
    assert again.status_code == 302 and "ordering=-entry_number" in again["Location"]
    assert [c.key for c in client.get(ENTRIES + again["Location"]).context["columns"]] == ["entry_number"]
    refused = client.post(ENTRIES, {"name": "  ", "query": ""})
    assert refused.status_code == 302
    assert "Give the view a name" in str([m.message for m in refused.wsgi_request._messages])


def test_bulk_post_posts_the_selected_drafts_and_reports_the_refused(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        good = journal.create_entry(actor=tenant.owner, data=entry_data(("6000", "DR", "5"), ("1000", "CR", "5")))
        bad = journal.create_entry(actor=tenant.owner, data=entry_data(("6000", "DR", "5"), ("1000", "CR", "4")))
    client = signed_in(tenant.owner)
    response = client.post(ENTRIES, {"bulk": "post", "ids": [str(good.pk), str(bad.pk)]}, follow=True)
    text = response.content.decode()
    assert "Post: 1 done." in text and "differ" in text
    with tenant_context(tenant.organization, user=tenant.owner):
        assert JournalEntry.objects.get(pk=good.pk).status == "POSTED"
        assert JournalEntry.objects.get(pk=bad.pk).status == "DRAFT"


def test_an_account_is_created_edited_and_deactivated_through_the_forms(tenant):
    client = signed_in(tenant.owner)
    form = client.get(f"{ACCOUNTS}new/", {"group": "52"})
    assert form.status_code == 200 and "Code" in form.content.decode()
    created = client.post(
        f"{ACCOUNTS}new/", {"code": "6150", "name": "Travel", "group": "52", "account_type": "EXPENSE"}
    )
    assert created.status_code == 302, created.content.decode()[:3000]
    with tenant_context(tenant.organization, user=tenant.owner):
        account = Account.objects.get(code="6150")
    duplicate = client.post(
        f"{ACCOUNTS}new/", {"code": "6150", "name": "Again", "group": "52", "account_type": "EXPENSE"}
    )
    assert duplicate.status_code == 422 and 'data-testid="error-code"' in duplicate.content.decode()
    edited = client.post(
        f"{ACCOUNTS}{account.pk}/edit/", {"name": "Travel and lodging", "group": "52", "account_type": "EXPENSE"}
    )
    assert edited.status_code == 302
    client.post(f"{ACCOUNTS}{account.pk}/deactivate/")
    with tenant_context(tenant.organization, user=tenant.owner):
        account.refresh_from_db()
    assert account.name == "Travel and lodging" and not account.is_active
    assert "Travel and lodging" in client.get("/accounting/chart/").content.decode()


def test_pages_refuse_members_without_the_permission_and_other_organizations_records(tenant, other_tenant):
    entry = _post(tenant, ("6000", "DR", "5"), ("1000", "CR", "5"))
    user, _ = member_client(tenant, org_role="EMPLOYEE")
    client = signed_in(user)
    assert client.get(ENTRIES).status_code == 403
    assert client.get(f"{ENTRIES}new/").status_code == 403
    assert client.get(f"{ENTRIES}{entry.pk}/").status_code == 404
    assert client.post(f"{ENTRIES}{entry.pk}/reverse/", {"date": IN_YEAR.isoformat()}).status_code == 404
    outsider = signed_in(other_tenant.owner)
    assert outsider.get(f"{ENTRIES}{entry.pk}/").status_code == 404
    assert outsider.post(f"{ENTRIES}{entry.pk}/reverse/", {"date": IN_YEAR.isoformat()}).status_code == 404
    assert outsider.get("/accounting/nothing-here/").status_code == 404
    assert Client().get(ENTRIES).status_code == 302  # to the sign-in page


def test_the_list_reads_a_constant_number_of_queries(tenant):
    client = signed_in(tenant.owner)
    _post(tenant, ("6000", "DR", "5"), ("1000", "CR", "5"))
    client.get(ENTRIES)  # warm the per-process caches (module specs, content types)
    with CaptureQueriesContext(connection) as few:
        assert client.get(ENTRIES).status_code == 200
    for i in range(15):
        _post(tenant, ("6000", "DR", f"{i + 1}"), ("1000", "CR", f"{i + 1}"))
    with CaptureQueriesContext(connection) as many:
        assert client.get(ENTRIES).status_code == 200
    assert _statements(many) == _statements(few)


def _statements(captured) -> int:
    """The statements of a request without the tenant settings a context change in the test may send first."""
    return sum(1 for q in captured.captured_queries if not q["sql"].startswith("SELECT set_config"))


@pytest.mark.parametrize(
    "path",
    [
        "/accounting/accounts/",
        "/accounting/account-groups/",
        "/accounting/fiscal-years/",
        "/accounting/fiscal-periods/",
        "/accounting/tax-rates/",
        "/accounting/cost-centers/",
        "/accounting/budgets/",
        "/accounting/chart/",
        "/accounting/budget-report/",
        "/accounting/accounts/new/",
        "/accounting/account-groups/new/",
        "/accounting/fiscal-years/new/",
        "/accounting/tax-rates/new/",
        "/accounting/cost-centers/new/",
        "/accounting/budgets/new/",
        "/accounting/chart/import/",
    ],
)
def test_every_page_of_the_books_opens(tenant, path):
    assert signed_in(tenant.owner).get(path).status_code == 200


def test_a_fiscal_period_is_closed_and_reopened_with_a_reason(tenant):
    client = signed_in(tenant.owner)
    with tenant_context(tenant.organization, user=tenant.owner):
        from comptoir.accounting.models import FiscalPeriod

        period = FiscalPeriod.objects.filter(start_date__lte=IN_YEAR, end_date__gte=IN_YEAR).get()
    assert client.post(f"/accounting/fiscal-periods/{period.pk}/close/", {"reason": "month end"}).status_code == 302
    refused = client.post(f"/accounting/fiscal-periods/{period.pk}/reopen/", {"reason": " "})
    assert refused.status_code == 422 and 'data-testid="error-reason"' in refused.content.decode()
    assert client.post(f"/accounting/fiscal-periods/{period.pk}/reopen/", {"reason": "late bill"}).status_code == 302
    with tenant_context(tenant.organization, user=tenant.owner):
        period.refresh_from_db()
    assert period.status == "OPEN"
    history = client.get(f"/accounting/fiscal-periods/{period.pk}/").content.decode()
    assert "late bill" in history


def test_quick_search_finds_entries_and_accounts_the_member_may_see(tenant, other_tenant):
    entry = _post(tenant, ("6000", "DR", "5"), ("1000", "CR", "5"), narration="Stationery")
    client = signed_in(tenant.owner)
    found = client.get("/search/", {"q": entry.entry_number}).content.decode()
    assert f"{ENTRIES}{entry.pk}/" in found
    assert "Cash" in client.get("/search/", {"q": "1000"}).content.decode()
    assert "Nothing matches" in signed_in(other_tenant.owner).get("/search/", {"q": "Stationery"}).content.decode()
    picked = client.get("/pick/accounting.accounts/", {"q": "60"}).json()["items"]
    assert picked and all(item["value"].startswith("60") for item in picked)
    assert client.get("/pick/accounting.nothing/", {"q": "1"}).status_code == 404


def test_a_file_is_attached_to_an_entry_and_downloaded_from_its_page(tenant, other_tenant):
    from django.core.files.uploadedfile import SimpleUploadedFile

    entry = _post(tenant, ("6000", "DR", "5"), ("1000", "CR", "5"))
    client = signed_in(tenant.owner)
    upload = SimpleUploadedFile("receipt.txt", b"paid in cash", content_type="text/plain")
    assert client.post(f"{ENTRIES}{entry.pk}/attach/", {"file": upload}).status_code == 302
    page = client.get(f"{ENTRIES}{entry.pk}/").content.decode()
    link = re.search(r'href="(/attachments/[0-9a-f-]+/)"', page)
    assert link and "receipt.txt" in page
    download = client.get(link[1])
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"paid in cash"
    assert signed_in(other_tenant.owner).get(link[1]).status_code == 404
    empty = client.post(f"{ENTRIES}{entry.pk}/attach/", {}, follow=True)
    assert "Choose a file to attach." in empty.content.decode()
    outsider = signed_in(other_tenant.owner).post(f"{ENTRIES}{entry.pk}/attach/", {"file": upload})
    assert outsider.status_code == 404


def test_the_account_and_amount_filters_find_the_same_entries_whether_they_are_few_or_many(tenant, monkeypatch):
    from comptoir.accounting.queries import books

    entries = [_post(tenant, ("6000", "DR", f"{i + 1}00"), ("1000", "CR", f"{i + 1}00")) for i in range(4)]
    _post(tenant, ("4000", "CR", "999"), ("1000", "DR", "999"))

    def found(**filters):
        with tenant_context(tenant.organization, user=tenant.owner):
            return list(books.journal_entries(**filters).order_by("-date", "-id").values_list("pk", flat=True))

    few = (found(account="6000"), found(amount_min=Decimal("150"), amount_max=Decimal("400")))
    monkeypatch.setattr(books, "FEW_ENTRIES", 2)  # now both filters match "many" entries
    many = (found(account="6000"), found(amount_min=Decimal("150"), amount_max=Decimal("400")))
    assert few == many
    assert set(few[0]) == {e.pk for e in entries} and set(few[1]) == {e.pk for e in entries[1:4]}


def test_a_group_is_edited_through_its_form_and_a_refusal_shows_next_to_the_parent(tenant):
    from comptoir.accounting.models import AccountGroup

    with tenant_context(tenant.organization, user=tenant.owner):
        group = AccountGroup.objects.get(code="52")
    client = signed_in(tenant.owner)
    form = client.get(f"/accounting/account-groups/{group.pk}/edit/")
    assert form.status_code == 200 and 'value="Operating expenses"' in form.content.decode()
    refused = client.post(f"/accounting/account-groups/{group.pk}/edit/", {"name": "Opex", "parent": "1"})
    assert refused.status_code == 422 and 'data-testid="error-parent"' in refused.content.decode()
    assert client.post(f"/accounting/account-groups/{group.pk}/edit/", {"name": "Opex"}).status_code == 302
    with tenant_context(tenant.organization, user=tenant.owner):
        group.refresh_from_db()
    assert (group.name, group.path) == ("Opex", "/5/52/")


def test_the_chart_is_imported_after_a_preview_and_each_refusal_writes_nothing(tenant):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from comptoir.accounting.models import AccountGroup
    from comptoir.accounting.tests.test_chart_transfer import HEADER

    def groups() -> int:
        with tenant_context(tenant.organization, user=tenant.owner):
            return AccountGroup.objects.count()

    page, before = "/accounting/chart/import/", groups()
    client = signed_in(tenant.owner)
    no_file = client.post(page, {})
    assert no_file.status_code == 422 and "Choose a CSV file." in no_file.content.decode()
    latin = client.post(page, {"file": SimpleUploadedFile("chart.csv", "é".encode("latin-1"))})
    assert latin.status_code == 422 and "not UTF-8" in latin.content.decode()
    refused = client.post(page, {"file": SimpleUploadedFile("chart.csv", (HEADER + "group,54,,5,,,,,\n").encode())})
    assert refused.status_code == 422 and 'data-testid="form-error"' in refused.content.decode()
    expired = client.post(page, {"confirm": "1"})
    assert expired.status_code == 422 and "expired" in expired.content.decode()
    csv_text = HEADER + "group,53,Marketing,5,,,,,\n"
    preview = client.post(page, {"file": SimpleUploadedFile("chart.csv", csv_text.encode())})
    assert preview.status_code == 200 and 'data-testid="preview"' in preview.content.decode()
    assert groups() == before  # the preview is the service's dry run
    assert client.post(page, {"confirm": "1"}).status_code == 302
    assert groups() == before + 1
    employee, _ = member_client(tenant, org_role="EMPLOYEE")
    assert signed_in(employee).get(page).status_code == 403
