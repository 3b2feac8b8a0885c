"""Sales' declaration (DESIGN §3): sales orders and their lines, from draft to completed, reserving stock when
confirmed; switchable per organization."""

from django.utils.translation import gettext_lazy as _

from comptoir.platform.modules import MenuEntry, ModuleSpec, Series

ORDER_SERIES = "SO"

ORDER_CREATED = "sales.order.created"
ORDER_UPDATED = "sales.order.updated"
ORDER_SUBMITTED = "sales.order.submitted"
ORDER_RETURNED_TO_DRAFT = "sales.order.returned_to_draft"
ORDER_CONFIRMED = "sales.order.confirmed"
ORDER_HELD = "sales.order.held"
ORDER_RESUMED = "sales.order.resumed"
ORDER_CANCELLED = "sales.order.cancelled"
ORDER_IN_PROGRESS = "sales.order.in_progress"
ORDER_SHIPPED = "sales.order.shipped"
ORDER_DELIVERED = "sales.order.delivered"
ORDER_COMPLETED = "sales.order.completed"
ORDER_REOPENED = "sales.order.reopened"
ORDER_RETURNED = "sales.order.returned"
ORDER_INVOICED = "sales.order.invoiced"

OVERRIDE_CREDIT_LIMIT = "sales.override_credit_limit"

_ORDERS = ("sales.view_*", "sales.add_salesorder", "sales.change_salesorder", "sales.confirm_salesorder",
           "sales.cancel_salesorder")  # fmt: skip

MODULE = ModuleSpec(
    name="sales",
    label=_("Sales"),
    depends_on=("platform", "accounting", "parties", "catalog", "inventory"),
    permissions={
        "sales.confirm_salesorder": "Confirm a sales order (checks the credit limit, reserves the stock)",
        "sales.cancel_salesorder": "Cancel a sales order (releases its reservations)",
        OVERRIDE_CREDIT_LIMIT: "Confirm an order beyond the customer's credit limit",
    },
    restricted_permissions=frozenset({OVERRIDE_CREDIT_LIMIT}),
    role_grants={
        "SALES": _ORDERS,
        "MANAGER": (*_ORDERS, OVERRIDE_CREDIT_LIMIT),
        "STOCK_KEEPER": ("sales.view_*",),
        "ACCOUNTANT": ("sales.view_*",),
    },
    switchable=True,
    default_enabled=True,
    numbering=(Series(document_type=ORDER_SERIES, prefix="SO-{year}-"),),
    events=(
        ORDER_CREATED,
        ORDER_UPDATED,
        ORDER_SUBMITTED,
        ORDER_RETURNED_TO_DRAFT,
        ORDER_CONFIRMED,
        ORDER_HELD,
        ORDER_RESUMED,
        ORDER_CANCELLED,
        ORDER_IN_PROGRESS,
        ORDER_SHIPPED,
        ORDER_DELIVERED,
        ORDER_COMPLETED,
        ORDER_REOPENED,
        ORDER_RETURNED,
        ORDER_INVOICED,
    ),
    api=(("/sales", "comptoir.sales.api.router"),),
    urls=(("sales/", "comptoir.sales.urls"),),
    menu=(
        MenuEntry(_("Sales dashboard"), "sales.view_salesorder", url="sales_dashboard"),
        MenuEntry(_("Sales orders"), "sales.view_salesorder", view="sales.orders"),
    ),
    desk="comptoir.sales.desk.DESK",
)
