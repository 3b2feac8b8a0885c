"""Identity's declaration (DESIGN §3): users, roles, tokens; always on. It declares the role templates seeded in
every organization with their grants over the foundation (platform, identity); each domain module grants its own
permissions to these roles in its spec."""

from django.utils.translation import gettext_lazy as _

from comptoir.platform.modules import MenuEntry, ModuleSpec

_FOUNDATION_READER = ("platform.view_*",)

MODULE = ModuleSpec(
    name="identity",
    label=_("Identity & access"),
    depends_on=("platform",),
    permissions={
        "identity.assign_role": "Assign roles to members",
        "identity.manage_apitoken": "Create and revoke one's own API tokens",
    },
    roles={
        "OWNER": ("Owner", "Owns the organization; every permission"),
        "ADMIN": ("Administrator", "Administers the organization; every permission"),
        "MANAGER": ("Manager", "Reads everything and runs day-to-day operations"),
        "EMPLOYEE": ("Employee", "Reads the organization's shared data"),
        "INVESTOR": ("Investor", "Read-only access"),
        "ACCOUNTANT": ("Accountant", "Keeps the books"),
        "STOCK_KEEPER": ("Stock keeper", "Moves and counts stock"),
        "HR": ("HR", "People, leave and attendance"),
        "FINANCE": ("Finance", "Payments, budgets and reports"),
        "IT": ("IT", "IT assets and monitoring"),
        "SECURITY": ("Security", "Security operations"),
        "COMPLIANCE": ("Compliance", "Risk and compliance"),
        "INVENTORY": ("Inventory", "Products and warehouses"),
        "SALES": ("Sales", "Customers, deals and orders"),
        "CX": ("Customer experience", "Support and feedback"),
        "RISK": ("Risk", "Risk register"),
        "RECOVERY": ("Recovery", "Recovery cases"),
        "CLIENT": ("Client", "A customer's own portal access"),
    },
    role_grants={
        "OWNER": ("*",),
        "ADMIN": ("*",),
        "MANAGER": ("*.view_*", "*.add_*", "*.change_*", "identity.manage_apitoken"),
        "EMPLOYEE": (
            "platform.view_*",
            "identity.manage_apitoken",
            "platform.add_calendarevent",
            "platform.change_calendarevent",
            "platform.delete_calendarevent",
        ),
        "INVESTOR": ("*.view_*",),
        "COMPLIANCE": ("platform.view_*", "platform.view_auditlog"),
        **{
            code: _FOUNDATION_READER
            for code in (
                "ACCOUNTANT",
                "STOCK_KEEPER",
                "HR",
                "FINANCE",
                "IT",
                "SECURITY",
                "INVENTORY",
                "SALES",
                "CX",
                "RISK",
                "RECOVERY",
            )
        },
    },
    api=(
        ("/auth", "comptoir.identity.api.auth_router"),
        ("", "comptoir.identity.api.me_router"),
        ("/platform/members", "comptoir.identity.api.members_router"),
        ("/identity", "comptoir.identity.api.identity_router"),
    ),
    menu=(
        MenuEntry(_("Roles"), "identity.view_role", admin="identity.role"),
        MenuEntry(_("API tokens"), "identity.view_apitoken", admin="identity.apitoken"),
    ),
)
