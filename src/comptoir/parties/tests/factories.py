"""Deterministic builders for the parties' tests, through the real API and services."""

from __future__ import annotations

from comptoir.accounting.tests.factories import IN_YEAR, entry_data

# Valid identifiers (their check digits computed by the schemes).
GSTIN, PAN = "27AAPFU0939F1ZV", "AAPFU0939F"
BIN, IIN = "900440000031", "850512300129"
VAT = "FR40303265045"
IBAN = "FR76 3000 6000 0112 3456 7890 189"

__all__ = ["BIN", "GSTIN", "IBAN", "IIN", "IN_YEAR", "PAN", "VAT", "create", "entry_data"]


def create(api, name="Atelier Morel", party_type="CUSTOMER", **fields) -> dict:
    response = api.post("parties", {"name": name, "party_type": party_type, **fields})
    assert response.status_code == 201, response.json()
    return response.json()
