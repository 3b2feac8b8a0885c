"""Tenant-scoped reads of the inventory: references by id or code (inventory.queries.refs), lists and `access_`
lookups (inventory.queries.stock) and the stock reports."""
