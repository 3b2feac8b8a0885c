"""Every write of the inventory: warehouses and batches (services.warehouses), stock entries and the ledger they
write (services.entries, services.ledger), reservations (services.reservations) and the books' proof of the stock
(services.books). Each takes a typed input and runs in one transaction with its audit row."""
