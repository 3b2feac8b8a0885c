"""Explicit extension points for domain apps (not Django signals): a domain app registers, in its AppConfig.ready(),
what a new organization needs from it (e.g. its default chart of accounts), and the platform calls each one
inside the organization's creation transaction and tenant context. The platform imports no domain app."""

from __future__ import annotations

from collections.abc import Callable

OrganizationInitializer = Callable[..., None]
_organization_initializers: list[OrganizationInitializer] = []


def register_organization_initializer(initializer: OrganizationInitializer) -> None:
    """`initializer(organization=..., actor=...)` runs when an organization is created."""
    if initializer not in _organization_initializers:
        _organization_initializers.append(initializer)


def initialize_organization(*, organization, actor) -> None:
    for initializer in _organization_initializers:
        initializer(organization=organization, actor=actor)
