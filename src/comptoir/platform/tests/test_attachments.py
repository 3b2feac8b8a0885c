"""Attachments: upload with size and content checks, SHA-256, storage; list, metadata and download through the
owner's permissions; soft delete; tenant isolation."""

import hashlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from tests.support.api import ApiClient, member_client
from tests.support.queries import CaptureStatements

from comptoir.platform.models import Attachment, Workspace
from comptoir.platform.tenancy import tenant_context

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 60


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def _workspace(tenant, name="Depot") -> str:
    with tenant_context(tenant.organization):
        return str(Workspace.objects.create(name=name).pk)


def _upload(api: ApiClient, owner_id, name="invoice.pdf", content=PDF, owner_type="platform.workspace"):
    data = {"owner_type": owner_type, "owner_id": str(owner_id), "file": SimpleUploadedFile(name, content)}
    return api.client.post("/api/v1/platform/attachments", data=data, headers=api._headers(None))


def _problem(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == code, body
    return body


def _count(tenant) -> int:
    with tenant_context(tenant.organization):
        return Attachment.unscoped.count()


def test_upload_list_read_and_download(tenant, media_root):
    ws = _workspace(tenant)
    response = _upload(tenant.api, ws, name="Facture été.pdf")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["owner_type"] == "platform.workspace" and body["owner_id"] == ws
    assert (body["file_name"], body["mime_type"], body["size_bytes"]) == (
        "Facture été.pdf",
        "application/pdf",
        len(PDF),
    )
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert body["uploaded_by_id"] == str(tenant.owner.pk)
    [stored] = _stored_files(media_root)
    assert stored.read_bytes() == PDF
    assert stored.relative_to(media_root).parts[0] == "attachments" and stored.suffix == ".pdf"
    assert "Facture" not in stored.name  # the stored name is generated, never the client's

    items = tenant.api.get("platform/attachments", owner_type="platform.workspace", owner_id=ws).json()["items"]
    assert [a["id"] for a in items] == [body["id"]]
    assert tenant.api.get(f"platform/attachments/{body['id']}").json() == body

    download = tenant.api.get(f"platform/attachments/{body['id']}/download")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "Facture" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [
        ("photo.PNG", PNG, "image/png"),
        ("scan.jpeg", JPEG, "image/jpeg"),
        ("rows.csv", "a,b\n1,é\n".encode(), "text/csv"),
        (
            "sheet.xlsx",
            b"PK\x03\x04" + b"\x00" * 30,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_allowed_types_are_detected(tenant, name, content, mime):
    response = _upload(tenant.api, _workspace(tenant), name=name, content=content)
    assert response.status_code == 201, response.content
    assert response.json()["mime_type"] == mime


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("setup.exe", EXE, "unsupported_file_type"),
        ("no_extension", PDF, "unsupported_file_type"),
        ("page.html", b"<html></html>", "unsupported_file_type"),
        ("invoice.pdf", EXE, "content_type_mismatch"),
        ("photo.jpg", PNG, "content_type_mismatch"),
        ("notes.txt", b"text\x00with nul", "content_type_mismatch"),
        ("doc.docx", PDF, "content_type_mismatch"),
    ],
)
def test_refused_types_write_nothing(tenant, media_root, name, content, code):
    body = _problem(_upload(tenant.api, _workspace(tenant), name=name, content=content), 422, code)
    assert body["errors"][0]["field"] == "file"
    assert _count(tenant) == 0
    assert _stored_files(media_root) == []


def test_size_limit_and_empty_file(tenant, settings, media_root):
    ws = _workspace(tenant)
    settings.COMPTOIR_MAX_UPLOAD_BYTES = len(PDF) - 1
    _problem(_upload(tenant.api, ws), 413, "file_too_large")
    settings.COMPTOIR_MAX_UPLOAD_BYTES = len(PDF)
    assert _upload(tenant.api, ws).status_code == 201
    _problem(_upload(tenant.api, ws, name="empty.txt", content=b""), 422, "empty_file")
    assert _count(tenant) == 1 and len(_stored_files(media_root)) == 1


def test_a_large_upload_spooled_to_disk_is_hashed_while_stored(tenant, settings, media_root):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024  # the request-body limit is not the upload limit
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024  # Django spools bigger uploads to a temporary file
    content = PDF + bytes(range(256)) * (3 * 4096)
    response = _upload(tenant.api, _workspace(tenant), name="big.pdf", content=content)
    assert response.status_code == 201, response.content
    assert response.json()["sha256"] == hashlib.sha256(content).hexdigest()
    assert response.json()["size_bytes"] == len(content) > 3 * 1024 * 1024
    [stored] = _stored_files(media_root)
    assert stored.read_bytes() == content


def test_client_file_name_is_cleaned(tenant):
    response = _upload(tenant.api, _workspace(tenant), name="../../etc/pass\x07wd.txt", content=b"hello")
    assert response.status_code == 201 and response.json()["file_name"] == "passwd.txt"


@pytest.mark.parametrize(
    "owner_type",
    ["nope.nothing", "platform", "", "identity.user", "platform.currency", "platform.attachment", "auth.group"],
)
def test_unknown_owner_types_are_422(tenant, owner_type):
    ws = _workspace(tenant)
    _problem(_upload(tenant.api, ws, owner_type=owner_type), 422, "unknown_owner_type")
    if owner_type:
        _problem(tenant.api.get("platform/attachments", owner_type=owner_type, owner_id=ws), 422, "unknown_owner_type")
    assert _count(tenant) == 0


def test_the_organization_itself_can_own_attachments(tenant, other_tenant):
    org = tenant.organization.pk
    assert _upload(tenant.api, org, owner_type="platform.organization").status_code == 201
    assert (
        len(tenant.api.get("platform/attachments", owner_type="platform.organization", owner_id=org).json()["items"])
        == 1
    )
    _problem(_upload(tenant.api, other_tenant.organization.pk, owner_type="platform.organization"), 404, "not_found")


def test_access_goes_through_the_owner_permissions(tenant):
    ws = _workspace(tenant)
    attachment = _upload(tenant.api, ws).json()["id"]
    _user, employee = member_client(tenant, org_role="EMPLOYEE")  # platform.view_* only
    assert employee.get("platform/attachments", owner_type="platform.workspace", owner_id=ws).status_code == 200
    assert employee.get(f"platform/attachments/{attachment}").status_code == 200
    assert employee.get(f"platform/attachments/{attachment}/download").status_code == 200
    _problem(_upload(employee, ws), 403, "permission_denied")
    _problem(employee.delete(f"platform/attachments/{attachment}"), 403, "permission_denied")

    token = tenant.api.post("identity/api-tokens", {"name": "org only", "scopes": ["platform.view_organization"]})
    narrow = ApiClient(token.json()["token"])
    _problem(narrow.get("platform/attachments", owner_type="platform.workspace", owner_id=ws), 403, "permission_denied")
    _problem(narrow.get(f"platform/attachments/{attachment}"), 403, "permission_denied")
    _problem(narrow.get(f"platform/attachments/{attachment}/download"), 403, "permission_denied")
    assert _count(tenant) == 1


def test_soft_delete(tenant, media_root):
    ws = _workspace(tenant)
    attachment = _upload(tenant.api, ws).json()["id"]
    assert tenant.api.delete(f"platform/attachments/{attachment}").status_code == 204
    _problem(tenant.api.get(f"platform/attachments/{attachment}"), 404, "not_found")
    _problem(tenant.api.get(f"platform/attachments/{attachment}/download"), 404, "not_found")
    _problem(tenant.api.delete(f"platform/attachments/{attachment}"), 404, "not_found")
    assert tenant.api.get("platform/attachments", owner_type="platform.workspace", owner_id=ws).json()["items"] == []
    with tenant_context(tenant.organization):
        row = Attachment.objects.get(pk=attachment)
        assert row.deleted_at is not None and row.deleted_by_id == tenant.owner.pk
    assert len(_stored_files(media_root)) == 1


def test_a_missing_or_deleted_owner_is_404(tenant):
    ws = _workspace(tenant)
    attachment = _upload(tenant.api, ws).json()["id"]
    assert tenant.api.delete(f"platform/workspaces/{ws}").status_code == 204
    _problem(tenant.api.get("platform/attachments", owner_type="platform.workspace", owner_id=ws), 404, "not_found")
    _problem(tenant.api.get(f"platform/attachments/{attachment}"), 404, "not_found")
    _problem(_upload(tenant.api, ws), 404, "not_found")
    missing = "01900000-0000-7000-8000-000000000000"
    _problem(_upload(tenant.api, missing), 404, "not_found")
    assert _count(tenant) == 1


def test_cross_tenant(tenant, other_tenant, media_root):
    theirs = _workspace(other_tenant)
    their_attachment = _upload(other_tenant.api, theirs).json()["id"]
    _problem(_upload(tenant.api, theirs), 404, "not_found")
    _problem(tenant.api.get("platform/attachments", owner_type="platform.workspace", owner_id=theirs), 404, "not_found")
    _problem(tenant.api.get(f"platform/attachments/{their_attachment}"), 404, "not_found")
    _problem(tenant.api.get(f"platform/attachments/{their_attachment}/download"), 404, "not_found")
    _problem(tenant.api.delete(f"platform/attachments/{their_attachment}"), 404, "not_found")
    assert _count(tenant) == 0 and _count(other_tenant) == 1
    with tenant_context(other_tenant.organization):
        assert Attachment.objects.get(pk=their_attachment).deleted_at is None


def test_list_query_count_does_not_grow_with_page_size(tenant):
    ws = _workspace(tenant)
    for i in range(6):
        assert _upload(tenant.api, ws, name=f"f{i}.txt", content=b"x" * (i + 1)).status_code == 201
    counts = []
    for limit in (2, 6):
        with CaptureStatements(connection) as ctx:
            response = tenant.api.get("platform/attachments", owner_type="platform.workspace", owner_id=ws, limit=limit)
        assert len(response.json()["items"]) == limit
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    ordered = tenant.api.get(
        "platform/attachments", owner_type="platform.workspace", owner_id=ws, ordering="size_bytes", limit=3
    ).json()
    assert [a["size_bytes"] for a in ordered["items"]] == [1, 2, 3] and ordered["next_cursor"]
