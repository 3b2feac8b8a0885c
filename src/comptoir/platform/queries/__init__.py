"""Tenant-scoped reads of the platform app, one module per concern."""
