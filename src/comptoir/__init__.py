"""Comptoir: an open-source, multi-tenant ERP."""

__version__ = "0.1.0"
