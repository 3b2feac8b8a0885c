"""Request and response shapes of parties and their contacts, addresses and bank accounts. Amounts are decimal
strings; an IIN, a bank account number and an IBAN are never returned, only masked."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import Field

from comptoir.accounting.schemas.reports import LedgerLine
from comptoir.parties.constants import AddressType, PartyKind, PartyStatus, PartyType, PaymentTerms, Tier
from comptoir.platform.crypto import masked
from comptoir.platform.schemas.base import AmountString, ClearableText, DecimalString, Input, Page

TAGS = Field(default_factory=list, max_length=50, description="free labels, up to 50 characters each")
RATING = Field(None, ge=0, le=5, max_digits=3, decimal_places=1, description="0 to 5, one decimal")
CREDIT_LIMIT = Field(Decimal(0), description="in the party's currency, a decimal string; 0 = no credit")


class PartyIn(Input):
    name: str = Field(min_length=1, max_length=500)
    party_type: PartyType
    kind: PartyKind = PartyKind.COMPANY
    status: Literal["PROSPECT", "ACTIVE"] = "ACTIVE"
    legal_name: str = Field("", max_length=500)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=50)
    website: str = Field("", max_length=255)
    industry: str = Field("", max_length=100)
    gstin: str = Field("", max_length=30, description="India: GSTIN (validated, stored normalized)")
    pan: str = Field("", max_length=20, description="India: PAN; must be the one the GSTIN contains")
    bin: str = Field("", max_length=20, description="Kazakhstan: BIN of a legal entity")
    iin: str = Field("", max_length=20, description="Kazakhstan: IIN of an individual; stored encrypted")
    vat_number: str = Field("", max_length=30, description="EU VAT number; without a prefix: the organization's")
    currency: str | None = Field(None, min_length=3, max_length=3, description="default: the base currency")
    credit_limit: Decimal = CREDIT_LIMIT
    payment_terms: PaymentTerms = PaymentTerms.NET_30
    credit_days: int | None = Field(None, ge=0, le=3650, description="default: the payment terms' days")
    tier: Tier = Tier.STANDARD
    rating: Decimal | None = RATING
    is_retailer: bool = False
    tags: list[str] = TAGS
    custom_fields: dict | None = None
    notes: str = Field("", max_length=10_000)


class PartyPatch(Input):
    name: str | None = Field(None, min_length=1, max_length=500)
    party_type: PartyType | None = None
    kind: PartyKind | None = None
    legal_name: ClearableText = Field(None, max_length=500)
    email: ClearableText = Field(None, max_length=254)
    phone: ClearableText = Field(None, max_length=50)
    website: ClearableText = Field(None, max_length=255)
    industry: ClearableText = Field(None, max_length=100)
    gstin: ClearableText = Field(None, max_length=30)
    pan: ClearableText = Field(None, max_length=20)
    bin: ClearableText = Field(None, max_length=20)
    iin: ClearableText = Field(None, max_length=20)
    vat_number: ClearableText = Field(None, max_length=30)
    currency: str | None = Field(None, min_length=3, max_length=3)
    credit_limit: Decimal | None = None
    payment_terms: PaymentTerms | None = None
    credit_days: int | None = Field(None, ge=0, le=3650, description="null: the payment terms' days")
    tier: Tier | None = None
    rating: Decimal | None = RATING
    is_retailer: bool | None = None
    tags: list[str] | None = Field(None, max_length=50)
    custom_fields: dict | None = None
    notes: ClearableText = Field(None, max_length=10_000)


class StatusIn(Input):
    status: PartyStatus
    reason: str = Field("", max_length=500)


class AccountRef(Schema):
    id: uuid.UUID
    code: str


class PartyOut(Schema):
    id: uuid.UUID
    party_number: str
    name: str
    party_type: str
    kind: str
    status: str
    account: AccountRef
    balance: AmountString = Field(description="the account's debit − credit in the base currency")
    legal_name: str
    email: str
    phone: str
    website: str
    industry: str
    gstin: str
    pan: str
    bin: str
    iin: str = Field(description="masked: its last 4 digits (stored encrypted)")
    vat_number: str
    currency: str
    credit_limit: AmountString
    payment_terms: str
    credit_days: int
    tier: str
    rating: DecimalString | None
    is_retailer: bool
    tags: list[str]
    custom_fields: dict
    notes: str
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_account(obj):
        return {"id": obj.account_id, "code": obj.account.code}

    @staticmethod
    def resolve_iin(obj):
        return masked(obj.iin_last4)

    @staticmethod
    def resolve_currency(obj):
        return obj.currency.code


class PartyPage(Page):
    items: list[PartyOut]


class PartyFilters(Schema):
    party_type: PartyType | None = None
    status: PartyStatus | None = None
    kind: PartyKind | None = None
    tier: Tier | None = None
    tag: str | None = Field(None, max_length=50)
    q: str | None = Field(None, max_length=100, description="name, number or e-mail (a part), or a whole tax id")


class ContactIn(Input):
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    position: str = Field("", max_length=255)
    department: str = Field("", max_length=100)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=50)
    mobile: str = Field("", max_length=50)
    is_primary: bool = Field(False, description="the party's first contact is primary anyway")
    is_decision_maker: bool = False
    notes: str = Field("", max_length=10_000)


class ContactPatch(Input):
    first_name: str | None = Field(None, min_length=1, max_length=100)
    last_name: str | None = Field(None, min_length=1, max_length=100)
    position: ClearableText = Field(None, max_length=255)
    department: ClearableText = Field(None, max_length=100)
    email: ClearableText = Field(None, max_length=254)
    phone: ClearableText = Field(None, max_length=50)
    mobile: ClearableText = Field(None, max_length=50)
    is_primary: bool | None = None
    is_decision_maker: bool | None = None
    notes: ClearableText = Field(None, max_length=10_000)


class ContactOut(Schema):
    id: uuid.UUID
    party: uuid.UUID
    first_name: str
    last_name: str
    full_name: str
    position: str
    department: str
    email: str
    phone: str
    mobile: str
    is_primary: bool
    is_decision_maker: bool
    notes: str

    @staticmethod
    def resolve_party(obj):
        return obj.party_id


class AddressIn(Input):
    address_type: AddressType
    line1: str = Field(min_length=1, max_length=500)
    line2: str = Field("", max_length=500)
    city: str = Field(min_length=1, max_length=100)
    state_region: str = Field("", max_length=100)
    postal_code: str = Field("", max_length=20)
    country: str = Field(min_length=2, max_length=2, description="ISO 3166 code")
    is_default: bool = Field(False, description="the first address of a type is its default anyway")
    notes: str = Field("", max_length=10_000)


class AddressPatch(Input):
    address_type: AddressType | None = None
    line1: str | None = Field(None, min_length=1, max_length=500)
    line2: ClearableText = Field(None, max_length=500)
    city: str | None = Field(None, min_length=1, max_length=100)
    state_region: ClearableText = Field(None, max_length=100)
    postal_code: ClearableText = Field(None, max_length=20)
    country: str | None = Field(None, min_length=2, max_length=2)
    is_default: bool | None = None
    notes: ClearableText = Field(None, max_length=10_000)


class AddressOut(Schema):
    id: uuid.UUID
    party: uuid.UUID
    address_type: str
    line1: str
    line2: str
    city: str
    state_region: str
    postal_code: str
    country: str
    is_default: bool
    notes: str

    @staticmethod
    def resolve_party(obj):
        return obj.party_id

    @staticmethod
    def resolve_country(obj):
        return obj.country.code


class BankAccountIn(Input):
    account_number: str = Field(min_length=1, max_length=80, description="stored encrypted; never returned")
    bank_name: str = Field("", max_length=100)
    iban: str = Field("", max_length=42, description="validated; stored encrypted, returned masked")
    swift_code: str = Field("", max_length=11)
    ifsc: str = Field("", max_length=11)
    branch: str = Field("", max_length=100)
    is_primary: bool = Field(False, description="the party's first bank account is primary anyway")


class BankAccountPatch(Input):
    account_number: str | None = Field(None, min_length=1, max_length=80)
    bank_name: ClearableText = Field(None, max_length=100)
    iban: ClearableText = Field(None, max_length=42)
    swift_code: ClearableText = Field(None, max_length=11)
    ifsc: ClearableText = Field(None, max_length=11)
    branch: ClearableText = Field(None, max_length=100)
    is_primary: bool | None = None
    is_active: bool | None = None


class BankAccountOut(Schema):
    id: uuid.UUID
    party: uuid.UUID
    bank_name: str
    account_number: str = Field(description="masked: its last 4 characters")
    iban: str = Field(description="masked: country, check digits and last 4")
    swift_code: str
    ifsc: str
    branch: str
    is_primary: bool
    is_active: bool

    @staticmethod
    def resolve_party(obj):
        return obj.party_id

    @staticmethod
    def resolve_account_number(obj):
        return masked(obj.account_number_last4)

    @staticmethod
    def resolve_iban(obj):
        return obj.iban_masked


class StatementParams(Schema):
    date_from: str | None = Field(None, description="YYYY-MM-DD; default: the first day of this year")
    date_to: str | None = Field(None, description="YYYY-MM-DD; default: today")
    cursor: str | None = None
    limit: int = 500


class StatementOut(Schema):
    party: uuid.UUID
    party_number: str
    name: str
    currency: str = Field(description="the base currency: the books' amounts")
    date_from: datetime.date
    date_to: datetime.date
    opening_balance: AmountString
    total_debit: AmountString
    total_credit: AmountString
    closing_balance: AmountString
    lines: list[LedgerLine]
    next_cursor: str | None


STATEMENT_COLUMNS = [
    (name, name, name in ("debit", "credit"))
    for name in ("date", "entry_number", "narration", "remarks", "debit", "credit", "balance")
]
