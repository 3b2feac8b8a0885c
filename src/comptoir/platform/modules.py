"""Module specs: each app's one declaration to the rest of the system (DESIGN §3).

An app declares itself in `<app>/module.py` as `MODULE = ModuleSpec(...)`: its label, the apps it depends on,
its permissions and default role grants, its module switch, numbering series, typed settings, webhook event
types, API routers, page URLs, menu entries, desk pages and the documents that post to the books. `platform` and
`identity` read the specs through `registry()` and name no domain app. The registry discovers the spec of every
installed Comptoir app on first use (the platform's `ready()` triggers it, so a bad spec stops the start-up)
and validates them: unique names, dependencies on installed modules only, no cycle, every declared name
in its module's own namespace, API extensions only under the prefix of a module depended on.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from django.utils.translation import gettext

from comptoir.platform.constants import SettingType

COMPTOIR_APP_PREFIX = "comptoir."
SEGMENT = r"[a-z][a-z0-9_]*"
EVENT_TYPE_RE = re.compile(rf"^{SEGMENT}(\.{SEGMENT})+$")
SETTING_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,254}$")

TYPE_CHECKS: dict[str, Callable[[Any], bool]] = {
    SettingType.STRING: lambda v: isinstance(v, str),
    SettingType.NUMBER: lambda v: isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v),
    SettingType.BOOLEAN: lambda v: isinstance(v, bool),
    SettingType.OBJECT: lambda v: isinstance(v, dict),
    SettingType.ARRAY: lambda v: isinstance(v, list),
}


@dataclass(frozen=True)
class Series:
    """A numbering series: `document_type` is the counter key, `prefix` may use {type}, {year}, {month}, {day};
    the counter restarts each year when `yearly_reset`, else never."""

    document_type: str
    prefix: str = "{type}-{year}-"
    yearly_reset: bool = True
    padding: int = 6


@dataclass(frozen=True)
class SettingSpec:
    """A typed setting. `choices` (when given) lists the allowed values; `validator(value)` raises ValueError
    with a message for a value it refuses. `secret` values are stored encrypted and never returned."""

    key: str
    type: str
    default: Any
    description: str = ""
    choices: tuple = ()
    validator: Callable[[Any], None] | None = None
    secret: bool = False

    def problem(self, value) -> tuple[str, str] | None:
        """(code, message) when `value` is not acceptable, else None."""
        if value is None:
            return "required", gettext("A value is required")
        if not TYPE_CHECKS[self.type](value):
            return "invalid_type", gettext("The value must be of type %(type)s") % {"type": self.type}
        if self.choices and value not in self.choices:
            return "invalid_choice", gettext("The value must be one of %(choices)s") % {"choices": list(self.choices)}
        if self.validator is not None:
            try:
                self.validator(value)
            except ValueError as exc:
                return "invalid_value", str(exc)
        return None


@dataclass(frozen=True)
class MenuEntry:
    """A link of the desk's sidebar, shown to members holding `permission`: a desk view (`view`,
    "module.slug"), a page of the module (`url`, a URL name), else an admin changelist (`admin`,
    "app_label.model_name"), else the API documentation."""

    label: str
    permission: str
    url: str = ""
    admin: str = ""
    view: str = ""


@dataclass(frozen=True)
class BookCheck:
    """A proof that a module's derived caches equal its ledger, run by `comptoir check-books` for each organization
    (in its tenant context): `check` is the dotted path of a function returning the differences (lines of text,
    none when the caches hold), `rebuild` of one that recomputes the caches (`--rebuild`)."""

    check: str
    rebuild: str


@dataclass(frozen=True)
class ApiExtension:
    """Operations a module mounts under the API prefix of a module it depends on, where the operation belongs to the
    host's resource but the work to the extending module (an order's invoice made by the module of invoices, under
    the orders' path: the orders' module may not import it). `prefix` is the host's API prefix, `router` the dotted
    path of the extending module's router. The registry refuses a prefix no module of `depends_on` declares;
    mounting refuses a path that another router under the same prefix declares too (`api_mounts`)."""

    prefix: str
    router: str


@dataclass(frozen=True)
class ModuleSpec:
    """One app's declaration. Every name it declares (permission codenames, setting keys, event types) starts
    with `name.`; `roles` are role templates it introduces (code: (name, description)); `role_grants` gives
    permission patterns to role templates of any module; `restricted_permissions` are never granted by a
    wildcard pattern (a template must name them, or grant "*"); `record_rules` names, for a model whose rows a
    member sees only in part (an employee: their own), the dotted path of the query of the rows the member may see
    — records reached generically (attachments) go through it."""

    name: str
    label: str
    depends_on: tuple[str, ...] = ()
    permissions: Mapping[str, str] = field(default_factory=dict)
    restricted_permissions: frozenset[str] = frozenset()
    roles: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    role_grants: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    switchable: bool = False
    default_enabled: bool = True
    numbering: tuple[Series, ...] = ()
    settings: tuple[SettingSpec, ...] = ()
    events: tuple[str, ...] = ()
    api: tuple[tuple[str, str], ...] = ()
    api_extensions: tuple[ApiExtension, ...] = ()
    urls: tuple[tuple[str, str], ...] = ()
    menu: tuple[MenuEntry, ...] = ()
    desk: str = ""  # dotted path of the module's desk declaration (comptoir.desk.declarations.Desk)
    posting_documents: tuple[str, ...] = ()
    book_checks: tuple[BookCheck, ...] = ()
    record_rules: Mapping[str, str] = field(default_factory=dict)  # "app.model": dotted path of a query, no args


class UnknownModule(LookupError):
    """A module name no installed app declares: a programming error."""


class UndeclaredSetting(LookupError):
    """Code read a setting key no module declares: a programming error."""


class Registry:
    """The validated specs of the installed modules, dependencies first, with the lookups the platform needs."""

    def __init__(self, specs: Iterable[ModuleSpec]):
        self.modules: tuple[ModuleSpec, ...] = _ordered({s.name: s for s in _unique(specs)})
        self.by_name = {s.name: s for s in self.modules}
        self.settings = {s.key: s for m in self.modules for s in m.settings}
        self.events = frozenset(e for m in self.modules for e in m.events)
        self.series = {s.document_type: s for m in self.modules for s in m.numbering}
        self.posting_documents = frozenset(d for m in self.modules for d in m.posting_documents)
        self.roles = {code: role for m in self.modules for code, role in m.roles.items()}
        self.record_rules = {label: path for m in self.modules for label, path in m.record_rules.items()}
        _check_names(self)

    def module(self, name: str) -> ModuleSpec:
        try:
            return self.by_name[name]
        except KeyError:
            raise UnknownModule(f"Unknown module {name!r}; installed: {', '.join(sorted(self.by_name))}") from None

    def setting(self, key: str) -> SettingSpec:
        try:
            return self.settings[key]
        except KeyError:
            raise UndeclaredSetting(f"No module declares the setting {key!r}") from None

    def switchable(self) -> tuple[ModuleSpec, ...]:
        return tuple(m for m in self.modules if m.switchable)

    def permissions(self) -> dict[str, str]:
        return {codename: label for m in self.modules for codename, label in m.permissions.items()}

    def restricted_permissions(self) -> frozenset[str]:
        return frozenset(p for m in self.modules for p in m.restricted_permissions)

    def role_templates(self) -> dict[str, tuple[str, str, tuple[str, ...]]]:
        """code: (name, description, patterns granted by every module)."""
        grants: dict[str, list[str]] = {code: [] for code in self.roles}
        for m in self.modules:
            for code, patterns in m.role_grants.items():
                grants[code].extend(patterns)
        return {code: (*self.roles[code], tuple(grants[code])) for code in self.roles}


def _unique(specs: Iterable[ModuleSpec]) -> list[ModuleSpec]:
    seen: set[str] = set()
    result = []
    for spec in specs:
        if spec.name in seen:
            raise ImproperlyConfigured(f"Two modules are named {spec.name!r}")
        seen.add(spec.name)
        result.append(spec)
    return result


def _ordered(specs: dict[str, ModuleSpec]) -> tuple[ModuleSpec, ...]:
    """The specs with every module after the modules it depends on; refuses unknown dependencies and cycles."""
    ordered: list[ModuleSpec] = []
    state: dict[str, str] = {}

    def visit(name: str, path: tuple[str, ...]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "visiting":
            raise ImproperlyConfigured(f"Module dependency cycle: {' -> '.join((*path, name))}")
        state[name] = "visiting"
        for dependency in specs[name].depends_on:
            if dependency not in specs:
                raise ImproperlyConfigured(f"Module {name!r} depends on {dependency!r}, which is not installed")
            visit(dependency, (*path, name))
        state[name] = "done"
        ordered.append(specs[name])

    for name in specs:
        visit(name, ())
    return tuple(ordered)


def _own(spec: ModuleSpec, kind: str, names: Iterable[str]) -> None:
    for name in names:
        if not name.startswith(f"{spec.name}."):
            raise ImproperlyConfigured(f"Module {spec.name!r} declares {kind} {name!r} outside its namespace")


def _check_names(registry: Registry) -> None:
    """Every declared name lives in its module's namespace and is declared once; defaults are valid values."""
    seen: dict[str, set[str]] = {"series": set(), "api prefix": set(), "url prefix": set(), "role": set()}
    for spec in registry.modules:
        _own(spec, "permission", spec.permissions)
        _own(spec, "restricted permission", spec.restricted_permissions)
        _own(spec, "setting", [s.key for s in spec.settings])
        _own(spec, "event type", spec.events)
        _own(spec, "posting document", spec.posting_documents)
        for event in spec.events:
            if not EVENT_TYPE_RE.match(event):
                raise ImproperlyConfigured(f"Event type {event!r} is not lower-case dotted words")
        for setting in spec.settings:
            if not SETTING_KEY_RE.match(setting.key) or setting.type not in TYPE_CHECKS:
                raise ImproperlyConfigured(f"Setting {setting.key!r}: bad key or type {setting.type!r}")
            problem = setting.problem(setting.default)
            if problem:
                raise ImproperlyConfigured(f"Setting {setting.key!r}: default refused ({problem[1]})")
        hosts = {p for d in spec.depends_on if d in registry.by_name for p, _ in registry.by_name[d].api}
        for extension in spec.api_extensions:
            if extension.prefix not in hosts:
                raise ImproperlyConfigured(
                    f"Module {spec.name!r} extends the API prefix {extension.prefix!r}, which no module it depends on "
                    "declares"
                )
        for code in spec.role_grants:
            if code not in registry.roles:
                raise ImproperlyConfigured(f"Module {spec.name!r} grants to role {code!r}, which no module declares")
        for kind, names in (
            ("series", [s.document_type for s in spec.numbering]),
            ("api prefix", [p for p, _ in spec.api]),
            ("url prefix", [p for p, _ in spec.urls]),
            ("role", list(spec.roles)),
        ):
            for name in names:
                if name in seen[kind]:
                    raise ImproperlyConfigured(f"{kind} {name!r} is declared twice")
                seen[kind].add(name)


def _route(path: str) -> str:
    """A path with its parameters unnamed: `/orders/{id}` and `/orders/{order_id}` are one route."""
    return re.sub(r"\{[^}]*\}", "{}", path)


def api_mounts(modules: Iterable[ModuleSpec]) -> list[tuple[str, Any]]:
    """(prefix, router) of every module's routers, then of their API extensions, imported: what the API mounts, in
    this order. Refuses a route two routers declare under one prefix (URL resolution would reach only the first)."""
    modules = tuple(modules)
    mounts = [(prefix, import_string(path)) for m in modules for prefix, path in m.api]
    mounts += [(e.prefix, import_string(e.router)) for m in modules for e in m.api_extensions]
    owner: dict[str, object] = {}
    for prefix, router in mounts:
        for path in router.path_operations:
            route = prefix + _route(path)
            if owner.setdefault(route, router) is not router:
                raise ImproperlyConfigured(f"The API route {prefix}{path} is declared by two routers")
    return mounts


def discover_specs() -> list[ModuleSpec]:
    """`MODULE` of `<app>.module` for every installed Comptoir app that has one."""
    specs = []
    for config in apps.get_app_configs():
        if not config.name.startswith(COMPTOIR_APP_PREFIX) or find_spec(f"{config.name}.module") is None:
            continue
        spec = getattr(import_module(f"{config.name}.module"), "MODULE", None)
        if not isinstance(spec, ModuleSpec) or spec.name != config.label:
            raise ImproperlyConfigured(f"{config.name}.module must define MODULE = ModuleSpec(name={config.label!r})")
        specs.append(spec)
    return specs


_installed: list[Registry] = []


def registry() -> Registry:
    """The installed modules' specs, discovered and validated once per process."""
    if not _installed:
        _installed.append(Registry(discover_specs()))
    return _installed[-1]


@contextmanager
def extra_modules(*specs: ModuleSpec) -> Iterator[Registry]:
    """Within the block, the registry also holds `specs`: modules that are not installed apps (a test's
    example module). Their settings, event types and numbering series are declared; their routers and URLs are
    not mounted (that happens once, at start-up)."""
    extended = Registry([*registry().modules, *specs])
    _installed.append(extended)
    try:
        yield extended
    finally:
        _installed.remove(extended)
