"""Every write of the catalogue: categories, products, price lists and their items, and the import of products and
prices through those same services. Each takes a typed input and runs in one transaction with its audit row."""
