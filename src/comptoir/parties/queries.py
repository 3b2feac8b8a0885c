"""Reads of parties and their children, scoped to the organization in context. `access_<noun>` answers NotFound
for a row that is missing or belongs to another organization. A party's balance is its account's (debit −
credit over every posted line: positive, it owes us; negative, we owe it), read from accounting's balance cache."""

from __future__ import annotations

import re
import uuid

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.accounting.queries.books import balances_of
from comptoir.accounting.queries.reports_ledger import general_ledger
from comptoir.parties.constants import IIN_PURPOSE
from comptoir.parties.models import Party, PartyAddress, PartyBankAccount, PartyContact
from comptoir.platform import crypto
from comptoir.platform.db import fetch_rows
from comptoir.platform.errors import NotFound, ValidationFailed
from comptoir.platform.money import summed
from comptoir.platform.queries.core import current_organization
from comptoir.platform.queries.filters import filter_present

_COMPACT_RE = re.compile(r"[\s.\-/]")


def parties(*, party_type=None, status=None, kind=None, tier=None, tag=None, q=None):
    """Parties filtered by type, status, kind, tier, a tag, and `q`: a part of the name, number or e-mail, or a
    whole tax id (GSTIN, PAN, BIN, VAT number, or an IIN through its blind index)."""
    qs = filter_present(
        Party.objects.select_related("account", "currency"),
        party_type=party_type,
        status=status,
        kind=kind,
        tier=tier,
        tags__contains=[tag] if tag else None,
    )
    text = (q or "").strip()
    if text:
        compact = _COMPACT_RE.sub("", text).upper()
        qs = qs.filter(
            Q(name__icontains=text)
            | Q(party_number__icontains=text)
            | Q(email__icontains=text)
            | Q(gstin=compact)
            | Q(pan=compact)
            | Q(bin=compact)
            | Q(vat_number=compact)
            | Q(iin_hash=crypto.blind_index(compact, purpose=IIN_PURPOSE))
        )
    return qs


def with_balances(rows: list[Party]) -> list[Party]:
    """The rows, each with `balance` and `balance_currency` (the base currency: the books') set; two queries for
    all."""
    if not rows:
        return rows
    balances = balances_of(row.account_id for row in rows)
    currency = current_organization().base_currency.code
    for row in rows:
        row.balance = balances.get(row.account_id, summed(0))
        row.balance_currency = currency
    return rows


def access_party(party_id) -> Party:
    """The party with its balance."""
    party = Party.objects.select_related("account", "currency").filter(pk=party_id).first()
    if party is None:
        raise NotFound(_("No such party"))
    return with_balances([party])[0]


def resolve_party(ref, field: str = "party") -> Party:
    """The party named by its id or its number (a reference field's value), else a field error."""
    if ref is None or str(ref).strip() == "":
        raise ValidationFailed(_("%(field)s is required") % {"field": field}, code="required", field=field)
    try:
        found = fetch_rows(Party, "id = %s", [uuid.UUID(str(ref))])
    except ValueError:
        found = fetch_rows(Party, "party_number = %s", [str(ref).strip()])
    party = found[0] if found else None
    if party is None:
        raise ValidationFailed(_("No party “%(ref)s”") % {"ref": ref}, code="unknown", field=field)
    return party


def contacts(*, party=None):
    return filter_present(PartyContact.objects.select_related("party"), party=party)


def addresses(*, party=None, address_type=None):
    qs = PartyAddress.objects.select_related("party", "country")
    return filter_present(qs, party=party, address_type=address_type)


def bank_accounts(*, party=None, is_active=None):
    return filter_present(PartyBankAccount.objects.select_related("party"), party=party, is_active=is_active)


def primary_bank_accounts(party_ids) -> dict:
    """{party id: its active primary bank account} of `party_ids` (one statement; a party without one is left
    out)."""
    rows = PartyBankAccount.objects.filter(party_id__in=list(party_ids), is_primary=True, is_active=True)
    return {row.party_id: row for row in rows}


def _child(qs, party_id, child_id, missing: str):
    row = qs.filter(party_id=party_id, pk=child_id).first()
    if row is None:
        raise NotFound(missing)
    return row


def access_contact(party_id, contact_id) -> PartyContact:
    return _child(contacts(), party_id, contact_id, _("No such contact"))


def access_address(party_id, address_id) -> PartyAddress:
    return _child(addresses(), party_id, address_id, _("No such address"))


def access_bank_account(party_id, bank_account_id) -> PartyBankAccount:
    return _child(bank_accounts(), party_id, bank_account_id, _("No such bank account"))


def access_child(model_name: str, child_id):
    """A contact, address or bank account by its id alone (the desk's pages of each)."""
    qs, missing = {
        "contact": (contacts(), _("No such contact")),
        "address": (addresses(), _("No such address")),
        "bank account": (bank_accounts(), _("No such bank account")),
    }[model_name]
    row = qs.filter(pk=child_id).first()
    if row is None:
        raise NotFound(missing)
    return row


def statement(party: Party, *, date_from=None, date_to=None, limit: int | None = 500, cursor: str | None = None):
    """The party's statement: its account's opening balance before `date_from` (default: the first day of this
    year), the posted lines dated in the range with the running balance, and the closing balance (accounting's
    general ledger of the account), headed by the party."""
    today = timezone.localdate()
    report = general_ledger(
        account=party.account_id,
        date_from=date_from or today.replace(month=1, day=1),
        date_to=date_to or today,
        cursor=cursor,
        limit=limit,
    )
    return {
        "party": party.pk,
        "party_number": party.party_number,
        "name": party.name,
        "currency": current_organization().base_currency.code,
        **{key: report[key] for key in ("date_from", "date_to", "opening_balance", "total_debit", "total_credit")},
        "closing_balance": report["closing_balance"],
        "lines": report["lines"],
        "next_cursor": report["next_cursor"],
    }
