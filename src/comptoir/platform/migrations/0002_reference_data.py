"""Seed the global masters: ISO 4217 currencies, ISO 3166-1 countries, units of measure."""

from django.db import migrations


def load(apps, schema_editor):
    from comptoir.platform.reference_data import load_reference_data

    load_reference_data(
        apps.get_model("platform", "Currency"),
        apps.get_model("platform", "Country"),
        apps.get_model("platform", "UnitOfMeasure"),
    )


class Migration(migrations.Migration):
    dependencies = [("platform", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
