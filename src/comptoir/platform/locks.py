"""Lock helpers of the platform, and the one lock order every business transaction follows (DESIGN §3 `locks.py`).

A transaction takes its locks in this order, never the reverse, so two transactions cannot wait on each other:

1. the organization's switches row, shared (`FOR SHARE`: the financial freeze waits for in-flight postings);
2. advisory locks of a whole family of rows in the organization (`advisory_lock`: fiscal years, tax rates,
   reminders), each keyed `<app>.<noun>:<organization id>`;
3. the document being moved, `FOR UPDATE` (`lock_row`), then the rows it owns;
4. derived caches (balance rows, in account order);
5. the number's counter row, last (`platform.services.numbering.next_number`), held only for the commit.

When two transactions still meet (a deadlock, or a serialization failure under a stricter isolation level), the
outermost layer runs the whole operation again: `platform.retry.retry_on_conflict`."""

from __future__ import annotations

from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.platform.errors import NotFound
from comptoir.platform.models import OrganizationMember
from comptoir.platform.tenancy import require_org_id


def advisory_lock(noun: str) -> None:
    """Serialise, until the transaction ends, every transaction of the organization in context that takes the
    lock of `noun` (e.g. 'platform.calendar_reminders')."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"{noun}:{require_org_id()}"])


def lock_row(queryset, pk, *, what: str = gettext_lazy("record")):
    """The row `pk` of `queryset` (a tenant-scoped queryset or manager, with its `select_related`), locked
    `FOR UPDATE` on its own table only; NotFound when there is none (also for another organization's). `what` names
    the row in the message (a gettext_lazy noun)."""
    row = queryset.select_for_update(of=("self",)).filter(pk=pk).first()
    if row is None:
        raise NotFound(_("No such %(what)s") % {"what": what})
    return row


def lock_member(member_id) -> OrganizationMember:
    """A membership of the organization in context, locked `FOR UPDATE`; NotFound when there is none."""
    member = OrganizationMember.objects.select_for_update().filter(pk=member_id).first()
    if member is None:
        raise NotFound(_("Member not found"))
    return member
