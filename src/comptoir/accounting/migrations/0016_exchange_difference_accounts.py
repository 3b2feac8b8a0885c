"""Organizations created before the default chart gained 4800 (exchange gains) and 6700 (exchange losses) get
them, as 0015 added its rows: the default chart installed again adds only what an organization lacks."""

import importlib

from django.db import migrations

_0015 = importlib.import_module("comptoir.accounting.migrations.0015_newer_default_accounts")


class Migration(migrations.Migration):
    dependencies = [("accounting", "0015_newer_default_accounts")]

    operations = [migrations.RunPython(_0015.add_missing_default_rows, migrations.RunPython.noop)]
