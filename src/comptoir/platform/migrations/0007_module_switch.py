"""Module switches become one row per (organization, module) instead of a column per module. The old columns are
copied into rows (the switches an organization had) before they are dropped."""

import comptoir.platform.ids
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


COPY_SWITCHES = """
INSERT INTO platform_moduleswitch (id, organization_id, module, enabled, created_at, updated_at)
SELECT gen_random_uuid(), f.organization_id, m.module,
       CASE m.module WHEN 'inventory' THEN f.inventory_enabled WHEN 'accounting' THEN f.accounting_enabled
                     ELSE f.payroll_enabled END,
       now(), now()
FROM platform_organizationfeature f CROSS JOIN (VALUES ('inventory'), ('accounting'), ('payroll')) AS m (module)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("platform", "0006_ordinary_owner"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ModuleSwitch",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=comptoir.platform.ids.uuid7, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("module", models.CharField(max_length=50)),
                ("enabled", models.BooleanField()),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="platform.organization",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("organization", "module"), name="module_switch_unique")
                ],
            },
        ),
        migrations.RunSQL(COPY_SWITCHES, migrations.RunSQL.noop),
        migrations.RemoveField(
            model_name="organizationfeature",
            name="accounting_enabled",
        ),
        migrations.RemoveField(
            model_name="organizationfeature",
            name="inventory_enabled",
        ),
        migrations.RemoveField(
            model_name="organizationfeature",
            name="payroll_enabled",
        ),
    ]
