"""The shared transition guard: declared moves only, who/when stamps, an audit row, 409 problem+json."""

import json

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.test.utils import CaptureQueriesContext

from comptoir.platform.db import app_role, owner_mode
from comptoir.platform.errors import InvalidTransition
from comptoir.platform.ids import uuid7
from comptoir.platform.models import AuditLog, Workspace
from comptoir.platform.services import WorkspaceInput, create_workspace
from comptoir.platform.tenancy import tenant_context
from comptoir.platform.transitions import check_transition, declared_transitions, transition

DRAFT, APPROVED, POSTED = "DRAFT", "APPROVED", "POSTED"


@pytest.fixture
def voucher_model(db):
    """A document model declaring TRANSITIONS and both stamp conventions, with its table for this test only
    (created in the test's transaction, so it is rolled back with it)."""

    class Voucher(models.Model):
        TRANSITIONS = {(DRAFT, APPROVED), (APPROVED, POSTED), (APPROVED, DRAFT)}

        id = models.UUIDField(primary_key=True, default=uuid7)
        status = models.CharField(max_length=10, default=DRAFT)
        approved_at = models.DateTimeField(null=True)
        approved_by = models.ForeignKey(
            settings.AUTH_USER_MODEL, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
        )
        status_changed_at = models.DateTimeField(null=True)
        status_changed_by = models.ForeignKey(
            settings.AUTH_USER_MODEL, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
        )
        version = models.PositiveIntegerField(default=1)

        class Meta:
            app_label = "platform"
            db_table = "test_transition_voucher"

        def __str__(self) -> str:
            return f"Voucher {self.pk}"

    try:
        with owner_mode(), connection.schema_editor() as editor:
            editor.create_model(Voucher)
            editor.execute(f'GRANT ALL ON test_transition_voucher TO "{app_role()}"')
        yield Voucher
    finally:
        del apps.all_models["platform"]["voucher"]
        apps.clear_cache()


def test_allowed_move_sets_status_stamps_who_and_when_and_is_audited(tenant, voucher_model):
    with tenant_context(tenant.organization, user=tenant.owner), transaction.atomic():
        voucher = voucher_model.objects.create()
        transition(voucher, APPROVED, actor=tenant.owner, reason="checked")
        stored = voucher_model.objects.get(pk=voucher.pk)
        assert (stored.status, stored.approved_by_id, stored.status_changed_by_id, stored.version) == (
            APPROVED,
            tenant.owner.pk,
            tenant.owner.pk,
            2,
        )
        assert stored.approved_at is not None and stored.approved_at == stored.status_changed_at
        (row,) = AuditLog.objects.filter(object_id=voucher.pk)
        assert (row.action, row.object_type, row.changes, row.reason, row.actor_user_id) == (
            "TRANSITION",
            "platform.voucher",
            {"status": [DRAFT, APPROVED]},
            "checked",
            tenant.owner.pk,
        )
        assert row.organization_id == tenant.organization.pk

        transition(stored, POSTED, actor=tenant.owner)
        stored = voucher_model.objects.get(pk=voucher.pk)
        assert (stored.status, stored.version) == (POSTED, 3)
        assert stored.status_changed_at > stored.approved_at  # no posted_at field: only the generic stamp moved


def test_a_document_created_and_moved_in_one_transaction_is_inserted_once_as_it_ends_up(tenant, voucher_model):
    with tenant_context(tenant.organization, user=tenant.owner), transaction.atomic():
        voucher = voucher_model()  # not saved yet
        with CaptureQueriesContext(connection) as log:
            transition(voucher, APPROVED, actor=tenant.owner)
        writes = [q["sql"].split(" ", 1)[0] for q in log.captured_queries if "test_transition_voucher" in q["sql"]]
        assert writes == ["INSERT"]
        stored = voucher_model.objects.get(pk=voucher.pk)
        assert (stored.status, stored.approved_by_id, stored.version) == (APPROVED, tenant.owner.pk, 2)
        assert AuditLog.objects.get(object_id=voucher.pk).changes == {"status": [DRAFT, APPROVED]}
        transition(stored, POSTED, actor=tenant.owner)  # saved now: updated
        assert voucher_model.objects.filter(pk=voucher.pk).values_list("status", "version").get() == (POSTED, 3)


def test_undeclared_move_is_refused_and_nothing_is_written(tenant, voucher_model):
    with tenant_context(tenant.organization, user=tenant.owner), transaction.atomic():
        voucher = voucher_model.objects.create()
        for target in (POSTED, DRAFT, "VOID"):  # skipping a step, staying put, an unknown state
            with pytest.raises(InvalidTransition) as refused:
                transition(voucher, target, actor=tenant.owner)
            assert refused.value.code == "invalid_transition"
            assert [e.as_dict() for e in refused.value.errors] == [
                {
                    "field": "status",
                    "code": "invalid_transition",
                    "message": f"Cannot change status from DRAFT to {target}",
                }
            ]
        stored = voucher_model.objects.get(pk=voucher.pk)
        assert (stored.status, stored.approved_at, stored.status_changed_at, stored.version) == (DRAFT, None, None, 1)
        assert not AuditLog.objects.filter(object_id=voucher.pk).exists()


def test_transitions_come_from_the_model_or_the_caller(voucher_model):
    assert declared_transitions(voucher_model) == voucher_model.TRANSITIONS
    with pytest.raises(TypeError, match="no TRANSITIONS for 'kind'"):
        declared_transitions(voucher_model, "kind")

    class Ledger:
        TRANSITIONS = {"state": {("OPEN", "CLOSED")}}

    assert declared_transitions(Ledger, "state") == {("OPEN", "CLOSED")}
    with pytest.raises(TypeError, match="Ledger declares no TRANSITIONS for 'status'"):
        declared_transitions(Ledger)


def test_explicit_transitions_and_save_false_leave_saving_to_the_caller(tenant):
    from comptoir.platform.constants import WORKSPACE_TRANSITIONS

    with tenant_context(tenant.organization, user=tenant.owner), transaction.atomic():
        ws = create_workspace(actor=tenant.owner, data=WorkspaceInput(name="Depot"))
        transition(ws, "INACTIVE", actor=tenant.owner, transitions=WORKSPACE_TRANSITIONS, save=False)
        assert ws.status == "INACTIVE" and ws.updated_by_id == tenant.owner.pk
        assert Workspace.objects.get(pk=ws.pk).status == "ACTIVE"  # not saved yet
        ws.save()
        assert Workspace.objects.get(pk=ws.pk).status == "INACTIVE"
        assert AuditLog.objects.filter(object_id=ws.pk, action="TRANSITION").count() == 1


def test_check_transition_allows_repeating_the_current_state():
    check_transition({(DRAFT, APPROVED)}, DRAFT, DRAFT)
    check_transition({(DRAFT, APPROVED)}, DRAFT, APPROVED)
    with pytest.raises(InvalidTransition):
        check_transition({(DRAFT, APPROVED)}, APPROVED, DRAFT)


def test_a_refused_move_is_a_409_problem_naming_the_field(rf):
    from comptoir.platform.problems import domain_error_response

    try:
        check_transition({(DRAFT, APPROVED)}, POSTED, DRAFT)
    except InvalidTransition as exc:
        response = domain_error_response(rf.patch("/api/v1/x"), exc)
    assert response.status_code == 409 and response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert body["code"] == "invalid_transition"
    assert body["errors"] == [
        {"field": "status", "code": "invalid_transition", "message": "Cannot change status from POSTED to DRAFT"}
    ]


def test_repeating_the_current_status_in_a_patch_is_not_a_move(tenant):
    ws = tenant.api.post("platform/workspaces", {"name": "Depot"}).json()["id"]
    assert tenant.api.patch(f"platform/workspaces/{ws}", {"status": "INACTIVE"}).status_code == 200
    assert tenant.api.patch(f"platform/workspaces/{ws}", {"status": "INACTIVE"}).status_code == 200
    with tenant_context(tenant.organization):
        assert AuditLog.objects.filter(object_id=ws, action="TRANSITION").count() == 1
