"""Fixtures of the identity tests: an empty mailbox, and the e-mails sent on commit."""

import pytest
from django.core import mail


@pytest.fixture
def outbox(db):
    """Django's locmem outbox, emptied; e-mails are sent on commit, so wrap calls in `sent()`."""
    mail.outbox = []
    return mail.outbox


@pytest.fixture
def sent(django_capture_on_commit_callbacks, outbox):
    """`with sent(): ...` runs the on-commit callbacks (e-mails) of the block when it ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
