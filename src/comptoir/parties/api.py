"""The parties API at /api/v1/parties: parties, their contacts, addresses and bank accounts, status changes and
the statement. Thin: parse, authorise, call a service or a query, serialise.

Reading needs parties.view_party; creating parties.add_party; changing a party or any of its children
parties.change_party; deleting one parties.delete_party; a move into or out of BLACKLISTED also
parties.blacklist_party; the statement parties.view_statement."""

from __future__ import annotations

import uuid

from ninja import Query, Router, Status

from comptoir.parties import queries
from comptoir.parties.constants import BLACKLIST_MOVES
from comptoir.parties.schemas import (
    STATEMENT_COLUMNS,
    AddressIn,
    AddressOut,
    AddressPatch,
    BankAccountIn,
    BankAccountOut,
    BankAccountPatch,
    ContactIn,
    ContactOut,
    ContactPatch,
    PartyFilters,
    PartyIn,
    PartyOut,
    PartyPage,
    PartyPatch,
    StatementOut,
    StatementParams,
    StatusIn,
)
from comptoir.parties.services import children
from comptoir.parties.services import parties as services
from comptoir.platform.access import authorize
from comptoir.platform.exports import ExportParams, list_or_export, report_or_export
from comptoir.platform.pagination import PageParams
from comptoir.platform.services.features import ModuleGuard

router = Router(tags=["parties"], auth=ModuleGuard("parties"))
VIEW, CHANGE = "parties.view_party", "parties.change_party"
PARTY_COLUMNS = [
    ("id", "id"),
    ("party_number", "party_number"),
    ("name", "name"),
    ("party_type", "party_type"),
    ("status", "status"),
    ("email", "email"),
    ("account", "account.code"),
    ("currency", "currency.code"),
    ("credit_limit", "credit_limit"),
    ("balance", "balance", True),
]


@router.get("", response=PartyPage)
def list_parties(request, page: Query[PageParams], filters: Query[PartyFilters], export: Query[ExportParams]):
    """The parties, filtered; each with its balance. `?format=csv|xlsx` exports the filtered list."""
    authorize(request, VIEW)
    return list_or_export(
        request,
        queries.parties(**filters.dict()),
        page,
        export,
        columns=PARTY_COLUMNS,
        filename="parties",
        allowed_ordering={"name", "party_number", "created_at"},
        default_ordering=["name"],
        prepare=queries.with_balances,
    )


@router.post("", response={201: PartyOut})
def create_party(request, body: PartyIn):
    """Create a party and its ledger account (under receivables or payables, by its type)."""
    actor = authorize(request, "parties.add_party")
    party = services.create_party(actor=actor.user, data=services.PartyInput(**body.dict()))
    return Status(201, queries.access_party(party.pk))


@router.get("/{party_id}", response=PartyOut)
def get_party(request, party_id: uuid.UUID):
    """One party, with its balance."""
    authorize(request, VIEW)
    return queries.access_party(party_id)


@router.patch("/{party_id}", response=PartyOut)
def update_party(request, party_id: uuid.UUID, body: PartyPatch):
    """Change the fields sent."""
    actor = authorize(request, CHANGE)
    queries.access_party(party_id)
    services.update_party(actor=actor.user, party_id=party_id, changes=services.PartyPatch.from_schema(body))
    return queries.access_party(party_id)


@router.delete("/{party_id}", response={204: None})
def delete_party(request, party_id: uuid.UUID):
    """Delete a party entered by mistake, with its ledger account; 409 `party_in_use` once it has postings or
    documents (make it inactive instead)."""
    actor = authorize(request, "parties.delete_party")
    queries.access_party(party_id)
    services.delete_party(actor=actor.user, party_id=party_id)
    return Status(204, None)


@router.post("/{party_id}/status", response=PartyOut)
def change_status(request, party_id: uuid.UUID, body: StatusIn):
    """Move the party to another status (PROSPECT → ACTIVE ↔ INACTIVE → CHURNED → ACTIVE; BLACKLISTED)."""
    actor = authorize(request, CHANGE)
    party = queries.access_party(party_id)
    if (party.status, body.status) in BLACKLIST_MOVES:
        authorize(request, "parties.blacklist_party")
    services.change_party_status(actor=actor.user, party_id=party_id, status=body.status, reason=body.reason)
    return queries.access_party(party_id)


@router.get("/{party_id}/statement", response=StatementOut)
def statement(request, party_id: uuid.UUID, params: Query[StatementParams], export: Query[ExportParams]):
    """Opening balance, the posted lines on the party's account with the running balance, closing balance.
    `?format=csv|xlsx` gives every line as a file (the desk's statement page also prints it as PDF)."""
    authorize(request, "parties.view_statement")
    party = queries.access_party(party_id)
    whole = export.format is not None
    report = queries.statement(
        party,
        date_from=params.date_from,
        date_to=params.date_to,
        cursor=None if whole else params.cursor,
        limit=None if whole else params.limit,
    )
    return report_or_export(
        request,
        report,
        export,
        rows="lines",
        columns=STATEMENT_COLUMNS,
        filename=f"statement-{party.party_number}",
        object_type="parties.party",
        party=str(party.pk),
    )


# ---- contacts, addresses, bank accounts ------------------------------------------------------------------------


@router.get("/{party_id}/contacts", response=list[ContactOut])
def list_contacts(request, party_id: uuid.UUID):
    """The party's contacts, the primary one first."""
    authorize(request, VIEW)
    return list(queries.contacts(party=queries.access_party(party_id)))


@router.post("/{party_id}/contacts", response={201: ContactOut})
def create_contact(request, party_id: uuid.UUID, body: ContactIn):
    """Add a contact; the first one, or one sent with is_primary, is the primary contact."""
    actor = authorize(request, CHANGE)
    queries.access_party(party_id)
    contact = children.create_contact(actor=actor.user, party_id=party_id, data=children.ContactInput(**body.dict()))
    return Status(201, queries.access_contact(party_id, contact.pk))


@router.patch("/{party_id}/contacts/{contact_id}", response=ContactOut)
def update_contact(request, party_id: uuid.UUID, contact_id: uuid.UUID, body: ContactPatch):
    """Change the fields sent; is_primary=true makes it the one primary contact."""
    actor = authorize(request, CHANGE)
    queries.access_contact(party_id, contact_id)
    changes = children.ContactPatch.from_schema(body)
    children.update_contact(actor=actor.user, party_id=party_id, contact_id=contact_id, changes=changes)
    return queries.access_contact(party_id, contact_id)


@router.delete("/{party_id}/contacts/{contact_id}", response={204: None})
def delete_contact(request, party_id: uuid.UUID, contact_id: uuid.UUID):
    """Remove a contact."""
    actor = authorize(request, CHANGE)
    queries.access_contact(party_id, contact_id)
    children.delete_contact(actor=actor.user, party_id=party_id, contact_id=contact_id)
    return Status(204, None)


@router.get("/{party_id}/addresses", response=list[AddressOut])
def list_addresses(request, party_id: uuid.UUID):
    """The party's addresses, by type, each type's default first."""
    authorize(request, VIEW)
    return list(queries.addresses(party=queries.access_party(party_id)))


@router.post("/{party_id}/addresses", response={201: AddressOut})
def create_address(request, party_id: uuid.UUID, body: AddressIn):
    """Add an address; the first of its type, or one sent with is_default, is its type's default."""
    actor = authorize(request, CHANGE)
    queries.access_party(party_id)
    address = children.create_address(actor=actor.user, party_id=party_id, data=children.AddressInput(**body.dict()))
    return Status(201, queries.access_address(party_id, address.pk))


@router.patch("/{party_id}/addresses/{address_id}", response=AddressOut)
def update_address(request, party_id: uuid.UUID, address_id: uuid.UUID, body: AddressPatch):
    """Change the fields sent; is_default=true makes it the one default of its type."""
    actor = authorize(request, CHANGE)
    queries.access_address(party_id, address_id)
    changes = children.AddressPatch.from_schema(body)
    children.update_address(actor=actor.user, party_id=party_id, address_id=address_id, changes=changes)
    return queries.access_address(party_id, address_id)


@router.delete("/{party_id}/addresses/{address_id}", response={204: None})
def delete_address(request, party_id: uuid.UUID, address_id: uuid.UUID):
    """Remove an address."""
    actor = authorize(request, CHANGE)
    queries.access_address(party_id, address_id)
    children.delete_address(actor=actor.user, party_id=party_id, address_id=address_id)
    return Status(204, None)


@router.get("/{party_id}/bank-accounts", response=list[BankAccountOut])
def list_bank_accounts(request, party_id: uuid.UUID):
    """The party's bank accounts, the primary one first; numbers masked."""
    authorize(request, VIEW)
    return list(queries.bank_accounts(party=queries.access_party(party_id)))


@router.post("/{party_id}/bank-accounts", response={201: BankAccountOut})
def create_bank_account(request, party_id: uuid.UUID, body: BankAccountIn):
    """Add a bank account (number and IBAN stored encrypted); the first one, or one sent with is_primary, is
    the primary one."""
    actor = authorize(request, CHANGE)
    queries.access_party(party_id)
    data = children.BankAccountInput(**body.dict())
    bank = children.create_bank_account(actor=actor.user, party_id=party_id, data=data)
    return Status(201, queries.access_bank_account(party_id, bank.pk))


@router.patch("/{party_id}/bank-accounts/{bank_account_id}", response=BankAccountOut)
def update_bank_account(request, party_id: uuid.UUID, bank_account_id: uuid.UUID, body: BankAccountPatch):
    """Change the fields sent; is_primary=true makes it the one primary account (an inactive one cannot be)."""
    actor = authorize(request, CHANGE)
    queries.access_bank_account(party_id, bank_account_id)
    changes = children.BankAccountPatch.from_schema(body)
    children.update_bank_account(actor=actor.user, party_id=party_id, bank_account_id=bank_account_id, changes=changes)
    return queries.access_bank_account(party_id, bank_account_id)


@router.delete("/{party_id}/bank-accounts/{bank_account_id}", response={204: None})
def delete_bank_account(request, party_id: uuid.UUID, bank_account_id: uuid.UUID):
    """Remove a bank account."""
    actor = authorize(request, CHANGE)
    queries.access_bank_account(party_id, bank_account_id)
    children.delete_bank_account(actor=actor.user, party_id=party_id, bank_account_id=bank_account_id)
    return Status(204, None)
