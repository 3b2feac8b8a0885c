import pytest

from tests.admin.support import browser, populate


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Attachments uploaded by the tests are stored in a temporary directory."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def owner_browser(tenant):
    return browser(tenant.owner)


@pytest.fixture
def populated(tenant) -> dict:
    return populate(tenant)
