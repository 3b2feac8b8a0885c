"""Every error code an app's code raises is declared: in its `errors.py` enum or in the platform's
(DESIGN §3), so the problem+json `code`s form a closed, documented list."""

import re
from pathlib import Path

import pytest

from comptoir.accounting.errors import AccountingError
from comptoir.catalog.errors import CatalogError
from comptoir.identity.errors import IdentityError
from comptoir.logistics.errors import LogisticsError
from comptoir.parties.errors import PartiesError
from comptoir.payroll.errors import PayrollError
from comptoir.platform.errors import DomainError, PlatformError
from comptoir.sales.errors import SalesError

ROOT = Path(__file__).resolve().parents[1] / "src" / "comptoir"
CODE_RE = re.compile(r'\bcode ?= ?"([a-z_]+)"')


def _codes_in(app: str) -> set[str]:
    found = set()
    for path in (ROOT / app).rglob("*.py"):
        if not {"tests", "migrations"} & set(path.parts):
            found |= set(CODE_RE.findall(path.read_text()))
    return found


@pytest.mark.parametrize(
    ("app", "enum"),
    [
        ("platform", PlatformError),
        ("identity", IdentityError),
        ("accounting", AccountingError),
        ("parties", PartiesError),
        ("catalog", CatalogError),
        ("sales", SalesError),
        ("logistics", LogisticsError),
        ("payroll", PayrollError),
    ],
)
def test_every_code_raised_by_an_app_is_declared(app, enum):
    declared = {c.value for c in enum} | {c.value for c in PlatformError}
    assert len(_codes_in(app)) > 5  # the scan reads the app
    assert _codes_in(app) <= declared, sorted(_codes_in(app) - declared)


def test_domain_error_classes_use_declared_codes():
    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    declared = {
        c.value for enum in (PlatformError, IdentityError, AccountingError, PartiesError, CatalogError) for c in enum
    }
    assert {cls.code for cls in [DomainError, *subclasses(DomainError)]} <= declared
