"""Attachments: files on any record, reached through the owner's permissions. Thin: parse, authorise, call.

Listing, reading and downloading need `<app>.view_<model>` on the owner; uploading and deleting need
`<app>.change_<model>`. The owner must exist in the caller's organization.
"""

from __future__ import annotations

import uuid

from django.http import FileResponse
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from comptoir.platform.access import authorize
from comptoir.platform.exports import ExportParams, list_or_export
from comptoir.platform.pagination import PageParams
from comptoir.platform.queries import attachments as queries
from comptoir.platform.schemas.attachments import AttachmentOut, AttachmentOwner, AttachmentPage
from comptoir.platform.services import attachments as services

router = Router(tags=["platform"])

ATTACHMENT_COLUMNS = [
    ("id", "id"),
    ("owner_type", "owner_type"),
    ("owner_id", "owner_id"),
    ("file_name", "file_name"),
    ("mime_type", "mime_type"),
    ("size_bytes", "size_bytes"),
    ("sha256", "sha256"),
    ("uploaded_by_id", "uploaded_by_id"),
    ("created_at", "created_at"),
]


def _authorize_owner(request, owner_type: str, owner_id, action: str):
    """Check `action` on the owner model, then that the owner row exists here. Returns (actor, owner model)."""
    model = queries.owner_model(owner_type)
    actor = authorize(request, queries.owner_permission(model, action))
    queries.access_owner(model, owner_id)
    return actor, model


def _attachment(request, attachment_id, action: str):
    attachment = queries.access_attachment(attachment_id)
    actor, _model = _authorize_owner(request, attachment.owner_type, attachment.owner_id, action)
    return actor, attachment


@router.get("/attachments", response=AttachmentPage)
def list_attachments(request, owner: Query[AttachmentOwner], page: Query[PageParams], export: Query[ExportParams]):
    """The files attached to records, filtered by record; `?format=csv|xlsx` exports the list."""
    _actor, model = _authorize_owner(request, owner.owner_type, owner.owner_id, "view")
    return list_or_export(
        request,
        queries.attachments(owner_type=queries.owner_type_of(model), owner_id=owner.owner_id),
        page,
        export,
        columns=ATTACHMENT_COLUMNS,
        filename="attachments",
        allowed_ordering={"created_at", "file_name", "size_bytes"},
        default_ordering=["-created_at"],
    )


@router.post("/attachments", response={201: AttachmentOut})
def upload_attachment(request, owner_type: Form[str], owner_id: Form[uuid.UUID], file: File[UploadedFile]):
    """Upload a file (multipart/form-data: owner_type, owner_id, file)."""
    actor, _model = _authorize_owner(request, owner_type, owner_id, "change")
    attachment = services.upload_attachment(actor=actor.user, owner_type=owner_type, owner_id=owner_id, upload=file)
    return Status(201, attachment)


@router.get("/attachments/{attachment_id}", response=AttachmentOut)
def get_attachment(request, attachment_id: uuid.UUID):
    """One attachment's metadata (name, type, size, record)."""
    return _attachment(request, attachment_id, "view")[1]


@router.get("/attachments/{attachment_id}/download")
def download_attachment(request, attachment_id: uuid.UUID):
    """The file, with its stored mime type, as a download."""
    _actor, attachment = _attachment(request, attachment_id, "view")
    response = FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.file_name, content_type=attachment.mime_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.delete("/attachments/{attachment_id}", response={204: None})
def delete_attachment(request, attachment_id: uuid.UUID):
    """Delete an attachment and its file."""
    actor, attachment = _attachment(request, attachment_id, "change")
    services.delete_attachment(actor=actor.user, attachment_id=attachment.pk)
    return Status(204, None)
