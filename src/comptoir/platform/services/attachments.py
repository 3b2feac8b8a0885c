"""Uploading and deleting attachments (catalogue §1 Attachment).

A file is accepted when its size is within `COMPTOIR_MAX_UPLOAD_BYTES` (10 MB by default), its extension is on
the allow-list and its first bytes are those of that type (a renamed executable is refused). It is stored
through Django's storage API under a generated name; its SHA-256 is computed while it is written. Deleting is
soft: the row is marked, the file kept.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.platform.constants import AuditAction
from comptoir.platform.errors import PayloadTooLarge, ValidationFailed
from comptoir.platform.ids import uuid7
from comptoir.platform.models import Attachment
from comptoir.platform.queries.attachments import access_attachment, access_owner, owner_model, owner_type_of
from comptoir.platform.services.audit import record_audit

DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
SNIFF_BYTES = 2048


def max_upload_bytes() -> int:
    return getattr(settings, "COMPTOIR_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES)


def _is_text(head: bytes) -> bool:
    """UTF-8 text without NUL bytes (a multi-byte character cut at the end of `head` is fine)."""
    if b"\x00" in head:
        return False
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _zip(head: bytes) -> bool:
    return head.startswith(b"PK\x03\x04")


@dataclass(frozen=True)
class FileType:
    mime_type: str
    matches: Callable[[bytes], bool]


_OOXML = "application/vnd.openxmlformats-officedocument"
_ODF = "application/vnd.oasis.opendocument"
# The allow-list: extension -> the stored mime type and the test its first bytes must pass.
FILE_TYPES = {
    "pdf": FileType("application/pdf", lambda h: b"%PDF-" in h[:1024]),
    "png": FileType("image/png", lambda h: h.startswith(b"\x89PNG\r\n\x1a\n")),
    "jpg": FileType("image/jpeg", lambda h: h.startswith(b"\xff\xd8\xff")),
    "jpeg": FileType("image/jpeg", lambda h: h.startswith(b"\xff\xd8\xff")),
    "gif": FileType("image/gif", lambda h: h[:6] in (b"GIF87a", b"GIF89a")),
    "webp": FileType("image/webp", lambda h: h[:4] == b"RIFF" and h[8:12] == b"WEBP"),
    "docx": FileType(f"{_OOXML}.wordprocessingml.document", _zip),
    "xlsx": FileType(f"{_OOXML}.spreadsheetml.sheet", _zip),
    "pptx": FileType(f"{_OOXML}.presentationml.presentation", _zip),
    "odt": FileType(f"{_ODF}.text", _zip),
    "ods": FileType(f"{_ODF}.spreadsheet", _zip),
    "txt": FileType("text/plain", _is_text),
    "csv": FileType("text/csv", _is_text),
}


def clean_file_name(name: str) -> str:
    """The client's file name without any directory part or control character, at most 255 characters."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    stem, ext = os.path.splitext(base)
    return (stem[: 255 - len(ext)] + ext) if base else "file"


def file_type(file_name: str, head: bytes) -> FileType:
    """The allowed type of the file, from its extension, confirmed by its first bytes; else a 422."""
    ext = os.path.splitext(file_name)[1].lower().lstrip(".")
    kind = FILE_TYPES.get(ext)
    if kind is None:
        raise ValidationFailed(
            _("Files of type '.%(ext)s' are not accepted; allowed: %(file_types)s")
            % {"ext": ext, "file_types": ", ".join(sorted(FILE_TYPES))},
            code="unsupported_file_type",
            field="file",
        )
    if not kind.matches(head):
        raise ValidationFailed(
            _("The content of the file is not that of a .%(ext)s file") % {"ext": ext},
            code="content_type_mismatch",
            field="file",
        )
    return kind


class _HashingFile(File):
    """The upload as the storage reads it: every chunk written is hashed and counted on the way."""

    def __init__(self, upload):
        super().__init__(upload.file, upload.name)
        self.sha256 = hashlib.sha256()
        self.bytes_read = 0

    def chunks(self, chunk_size=None):
        for chunk in super().chunks(chunk_size):
            self.sha256.update(chunk)
            self.bytes_read += len(chunk)
            yield chunk


def upload_attachment(*, actor, owner_type: str, owner_id, upload) -> Attachment:
    """Store `upload` (a Django UploadedFile) as an attachment of the owner row. The caller checked the
    owner's change permission."""
    model = owner_model(owner_type)
    limit = max_upload_bytes()
    if upload.size > limit:
        raise PayloadTooLarge(
            _("The file is %(size)s bytes; the limit is %(limit)s") % {"size": upload.size, "limit": limit},
            code="file_too_large",
            field="file",
        )
    if upload.size == 0:
        raise ValidationFailed(_("The file is empty"), code="empty_file", field="file")
    file_name = clean_file_name(upload.name)
    upload.seek(0)
    kind = file_type(file_name, upload.read(SNIFF_BYTES))
    with transaction.atomic():
        owner = access_owner(model, owner_id)
        attachment = Attachment(
            owner_type=owner_type_of(model),
            owner_id=owner.pk,
            file_name=file_name,
            mime_type=kind.mime_type,
            size_bytes=upload.size,
            uploaded_by=actor,
            created_by=actor,
            updated_by=actor,
        )
        ext = os.path.splitext(file_name)[1].lower()
        content = _HashingFile(upload)
        attachment.file.save(f"{uuid7().hex}{ext}", content, save=False)
        try:
            if content.bytes_read != upload.size:
                raise RuntimeError("The storage must read uploads through File.chunks() so they are hashed")
            attachment.sha256 = content.sha256.hexdigest()
            attachment.save(force_insert=True)
            record_audit(
                actor=actor,
                action=AuditAction.CREATE,
                obj=attachment,
                object_repr=file_name,
                new={"owner_type": attachment.owner_type, "owner_id": owner.pk, "file_name": file_name},
            )
        except BaseException:
            attachment.file.storage.delete(attachment.file.name)
            raise
    return attachment


def delete_attachment(*, actor, attachment_id) -> None:
    """Soft-delete: the attachment disappears from lists and downloads; the file stays in storage."""
    with transaction.atomic():
        attachment = access_attachment(attachment_id, for_update=True)
        attachment.deleted_at = timezone.now()
        attachment.deleted_by = actor
        attachment.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
        record_audit(actor=actor, action=AuditAction.DELETE, obj=attachment, object_repr=attachment.file_name)
