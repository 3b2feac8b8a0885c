"""The public write surface of the books: operational apps post through `post_document` (DESIGN §6)."""

from comptoir.accounting.services.journal import (
    EntryInput,
    PostingLine,
    SourceRef,
    base_of,
    cancel_entry,
    create_and_post,
    create_entry,
    post_document,
    post_entry,
    reverse_entry,
    unbalanced_by,
)

__all__ = [
    "EntryInput",
    "PostingLine",
    "SourceRef",
    "base_of",
    "cancel_entry",
    "create_and_post",
    "create_entry",
    "post_document",
    "post_entry",
    "reverse_entry",
    "unbalanced_by",
]
