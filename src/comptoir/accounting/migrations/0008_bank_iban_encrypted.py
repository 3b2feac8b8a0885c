"""The IBAN contains the account number: stored encrypted in the application (like the number), shown masked.
Bank accounts and this migration ship in the same release, so no stored IBAN exists to carry over."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounting", "0007_covering_balance_indexes")]

    operations = [
        migrations.AddField(
            model_name="bankaccount",
            name="iban_encrypted",
            field=models.TextField(blank=True, help_text="encrypted in the application (it contains the number)"),
        ),
        migrations.AddField(
            model_name="bankaccount",
            name="iban_masked",
            field=models.CharField(blank=True, help_text="country, check digits and last 4", max_length=12),
        ),
        migrations.RemoveField(model_name="bankaccount", name="iban"),
    ]
