"""Faster `migrate`: indexes and constraints added to the already rendered migration state in place.

Django keeps the migration state's models rendered while it applies migrations, and an `AddIndex` or `AddConstraint`
re-renders the model and, through its foreign keys, every model related to the models it points to: every tenant
table points to the organization, so each of our 345 such operations re-rendered about 60 model classes (measured:
two thirds of the CPU time of `migrate` on an empty database). An index or a constraint changes only the model's
own `_meta.indexes` / `_meta.constraints`, so while a migration is applied forwards they are set on the rendered
class as rendering would set them, and nothing is re-rendered. The migrated schema is the same (compared with
`pg_dump --schema-only`); unapplying, `makemigrations` and plan states keep Django's own way.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
from collections.abc import Iterator

from django.db.migrations.migration import Migration
from django.db.migrations.operations.models import AddConstraint, AddIndex

_applying_forwards = contextvars.ContextVar("applying_forwards", default=False)


def _set_in_place(state, app_label: str, model_name: str, option: str, obj) -> bool:
    """Append `obj` to the model state's `option` and to the rendered model's `_meta`; False (nothing done) when
    the state is not rendered or the model is not a plain rendered model of it."""
    if not _applying_forwards.get() or "apps" not in state.__dict__:  # hasattr would render the state
        return False
    try:
        model = state.apps.get_model(app_label, model_name)
    except LookupError:
        return False
    meta = model._meta
    if meta.abstract or meta.proxy or not meta.managed:
        return False
    model_state = state.models[app_label, model_name]
    model_state.options[option] = [*model_state.options[option], obj]
    objects = meta._format_names(model_state.options[option])  # clones, named as Options.contribute_to_class does
    if option == "indexes":
        objects = [copy.deepcopy(index) for index in objects]  # as ModelBase.__new__ does
        for index in objects:
            if not index.name:
                index.set_name_with_model(model)
    setattr(meta, option, objects)
    meta.original_attrs[option] = list(model_state.options[option])
    meta.__dict__.pop("total_unique_constraints", None)
    meta._expire_cache()
    return True


def _add_index_state_forwards(self, app_label, state):
    if not _set_in_place(state, app_label, self.model_name_lower, "indexes", self.index):
        _django_add_index_state_forwards(self, app_label, state)


def _add_constraint_state_forwards(self, app_label, state):
    if not _set_in_place(state, app_label, self.model_name_lower, "constraints", self.constraint):
        _django_add_constraint_state_forwards(self, app_label, state)


def _apply(self, project_state, schema_editor, collect_sql=False):
    token = _applying_forwards.set(True)
    try:
        return _django_apply(self, project_state, schema_editor, collect_sql)
    finally:
        _applying_forwards.reset(token)


_django_add_index_state_forwards = AddIndex.state_forwards
_django_add_constraint_state_forwards = AddConstraint.state_forwards
_django_apply = Migration.apply


@contextlib.contextmanager
def options_set_in_place() -> Iterator[None]:
    """For the duration of a `migrate` run (not thread-safe: one migrate at a time per process)."""
    AddIndex.state_forwards = _add_index_state_forwards
    AddConstraint.state_forwards = _add_constraint_state_forwards
    Migration.apply = _apply
    try:
        yield
    finally:
        AddIndex.state_forwards = _django_add_index_state_forwards
        AddConstraint.state_forwards = _django_add_constraint_state_forwards
        Migration.apply = _django_apply
