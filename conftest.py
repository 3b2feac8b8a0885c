"""Suite-wide set-up: the database (DATABASE_URL or the embedded cluster), run by an ordinary (non-superuser)
schema owner as in production (tests/support/owner.py), the owner/app role switch around test-database creation,
and fast password hashing."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest

os.environ.setdefault("COMPTOIR_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

_started_cluster = None


def pytest_configure(config):
    global _started_cluster
    from django.conf import settings

    from comptoir.database import EmbeddedDatabaseError, embedded_cluster

    cluster = embedded_cluster(Path(settings.VAR_DIR))
    if cluster is not None:
        cluster.root.mkdir(parents=True, exist_ok=True)
        with open(cluster.root / ".start.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                started = cluster.start()
            except EmbeddedDatabaseError as exc:
                pytest.exit(f"comptoir: error: {exc}", returncode=1)
            if started and not hasattr(config, "workerinput"):
                _started_cluster = cluster
    from tests.support.owner import use_ordinary_owner

    use_ordinary_owner(settings.DATABASES["default"])
    settings.PASSWORD_HASHERS = ["tests.support.hashers.FastArgon2PasswordHasher"]
    from django.contrib.auth import hashers

    hashers.get_hashers.cache_clear()  # Django caches the hashers it was first asked for (no setting_changed here)
    hashers.get_hashers_by_algorithm.cache_clear()
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request without it
    from comptoir.platform import db

    db.begin_owner_mode()  # the test database is created and migrated as the owner


def pytest_unconfigure(config):
    if _started_cluster is not None:
        _started_cluster.stop()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from comptoir.platform import db

    with django_db_blocker.unblock():
        db.end_owner_mode()
    yield
    with django_db_blocker.unblock():
        db.begin_owner_mode()


@pytest.fixture
def tenant(db):
    from tests.support.api import make_tenant

    return make_tenant()


@pytest.fixture
def other_tenant(db):
    from tests.support.api import make_tenant

    return make_tenant()


@pytest.fixture
def shop_module():
    """The test-only "shop" module (tests/support/modules.py) declared for the duration of the test."""
    from tests.support.modules import SHOP

    from comptoir.platform.modules import extra_modules

    with extra_modules(SHOP) as extended:
        yield extended
