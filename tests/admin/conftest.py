import pytest

from tests.admin.support import browser, populate


@pytest.fixture
def owner_browser(tenant):
    return browser(tenant.owner)


@pytest.fixture
def populated(tenant) -> dict:
    return populate(tenant)
