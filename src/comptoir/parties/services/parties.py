"""Parties: created with their one ledger account, edited, moved through their statuses.

A party opens its own account in the same transaction, through accounting's chart service, under the group of the
chart's receivables (CUSTOMER, BOTH, OTHER) or payables (SUPPLIER, EMPLOYEE: the employee payables) for its
type (seed 004 rule 2); the account is coded by the party's number (series PARTY, `P-000001`, never reset) and
named by it, so journal lines on it name their party and the party's balance is the account's. Tax ids are
validated and stored normalized, unique in the organization; the IIN is stored encrypted with a blind index.
Credit days follow the payment terms unless given."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.accounting.queries.books import subledger_group
from comptoir.accounting.services.chart import (
    AccountInput,
    AccountPatch,
    create_account,
    delete_account,
    update_account,
)
from comptoir.parties.constants import (
    ACCOUNT_TYPE_OF_PARTY,
    CREDIT_DAYS,
    IIN_PURPOSE,
    INITIAL_STATUSES,
    PARTY_TRANSITIONS,
    PartyKind,
    PartyStatus,
    PaymentTerms,
    Tier,
)
from comptoir.parties.locks import lock_party
from comptoir.parties.models import Party
from comptoir.parties.module import PARTY_CREATED, PARTY_DELETED, PARTY_SERIES, PARTY_STATUS_CHANGED, PARTY_UPDATED
from comptoir.parties.services.tax_ids import check_pan_in_gstin, normalized_tax_ids
from comptoir.platform import crypto
from comptoir.platform.constants import AuditAction
from comptoir.platform.errors import Conflict, DomainError, ValidationFailed
from comptoir.platform.inputs import UNSET, Patch, _Unset
from comptoir.platform.money import check_amount
from comptoir.platform.queries.core import currencies_by_code, current_organization
from comptoir.platform.services.audit import record_audit, snapshot
from comptoir.platform.services.events import emit_event
from comptoir.platform.services.numbering import next_number
from comptoir.platform.transitions import transition

AUDITED = ("party_number", "name", "party_type", "kind", "status", "account", "legal_name", "email", "phone")
AUDITED += ("website", "industry", "gstin", "pan", "bin", "iin_last4", "vat_number", "currency", "credit_limit")
AUDITED += ("payment_terms", "credit_days", "tier", "rating", "is_retailer", "tags", "custom_fields", "notes")
TEXT_FIELDS = ("legal_name", "phone", "website", "industry", "notes")
TAX_FIELDS = ("gstin", "pan", "bin", "iin", "vat_number")
# The unique constraint behind each tax id field (a race past the service's check ends on it).
TAX_CONSTRAINTS = {f"party_{field}_unique": field for field in TAX_FIELDS}


@dataclasses.dataclass(frozen=True, kw_only=True)
class PartyInput:
    """A new party; `currency` defaults to the organization's base currency, `credit_days` to the payment
    terms' days, `status` is PROSPECT or ACTIVE."""

    name: str
    party_type: str
    kind: str = PartyKind.COMPANY
    status: str = PartyStatus.ACTIVE
    legal_name: str = ""
    email: str = ""
    phone: str = ""
    website: str = ""
    industry: str = ""
    gstin: str = ""
    pan: str = ""
    bin: str = ""
    iin: str = ""
    vat_number: str = ""
    currency: str | None = None
    credit_limit: Decimal = Decimal(0)
    payment_terms: str = PaymentTerms.NET_30
    credit_days: int | None = None
    tier: str = Tier.STANDARD
    rating: Decimal | None = None
    is_retailer: bool = False
    tags: tuple[str, ...] = ()
    custom_fields: dict | None = None
    notes: str = ""


@dataclasses.dataclass(frozen=True, kw_only=True)
class PartyPatch(Patch):
    """A null text or tax id clears it; `name`, `party_type`, `kind`, `currency`, `payment_terms` and `tier`
    cannot be cleared. Changing `payment_terms` resets `credit_days` to its days unless `credit_days` is sent."""

    name: str | _Unset = UNSET
    party_type: str | _Unset = UNSET
    kind: str | _Unset = UNSET
    legal_name: str | None | _Unset = UNSET
    email: str | None | _Unset = UNSET
    phone: str | None | _Unset = UNSET
    website: str | None | _Unset = UNSET
    industry: str | None | _Unset = UNSET
    gstin: str | None | _Unset = UNSET
    pan: str | None | _Unset = UNSET
    bin: str | None | _Unset = UNSET
    iin: str | None | _Unset = UNSET
    vat_number: str | None | _Unset = UNSET
    currency: str | _Unset = UNSET
    credit_limit: Decimal | _Unset = UNSET
    payment_terms: str | _Unset = UNSET
    credit_days: int | None | _Unset = UNSET
    tier: str | _Unset = UNSET
    rating: Decimal | None | _Unset = UNSET
    is_retailer: bool | _Unset = UNSET
    tags: list[str] | None | _Unset = UNSET
    custom_fields: dict | None | _Unset = UNSET
    notes: str | None | _Unset = UNSET


def _required_text(value, field: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(_("%(field)s is required") % {"field": field}, code="required", field=field)
    return text


def clean_email(value) -> str:
    """An e-mail address stripped, or "" ; a malformed one is refused on `email`."""
    text = (value or "").strip()
    if text:
        try:
            validate_email(text)
        except DjangoValidationError:
            raise ValidationFailed(_("email is not an e-mail address"), code="invalid", field="email") from None
    return text


def _currency(code: str):
    currency = currencies_by_code([code]).get(code)
    if currency is None:
        raise ValidationFailed(_("Unknown currency %(code)s") % {"code": code}, code="unknown", field="currency")
    return currency


def _credit_limit(value: Decimal, currency) -> Decimal:
    if value < 0:
        raise ValidationFailed(_("credit_limit must not be negative"), code="negative_amount", field="credit_limit")
    return check_amount(value, currency, field="credit_limit")


def _tags(values) -> list[str]:
    """Stripped, without blanks or repeats, in the order given."""
    return list(dict.fromkeys(t.strip() for t in values or () if t.strip()))


def _set_tax_ids(party: Party, given: dict[str, str | None]) -> None:
    """Normalize and set the tax ids of `given` (the IIN encrypted, with its blind index and last 4), refuse one
    another party of the organization holds, and check the GSTIN's PAN."""
    values = normalized_tax_ids(given, country=current_organization().country.code)
    for field, value in values.items():
        if field == "iin":
            party.iin_encrypted = crypto.encrypt(value) if value else ""
            party.iin_hash = crypto.blind_index(value, purpose=IIN_PURPOSE) if value else ""
            party.iin_last4 = value[-4:]
        else:
            setattr(party, field, value)
        lookup = {"iin_hash": party.iin_hash} if field == "iin" else {field: value}
        if value and Party.objects.filter(**lookup).exclude(pk=party.pk).exists():
            raise ValidationFailed(_duplicate(field), code="duplicate", field=field)
    check_pan_in_gstin(party.gstin, party.pan)


def _duplicate(field: str) -> str:
    return _("Another party has this %(tax_id)s") % {"tax_id": field.upper()}


def _save(party: Party, **kwargs) -> None:
    """Save; a tax id taken meanwhile by a concurrent write is refused on its field."""
    try:
        with transaction.atomic():
            party.save(**kwargs)
    except IntegrityError as exc:
        constraint = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", "")
        field = TAX_CONSTRAINTS.get(constraint)
        if field is None:
            raise
        raise ValidationFailed(_duplicate(field), code="duplicate", field=field) from exc


def _event(party: Party, event_type: str, **extra) -> None:
    payload = {"id": party.pk, "party_number": party.party_number, "name": party.name, "status": party.status}
    emit_event(event_type=event_type, payload={**payload, "party_type": party.party_type, **extra}, source=party)


def create_party(*, actor, data: PartyInput) -> Party:
    """A party and its ledger account, in one transaction; its number is taken after every check."""
    name = _required_text(data.name, "name")
    if data.status not in INITIAL_STATUSES:
        raise ValidationFailed(_("A party starts as PROSPECT or ACTIVE"), code="invalid", field="status")
    with transaction.atomic():
        currency = _currency(data.currency) if data.currency else current_organization().base_currency
        party = Party(
            name=name,
            party_type=data.party_type,
            kind=data.kind,
            status=data.status,
            **{field: (getattr(data, field) or "").strip() for field in TEXT_FIELDS},
            email=clean_email(data.email),
            currency=currency,
            credit_limit=_credit_limit(data.credit_limit, currency),
            payment_terms=data.payment_terms,
            credit_days=CREDIT_DAYS[data.payment_terms] if data.credit_days is None else data.credit_days,
            tier=data.tier,
            rating=data.rating,
            is_retailer=data.is_retailer,
            tags=_tags(data.tags),
            custom_fields=data.custom_fields or {},
            created_by=actor,
            updated_by=actor,
        )
        _set_tax_ids(party, {field: getattr(data, field) for field in TAX_FIELDS})
        account_type = ACCOUNT_TYPE_OF_PARTY[data.party_type]
        group = subledger_group(account_type)
        # The account is coded by the number, so the number comes before it (still after every check).
        party.party_number = next_number(document_type=PARTY_SERIES, on=timezone.localdate())
        party.account = create_account(
            actor=actor,
            data=AccountInput(
                code=party.party_number, name=name, group=group, account_type=account_type, is_bill_wise=True
            ),
        )
        _save(party)
        record_audit(actor=actor, action=AuditAction.CREATE, obj=party, new=snapshot(party, AUDITED))
        _event(party, PARTY_CREATED)
    return party


def _retype(actor, party: Party, party_type: str) -> None:
    """A new type whose ledger account type differs moves the account to that type's group; refused once the
    account has journal lines (its history would change meaning)."""
    account_type = ACCOUNT_TYPE_OF_PARTY[party_type]
    if account_type != ACCOUNT_TYPE_OF_PARTY[party.party_type]:
        try:
            update_account(
                actor=actor,
                account_id=party.account_id,
                changes=AccountPatch(account_type=account_type, group=subledger_group(account_type).pk),
            )
        except DomainError as exc:
            raise Conflict(
                _("The party's account has journal lines: its type cannot change"),
                code="account_in_use",
                field="party_type",
            ) from exc
    party.party_type = party_type


def update_party(*, actor, party_id, changes: PartyPatch) -> Party:
    """Change the fields sent (see PartyPatch); a new name renames the ledger account too."""
    given = changes.provided()
    changes.refuse_nulls("name", "party_type", "kind", "currency", "payment_terms", "tier", "credit_limit")
    with transaction.atomic():
        party = lock_party(party_id)
        before = snapshot(party, AUDITED)
        if "currency" in given:
            party.currency = _currency(given["currency"])
        taxes = {field: given[field] for field in TAX_FIELDS if field in given}
        if taxes:
            _set_tax_ids(party, taxes)
        for field, value in given.items():
            if field == "name":
                party.name = _required_text(value, "name")
                update_account(actor=actor, account_id=party.account_id, changes=AccountPatch(name=party.name))
            elif field == "party_type":
                _retype(actor, party, value)
            elif field == "email":
                party.email = clean_email(value)
            elif field in TEXT_FIELDS:
                setattr(party, field, (value or "").strip())
            elif field == "credit_limit":
                party.credit_limit = _credit_limit(value, party.currency)
            elif field == "payment_terms":
                party.payment_terms = value
                if "credit_days" not in given:
                    party.credit_days = CREDIT_DAYS[value]
            elif field == "credit_days":
                party.credit_days = CREDIT_DAYS[party.payment_terms] if value is None else value
            elif field == "tags":
                party.tags = _tags(value)
            elif field == "custom_fields":
                party.custom_fields = value or {}
            elif field in ("kind", "tier", "rating", "is_retailer"):
                setattr(party, field, value)
        if "credit_limit" not in given and "currency" in given:
            _credit_limit(party.credit_limit, party.currency)
        party.updated_by = actor
        _save(party)
        after = snapshot(party, AUDITED)
        if after != before or "iin" in given:
            record_audit(actor=actor, action=AuditAction.UPDATE, obj=party, old=before, new=after)
            _event(party, PARTY_UPDATED, changed=sorted(k for k in after if after[k] != before[k]))
    return party


def change_party_status(*, actor, party_id, status: str, reason: str = "") -> Party:
    """Move the party along PARTY_TRANSITIONS (audited with `reason`); the API asks parties.blacklist_party for a
    move into or out of BLACKLISTED."""
    with transaction.atomic():
        party = lock_party(party_id)
        before = party.status
        if before == status:
            raise Conflict(
                _("The party is already %(status)s") % {"status": status}, code="invalid_transition", field="status"
            )
        transition(party, status, actor=actor, transitions=PARTY_TRANSITIONS, reason=reason)
        _event(party, PARTY_STATUS_CHANGED, previous_status=before)
    return party


def delete_party(*, actor, party_id) -> None:
    """A party entered by mistake goes with its contacts, addresses, bank accounts and its ledger account. Refused
    (`party_in_use`, nothing deleted) once its account has journal lines or another record refers to it: make it
    INACTIVE instead."""
    in_use = _("The party has postings or documents; make it inactive instead")
    with transaction.atomic():
        party = lock_party(party_id)
        old = snapshot(party, AUDITED)
        _event(party, PARTY_DELETED)
        record_audit(actor=actor, action=AuditAction.DELETE, obj=party, old=old)
        try:
            with transaction.atomic():
                party.delete()
                delete_account(actor=actor, account_id=party.account_id)
        except (ProtectedError, DomainError) as exc:
            raise Conflict(in_use, code="party_in_use") from exc
