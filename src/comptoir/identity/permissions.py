"""The permission catalogue, generated from the code, and the role templates seeded in every organization.

Every model of a Comptoir app yields `app.view_model`, `app.add_model`, `app.change_model`, `app.delete_model`
(the same codenames Django's admin asks for); apps add their own actions in `EXTRA_PERMISSIONS`.
"""

from __future__ import annotations

from fnmatch import fnmatch

from django.apps import apps

EXTRA_PERMISSIONS = {
    "platform.invite_member": "Invite members by e-mail",
    "platform.access_admin": "Use the admin site",
    "identity.assign_role": "Assign roles to members",
    "identity.manage_apitoken": "Create and revoke one's own API tokens",
    "accounting.close_fiscalyear": "Close a fiscal year (closing entry to retained earnings)",
    "accounting.reopen_period": "Reopen a closed fiscal period or year",
    "accounting.view_report": "Read financial reports",
    "accounting.reconcile_banktransaction": "Match bank statement lines to journal lines",
    "accounting.import_chart": "Import the chart of accounts from CSV",
}

# code: (name, description, permission patterns). OWNER and ADMIN get everything.
ROLE_TEMPLATES: dict[str, tuple[str, str, list[str]]] = {
    "OWNER": ("Owner", "Owns the organization; every permission", ["*"]),
    "ADMIN": ("Administrator", "Administers the organization; every permission", ["*"]),
    "MANAGER": (
        "Manager",
        "Reads everything and runs day-to-day operations",
        ["*.view_*", "*.add_*", "*.change_*", "identity.manage_apitoken"],
    ),
    "EMPLOYEE": (
        "Employee",
        "Reads the organization's shared data",
        [
            "platform.view_*",
            "identity.manage_apitoken",
            "platform.add_calendarevent",
            "platform.change_calendarevent",
            "platform.delete_calendarevent",
        ],
    ),
    "INVESTOR": ("Investor", "Read-only access", ["*.view_*"]),
    "ACCOUNTANT": ("Accountant", "Keeps the books", ["platform.view_*", "accounting.*", "invoicing.*"]),
    "STOCK_KEEPER": ("Stock keeper", "Moves and counts stock", ["platform.view_*", "inventory.*", "catalog.view_*"]),
    "HR": ("HR", "People, leave and attendance", ["platform.view_*", "hr.*"]),
    "FINANCE": (
        "Finance",
        "Payments, budgets and reports",
        ["platform.view_*", "accounting.*", "invoicing.*", "expenses.*", "payroll.view_*"],
    ),
    "IT": ("IT", "IT assets and monitoring", ["platform.view_*", "assets.*", "helpdesk.*"]),
    "SECURITY": ("Security", "Security operations", ["platform.view_*", "security_ops.*"]),
    "COMPLIANCE": ("Compliance", "Risk and compliance", ["platform.view_*", "risk.*", "platform.view_auditlog"]),
    "INVENTORY": ("Inventory", "Catalog and warehouses", ["platform.view_*", "inventory.*", "catalog.*"]),
    "SALES": (
        "Sales",
        "Customers, deals and orders",
        ["platform.view_*", "parties.*", "crm.*", "sales.*", "catalog.view_*"],
    ),
    "CX": ("Customer experience", "Support and feedback", ["platform.view_*", "helpdesk.*", "crm.view_*"]),
    "RISK": ("Risk", "Risk register", ["platform.view_*", "risk.*"]),
    "RECOVERY": ("Recovery", "Recovery cases", ["platform.view_*", "risk.*"]),
    "CLIENT": ("Client", "A customer's own portal access", ["portal.*"]),
}

COMPTOIR_APP_PREFIX = "comptoir."


def permission_catalogue() -> dict[str, tuple[str, str]]:
    """codename -> (name, module), for every Comptoir model and every extra action."""
    catalogue: dict[str, tuple[str, str]] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith(COMPTOIR_APP_PREFIX):
            continue
        for model in config.get_models():
            verbose = model._meta.verbose_name
            for action in ("view", "add", "change", "delete"):
                codename = f"{config.label}.{action}_{model._meta.model_name}"
                catalogue[codename] = (f"Can {action} {verbose}", config.label)
    for codename, name in EXTRA_PERMISSIONS.items():
        catalogue[codename] = (name, codename.split(".", 1)[0])
    return catalogue


# Never granted by a wildcard such as "platform.view_*": a template must name them (or grant "*").
RESTRICTED_PERMISSIONS = frozenset(
    {
        "platform.view_auditlog",
        "accounting.reopen_period",
        "platform.view_idempotencykey",
        "platform.view_integrationevent",
        "platform.change_integrationevent",
        "platform.view_webhookdelivery",
        "platform.view_webhooksubscription",
    }
)


def template_codenames(role_code: str, codenames) -> set[str]:
    patterns = ROLE_TEMPLATES[role_code][2]
    return {
        c
        for c in codenames
        if any(fnmatch(c, p) for p in patterns)
        and (c not in RESTRICTED_PERMISSIONS or c in patterns or "*" in patterns)
    }


def on_post_migrate(sender, using="default", **kwargs) -> None:
    if sender.name != "comptoir.identity":
        return
    from comptoir.identity.services.roles import sync_permission_catalogue

    sync_permission_catalogue(using=using)
