"""The request (or job) being served, held in a context variable so that the audit log and the system log can
name it: request id, client IP and user agent, path, method and source (WEB, API, SYSTEM, WORKER).

`RequestLimitsMiddleware` opens a scope for every HTTP request; a background job opens its own with
`request_scope(RequestContext(request_id=job_id, source=AuditSource.WORKER))`. Outside any scope the source is
SYSTEM and the other fields are empty. This module imports no model: the logging configuration loads it early.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from comptoir.platform.constants import AuditSource


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip_address: str | None = None
    user_agent: str = ""
    path: str = ""
    method: str = ""
    source: str = AuditSource.SYSTEM
    request: object | None = None  # the HttpRequest, read lazily for the actor resolved after this scope opened

    @classmethod
    def from_http(cls, request) -> RequestContext:
        return cls(
            request_id=str(getattr(request, "request_id", "") or "")[:64],
            ip_address=_valid_ip(request.META.get("REMOTE_ADDR")),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:1000],
            path=request.path[:500],
            method=(request.method or "")[:10],
            source=AuditSource.API if request.path.startswith("/api/") else AuditSource.WEB,
            request=request,
        )

    @property
    def session_id(self) -> str:
        """The authentication session of the request's actor, once the authentication middleware set it."""
        actor = getattr(self.request, "actor", None)
        session_id = getattr(actor, "session_id", None)
        return str(session_id) if session_id else ""


SYSTEM = RequestContext()
_current: ContextVar[RequestContext] = ContextVar("comptoir_request", default=SYSTEM)


def current_request() -> RequestContext:
    """The request or job in scope, or the SYSTEM context when there is none."""
    return _current.get()


@contextmanager
def request_scope(context: RequestContext) -> Iterator[RequestContext]:
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def _valid_ip(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None
