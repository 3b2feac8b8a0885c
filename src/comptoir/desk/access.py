"""Who may open a desk page: a signed-in member of the organization in context holding the page's permission.
A page for a module switched off, or without the permission, answers 404 for records and 403 for pages, the way
the API does."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from comptoir.platform.access import SAFE_METHODS, Actor, is_suspended
from comptoir.platform.queries.configuration import enabled_modules


def member_actor(request, permission: str | None = None) -> Actor:
    """The request's actor; 404 without an organization, 403 without `permission` or when the organization is
    suspended and the request writes."""
    actor = getattr(request, "actor", None)
    if actor is None or actor.organization_id is None:
        raise Http404("No organization")
    if permission and not actor.can(permission):
        raise PermissionDenied(_("Missing permission %(permission)s") % {"permission": permission})
    if request.method not in SAFE_METHODS and is_suspended(actor):
        raise PermissionDenied(_("The organization is suspended; it can be read but not changed"))
    return actor


def desk_page(permission: str | None = None):
    """A view for signed-in members (else the sign-in page) holding `permission`; the view gets the actor."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            return view(request, member_actor(request, permission), *args, **kwargs)

        return wrapper

    return decorate


def modules_on(request) -> set[str]:
    """The modules switched on in the request's organization, read once per request."""
    if not hasattr(request, "_desk_modules_on"):
        request._desk_modules_on = enabled_modules()
    return request._desk_modules_on
