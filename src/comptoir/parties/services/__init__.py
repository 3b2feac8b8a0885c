"""The write surface of the parties app: parties (services/parties.py) and their contacts, addresses and bank
accounts (services/children.py)."""
