"""Row locks of the parties app. Lock order: the party first, then its children (contacts, addresses, bank
accounts): a write to a child locks its party, so "one primary / one default" is decided one writer at a time."""

from __future__ import annotations

from django.utils.translation import gettext as _

from comptoir.parties.models import Party
from comptoir.platform.errors import NotFound


def lock_party(party_id) -> Party:
    party = Party.objects.select_for_update(of=("self",)).select_related("currency").filter(pk=party_id).first()
    if party is None:
        raise NotFound(_("No such party"))
    return party
