"""`check_books`: prove cache = ledger in every organization (DESIGN §6). Prints each difference and exits 1 when
there is any; `--rebuild` recomputes the caches that differ. Beside the books' own caches it runs the checks other
modules declare (`ModuleSpec.book_checks`: the inventory's stock balances). `comptoir check-books` runs it."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from comptoir.accounting.services.books import check_books, rebuild_balances
from comptoir.platform.db import owner_mode
from comptoir.platform.modules import registry
from comptoir.platform.queries.core import organization_codes
from comptoir.platform.tenancy import tenant_context


class Command(BaseCommand):
    help = "Compare every account-period balance cache with the posted journal lines (exit 1 on differences)."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="recompute the caches found different")

    def handle(self, *args, rebuild: bool = False, **options):
        with owner_mode():  # list every organization; each check then runs under its own tenant context
            organizations = organization_codes()
        wrong = 0
        for org_id, code in organizations:
            with tenant_context(org_id):
                differences = check_books()
                for d in differences:
                    self.stdout.write(
                        f"{code} account {d.account_id} {d.cache} {d.bucket}: ledger "
                        f"{d.ledger_debit}/{d.ledger_credit} cache {d.cache_debit}/{d.cache_credit}"
                    )
                if differences and rebuild:
                    rebuild_balances()
                for book_check in (c for m in registry().modules for c in m.book_checks):
                    found = import_string(book_check.check)()
                    for line in found:
                        self.stdout.write(f"{code} {line}")
                    if found and rebuild:
                        import_string(book_check.rebuild)()
                    wrong += len(found)
            wrong += len(differences)
        self.stdout.write(f"{len(organizations)} organization(s) checked, {wrong} difference(s)")
        if wrong:
            raise CommandError(f"{wrong} balance(s) differ from the ledger", returncode=1)
