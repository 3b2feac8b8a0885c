"""The platform's declaration (DESIGN §3): tenancy, settings, audit, webhooks, calendar; always on."""

from django.utils.translation import gettext_lazy as _

from comptoir.platform.modules import MenuEntry, ModuleSpec

MODULE = ModuleSpec(
    name="platform",
    label=_("Platform"),
    permissions={
        "platform.invite_member": "Invite members by e-mail",
        "platform.access_admin": "Use the admin site",
    },
    restricted_permissions=frozenset(
        {
            "platform.view_auditlog",
            "platform.view_idempotencykey",
            "platform.view_integrationevent",
            "platform.change_integrationevent",
            "platform.view_webhookdelivery",
            "platform.view_webhooksubscription",
        }
    ),
    # the books convert foreign-currency lines with the organization's exchange rates
    role_grants={role: ("platform.*_exchangerate",) for role in ("ACCOUNTANT", "FINANCE")},
    api=(("/platform", "comptoir.platform.api.router"),),
    menu=(
        MenuEntry(_("Workspaces"), "platform.view_workspace", admin="platform.workspace"),
        MenuEntry(_("Members"), "platform.view_organizationmember", admin="platform.organizationmember"),
        MenuEntry(_("Settings"), "platform.view_setting", admin="platform.setting"),
        MenuEntry(_("Audit log"), "platform.view_auditlog", admin="platform.auditlog"),
        MenuEntry(_("Webhooks"), "platform.view_webhooksubscription", admin="platform.webhooksubscription"),
        MenuEntry(_("Calendar"), "platform.view_calendarevent", admin="platform.calendarevent"),
    ),
)
