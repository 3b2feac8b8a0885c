"""A party's contacts, addresses and bank accounts.

Each write locks the party first (locks.py), so "at most one primary contact", "at most one default address per
type" and "at most one primary bank account" are decided one writer at a time: marking a row primary (default)
takes the mark off its sibling in the same transaction, and the first row of its kind gets the mark. Partial
unique constraints hold the rules in PostgreSQL too. A bank account's number and IBAN are stored encrypted and
shown masked (last four; country, check digits and last four)."""

from __future__ import annotations

import dataclasses
import re

from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.parties.locks import lock_party
from comptoir.parties.models import Party, PartyAddress, PartyBankAccount, PartyContact
from comptoir.parties.services.parties import clean_email
from comptoir.parties.services.tax_ids import normalize_bic, normalize_iban, normalize_ifsc
from comptoir.platform import crypto
from comptoir.platform.constants import AuditAction
from comptoir.platform.errors import NotFound, ValidationFailed
from comptoir.platform.inputs import UNSET, Patch, _Unset
from comptoir.platform.queries.core import countries
from comptoir.platform.services.audit import record_audit, snapshot

CONTACT_AUDITED = ("party", "first_name", "last_name", "position", "department", "email", "phone", "mobile")
CONTACT_AUDITED += ("is_primary", "is_decision_maker", "notes")
ADDRESS_AUDITED = ("party", "address_type", "line1", "line2", "city", "state_region", "postal_code", "country")
ADDRESS_AUDITED += ("is_default", "notes")
BANK_AUDITED = ("party", "bank_name", "account_number_last4", "iban_masked", "swift_code", "ifsc", "branch")
BANK_AUDITED += ("is_primary", "is_active")
REQUIRED = {"first_name", "last_name", "line1", "city"}
_NUMBER_RE = re.compile(r"^[A-Z0-9]{4,50}$")


@dataclasses.dataclass(frozen=True, kw_only=True)
class ContactInput:
    first_name: str
    last_name: str
    position: str = ""
    department: str = ""
    email: str = ""
    phone: str = ""
    mobile: str = ""
    is_primary: bool = False
    is_decision_maker: bool = False
    notes: str = ""


@dataclasses.dataclass(frozen=True, kw_only=True)
class ContactPatch(Patch):
    first_name: str | _Unset = UNSET
    last_name: str | _Unset = UNSET
    position: str | None | _Unset = UNSET
    department: str | None | _Unset = UNSET
    email: str | None | _Unset = UNSET
    phone: str | None | _Unset = UNSET
    mobile: str | None | _Unset = UNSET
    is_primary: bool | _Unset = UNSET
    is_decision_maker: bool | _Unset = UNSET
    notes: str | None | _Unset = UNSET


@dataclasses.dataclass(frozen=True, kw_only=True)
class AddressInput:
    """`country`: an ISO 3166 code."""

    address_type: str
    line1: str
    city: str
    country: str
    line2: str = ""
    state_region: str = ""
    postal_code: str = ""
    is_default: bool = False
    notes: str = ""


@dataclasses.dataclass(frozen=True, kw_only=True)
class AddressPatch(Patch):
    address_type: str | _Unset = UNSET
    line1: str | _Unset = UNSET
    city: str | _Unset = UNSET
    country: str | _Unset = UNSET
    line2: str | None | _Unset = UNSET
    state_region: str | None | _Unset = UNSET
    postal_code: str | None | _Unset = UNSET
    is_default: bool | _Unset = UNSET
    notes: str | None | _Unset = UNSET


@dataclasses.dataclass(frozen=True, kw_only=True)
class BankAccountInput:
    account_number: str
    bank_name: str = ""
    iban: str = ""
    swift_code: str = ""
    ifsc: str = ""
    branch: str = ""
    is_primary: bool = False


@dataclasses.dataclass(frozen=True, kw_only=True)
class BankAccountPatch(Patch):
    account_number: str | _Unset = UNSET
    bank_name: str | None | _Unset = UNSET
    iban: str | None | _Unset = UNSET
    swift_code: str | None | _Unset = UNSET
    ifsc: str | None | _Unset = UNSET
    branch: str | None | _Unset = UNSET
    is_primary: bool | _Unset = UNSET
    is_active: bool | _Unset = UNSET


def _text(value, field: str) -> str:
    text = (value or "").strip()
    if not text and field in REQUIRED:
        raise ValidationFailed(_("%(field)s is required") % {"field": field}, code="required", field=field)
    return text


def _country(code: str):
    country = countries().filter(code=(code or "").strip().upper()).first()
    if country is None:
        raise ValidationFailed(_("Unknown country %(code)s") % {"code": code}, code="unknown", field="country")
    return country


def _child(model, party: Party, child_id, missing: str):
    """The child `child_id` of `party`, locked; else NotFound with the message `missing`."""
    row = model.objects.select_for_update().filter(pk=child_id, party=party).first()
    if row is None:
        raise NotFound(missing)
    return row


def _mark(row, flag: str, siblings) -> None:
    """Give `row` the mark `flag` when asked, or when no sibling has it; asked, take it off the sibling."""
    if getattr(row, flag):
        siblings.filter(**{flag: True}).exclude(pk=row.pk).update(**{flag: False})
    elif not siblings.filter(**{flag: True}).exclude(pk=row.pk).exists():
        setattr(row, flag, True)


def _write(actor, row, audited: tuple[str, ...], before: dict | None) -> None:
    row.updated_by = actor
    row.save()
    after = snapshot(row, audited)
    if before is None:
        record_audit(actor=actor, action=AuditAction.CREATE, obj=row, new=after)
    elif after != before:
        record_audit(actor=actor, action=AuditAction.UPDATE, obj=row, old=before, new=after)


def _apply(row, given: dict, *, special=()) -> None:
    for field, value in given.items():
        if field in special:
            continue
        if field == "email":
            row.email = clean_email(value)
            continue
        setattr(row, field, value if isinstance(value, bool) else _text(value, field))


def _delete(actor, model, party_id, child_id, audited, missing: str) -> None:
    with transaction.atomic():
        row = _child(model, lock_party(party_id), child_id, missing)
        record_audit(actor=actor, action=AuditAction.DELETE, obj=row, old=snapshot(row, audited))
        row.delete()


# ---- contacts ----------------------------------------------------------------------------------------------------


def create_contact(*, actor, party_id, data: ContactInput) -> PartyContact:
    """A contact of the party; the first one, or one sent with is_primary, becomes its primary contact."""
    with transaction.atomic():
        party = lock_party(party_id)
        contact = PartyContact(party=party, created_by=actor)
        _apply(contact, dataclasses.asdict(data))
        _mark(contact, "is_primary", party.contacts.all())
        _write(actor, contact, CONTACT_AUDITED, None)
    return contact


def update_contact(*, actor, party_id, contact_id, changes: ContactPatch) -> PartyContact:
    """is_primary=true makes it the primary contact (the former one is not anymore); false leaves none."""
    with transaction.atomic():
        party = lock_party(party_id)
        contact = _child(PartyContact, party, contact_id, _("No such contact"))
        before = snapshot(contact, CONTACT_AUDITED)
        _apply(contact, changes.provided())
        if contact.is_primary:
            _mark(contact, "is_primary", party.contacts.all())
        _write(actor, contact, CONTACT_AUDITED, before)
    return contact


def delete_contact(*, actor, party_id, contact_id) -> None:
    _delete(actor, PartyContact, party_id, contact_id, CONTACT_AUDITED, _("No such contact"))


# ---- addresses ---------------------------------------------------------------------------------------------------


def create_address(*, actor, party_id, data: AddressInput) -> PartyAddress:
    """An address; the first of its type, or one sent with is_default, becomes the default of its type."""
    with transaction.atomic():
        party = lock_party(party_id)
        address = PartyAddress(party=party, country=_country(data.country), created_by=actor)
        _apply(address, dataclasses.asdict(data), special=("country",))
        _mark(address, "is_default", party.addresses.filter(address_type=address.address_type))
        _write(actor, address, ADDRESS_AUDITED, None)
    return address


def update_address(*, actor, party_id, address_id, changes: AddressPatch) -> PartyAddress:
    given = changes.provided()
    with transaction.atomic():
        party = lock_party(party_id)
        address = _child(PartyAddress, party, address_id, _("No such address"))
        before = snapshot(address, ADDRESS_AUDITED)
        if "country" in given:
            address.country = _country(given["country"])
        _apply(address, given, special=("country",))
        if address.is_default:
            _mark(address, "is_default", party.addresses.filter(address_type=address.address_type))
        _write(actor, address, ADDRESS_AUDITED, before)
    return address


def delete_address(*, actor, party_id, address_id) -> None:
    _delete(actor, PartyAddress, party_id, address_id, ADDRESS_AUDITED, _("No such address"))


# ---- bank accounts -----------------------------------------------------------------------------------------------


def _set_number(bank: PartyBankAccount, raw) -> None:
    number = re.sub(r"[\s-]", "", str(raw or "")).upper()
    if not _NUMBER_RE.match(number):
        raise ValidationFailed(_("account_number is 4 to 50 letters or digits"), code="invalid", field="account_number")
    bank.account_number_encrypted = crypto.encrypt(number)
    bank.account_number_last4 = number[-4:]


def _set_iban(bank: PartyBankAccount, raw) -> None:
    iban = normalize_iban(raw) if (raw or "").strip() else ""
    bank.iban_encrypted = crypto.encrypt(iban) if iban else ""
    bank.iban_masked = crypto.masked_iban(iban)


def _bank_fields(bank: PartyBankAccount, given: dict) -> None:
    for field, value in given.items():
        if field == "account_number":
            _set_number(bank, value)
        elif field == "iban":
            _set_iban(bank, value)
        elif field == "swift_code":
            bank.swift_code = normalize_bic(value) if (value or "").strip() else ""
        elif field == "ifsc":
            bank.ifsc = normalize_ifsc(value) if (value or "").strip() else ""
        elif field in ("is_primary", "is_active"):
            setattr(bank, field, value)
        else:
            setattr(bank, field, _text(value, field))


def create_bank_account(*, actor, party_id, data: BankAccountInput) -> PartyBankAccount:
    """A bank account of the party; the first one, or one sent with is_primary, becomes its primary one."""
    with transaction.atomic():
        party = lock_party(party_id)
        bank = PartyBankAccount(party=party, created_by=actor)
        _bank_fields(bank, dataclasses.asdict(data))
        _mark(bank, "is_primary", party.bank_accounts.all())
        _write(actor, bank, BANK_AUDITED, None)
    return bank


def update_bank_account(*, actor, party_id, bank_account_id, changes: BankAccountPatch) -> PartyBankAccount:
    """An inactive bank account cannot stay primary (refused: `inactive`)."""
    given = changes.provided()
    with transaction.atomic():
        party = lock_party(party_id)
        bank = _child(PartyBankAccount, party, bank_account_id, _("No such bank account"))
        before = snapshot(bank, BANK_AUDITED)
        _bank_fields(bank, given)
        if bank.is_primary and not bank.is_active:
            raise ValidationFailed(_("An inactive bank account cannot be primary"), code="inactive", field="is_primary")
        if bank.is_primary:
            _mark(bank, "is_primary", party.bank_accounts.all())
        _write(actor, bank, BANK_AUDITED, before)
        if {"account_number", "iban"} & set(given) and snapshot(bank, BANK_AUDITED) == before:
            record_audit(actor=actor, action=AuditAction.UPDATE, obj=bank, old=before, new=before)
    return bank


def delete_bank_account(*, actor, party_id, bank_account_id) -> None:
    _delete(actor, PartyBankAccount, party_id, bank_account_id, BANK_AUDITED, _("No such bank account"))
