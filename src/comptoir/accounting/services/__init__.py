"""The public write surface of the books: operational apps post through these."""

from comptoir.accounting.services.journal import (
    cancel_entry,
    create_and_post,
    create_entry,
    post_entry,
    reverse_entry,
)

__all__ = ["cancel_entry", "create_and_post", "create_entry", "post_entry", "reverse_entry"]
