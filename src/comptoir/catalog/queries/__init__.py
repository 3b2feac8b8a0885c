"""Tenant-scoped reads of the catalogue: lists and `access_` lookups (catalog.queries.products), references by
id or code (catalog.queries.refs) and the one price resolution sales and purchasing call
(catalog.queries.pricing.resolve_price)."""
