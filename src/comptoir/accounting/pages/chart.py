"""The chart of accounts as a tree (groups, their sub-groups and accounts) and its CSV import: upload, preview of
what would change (the service's dry run), then import. The account and group forms are the desk's."""

from __future__ import annotations

from html import escape

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from comptoir.accounting.api.chart import MAX_CSV_BYTES
from comptoir.accounting.constants import AccountType
from comptoir.accounting.queries import books
from comptoir.accounting.services import chart_transfer
from comptoir.desk.access import desk_page
from comptoir.desk.registry import record_url
from comptoir.platform.errors import DomainError

SESSION_KEY = "accounting_chart_import"


def chart_tree() -> list[dict]:
    """The groups in tree order (by materialized path), each with its depth and its accounts' rows (HTML built
    here: a template tag per cell is slow over hundreds of accounts). Two queries."""
    rows: dict = {}
    active, inactive = escape(_("Yes")), escape(_("Inactive"))  # (no message inside an f-string: xgettext skips it)
    inactive = f'<span class="badge inactive">{inactive}</span>'
    kinds = {value: escape(str(label)) for value, label in AccountType.choices}  # translated once, not per row
    fields = ("pk", "group_id", "code", "name", "account_type", "is_active")
    for pk, group_id, code, name, kind, is_active in books.accounts().order_by("code").values_list(*fields):
        rows.setdefault(group_id, []).append(
            f'<td><a href="{record_url("accounting", "accounts", pk)}">{escape(code)}</a></td>'
            f"<td>{escape(name)}</td><td>{kinds.get(kind, escape(kind))}</td>"
            f"<td>{active if is_active else inactive}</td>"
        )
    tree = []
    for g in books.account_groups().order_by("path"):
        depth = g.path.strip("/").count("/")
        accounts = "".join(f'<tr class="tree-account depth-{depth + 1}">{row}</tr>' for row in rows.get(g.pk, ()))
        tree.append(
            {
                "group": g,
                "url": record_url("accounting", "account-groups", g.pk),
                "depth": depth,
                "accounts": mark_safe(accounts),  # noqa: S308 (every value escaped above; a chart has hundreds)
            }
        )
    return tree


@never_cache
@require_GET
@desk_page("accounting.view_account")
def chart_page(request, actor):
    context = {
        "tree": chart_tree(),
        "can_add_account": actor.can("accounting.add_account"),
        "can_add_group": actor.can("accounting.add_accountgroup"),
        "can_import": actor.can("accounting.import_chart"),
    }
    return TemplateResponse(request, "accounting/chart/tree.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@desk_page("accounting.import_chart")
def chart_import(request, actor):
    """Step 1 uploads a CSV and shows what would change (nothing written); step 2 (`confirm`) imports it."""
    context: dict = {"columns": chart_transfer.COLUMNS, "max_bytes": MAX_CSV_BYTES}
    if request.method == "POST":
        confirming = "confirm" in request.POST
        csv_text = request.session.get(SESSION_KEY, "") if confirming else None
        if not confirming:
            upload = request.FILES.get("file")
            if upload is None:
                context["error"] = _("Choose a CSV file.")
            elif upload.size > MAX_CSV_BYTES:
                context["error"] = _("The file is larger than %(max)s bytes.") % {"max": MAX_CSV_BYTES}
            else:
                try:
                    csv_text = upload.read().decode("utf-8-sig")
                except UnicodeDecodeError:
                    context["error"] = _("The file is not UTF-8 text.")
        if csv_text:
            try:
                result = chart_transfer.import_chart(actor=actor.user, csv_text=csv_text, dry_run=not confirming)
            except DomainError as exc:
                context["error"] = exc.message
                context["row_errors"] = exc.errors
            else:
                if confirming:
                    request.session.pop(SESSION_KEY, None)
                    messages.success(
                        request,
                        _("Chart imported: %(groups)d groups and %(accounts)d accounts created.")
                        % {"groups": len(result.created_groups), "accounts": len(result.created_accounts)},
                    )
                    return redirect(reverse("accounting_chart"))
                request.session[SESSION_KEY] = csv_text
                context["preview"] = result
        elif confirming:
            context["error"] = _("Upload the file again: the preview has expired.")
    status = 422 if context.get("error") else 200
    return TemplateResponse(request, "accounting/chart/import.html", context, status=status)
