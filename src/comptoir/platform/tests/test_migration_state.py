"""`migrate` adds indexes and constraints to the rendered migration state in place (platform.migration_state): the
same SQL and the same rendered `_meta` as Django's re-rendering, without re-rendering the related models; outside
a forward `Migration.apply` Django's own way is kept."""

from __future__ import annotations

import pytest
from django.db import connection, migrations, models
from django.db.migrations.state import ModelState, ProjectState

from comptoir.platform.migration_state import options_set_in_place

pytestmark = pytest.mark.django_db  # quoting a constraint's values takes a connection; nothing is executed


def _state() -> ProjectState:
    state = ProjectState()
    state.add_model(ModelState("lab", "Org", [("id", models.BigAutoField(primary_key=True))]))
    for name in ("Child", "Sibling"):
        state.add_model(
            ModelState(
                "lab",
                name,
                [
                    ("id", models.BigAutoField(primary_key=True)),
                    ("org", models.ForeignKey("lab.Org", models.CASCADE)),
                    ("code", models.CharField(max_length=10)),
                ],
            )
        )
    state.apps  # noqa: B018 (rendered, as the executor renders it before applying)
    return state


class _Migration(migrations.Migration):
    operations = [
        migrations.AddIndex("child", models.Index(fields=["code"], name="lab_child_code_ix")),
        migrations.AddConstraint(
            "child", models.UniqueConstraint(fields=["org", "code"], name="lab_child_org_code_uq")
        ),
        migrations.AddConstraint(
            "child", models.CheckConstraint(condition=~models.Q(code=""), name="lab_child_code_set")
        ),
    ]


def _apply(state: ProjectState) -> tuple[list[str], ProjectState]:
    with connection.schema_editor(collect_sql=True, atomic=False) as editor:
        state = _Migration("0001_test", "lab").apply(state, editor, collect_sql=True)
        return list(editor.collected_sql), state


def test_the_same_sql_and_meta_as_django_without_re_rendering_related_models():
    django_sql, django_state = _apply(_state())
    state = _state()
    org, sibling = state.apps.get_model("lab", "Org"), state.apps.get_model("lab", "Sibling")
    with options_set_in_place():
        sql, state = _apply(state)

    assert sql == django_sql
    child, expected = state.apps.get_model("lab", "Child"), django_state.apps.get_model("lab", "Child")
    assert [i.name for i in child._meta.indexes] == [i.name for i in expected._meta.indexes] == ["lab_child_code_ix"]
    assert [c.name for c in child._meta.constraints] == [c.name for c in expected._meta.constraints]
    assert [c.name for c in child._meta.total_unique_constraints] == ["lab_child_org_code_uq"]
    assert state.models["lab", "child"].options == django_state.models["lab", "child"].options
    assert state.apps.get_model("lab", "Org") is org  # not re-rendered
    assert state.apps.get_model("lab", "Sibling") is sibling
    assert django_state.apps.get_model("lab", "Org") is not org  # Django re-renders them


def test_outside_a_forward_apply_django_re_renders():
    state = _state()
    org = state.apps.get_model("lab", "Org")
    with options_set_in_place():
        _Migration.operations[0].state_forwards("lab", state)  # as plan states and unapplying do
    assert state.apps.get_model("lab", "Org") is not org
    assert [i.name for i in state.apps.get_model("lab", "Child")._meta.indexes] == ["lab_child_code_ix"]
