"""Primary keys: UUIDv7, generated in Python so B-tree inserts stay local (DESIGN §1)."""

import uuid

from uuid_utils import compat


def uuid7() -> uuid.UUID:
    return compat.uuid7()
