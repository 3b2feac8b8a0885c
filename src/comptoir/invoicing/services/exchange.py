"""Exchange differences of foreign-currency documents, in the base currency.

A foreign invoice puts its total on the party's account at its own rate. Whatever settles it later — a payment's
allocation, an advance allocated later, a credit or debit note — may be at another rate; the settling line on the
party's account then takes the invoice's own base amount, in proportion to what it settles of the invoice's open
balance (the open item's outstanding base amount × settled / open), and the one that settles the whole rest takes
the exact rest, so a settled invoice leaves nothing on the party's account in the base currency. The difference
from the settling document's own rate is a realized exchange gain (credited to `invoicing.exchange_gain_account`)
or loss (debited to `invoicing.exchange_loss_account`); the base-currency rounding of a document's own lines goes
to `invoicing.rounding_account`, as before."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from decimal import Decimal

from django.utils.translation import gettext as _

from comptoir.accounting.constants import EntryType
from comptoir.accounting.queries.books import outstanding_of
from comptoir.accounting.services import PostingLine, unbalanced_by
from comptoir.accounting.services.chart import resolve_account
from comptoir.invoicing.module import EXCHANGE_GAIN_SETTING, EXCHANGE_LOSS_SETTING, ROUNDING_ACCOUNT_SETTING
from comptoir.platform.money import round_money
from comptoir.platform.queries.configuration import get_setting
from comptoir.platform.queries.core import current_organization


def settled_base(*, entry_id, account_id, currency_id, amount: Decimal, open_amount: Decimal) -> Decimal | None:
    """The base amount that settles `amount` of a foreign document's `open_amount` (in its currency) on the
    party's account `account_id`: its share of what the document's entry `entry_id` left outstanding there, all of
    it for the last part. None for a document in the base currency, or one that left no open item there (the line
    then posts at its own rate)."""
    base = current_organization().base_currency
    if currency_id == base.pk or open_amount <= 0:
        return None
    outstanding = outstanding_of(entry_id=entry_id, account_id=account_id)
    if outstanding is None:
        return None
    if amount >= open_amount:
        return outstanding
    return round_money(outstanding * amount / open_amount, base)


def _balancing(net: Decimal, gain_key: str, loss_key: str, description: str) -> list[PostingLine]:
    if not net:
        return []
    key, side = (gain_key, EntryType.CREDIT) if net > 0 else (loss_key, EntryType.DEBIT)
    account = resolve_account(get_setting(key), "account")
    return [PostingLine(account, side, abs(net), description=description)]


def balanced_in_base(lines: Sequence[PostingLine]) -> list[PostingLine]:
    """`lines` (each with its rate) and what makes them balance in the base currency: the rounding of the lines at
    their own rates (the rounding account), then the exchange difference that settling lines at their bills' base
    amounts make (a gain when it is a credit, a loss when a debit). Lines all at rate 1 with no settled base amount
    (a base-currency document) balance as they are."""
    if all(line.exchange_rate == 1 and line.base_amount is None for line in lines):
        return list(lines)
    base = current_organization().base_currency
    out = list(lines)
    at_own_rates = [dataclasses.replace(line, base_amount=None) for line in out]
    out += _balancing(
        unbalanced_by(at_own_rates, base), ROUNDING_ACCOUNT_SETTING, ROUNDING_ACCOUNT_SETTING, _("Exchange rounding")
    )
    out += _balancing(unbalanced_by(out, base), EXCHANGE_GAIN_SETTING, EXCHANGE_LOSS_SETTING, _("Exchange difference"))
    return out
