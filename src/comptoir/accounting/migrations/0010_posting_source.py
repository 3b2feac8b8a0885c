"""A source document posts at most once (a unique constraint over live entries); lines name their party."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounting", "0009_amounts_three_decimals"),
    ]

    operations = [
        migrations.AddField(
            model_name="journalline",
            name="party_id",
            field=models.UUIDField(blank=True, help_text="the customer, supplier or employee of the line", null=True),
        ),
        migrations.AddField(
            model_name="journalline",
            name="party_type",
            field=models.CharField(
                blank=True, db_default="", help_text="the party's kind, e.g. 'parties.customer'", max_length=100
            ),
        ),
        migrations.AddConstraint(
            model_name="journalentry",
            constraint=models.UniqueConstraint(
                condition=models.Q(("source_id__isnull", False), ("status__in", ["DRAFT", "POSTED"])),
                fields=("organization", "source_type", "source_id"),
                name="journal_entry_source_posts_once",
            ),
        ),
    ]
