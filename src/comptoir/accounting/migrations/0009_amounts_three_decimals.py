"""Amount columns hold four decimals (NUMERIC(20, 4), caches NUMERIC(22, 4)): every currency of the reference table
fits — KWD, BHD, OMR… have three decimals, CLF and UYW four — where two decimals stored KWD 1.234 as 1.23. Sixteen
integer digits are kept. Existing values only gain zeros; the balance triggers and CHECKs use plain numeric."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounting", "0008_bank_iban_encrypted"),
    ]

    operations = [
        migrations.AlterField(
            model_name="account",
            name="opening_balance",
            field=models.DecimalField(decimal_places=4, default=0, max_digits=20),
        ),
        migrations.AlterField(
            model_name="accountbalance",
            name="credit_total",
            field=models.DecimalField(decimal_places=4, default=0, max_digits=22),
        ),
        migrations.AlterField(
            model_name="accountbalance",
            name="debit_total",
            field=models.DecimalField(decimal_places=4, default=0, max_digits=22),
        ),
        migrations.AlterField(
            model_name="accountdaybalance",
            name="credit_total",
            field=models.DecimalField(decimal_places=4, default=0, max_digits=22),
        ),
        migrations.AlterField(
            model_name="accountdaybalance",
            name="debit_total",
            field=models.DecimalField(decimal_places=4, default=0, max_digits=22),
        ),
        migrations.AlterField(
            model_name="banktransaction",
            name="amount",
            field=models.DecimalField(decimal_places=4, max_digits=20),
        ),
        migrations.AlterField(
            model_name="banktransaction",
            name="balance_after",
            field=models.DecimalField(blank=True, decimal_places=4, max_digits=20, null=True),
        ),
        migrations.AlterField(
            model_name="budget",
            name="allocated_amount",
            field=models.DecimalField(decimal_places=4, max_digits=20),
        ),
        migrations.AlterField(
            model_name="journalentry",
            name="total_credit",
            field=models.DecimalField(decimal_places=4, default=0, help_text="base currency", max_digits=20),
        ),
        migrations.AlterField(
            model_name="journalentry",
            name="total_debit",
            field=models.DecimalField(decimal_places=4, default=0, help_text="base currency", max_digits=20),
        ),
        migrations.AlterField(
            model_name="journalline",
            name="amount",
            field=models.DecimalField(decimal_places=4, help_text="transaction currency", max_digits=20),
        ),
        migrations.AlterField(
            model_name="journalline",
            name="base_amount",
            field=models.DecimalField(decimal_places=4, help_text="amount × rate, base currency", max_digits=20),
        ),
    ]
