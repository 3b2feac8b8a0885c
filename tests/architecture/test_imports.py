"""The import rules, checked against the module specs (DESIGN §3): an app imports only the apps its spec lists in
`depends_on`; `api` never imports `models`, `schemas` never imports `services`, and an app reaches another app's
data only through its `services`/`queries` (its `models` and `migrations` may refer to another app's models:
foreign keys and base classes). Built with grimp, the graph import-linter uses."""

from __future__ import annotations

import grimp
import pytest

from comptoir.platform.modules import registry

ROOT = "comptoir"

# Imports of another app's models that predate the rule; the list may only shrink (each entry must still exist).
KNOWN_MODEL_IMPORTS = {
    ("comptoir.accounting.services.journal", "comptoir.platform.models"),
}


@pytest.fixture(scope="module")
def imports() -> list[tuple[str, str]]:
    """(importer, imported) for every direct import between Comptoir modules outside the tests."""
    graph = grimp.build_graph(ROOT)
    return sorted(
        (importer, imported)
        for importer in graph.modules
        if ".tests" not in importer
        for imported in graph.find_modules_directly_imported_by(importer)
        if imported.startswith(f"{ROOT}.")
    )


def _app(module: str) -> str:
    return module.split(".")[1] if module.count(".") >= 1 else ""


def _room(module: str) -> str:
    """The room of an app a module sits in: 'api', 'schemas', 'services', 'models'…"""
    parts = module.split(".")
    return parts[2] if len(parts) > 2 else ""


def cross_app_violations(imports, specs) -> list[str]:
    installed = {spec.name: spec for spec in specs}
    return [
        f"{importer} imports {imported}: {_app(importer)} does not declare depends_on {_app(imported)!r}"
        for importer, imported in imports
        if _app(importer) in installed
        and _app(imported) in installed
        and _app(importer) != _app(imported)
        and _app(imported) not in installed[_app(importer)].depends_on
    ]


def room_violations(imports, apps) -> set[tuple[str, str]]:
    found = set()
    for importer, imported in imports:
        if _app(importer) not in apps or _app(imported) not in apps:
            continue
        source, target = _room(importer), _room(imported)
        wrong_room = (source, target) in {("api", "models"), ("schemas", "services")}
        foreign = target == "models" and _app(importer) != _app(imported) and source not in ("models", "migrations")
        if wrong_room or foreign:
            found.add((importer, imported))
    return found


def test_every_app_imports_only_the_apps_it_declares(imports):
    assert cross_app_violations(imports, registry().modules) == []


def test_an_undeclared_dependency_is_caught():
    from dataclasses import replace

    specs = [replace(s, depends_on=()) if s.name == "accounting" else s for s in registry().modules]
    found = cross_app_violations([("comptoir.accounting.services.journal", "comptoir.platform.services.audit")], specs)
    assert found == [
        "comptoir.accounting.services.journal imports comptoir.platform.services.audit: accounting does not declare "
        "depends_on 'platform'"
    ]


def test_api_schemas_and_other_apps_models_keep_their_rooms(imports):
    found = room_violations(imports, set(registry().by_name))
    assert found - KNOWN_MODEL_IMPORTS == set(), "new imports break the rooms"
    assert KNOWN_MODEL_IMPORTS - found == set(), "fixed: remove them from KNOWN_MODEL_IMPORTS"


def test_the_room_rules_catch_each_kind():
    apps = {"platform", "accounting"}
    assert room_violations(
        [
            ("comptoir.accounting.api.chart", "comptoir.accounting.models"),
            ("comptoir.accounting.schemas.core", "comptoir.platform.services.audit"),
            ("comptoir.accounting.services.chart", "comptoir.platform.models.tenancy"),
            ("comptoir.accounting.models.chart", "comptoir.platform.models"),  # a foreign key: allowed
            ("comptoir.accounting.services.chart", "comptoir.platform.queries.core"),  # allowed
        ],
        apps,
    ) == {
        ("comptoir.accounting.api.chart", "comptoir.accounting.models"),
        ("comptoir.accounting.schemas.core", "comptoir.platform.services.audit"),
        ("comptoir.accounting.services.chart", "comptoir.platform.models.tenancy"),
    }
