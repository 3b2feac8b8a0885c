"""Counting the statements a piece of code sends, for the tests that compare two counts."""

from __future__ import annotations

from django.test.utils import CaptureQueriesContext

from comptoir.platform.tenancy import SCOPE_SQL

_SCOPE_PREFIX = SCOPE_SQL.split("%s", 1)[0]


class CaptureStatements(CaptureQueriesContext):
    """CaptureQueriesContext without the statement that writes the session settings (`comptoir.org_id`,
    `comptoir.user_id`): it is sent before a query only when the connection holds other settings, so whether it
    shows depends on what ran before, not on the code measured."""

    @property
    def captured_queries(self):
        return [q for q in super().captured_queries if not q["sql"].startswith(_SCOPE_PREFIX)]
