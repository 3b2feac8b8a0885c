"""List endpoints cost a fixed number of queries whatever the page size (DESIGN §8: exact counts)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.identity.tests.factories import add_member, make_api_token, make_role, new_user

# Three pages are read: 2 rows, then 20 rows twice (the second from the first page's cursor); each must be full
# and have a successor, so every list holds more than 2 + 20 rows.
ROWS = 23
# Per request: the access token's session, the caller's membership (between two set_config calls for the user
# context), set_config for the tenant context, the caller's permissions, the page, and the closing set_config.
QUERIES_PER_LIST = 8

BUILDERS = {
    "platform/members": lambda tenant: add_member(tenant, new_user(password=None)),
    "identity/roles": make_role,
    "identity/api-tokens": make_api_token,
    "identity/permissions": None,  # the catalogue generated from the code is long enough
}


def _queries(client, path: str, limit: int, **query) -> tuple[int, str]:
    """(queries run, next cursor) for a full page of `limit` rows."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, limit=limit, **query)
    assert response.status_code == 200, response.content
    assert len(response.json()["items"]) == limit
    assert response.json()["next_cursor"] is not None
    return len(captured), response.json()["next_cursor"]


@pytest.mark.parametrize("path", list(BUILDERS))
def test_list_endpoints_run_the_same_queries_for_2_and_20_rows(tenant, path):
    if BUILDERS[path] is not None:
        for _ in range(ROWS):
            BUILDERS[path](tenant)
    client = tenant.api
    client.get(path, limit=1)  # warm anything cached across requests

    small, cursor = _queries(client, path, 2)
    large, _ = _queries(client, path, 20)
    next_page, _ = _queries(client, path, 20, cursor=cursor)

    assert (small, large, next_page) == (QUERIES_PER_LIST,) * 3
