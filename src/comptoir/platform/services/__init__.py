"""Every write of the platform app, one module per use case. The names below are the app's public surface."""

from comptoir.platform.services.idempotency import (
    claim_idempotency_key,
    release_idempotency_key,
    store_idempotent_response,
    stored_response_body,
)
from comptoir.platform.services.organizations import (
    OrganizationInput,
    OrganizationPatch,
    WorkspaceInput,
    WorkspacePatch,
    create_organization,
    create_workspace,
    delete_workspace,
    update_organization,
    update_workspace,
)

__all__ = [
    "OrganizationInput",
    "OrganizationPatch",
    "WorkspaceInput",
    "WorkspacePatch",
    "claim_idempotency_key",
    "create_organization",
    "create_workspace",
    "delete_workspace",
    "release_idempotency_key",
    "store_idempotent_response",
    "stored_response_body",
    "update_organization",
    "update_workspace",
]
