"""The one skeleton of a document's move (DESIGN §6): lock → transition (shared guard) → post → number last →
event, in one transaction. Every `PostableDocument` posts, cancels and is reversed through `move_document`, so
the order of the steps, and with it the lock order and the shortest hold of the number's counter row, is the
same for every module."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from comptoir.platform.constants import AuditAction
from comptoir.platform.db import service_transaction
from comptoir.platform.errors import InvalidTransition
from comptoir.platform.models import PostableDocument
from comptoir.platform.transitions import declared_transitions, transition


def move_document(
    lock: Callable[[], PostableDocument],
    *,
    actor,
    to: str,
    event_type: str,
    payload: Callable[[PostableDocument], dict],
    post: Callable[[PostableDocument], None] | None = None,
    number: Callable[[PostableDocument], str] | None = None,
    action: str = AuditAction.TRANSITION,
    also: tuple[str, ...] = (),
    audit: Callable[[PostableDocument], dict] | None = None,
    reason: str = "",
) -> PostableDocument:
    """In one transaction: `lock()` returns the document locked (or just inserted) by this transaction; the move
    to `to` is checked against its `TRANSITIONS` before any work; `post(doc)` writes to the books (and sets what
    it changes on the document, named in `also`); `number(doc)` takes the legal number last, into the field
    `NUMBER_FIELD`; the document is saved with the transition's stamps and audit row (`action`); `event_type`
    is emitted with `payload(doc)`. A refusal at any step writes nothing."""
    from comptoir.platform.services.events import emit_event  # services import the models this module needs

    with service_transaction():
        doc = lock()
        model = type(doc)
        if (doc.status, to) not in declared_transitions(model):  # refused before any work
            raise InvalidTransition(
                _("Cannot move a %(status)s %(verbose_name)s to %(to)s")
                % {"status": doc.status, "verbose_name": model._meta.verbose_name, "to": to},
                field="status",
            )
        if post is not None:
            post(doc)
        fields = list(also)
        if number is not None:
            setattr(doc, model.NUMBER_FIELD, number(doc))
            fields.append(model.NUMBER_FIELD)
        transition(
            doc,
            to,
            actor=actor,
            also=tuple(fields),
            action=action,
            audit=audit(doc) if audit else None,
            reason=reason,
        )
        emit_event(event_type=event_type, payload=payload(doc), source=doc)
    return doc
