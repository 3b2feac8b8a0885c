"""List endpoints cost a fixed number of queries whatever the page size (DESIGN §8: exact counts)."""

import pytest
from django.db import connection
from tests.support.queries import CaptureStatements

from comptoir.identity.tests.factories import add_member, make_api_token, make_role, new_user

# Three pages are read: 2 rows, then 20 rows twice (the second from the first page's cursor); each must be full
# and have a successor, so every list holds more than 2 + 20 rows.
ROWS = 23
# Per request: one query for the access token's session, the user, the membership and its permissions; the page.
# (The statement writing the session settings, sent only when the connection holds others, is not counted.)
QUERIES_PER_LIST = 2

BUILDERS = {
    "platform/members": lambda tenant: add_member(tenant, new_user(password=None)),
    "identity/roles": make_role,
    "identity/api-tokens": make_api_token,
    "identity/permissions": None,  # the catalogue generated from the code is long enough
}


def _queries(client, path: str, limit: int, **query) -> tuple[int, str]:
    """(queries run, next cursor) for a full page of `limit` rows."""
    with CaptureStatements(connection) as captured:
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
