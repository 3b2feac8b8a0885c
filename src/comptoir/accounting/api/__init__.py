"""The accounting API at /api/v1/accounting: one router per concern. Thin: parse, authorise, call a service or
a query, serialise."""

from ninja import Router

from comptoir.platform.services.features import ModuleGuard

router = Router(tags=["accounting"], auth=ModuleGuard("accounting"))
for concern in ("chart", "periods", "journal", "taxes", "banks", "budgets", "reports"):
    router.add_router("", f"comptoir.accounting.api.{concern}.router")
