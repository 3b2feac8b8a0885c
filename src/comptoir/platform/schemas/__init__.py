"""Request and response shapes of the platform API, one module per concern."""

from comptoir.platform.schemas.base import Input, Page

__all__ = ["Input", "Page"]
