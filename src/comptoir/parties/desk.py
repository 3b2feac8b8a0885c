"""Parties in the desk (DESIGN §9): the list with the API's filters and each party's balance, the detail with its
contacts, links to its addresses, bank accounts, ledger account and statement, create and edit forms, and a button
per status transition; contacts, addresses and bank accounts as views of their own (filtered by party, created from
the party's page). Quick search and a picker over parties (name, number, e-mail, tax id). Forms parse the API's
input schemas and call what the API calls; the statement page is purpose-built (pages/statement.py)."""

from __future__ import annotations

import uuid

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from pydantic import Field as SchemaField

from comptoir.desk.declarations import (
    Action,
    Column,
    Desk,
    DeskView,
    Field,
    FormSpec,
    LineTable,
    SearchHit,
    SearchSource,
    choices_of,
)
from comptoir.desk.registry import record_url
from comptoir.parties import queries
from comptoir.parties.constants import (
    BLACKLIST_MOVES,
    PARTY_TRANSITIONS,
    AddressType,
    PartyKind,
    PartyStatus,
    PartyType,
    PaymentTerms,
    Tier,
)
from comptoir.parties.schemas import (
    AddressIn,
    AddressPatch,
    BankAccountIn,
    BankAccountPatch,
    ContactIn,
    ContactPatch,
    PartyFilters,
    PartyIn,
    PartyPatch,
)
from comptoir.parties.services import children
from comptoir.parties.services import parties as services

PARTIES = "parties.parties"


def _detail(slug: str, pk) -> str:
    return record_url("parties", slug, pk)


def find_parties(query: str, limit: int) -> list[SearchHit]:
    """Parties by a part of their name, number or e-mail, or a whole tax id."""
    return [
        SearchHit(
            _("Party"),
            f"{p.party_number} {p.name}",
            p.get_party_type_display(),
            _detail("parties", p.pk),
            p.party_number,
        )  # fmt: skip
        for p in queries.parties(q=query).order_by("name")[:limit]
    ]


# --- parties ----------------------------------------------------------------------------------------------------

PARTY_FIELDS = (
    Field("name", _("Name"), required=True),
    Field("kind", _("Kind"), widget="select", required=True, choices=choices_of(PartyKind)),
    Field("legal_name", _("Legal name")),
    Field("email", _("E-mail")),
    Field("phone", _("Phone")),
    Field("website", _("Website")),
    Field("industry", _("Industry")),
    Field("gstin", _("GSTIN"), help=_("India")),
    Field("pan", _("PAN"), help=_("India: the one the GSTIN contains")),
    Field("bin", _("BIN"), help=_("Kazakhstan: a legal entity's number")),
    Field("iin", _("IIN"), help=_("Kazakhstan: an individual's number, stored encrypted")),
    Field("vat_number", _("VAT number"), help=_("EU: without a country prefix, the organization's country")),
    Field("credit_limit", _("Credit limit"), widget="decimal"),
    Field("payment_terms", _("Payment terms"), widget="select", required=True, choices=choices_of(PaymentTerms)),
    Field("credit_days", _("Credit days"), widget="number", help=_("Empty: the payment terms' days")),
    Field("tier", _("Tier"), widget="select", required=True, choices=choices_of(Tier)),
    Field("rating", _("Rating"), widget="decimal", help=_("0 to 5")),
    Field("is_retailer", _("Retailer (portal access)"), widget="checkbox"),
    Field("notes", _("Notes"), widget="textarea", wide=True),
)
CREATE_FIELDS = (
    Field("party_type", _("Type"), widget="select", required=True, choices=choices_of(PartyType)),
    *PARTY_FIELDS[:1],
    Field("status", _("Status"), widget="select", required=True, choices=choices_of(PartyStatus)[:2]),
    *PARTY_FIELDS[1:],
    Field("currency", _("Currency"), help=_("Empty: the base currency")),
)
EDITED = ("name", "kind", "legal_name", "email", "phone", "website", "industry", "gstin", "pan", "bin", "vat_number")
EDITED += ("credit_limit", "payment_terms", "credit_days", "tier", "rating", "is_retailer", "notes")


def _status_action(name: str, label, target: str, *, style: str = "") -> Action:
    """A button moving a party to `target` from the statuses that may move there; a move into or out of
    BLACKLISTED is its own button, asking for a reason and parties.blacklist_party."""
    restricted = name in ("blacklist", "lift-blacklist")
    sources = {a for a, b in PARTY_TRANSITIONS if b == target and ((a, b) in BLACKLIST_MOVES) == restricted}
    return Action(
        name,
        label,
        "parties.blacklist_party" if restricted else "parties.change_party",
        run=lambda actor, obj, body: services.change_party_status(
            actor=actor.user, party_id=obj.pk, status=target, reason=body.reason if body else ""
        ),
        when=lambda p: p.status in sources,
        style=style,
        fields=(Field("reason", _("Reason"), wide=True),) if restricted else (),
        schema=StatusReasonIn if restricted else None,
    )


class StatusReasonIn(Schema):
    reason: str = SchemaField("", max_length=500)


def _of_party(page: str, slug: str, party) -> str:
    """The list of a party's children, or the form of a new one, with the party set."""
    return f"{reverse(f'desk:{page}', args=('parties', slug))}?party={party.pk}"


def _party_initial(party) -> dict:
    return {name: getattr(party, name) for name in EDITED}


parties_view = DeskView(
    slug="parties",
    label=_("Parties"),
    singular=_("party"),
    model="parties.party",
    permission="parties.view_party",
    query=queries.parties,
    get=queries.access_party,
    prepare=queries.with_balances,
    filters=PartyFilters,
    filter_labels={
        "party_type": _("Type"),
        "status": _("Status"),
        "kind": _("Kind"),
        "tier": _("Tier"),
        "tag": _("Tag"),
        "q": _("Name, number, e-mail or tax id"),
    },
    columns=(
        Column("party_number", _("Number"), sort="party_number", link=True),
        Column("name", _("Name"), sort="name"),
        Column("party_type", _("Type"), kind="choice"),
        Column("status", _("Status"), kind="badge"),
        Column("email", _("E-mail")),
        Column("balance", _("Balance"), kind="amount", currency="balance_currency"),
        Column("tier", _("Tier"), kind="choice", default=False),
    ),
    ordering=("name",),
    title=lambda p: f"{p.party_number} {p.name}",
    status="status",
    header=(
        Column("party_type", _("Type"), kind="choice"),
        Column("kind", _("Kind"), kind="choice"),
        Column("balance", _("Balance"), kind="amount", currency="balance_currency"),
        Column("account.code", _("Ledger account")),
        Column("legal_name", _("Legal name")),
        Column("email", _("E-mail")),
        Column("phone", _("Phone")),
        Column("gstin", _("GSTIN")),
        Column("pan", _("PAN")),
        Column("bin", _("BIN")),
        Column("iin_last4", _("IIN ends with")),
        Column("vat_number", _("VAT number")),
        Column("currency.code", _("Currency")),
        Column("credit_limit", _("Credit limit"), kind="amount", currency="currency.code"),
        Column("payment_terms", _("Payment terms"), kind="choice"),
        Column("credit_days", _("Credit days"), kind="number"),
        Column("tier", _("Tier"), kind="choice"),
        Column("rating", _("Rating")),
        Column("is_retailer", _("Retailer"), kind="bool"),
    ),
    lines=LineTable(
        _("Contacts"),
        rows=lambda p: list(queries.contacts(party=p)),
        columns=(
            Column("full_name", _("Name")),
            Column("position", _("Position")),
            Column("email", _("E-mail")),
            Column("phone", _("Phone")),
            Column("is_primary", _("Primary"), kind="bool"),
        ),
    ),
    create=FormSpec(
        schema=PartyIn,
        fields=CREATE_FIELDS,
        permission="parties.add_party",
        save=lambda actor, body, obj: services.create_party(actor=actor.user, data=services.PartyInput(**body.dict())),
    ),
    edit=FormSpec(
        schema=PartyPatch,
        fields=PARTY_FIELDS,
        permission="parties.change_party",
        initial=_party_initial,
        save=lambda actor, body, obj: services.update_party(
            actor=actor.user, party_id=obj.pk, changes=services.PartyPatch.from_schema(body)
        ),
    ),
    actions=(
        _status_action("activate", _("Activate"), PartyStatus.ACTIVE),
        _status_action("deactivate", _("Deactivate"), PartyStatus.INACTIVE),
        _status_action("churn", _("Mark as churned"), PartyStatus.CHURNED),
        _status_action("blacklist", _("Blacklist"), PartyStatus.BLACKLISTED, style="danger"),
        _status_action("lift-blacklist", _("Lift the blacklisting"), PartyStatus.INACTIVE),
        Action(
            "delete",
            _("Delete"),
            "parties.delete_party",
            run=lambda actor, obj, body: services.delete_party(actor=actor.user, party_id=obj.pk),
            confirm=_("Delete this party and its ledger account? Only a party without postings or documents can go."),
            style="danger",
            removes=True,
        ),
    ),
    related=lambda p: [
        (_("Statement"), reverse("parties_statement", args=(p.pk,))),
        (_("Add a contact"), _of_party("create", "contacts", p)),
        (_("Addresses"), _of_party("list", "addresses", p)),
        (_("Add an address"), _of_party("create", "addresses", p)),
        (_("Bank accounts"), _of_party("list", "bank-accounts", p)),
        (_("Add a bank account"), _of_party("create", "bank-accounts", p)),
        (_("Ledger account"), record_url("accounting", "accounts", p.account_id)),
    ],
    empty=_("No party yet: add your customers and suppliers; each gets its own ledger account."),
)


# --- contacts, addresses, bank accounts -------------------------------------------------------------------------


class ChildFilters(Schema):
    party: uuid.UUID | None = None


class ContactDeskIn(ContactIn):
    party: str = SchemaField(min_length=1, description="id or number of the party")


class AddressDeskIn(AddressIn):
    party: str = SchemaField(min_length=1, description="id or number of the party")


class BankAccountDeskIn(BankAccountIn):
    party: str = SchemaField(min_length=1, description="id or number of the party")


def _create(body, make):
    """The party the form names (id or number), then the child through its service."""
    data = body.dict()
    party = queries.resolve_party(data.pop("party"))
    return make(party.pk, data)


PARTY_PICKER = Field("party", _("Party"), widget="picker", picker=PARTIES, required=True)
CONTACT_FIELDS = (
    Field("first_name", _("First name"), required=True),
    Field("last_name", _("Last name"), required=True),
    Field("position", _("Position")),
    Field("department", _("Department")),
    Field("email", _("E-mail")),
    Field("phone", _("Phone")),
    Field("mobile", _("Mobile")),
    Field("is_primary", _("Primary contact"), widget="checkbox"),
    Field("is_decision_maker", _("Decision maker"), widget="checkbox"),
    Field("notes", _("Notes"), widget="textarea", wide=True),
)
ADDRESS_FIELDS = (
    Field("address_type", _("Type"), widget="select", required=True, choices=choices_of(AddressType)),
    Field("line1", _("Address"), required=True),
    Field("line2", _("Address (continued)")),
    Field("city", _("City"), required=True),
    Field("state_region", _("State or region")),
    Field("postal_code", _("Postal code")),
    Field("country", _("Country"), required=True, help=_("ISO code, e.g. FR")),
    Field("is_default", _("Default for its type"), widget="checkbox"),
    Field("notes", _("Notes"), widget="textarea", wide=True),
)
BANK_FIELDS = (
    Field("account_number", _("Account number"), required=True, help=_("Stored encrypted; shown by its last 4")),
    Field("bank_name", _("Bank")),
    Field("iban", _("IBAN")),
    Field("swift_code", _("SWIFT/BIC")),
    Field("ifsc", _("IFSC")),
    Field("branch", _("Branch")),
    Field("is_primary", _("Primary bank account"), widget="checkbox"),
)
PARTY_COLUMN = Column("party.name", _("Party"))


def _initial(*names):
    return lambda row: {name: getattr(row, name) for name in names}


contacts_view = DeskView(
    slug="contacts",
    label=_("Contacts"),
    singular=_("contact"),
    model="parties.partycontact",
    permission="parties.view_party",
    query=queries.contacts,
    get=lambda pk: queries.access_child("contact", pk),
    filters=ChildFilters,
    filter_labels={"party": _("Party")},
    columns=(
        Column("full_name", _("Name"), link=True),
        PARTY_COLUMN,
        Column("position", _("Position")),
        Column("email", _("E-mail")),
        Column("phone", _("Phone")),
        Column("is_primary", _("Primary"), kind="bool"),
    ),
    ordering=("last_name", "first_name"),
    title=lambda c: c.full_name,
    header=(
        PARTY_COLUMN,
        *(Column(f.name, f.label, kind="bool" if f.widget == "checkbox" else "text") for f in CONTACT_FIELDS[2:]),
    ),  # fmt: skip
    create=FormSpec(
        schema=ContactDeskIn,
        fields=(PARTY_PICKER, *CONTACT_FIELDS),
        permission="parties.change_party",
        save=lambda actor, body, obj: _create(
            body,
            lambda pid, d: children.create_contact(actor=actor.user, party_id=pid, data=children.ContactInput(**d)),
        ),
    ),
    edit=FormSpec(
        schema=ContactPatch,
        fields=CONTACT_FIELDS,
        permission="parties.change_party",
        initial=_initial(*(f.name for f in CONTACT_FIELDS)),
        save=lambda actor, body, obj: children.update_contact(
            actor=actor.user, party_id=obj.party_id, contact_id=obj.pk, changes=children.ContactPatch.from_schema(body)
        ),
    ),
    related=lambda c: [(_("Party"), _detail("parties", c.party_id))],
)

addresses_view = DeskView(
    slug="addresses",
    label=_("Addresses"),
    singular=_("address"),
    model="parties.partyaddress",
    permission="parties.view_party",
    query=queries.addresses,
    get=lambda pk: queries.access_child("address", pk),
    filters=ChildFilters,
    filter_labels={"party": _("Party")},
    columns=(
        Column("line1", _("Address"), link=True),
        PARTY_COLUMN,
        Column("address_type", _("Type"), kind="choice"),
        Column("city", _("City")),
        Column("country.code", _("Country")),
        Column("is_default", _("Default"), kind="bool"),
    ),
    ordering=("address_type", "city"),
    title=str,
    header=(
        PARTY_COLUMN,
        Column("address_type", _("Type"), kind="choice"),
        Column("line2", _("Address (continued)")),
        Column("postal_code", _("Postal code")),
        Column("city", _("City")),
        Column("state_region", _("State or region")),
        Column("country.name", _("Country")),
        Column("is_default", _("Default for its type"), kind="bool"),
    ),
    create=FormSpec(
        schema=AddressDeskIn,
        fields=(PARTY_PICKER, *ADDRESS_FIELDS),
        permission="parties.change_party",
        save=lambda actor, body, obj: _create(
            body,
            lambda pid, d: children.create_address(actor=actor.user, party_id=pid, data=children.AddressInput(**d)),
        ),
    ),
    edit=FormSpec(
        schema=AddressPatch,
        fields=ADDRESS_FIELDS,
        permission="parties.change_party",
        initial=lambda a: {
            **_initial(*(f.name for f in ADDRESS_FIELDS[:-3]))(a),
            "country": a.country.code,
            "is_default": a.is_default,
            "notes": a.notes,
        },  # fmt: skip
        save=lambda actor, body, obj: children.update_address(
            actor=actor.user, party_id=obj.party_id, address_id=obj.pk, changes=children.AddressPatch.from_schema(body)
        ),
    ),
    related=lambda a: [(_("Party"), _detail("parties", a.party_id))],
)

bank_accounts_view = DeskView(
    slug="bank-accounts",
    label=_("Party bank accounts"),
    singular=_("bank account"),
    model="parties.partybankaccount",
    permission="parties.view_party",
    query=queries.bank_accounts,
    get=lambda pk: queries.access_child("bank account", pk),
    filters=ChildFilters,
    filter_labels={"party": _("Party")},
    columns=(
        Column("bank_name", _("Bank"), link=True),
        PARTY_COLUMN,
        Column("account_number_last4", _("Number ends with")),
        Column("iban_masked", _("IBAN")),
        Column("is_primary", _("Primary"), kind="bool"),
        Column("is_active", _("Active"), kind="bool"),
    ),
    ordering=("bank_name",),
    title=str,
    header=(
        PARTY_COLUMN,
        Column("account_number_last4", _("Number ends with")),
        Column("iban_masked", _("IBAN")),
        Column("swift_code", _("SWIFT/BIC")),
        Column("ifsc", _("IFSC")),
        Column("branch", _("Branch")),
        Column("is_primary", _("Primary"), kind="bool"),
        Column("is_active", _("Active"), kind="bool"),
    ),
    create=FormSpec(
        schema=BankAccountDeskIn,
        fields=(PARTY_PICKER, *BANK_FIELDS),
        permission="parties.change_party",
        save=lambda actor, body, obj: _create(
            body,
            lambda pid, d: children.create_bank_account(
                actor=actor.user, party_id=pid, data=children.BankAccountInput(**d)
            ),
        ),
    ),
    edit=FormSpec(
        schema=BankAccountPatch,
        fields=tuple(Field(f.name, f.label, f.widget, help=f.help) for f in BANK_FIELDS[1:]),
        permission="parties.change_party",
        initial=_initial("bank_name", "swift_code", "ifsc", "branch", "is_primary"),
        save=lambda actor, body, obj: children.update_bank_account(
            actor=actor.user,
            party_id=obj.party_id,
            bank_account_id=obj.pk,
            changes=children.BankAccountPatch.from_schema(body),
        ),
    ),
    related=lambda b: [(_("Party"), _detail("parties", b.party_id))],
)


DESK = Desk(
    views=(parties_view, contacts_view, addresses_view, bank_accounts_view),
    search=(SearchSource(PARTIES.split(".")[1], _("Parties"), "parties.view_party", find_parties),),
)
