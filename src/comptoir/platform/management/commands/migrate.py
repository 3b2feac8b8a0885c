"""`migrate`, run as the table owner, followed by the tenancy pass over every tenant table: row-level security
and composite (organization, id) foreign keys. Indexes and constraints are added to the rendered migration state in
place (comptoir.platform.migration_state): the same schema, without re-rendering every related model each time."""

from django.core.management.commands.migrate import Command as DjangoMigrate

from comptoir.platform.db import apply_row_level_security, apply_tenant_foreign_keys, owner_mode
from comptoir.platform.migration_state import options_set_in_place


class Command(DjangoMigrate):
    def handle(self, *args, **options):
        with owner_mode():
            with options_set_in_place():
                result = super().handle(*args, **options)
            apply_row_level_security(options["database"])
            apply_tenant_foreign_keys(options["database"])
        return result
