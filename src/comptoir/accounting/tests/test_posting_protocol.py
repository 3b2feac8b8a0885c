"""The posting protocol (`post_document`): typed lines, a source posts at most once over live entries, the
document skeleton (shared transition guard, events in the same transaction), and the statements one posting sends."""

import uuid
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from tests.support.queries import CaptureStatements

from comptoir.accounting.constants import ENTRY_TRANSITIONS, EntryType
from comptoir.accounting.models import JournalEntry, JournalLine
from comptoir.accounting.services import (
    PostingLine,
    SourceRef,
    cancel_entry,
    create_entry,
    post_document,
    post_entry,
    reverse_entry,
)
from comptoir.accounting.services.books import check_books
from comptoir.accounting.tests.factories import IN_YEAR, entry_data
from comptoir.platform.errors import Conflict, InvalidTransition, ValidationFailed
from comptoir.platform.models import AuditLog, IntegrationEvent, PostableDocument
from comptoir.platform.tenancy import tenant_context

INVOICE = SourceRef("shop.invoice", uuid.UUID("01900000-0000-7000-8000-000000000001"))
CUSTOMER = SourceRef("parties.customer", uuid.UUID("01900000-0000-7000-8000-0000000000c1"))


@pytest.fixture(autouse=True)
def _shop(shop_module):
    """The test-only "shop" module declares `shop.invoice` as a document that posts to the books."""


def invoice_lines(total="120.00") -> list[PostingLine]:
    net, tax = Decimal(total) / Decimal("1.2"), Decimal(total) - Decimal(total) / Decimal("1.2")
    return [
        PostingLine("1200", EntryType.DEBIT, Decimal(total), party=CUSTOMER, description="receivable"),
        PostingLine("4000", EntryType.CREDIT, net.quantize(Decimal("0.01"))),
        PostingLine("2100", EntryType.CREDIT, tax.quantize(Decimal("0.01"))),
    ]


def post_invoice(tenant, source=INVOICE, total="120.00"):
    return post_document(
        actor=tenant.owner, source=source, date=IN_YEAR, journal_type="SALES", lines=invoice_lines(total)
    )


def test_a_document_posts_typed_lines_with_its_source_and_party(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        entry = post_invoice(tenant)
        assert (entry.status, entry.source_type, entry.source_id) == (
            "POSTED",
            "shop.invoice",
            INVOICE.document_id,
        )
        assert entry.entry_number.endswith("-000001")
        receivable = JournalLine.objects.get(entry=entry, line_no=1)
        assert (receivable.party_type, receivable.party_id, receivable.remarks) == (
            "parties.customer",
            CUSTOMER.document_id,
            "receivable",
        )
        assert [line.line_no for line in entry.lines.all()] == [1, 2, 3]  # returned with its lines
        assert check_books() == []


def test_a_source_of_a_type_no_module_declares_is_refused_and_nothing_is_written(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        with pytest.raises(ValidationFailed) as refused:
            post_invoice(tenant, source=SourceRef("helpdesk.ticket", uuid.uuid4()))
        assert (refused.value.code, refused.value.errors[0].field) == ("undeclared_source", "source_type")
        assert not JournalEntry.objects.exists()


def test_a_line_may_carry_its_base_amount_and_the_entry_balances_on_it(tenant):
    """A settlement at its bill's base amount: 100 foreign at 1.15 would be 115.00; it clears 110.00 and the
    entry balances with the 5.00 difference."""
    with tenant_context(tenant.organization, user=tenant.owner):
        lines = [
            PostingLine("1100", EntryType.DEBIT, Decimal("100"), currency="USD", exchange_rate=Decimal("1.15")),
            PostingLine("1200", EntryType.CREDIT, Decimal("100"), currency="USD", exchange_rate=Decimal("1.15"),
                        base_amount=Decimal("110.00")),
            PostingLine("4900", EntryType.CREDIT, Decimal("5.00")),
        ]  # fmt: skip
        entry = post_document(actor=tenant.owner, source=INVOICE, date=IN_YEAR, journal_type="RCP", lines=lines)
        stored = JournalLine.objects.filter(entry=entry).order_by("line_no")
        assert [(line.amount, line.exchange_rate, line.base_amount) for line in stored] == [
            (Decimal("100.0000"), Decimal("1.15"), Decimal("115.0000")),
            (Decimal("100.0000"), Decimal("1.15"), Decimal("110.0000")),
            (Decimal("5.0000"), Decimal("1"), Decimal("5.0000")),
        ]
        assert entry.total_debit == entry.total_credit == Decimal("115.00")


@pytest.mark.parametrize(
    ("line", "code", "field"),
    [
        (PostingLine("1200", EntryType.CREDIT, Decimal("100"), base_amount=Decimal("99")), "invalid_rate",
         "lines[1].base_amount"),
        (PostingLine("1200", EntryType.CREDIT, Decimal("100"), currency="USD", exchange_rate=Decimal("1.1"),
                     base_amount=Decimal("0")), "amount_not_positive", "lines[1].amount"),
        (PostingLine("1200", EntryType.CREDIT, Decimal("100"), currency="USD", exchange_rate=Decimal("1.1"),
                     base_amount=Decimal("110.001")), "too_many_decimals", "lines[1].base_amount"),
    ],
)  # fmt: skip
def test_a_base_amount_is_refused_where_it_cannot_be(tenant, line, code, field):
    with tenant_context(tenant.organization, user=tenant.owner):
        lines = [PostingLine("1100", EntryType.DEBIT, Decimal("100")), line]
        with pytest.raises(ValidationFailed) as refused:
            post_document(actor=tenant.owner, source=INVOICE, date=IN_YEAR, journal_type="RCP", lines=lines)
        assert (refused.value.code, refused.value.errors[0].field) == (code, field)
        assert not JournalEntry.objects.exists()


def test_a_source_posts_at_most_once_until_its_entry_is_reversed(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        first = post_invoice(tenant)
        entries = JournalEntry.objects.count()
        with pytest.raises(Conflict) as refused:
            post_invoice(tenant, total="60.00")
        assert refused.value.code == "already_posted" and refused.value.status == 409
        assert JournalEntry.objects.count() == entries  # nothing written
        reverse_entry(actor=tenant.owner, entry_id=first.pk, date=IN_YEAR)
        again = post_invoice(tenant, total="60.00")  # the live entry was reversed: the corrected document posts
        assert again.status == "POSTED" and again.total_debit == Decimal("60.00")
        other = post_invoice(tenant, source=SourceRef("shop.invoice", uuid.uuid4()))
        assert other.status == "POSTED"


def test_a_draft_holds_its_source_and_releases_it_when_cancelled(tenant):
    data = entry_data(("1200", "DR", "10.00"), ("4000", "CR", "10.00"), source=INVOICE)
    with tenant_context(tenant.organization, user=tenant.owner):
        draft = create_entry(actor=tenant.owner, data=data)
        with pytest.raises(Conflict) as refused:
            post_invoice(tenant)
        assert refused.value.code == "already_posted"
        cancel_entry(actor=tenant.owner, entry_id=draft.pk)
        assert post_invoice(tenant).status == "POSTED"


def test_postgresql_refuses_a_second_live_entry_of_a_source(tenant):
    """The rule holds below the service too: the partial unique index over live entries."""
    with tenant_context(tenant.organization, user=tenant.owner):
        entry = post_invoice(tenant)
        copy = JournalEntry.objects.get(pk=entry.pk)
        copy.pk, copy.status, copy.entry_number = uuid.uuid4(), "DRAFT", ""
        with pytest.raises(IntegrityError, match="journal_entry_source_posts_once"), transaction.atomic():
            copy.save(force_insert=True)


def test_journal_entries_are_postable_documents_moved_by_the_shared_guard(tenant):
    assert issubclass(JournalEntry, PostableDocument)
    assert JournalEntry.TRANSITIONS == ENTRY_TRANSITIONS and JournalEntry.NUMBER_FIELD == "entry_number"
    with tenant_context(tenant.organization, user=tenant.owner):
        draft = create_entry(actor=tenant.owner, data=entry_data(("1200", "DR", "10.00"), ("4000", "CR", "10.00")))
        posted = post_entry(actor=tenant.owner, entry_id=draft.pk)
        assert posted.posted_by_id == tenant.owner.pk and posted.posted_at is not None
        for move in (
            lambda: post_entry(actor=tenant.owner, entry_id=draft.pk),  # POSTED → POSTED is not declared
            lambda: cancel_entry(actor=tenant.owner, entry_id=draft.pk),  # nor POSTED → CANCELLED
        ):
            with pytest.raises(InvalidTransition):
                move()
        reversal = reverse_entry(actor=tenant.owner, entry_id=draft.pk, date=IN_YEAR)
        with pytest.raises(InvalidTransition):  # REVERSED → REVERSED
            reverse_entry(actor=tenant.owner, entry_id=draft.pk, date=IN_YEAR)
        assert JournalEntry.objects.filter(reversed_entry=draft.pk).count() == 1
        actions = list(
            AuditLog.objects.filter(object_id=draft.pk).order_by("timestamp").values_list("action", "changes")
        )
        assert [a for a, _ in actions] == ["CREATE", "POST", "REVERSE"]
        assert actions[-1][1]["reversal"] == [None, str(reversal.pk)]


def test_posting_reversing_and_cancelling_emit_events_in_the_transaction(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        entry = post_invoice(tenant)
        reversal = reverse_entry(actor=tenant.owner, entry_id=entry.pk, date=IN_YEAR)
        draft = create_entry(actor=tenant.owner, data=entry_data(("1200", "DR", "10.00"), ("4000", "CR", "10.00")))
        cancel_entry(actor=tenant.owner, entry_id=draft.pk, reason="typo")
        source = SourceRef("shop.invoice", uuid.uuid4())
        with pytest.raises(Conflict), transaction.atomic():  # the second posting is refused: the whole transaction
            post_invoice(tenant, source=source)  # rolls back, and the first one's event with it
            post_invoice(tenant, source=source)
        events = list(IntegrationEvent.objects.order_by("created_at").values_list("event_type", "source_object_id"))
        assert events == [
            ("accounting.journal_entry.posted", entry.pk),
            ("accounting.journal_entry.posted", reversal.pk),
            ("accounting.journal_entry.reversed", entry.pk),
            ("accounting.journal_entry.cancelled", draft.pk),
        ]
        reversed_event = IntegrationEvent.objects.get(event_type="accounting.journal_entry.reversed")
        assert reversed_event.payload["reversal"] == str(reversal.pk)
        assert reversed_event.payload["entry_number"] == entry.entry_number
        assert reversed_event.payload["source_type"] == "shop.invoice"


def test_a_posting_sends_few_statements(tenant):
    """The posting transaction of a 6-line entry, statement by statement (docs/benchmarks.md)."""
    accounts = (("1200", "DR"), ("5000", "DR"), ("6000", "DR"), ("4000", "CR"), ("2100", "CR"), ("2000", "CR"))
    lines = [PostingLine(code, side, Decimal("10.00")) for code, side in accounts]
    with tenant_context(tenant.organization, user=tenant.owner):
        post_document(actor=tenant.owner, source=None, date=IN_YEAR, journal_type="JV", lines=lines)  # warm
        with CaptureStatements(connection) as captured:
            post_document(actor=tenant.owner, source=None, date=IN_YEAR, journal_type="JV", lines=lines)
    sent = [q["sql"].split()[0].upper() for q in captured.captured_queries]
    sent = [verb for verb in sent if verb not in {"SAVEPOINT", "RELEASE"}]  # the test's own transaction
    # the books with their lock (shared: postings never wait for each other, only for a rebuild; the currency,
    # workspace, freeze, journal type, period and year, budgets, accounts), the entry, its lines, the balance caches,
    # the number, the POSTED update with its audit row, the event with the subscriptions it selects (one statement);
    # the balance caches and the bill's open items (its lines on the receivable 1200 and the payable 2000) are one
    # statement
    assert sent == ["SELECT", "INSERT", "INSERT", "WITH", "INSERT", "UPDATE", "INSERT", "WITH"]
