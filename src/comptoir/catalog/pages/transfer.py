"""The import page: choose what to import (products, or the prices of a list), upload a CSV or XLSX file, see each
row with what it would do or its errors (the service's dry run: nothing written), then import it."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from comptoir.catalog.queries import products as queries
from comptoir.catalog.services import transfer
from comptoir.desk.access import desk_page
from comptoir.desk.registry import record_url
from comptoir.platform.errors import DomainError, NotFound

SESSION_KEY = "catalog_import"
PRODUCTS = "products"


def _target(actor, value: str):
    """(what, the price list or None): `products`, or the id of a price list; refused without its permission."""
    if value in ("", PRODUCTS):
        if not actor.can("catalog.import_product"):
            raise PermissionDenied(_("Missing permission %(codename)s") % {"codename": "catalog.import_product"})
        return PRODUCTS, None
    if not actor.can("catalog.import_prices"):
        raise PermissionDenied(_("Missing permission %(codename)s") % {"codename": "catalog.import_prices"})
    try:
        return value, queries.access_price_list(value)
    except (NotFound, ValueError, DomainError):
        raise Http404(_("No such %(what)s") % {"what": _("price list")}) from None


def _run(actor, target, content: bytes, name: str, dry_run: bool):
    what, price_list = target
    if price_list is None:
        return transfer.import_products(actor=actor.user, content=content, filename=name, dry_run=dry_run)
    return transfer.import_prices(
        actor=actor.user, price_list_id=price_list.pk, content=content, filename=name, dry_run=dry_run
    )


@never_cache
@require_http_methods(["GET", "POST"])
@desk_page()
def import_page(request, actor):
    """Step 1 uploads a file and previews every row (nothing written); step 2 (`confirm`) imports it."""
    choice = request.POST.get("target") or request.GET.get("price_list") or PRODUCTS
    target = _target(actor, choice)
    targets = [(PRODUCTS, _("Products"))] if actor.can("catalog.import_product") else []
    if actor.can("catalog.import_prices"):
        targets += [(str(p.pk), _("Prices of %(list)s") % {"list": p.name}) for p in queries.price_lists()]
    context: dict = {
        "targets": targets,
        "chosen": choice,
        "product_columns": transfer.PRODUCT_COLUMNS,
        "price_columns": transfer.PRICE_COLUMNS,
    }
    if request.method == "POST":
        confirming = "confirm" in request.POST
        content, name = b"", ""
        if confirming:
            stored = request.session.get(SESSION_KEY) or {}
            if stored.get("target") == choice:
                content, name = base64.b64decode(stored["content"]), stored["name"]
            else:
                context["error"] = _("Upload the file again: the preview has expired.")
        else:
            upload = request.FILES.get("file")
            if upload is None:
                context["error"] = _("Choose a CSV or XLSX file.")
            elif upload.size > transfer.MAX_BYTES:
                context["error"] = _("The file is too large.")
            else:
                content, name = upload.read(), upload.name or ""
        if content:
            try:
                report = _run(actor, target, content, name, dry_run=not confirming)
            except DomainError as exc:
                context["error"] = exc.message
                context["row_errors"] = exc.errors
            else:
                if confirming:
                    request.session.pop(SESSION_KEY, None)
                    messages.success(
                        request,
                        _("Imported: %(created)d created, %(updated)d updated.")
                        % {"created": report.created, "updated": report.updated},
                    )
                    price_list = target[1]
                    if price_list is None:
                        return redirect(reverse("desk:list", args=("catalog", "products")))
                    return redirect(record_url("catalog", "price-lists", price_list.pk))
                request.session[SESSION_KEY] = {
                    "target": choice,
                    "content": base64.b64encode(content).decode(),
                    "name": name,
                }
                context["preview"] = report
    status = 422 if context.get("error") else 200
    return TemplateResponse(request, "catalog/import.html", context, status=status)
