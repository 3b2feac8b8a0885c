"""The parties module's declaration: customers, suppliers, employees and other counterparties, each with its
ledger account in the books (DESIGN §3)."""

from django.utils.translation import gettext_lazy as _

from comptoir.platform.modules import MenuEntry, ModuleSpec, Series

PARTY_CREATED = "parties.party.created"
PARTY_UPDATED = "parties.party.updated"
PARTY_STATUS_CHANGED = "parties.party.status_changed"
PARTY_DELETED = "parties.party.deleted"
# One series for every party type (P-000001…), never reset: the number is also the code of the party's account.
PARTY_SERIES = "PARTY"

MODULE = ModuleSpec(
    name="parties",
    label=_("Parties"),
    depends_on=("platform", "accounting"),
    permissions={
        "parties.view_statement": "Read a party's statement (its account's lines and balance)",
        "parties.blacklist_party": "Blacklist a party, or lift a blacklisting",
    },
    restricted_permissions=frozenset({"parties.blacklist_party"}),
    roles={"PURCHASING": ("Purchasing", "Suppliers and purchases")},
    role_grants={
        "SALES": ("parties.*",),
        "PURCHASING": ("parties.*", "platform.view_*"),
        "ACCOUNTANT": ("parties.*",),
        "FINANCE": ("parties.view_*",),
    },
    switchable=True,
    default_enabled=True,
    numbering=(Series(document_type=PARTY_SERIES, prefix="P-", yearly_reset=False),),
    events=(PARTY_CREATED, PARTY_UPDATED, PARTY_STATUS_CHANGED, PARTY_DELETED),
    api=(("/parties", "comptoir.parties.api.router"),),
    urls=(("parties/", "comptoir.parties.urls"),),
    menu=(MenuEntry(_("Parties"), "parties.view_party", view="parties.parties"),),
    desk="comptoir.parties.desk.DESK",
)
