"""Module specs: the registry discovers and validates every installed module's declaration, and the foundation
(platform, identity) reads the specs instead of naming domain apps."""

import re
from dataclasses import replace
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from ninja import Router

from comptoir.desk.declarations import Action, Desk, ViewExtension
from comptoir.desk.registry import desks as installed_desks
from comptoir.desk.registry import merged_views
from comptoir.identity.permissions import permission_catalogue, role_templates, template_codenames
from comptoir.platform.constants import SettingType
from comptoir.platform.modules import (
    ApiExtension,
    ModuleSpec,
    Registry,
    Series,
    SettingSpec,
    UndeclaredSetting,
    UnknownModule,
    api_mounts,
    registry,
)

FOUNDATION = ("platform", "identity")
SOURCE_SUFFIXES = {".py", ".html", ".txt", ".js", ".css"}

PLATFORM = ModuleSpec(name="platform", label="Platform")
NOTES = ModuleSpec(name="notes", label="Notes", depends_on=("platform",))


def test_the_installed_modules_are_discovered_in_dependency_order():
    names = [m.name for m in registry().modules]
    assert names == [
        *("platform", "identity", "accounting", "parties", "catalog", "inventory"),
        *("purchasing", "sales", "logistics", "hr", "invoicing", "payroll"),
    ]
    assert registry().module("accounting").depends_on == ("platform",)
    with pytest.raises(UnknownModule):
        registry().module("astrology")
    with pytest.raises(UndeclaredSetting):
        registry().setting("accounting.no_such_setting")


@pytest.mark.parametrize(
    ("specs", "message"),
    [
        ([PLATFORM, PLATFORM], "Two modules are named 'platform'"),
        ([NOTES], "depends on 'platform', which is not installed"),
        (
            [replace(PLATFORM, depends_on=("notes",)), NOTES],
            "Module dependency cycle: platform -> notes -> platform",
        ),
        ([PLATFORM, replace(NOTES, permissions={"platform.read_note": "x"})], "permission 'platform.read_note'"),
        ([PLATFORM, replace(NOTES, events=("invoice.posted",))], "event type 'invoice.posted' outside"),
        ([PLATFORM, replace(NOTES, events=("notes.Created",))], "is not lower-case dotted words"),
        (
            [PLATFORM, replace(NOTES, settings=(SettingSpec("notes.size", SettingType.NUMBER, default="big"),))],
            "Setting 'notes.size': default refused",
        ),
        (
            [PLATFORM, replace(NOTES, settings=(SettingSpec("notes.mode", "TEXT", default="a"),))],
            "bad key or type 'TEXT'",
        ),
        ([PLATFORM, replace(NOTES, role_grants={"EDITOR": ("notes.*",)})], "role 'EDITOR', which no module"),
        (
            [replace(PLATFORM, numbering=(Series("NT"),)), replace(NOTES, numbering=(Series("NT"),))],
            "series 'NT' is declared twice",
        ),
        (
            [replace(PLATFORM, api=(("/notes", "x.router"),)), replace(NOTES, api=(("/notes", "y.router"),))],
            "api prefix '/notes' is declared twice",
        ),
        (
            [PLATFORM, replace(NOTES, api_extensions=(ApiExtension("/sales", "y.router"),))],
            "extends the API prefix '/sales', which no module it depends on declares",
        ),
    ],
)
def test_a_bad_declaration_stops_the_registry(specs, message):
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        Registry(specs)


HOST = Router()
GUEST = Router()


@HOST.get("/notes/{note_id}/share")
def _host_share(request, note_id: int):
    return None


@GUEST.post("/notes/{id}/share")
def _guest_share(request, id: int):  # noqa: A002 (a path parameter)
    return None


def test_an_api_extension_mounts_under_its_hosts_prefix_and_a_route_is_declared_once():
    """Invoicing's operations are mounted under sales' and purchasing's prefixes; two routers declaring one route
    under a prefix (whatever its parameters are named) stop the start-up."""
    mounted = {(prefix, path) for prefix, router in api_mounts(registry().modules) for path in router.path_operations}
    assert {("/sales", "/orders/{order_id}/invoice"), ("/purchasing", "/orders/{order_id}/bill")} <= mounted
    specs = Registry([
        replace(PLATFORM, api=(("/notes", f"{__name__}.HOST"),)),
        replace(NOTES, api_extensions=(ApiExtension("/notes", f"{__name__}.GUEST"),)),
    ])  # fmt: skip
    with pytest.raises(
        ImproperlyConfigured, match=re.escape("The API route /notes/notes/{id}/share is declared by two")
    ):
        api_mounts(specs.modules)


def test_role_templates_gather_the_grants_of_every_module():
    """ACCOUNTANT is declared by identity (a seed role) and granted the books by the accounting module, the parties by
    the parties module."""
    templates = role_templates()
    assert templates["ACCOUNTANT"][:2] == ("Accountant", "Keeps the books")
    assert set(templates["ACCOUNTANT"][2]) == {
        "platform.view_*",
        "platform.*_exchangerate",
        "accounting.*",
        "parties.*",
        "catalog.view_*",
        "inventory.view_*",
        "purchasing.view_*",
        "purchasing.change_purchaseorder",
        "sales.view_*",
        "logistics.view_*",
        "invoicing.*",
        "payroll.view_*",
        "payroll.manage_payroll",
    }
    catalogue = permission_catalogue()
    assert catalogue["accounting.reopen_period"] == ("Reopen a closed fiscal period or year", "accounting")
    granted = template_codenames("FINANCE", catalogue)
    assert "accounting.close_fiscalyear" in granted
    assert "accounting.reopen_period" not in granted  # restricted: a wildcard does not grant it
    assert "accounting.reopen_period" in template_codenames("OWNER", catalogue)


def _source_files(app: str):
    root = Path(__file__).resolve().parents[2] / "src" / "comptoir" / app
    for path in root.rglob("*"):
        parts = path.relative_to(root).parts
        if path.suffix in SOURCE_SUFFIXES and "tests" not in parts and "migrations" not in parts:
            yield path


def test_platform_and_identity_name_no_other_module():
    """Adding a module is its folder and one line in settings: the foundation reads the specs."""
    others = [m.name for m in registry().modules if m.name not in FOUNDATION]
    assert others, "at least one domain module is installed"
    # Module names are lower-case identifiers; the seed role INVENTORY ("Inventory") is a role, not the module.
    pattern = re.compile(rf"\b({'|'.join(others)})\b")
    found = [
        f"{path.name}:{number}: {line.strip()}"
        for app in FOUNDATION
        for path in _source_files(app)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == []


GUIDE = Path(__file__).resolve().parents[2] / "docs" / "adding-a-module.md"


def test_the_example_of_the_guide_is_a_valid_module():
    """docs/adding-a-module.md walks through a spec: its code block runs and passes the registry's checks."""
    code = re.search(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.DOTALL).group(1)
    namespace: dict = {}
    exec(compile(code, str(GUIDE), "exec"), namespace)  # noqa: S102 (our own documentation)
    helpdesk = namespace["MODULE"]
    extended = Registry([*registry().modules, helpdesk])
    switchable = [m.name for m in extended.switchable()]
    assert switchable == [
        *("accounting", "parties", "catalog", "inventory"),
        *("purchasing", "sales", "logistics", "hr", "invoicing", "payroll", "helpdesk"),
    ]
    assert "helpdesk.ticket.opened" in extended.events
    assert extended.setting("helpdesk.first_response_hours").problem(0) == ("invalid_value", "must be > 0")
    assert extended.role_templates()["CX"][2] == ("platform.view_*", "helpdesk.*")
    assert extended.series["TCK"].prefix == "TCK-{year}-"


def test_a_desk_view_extension_is_of_a_dependency_and_adds_no_action_twice():
    """Invoicing adds its button and tables to sales orders; an extension of a module not depended on, or an action
    name the view has already, stop the desk."""
    desks = installed_desks()
    merged = merged_views(list(desks.items()))[("sales", "orders")]
    assert "invoice" in {a.name for a in merged.actions}
    assert {"Invoices", "Payments", "Shipments", "Returns"} <= {str(t.label) for t in merged.documents}
    upward = [("sales", Desk(extends=(ViewExtension("invoicing.invoices"),))), ("invoicing", desks["invoicing"])]
    with pytest.raises(ImproperlyConfigured, match="of a module it does not depend on"):
        merged_views(upward)
    confirm = Action("confirm", "Confirm", "invoicing.add_invoice", run=lambda actor, obj, body: obj)
    twice = [
        ("sales", desks["sales"]),
        ("invoicing", Desk(extends=(ViewExtension("sales.orders", actions=(confirm,)),))),
    ]
    with pytest.raises(ImproperlyConfigured, match="adds the action 'confirm' twice"):
        merged_views(twice)
