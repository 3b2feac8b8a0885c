"""A small module declared only for the tests ("shop"): settings of every type, a secret one, per-tenant keys, so
the settings machinery can be exercised beyond what the installed modules declare; and a document that posts to
the books (`shop.invoice`), for the posting protocol's tests. Use the `shop_module`
fixture (root conftest) or `extra_modules(SHOP)`."""

from comptoir.platform.constants import SettingType
from comptoir.platform.modules import ModuleSpec, SettingSpec

# The labels tests/admin/test_more_pages.py builds rows for (one greeting and one secret key each).
LABELS = ("alpha", "bravo", "n1", "n2", "n3", "n4", "n5")

SHOP = ModuleSpec(
    name="shop",
    label="Shop",
    depends_on=("platform",),
    posting_documents=("shop.invoice",),
    settings=(
        *(SettingSpec(f"shop.greeting.{label}", SettingType.STRING, default="") for label in LABELS),
        *(SettingSpec(f"shop.api_key.{label}", SettingType.STRING, default="", secret=True) for label in LABELS),
        SettingSpec("shop.theme", SettingType.STRING, default="light", choices=("light", "dark")),
        SettingSpec("shop.global_token", SettingType.STRING, default="", secret=True),
        SettingSpec("shop.secret", SettingType.STRING, default="", secret=True),
        SettingSpec("shop.tags", SettingType.ARRAY, default=[]),
    ),
)
