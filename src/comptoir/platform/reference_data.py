"""The global masters shipped with Comptoir (ISO 4217 currencies, ISO 3166-1 countries, units of measure),
loaded idempotently by the data migration and again after a database flush."""

from __future__ import annotations

import json
from pathlib import Path

from comptoir.platform.ids import uuid7

DATA = Path(__file__).resolve().parent / "data"


def load_reference_data(currency_model, country_model, unit_model) -> None:
    currencies = json.loads((DATA / "currencies.json").read_text())
    currency_model.objects.bulk_create([currency_model(id=uuid7(), **c) for c in currencies], ignore_conflicts=True)
    by_code = {c.code: c for c in currency_model.objects.all()}
    countries = json.loads((DATA / "countries.json").read_text())
    country_model.objects.bulk_create(
        [
            country_model(
                id=uuid7(), code=c["code"], name=c["name"], default_currency=by_code.get(c["default_currency"])
            )
            for c in countries
        ],
        ignore_conflicts=True,
    )
    units = json.loads((DATA / "units.json").read_text())
    unit_model.objects.bulk_create([unit_model(id=uuid7(), **u) for u in units], ignore_conflicts=True)


def on_post_migrate(sender, **kwargs) -> None:
    """After a flush (tests) the tables are empty: put the reference data back."""
    if sender.name != "comptoir.platform":
        return
    from comptoir.platform.models import Country, Currency, UnitOfMeasure

    if not Currency.objects.exists():
        load_reference_data(Currency, Country, UnitOfMeasure)
