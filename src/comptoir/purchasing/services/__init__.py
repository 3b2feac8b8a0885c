"""Every write of purchasing: requisitions (services.requisitions), purchase orders (services.orders), goods
receipts and supplier returns (services.receipts) and the billed quantities invoicing records (services.billing).
Each takes a typed input and runs in one transaction with its audit row and its event."""

from comptoir.purchasing.services.billing import record_billed_quantities, release_billed_quantities

__all__ = ["record_billed_quantities", "release_billed_quantities"]
