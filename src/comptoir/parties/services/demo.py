"""The demo organization's parties (`comptoir demo`, after accounting's books): the customers and suppliers of the
demo trade, each with its contact, address and bank account, and some posted trade on their own accounts, so that
their balances, statements and the aging per party show something. Deterministic: amounts and days come from a
seeded generator; entries dated after `today` are not written."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction

from comptoir.accounting.services import EntryInput, PostingLine, SourceRef, create_and_post
from comptoir.parties.services.children import (
    AddressInput,
    BankAccountInput,
    ContactInput,
    create_address,
    create_bank_account,
    create_contact,
)
from comptoir.parties.services.parties import PartyInput, create_party

SEED = 4
BANK, REVENUE, TAX_OUT, STOCK, TAX_IN = "1100", "4000", "2100", "1300", "1400"
VAT = Decimal("0.20")
CENT = Decimal("0.01")
# (name, type, e-mail, VAT number without prefix, contact, city, tier)
PARTIES = (
    ("Atelier Morel", "CUSTOMER", "compta@atelier-morel.fr", "40303265045", ("Claire", "Morel"), "Lyon", "GOLD"),
    ("Boulangerie Petit", "CUSTOMER", "contact@boulangerie-petit.fr", "", ("Jean", "Petit"), "Paris", "STANDARD"),
    ("Café des Arts", "CUSTOMER", "gerant@cafe-des-arts.fr", "", ("Sophie", "Lambert"), "Nantes", "SILVER"),
    ("Hôtel du Lac", "CUSTOMER", "reception@hotel-du-lac.fr", "", ("Marc", "Dumas"), "Annecy", "PLATINUM"),
    ("Librairie Vautrin", "BOTH", "librairie@vautrin.fr", "", ("Anne", "Vautrin"), "Bordeaux", "STANDARD"),
    ("Grossiste Lemaire", "SUPPLIER", "ventes@lemaire.fr", "", ("Paul", "Lemaire"), "Lille", "STANDARD"),
    ("Papeterie Roux", "SUPPLIER", "commandes@papeterie-roux.fr", "", ("Lucie", "Roux"), "Rennes", "STANDARD"),
    ("Emballages Dubois", "SUPPLIER", "pro@emballages-dubois.fr", "", ("Henri", "Dubois"), "Tours", "STANDARD"),
)
IBANS = ("FR7630006000011234567890189", "FR1420041010050500013M02606", "FR6712739000709765476733049")


def _line(account, side: str, amount: Decimal, party=None, **fields) -> PostingLine:
    ref = SourceRef("parties.party", party.pk) if party is not None else None
    return PostingLine(account=account, side=side, amount=amount, party=ref, **fields)


def _trade(actor, rng: random.Random, party, today: datetime.date) -> int:
    """Four bills over the last four months, due in the party's credit days; all but the last one or two paid."""
    code, posted = party.account.code, 0
    selling = party.party_type != "SUPPLIER"
    for n in range(4):
        day = today - datetime.timedelta(days=120 - 30 * n - rng.randint(0, 20))
        net = (Decimal(rng.randrange(40_000, 260_000)) / 100).quantize(CENT)
        tax = (net * VAT).quantize(CENT)
        due = day + datetime.timedelta(days=party.credit_days)
        if selling:
            lines = [_line(code, "DR", net + tax, party, due_date=due)]
            lines += [_line(REVENUE, "CR", net), _line(TAX_OUT, "CR", tax)]
            narration, journal = f"Invoice {day:%y%m}-{n + 1} to {party.name}", "SALES"
        else:
            lines = [_line(code, "CR", net + tax, party, due_date=due)]
            lines += [_line(STOCK, "DR", net), _line(TAX_IN, "DR", tax)]
            narration, journal = f"Bill {day:%y%m}-{n + 1} from {party.name}", "PURCHASE"
        bill = create_and_post(
            actor=actor, data=EntryInput(date=day, journal_type=journal, narration=narration, lines=lines)
        )
        posted += 1
        paid_on = day + datetime.timedelta(days=rng.randint(15, 40))
        if n < 2 + rng.randint(0, 1) and paid_on <= today:
            side = "CR" if selling else "DR"
            settle = [
                _line(code, side, net + tax, party, against_entry=bill.pk),
                _line(BANK, "DR" if selling else "CR", net + tax),
            ]
            text = f"Receipt from {party.name}" if selling else f"Payment to {party.name}"
            create_and_post(
                actor=actor,
                data=EntryInput(date=paid_on, journal_type="RCP" if selling else "PAY", narration=text, lines=settle),
            )
            posted += 1
    return posted


def seed_demo_parties(*, actor, today: datetime.date) -> int:
    """The demo parties and their trade, in the organization in context (its books seeded already); returns the
    number of entries posted."""
    rng = random.Random(SEED)  # noqa: S311 (demo figures, not secrets)
    posted = 0
    with transaction.atomic():
        for i, (name, party_type, email, vat, (first, last), city, tier) in enumerate(PARTIES):
            party = create_party(
                actor=actor,
                data=PartyInput(
                    name=name,
                    party_type=party_type,
                    email=email,
                    vat_number=vat,
                    tier=tier,
                    credit_limit=Decimal(5000 * (1 + i % 3)),
                    payment_terms="NET_30" if party_type != "SUPPLIER" else "NET_45",
                    tags=["demo"],
                ),
            )
            create_contact(
                actor=actor, party_id=party.pk, data=ContactInput(first_name=first, last_name=last, email=email)
            )
            address = AddressInput(address_type="BILLING", line1=f"{10 + i} rue du Commerce", city=city, country="FR")
            create_address(actor=actor, party_id=party.pk, data=address)
            if party_type == "SUPPLIER":
                iban = IBANS[i % len(IBANS)]
                bank = BankAccountInput(account_number=iban[-15:], iban=iban, bank_name="Banque de Démonstration")
                create_bank_account(actor=actor, party_id=party.pk, data=bank)
            posted += _trade(actor, rng, party, today)
    return posted
