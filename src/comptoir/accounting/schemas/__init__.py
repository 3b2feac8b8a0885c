"""Request and response shapes of the accounting API, one module per concern. Amounts are decimal strings."""
