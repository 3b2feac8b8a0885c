"""The generic pages of the modules' declarations (DESIGN §9): list, detail, create and edit forms, actions.

Thin: the list calls the module's list query with its filter schema (the API's), pagination and exports are the
platform's; forms parse the posted fields with the API's input schema and call the function the API calls; the
detail shows the record the module's `access_` query returns (404 for missing and forbidden alike)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from pydantic import ValidationError

from comptoir.desk import forms
from comptoir.desk.access import desk_page, modules_on
from comptoir.desk.cells import cell, export_value, raw, row_html
from comptoir.desk.declarations import Action, Column, DeskView, FormSpec, LineTable
from comptoir.desk.queries import saved_views
from comptoir.desk.registry import desk_view, record_url
from comptoir.desk.services import SavedViewInput, delete_saved_view, save_view
from comptoir.platform.errors import DomainError, NotFound
from comptoir.platform.exports import ExportParams, list_or_export
from comptoir.platform.pagination import MAX_LIMIT, PageParams
from comptoir.platform.queries.attachments import (
    access_attachment,
    access_owner,
    attachments,
    owner_model,
    owner_permission,
)
from comptoir.platform.queries.audit import audit_log
from comptoir.platform.services.attachments import upload_attachment

PAGE_SIZE = 50
HISTORY_ROWS = 20
NOT_SAVED = ("cursor", "format", "columns")  # a saved view keeps the filters, the ordering and the page size


def _view(request, module: str, slug: str) -> DeskView:
    view = desk_view(module, slug)
    if module not in modules_on(request):
        raise Http404("This module is switched off")
    return view


def _record(actor, view: DeskView, pk):
    """The record the view's `access_` query gives this member: 404 for a record missing, another organization's,
    or of a view the member may not read."""
    if not actor.can(view.permission):
        raise Http404("No such record")
    try:
        return view.get(pk)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


def _detail_url(module: str, view: DeskView, pk) -> str:
    return record_url(module, view.slug, pk)


# --- list -------------------------------------------------------------------------------------------------------


def _filters(view: DeskView, query: QueryDict):
    """(the filter schema's instance or None, the values as typed, {field: message})."""
    if view.filters is None:
        return None, {}, {}
    typed = {name: query.get(name, "") for name in view.filters.model_fields}
    try:
        return view.filters.model_validate({k: v for k, v in typed.items() if v != ""}), typed, {}
    except ValidationError as exc:
        errors = {forms.form_name(e["loc"]): forms.message_of(e) for e in exc.errors()}
        return None, typed, errors


def _filter_fields(view: DeskView, typed: dict, errors: dict) -> list[dict]:
    fields = []
    for name, info in view.filters.model_fields.items() if view.filters else ():
        annotation = str(info.annotation)
        widget = "date" if "date" in annotation else "text"
        choices = []
        enum = next((a for a in getattr(info.annotation, "__args__", ()) if hasattr(a, "choices")), None)
        if enum is not None:
            widget, choices = "select", list(enum.choices)
        elif "bool" in annotation:
            widget, choices = "select", [("true", _("Yes")), ("false", _("No"))]
        label = view.filter_labels.get(name) or info.title or name.replace("_", " ").capitalize()
        fields.append(
            {
                "name": name,
                "label": label,
                "widget": widget,
                "choices": choices,
                "value": typed.get(name, ""),
                "error": errors.get(name, ""),
            }
        )
    return fields


def _chosen_columns(view: DeskView, query: QueryDict, default: list[str] | None):
    keys = query.getlist("columns") or default or [c.key for c in view.columns if c.default]
    chosen = [c for c in view.columns if c.key in keys]
    return chosen or [c for c in view.columns if c.default]


@never_cache
@require_http_methods(["GET", "POST"])
@desk_page()
def list_view(request, actor, module: str, slug: str):
    view = _view(request, module, slug)
    if not actor.can(view.permission):
        raise PermissionDenied(_("Missing permission %(permission)s") % {"permission": view.permission})
    key = f"{module}.{view.slug}"
    if request.method == "POST":
        if request.POST.get("bulk"):
            return _bulk(request, actor, module, view)
        return _save_or_delete_view(request, actor, key)
    mine = saved_views(request.user, key)
    query = request.GET
    default = next((v for v in mine if v.is_default), None)
    if not query and default is not None and default.query:
        return HttpResponseRedirect(f"?{default.query}")
    columns = _chosen_columns(view, query, default.columns if default else None)
    filters, typed, errors = _filters(view, query)
    context = {
        "module": module,
        "view": view,
        "columns": columns,
        "all_columns": [{"key": c.key, "label": c.label, "on": c in columns} for c in view.columns],
        "filter_fields": _filter_fields(view, typed, errors),
        "saved_views": mine,
        "can_create": view.create is not None and actor.can(view.create.permission),
        "rows": [],
        "next_cursor": None,
        "ordering": query.get("ordering", ""),
        "filtered": any(v for v in typed.values()),
        "bulk": [a for a in view.actions if a.bulk and actor.can(a.permission)],
    }
    if errors:
        return TemplateResponse(request, "desk/list.html", context, status=422)
    allowed = {c.sort for c in view.columns if c.sort}
    limit = min(int(query.get("limit") or PAGE_SIZE) if (query.get("limit") or "").isdigit() else PAGE_SIZE, MAX_LIMIT)
    page = PageParams(cursor=query.get("cursor") or None, limit=max(limit, 1), ordering=query.get("ordering") or None)
    export = (
        ExportParams(format=query.get("format") or None) if query.get("format") in ("csv", "xlsx") else ExportParams()
    )
    try:
        result = list_or_export(
            request,
            view.query(**(filters.model_dump() if filters else {})),
            page,
            export,
            filename=view.export_name or view.slug,
            allowed_ordering=allowed,
            default_ordering=list(view.ordering),
            columns=[(str(c.label), (lambda row, c=c: export_value(row, c)), c.kind == "amount") for c in columns],
            prepare=view.prepare,
        )
    except DomainError as exc:
        context["filter_fields"] = _filter_fields(view, typed, {e.field: e.message for e in exc.errors})
        context["form_error"] = exc.message
        return TemplateResponse(request, "desk/list.html", context, status=422)
    if export.format:
        return result
    base = query.copy()
    for name in ("cursor", "format"):
        base.pop(name, None)
    context["rows"] = [
        {"id": row.pk, "label": raw(row, columns[0].key), "html": row_html([cell(row, c) for c in columns], url)}
        for row in result["items"]
        for url in (_detail_url(module, view, row.pk),)
    ]
    context["next_cursor"] = result["next_cursor"]
    context["next_url"] = f"?{_with(base, cursor=result['next_cursor'])}" if result["next_cursor"] else ""
    context["first_url"] = f"?{base.urlencode()}" if query.get("cursor") else ""
    context["headers"] = [_header(c, base) for c in columns]
    context["export_urls"] = [(fmt.upper(), f"?{_with(base, format=fmt)}") for fmt in ("csv", "xlsx")]
    context["current_query"] = base.urlencode()
    return TemplateResponse(request, "desk/list.html", context)


def _with(query: QueryDict, **values) -> str:
    q = query.copy()
    for k, v in values.items():
        q[k] = v
    return q.urlencode()


def _header(column, base: QueryDict) -> dict:
    current = base.get("ordering", "")
    if not column.sort:
        return {"label": column.label, "num": column.kind in ("amount", "number"), "url": "", "sort": ""}
    ascending = current == column.sort
    descending = current == f"-{column.sort}"
    target = f"-{column.sort}" if ascending else column.sort
    q = base.copy()
    q["ordering"] = target
    return {
        "label": column.label,
        "num": column.kind in ("amount", "number"),
        "url": f"?{q.urlencode()}",
        "sort": "ascending" if ascending else "descending" if descending else "",
    }


def _save_or_delete_view(request, actor, key: str):
    post = request.POST
    if post.get("delete"):
        try:
            delete_saved_view(actor=request.user, saved_view_id=post["delete"])
        except (DomainError, ValueError):
            raise Http404("No such saved view") from None
        messages.success(request, _("The view was deleted."))
        return redirect(request.path)
    query = QueryDict(post.get("query", ""), mutable=True)
    for name in NOT_SAVED:
        query.pop(name, None)
    try:
        save_view(
            actor=request.user,
            data=SavedViewInput(
                view=key,
                name=post.get("name", ""),
                query=query.urlencode(),
                columns=tuple(post.getlist("columns")),
                is_default=bool(post.get("is_default")),
            ),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(f"{request.path}?{post.get('query', '')}")
    messages.success(request, _("The view was saved."))
    return redirect(f"{request.path}?{query.urlencode()}")


def _bulk(request, actor, module: str, view: DeskView):
    """Runs one action (declared `bulk`, taking no fields) on each selected record the member may act on; each
    record is its own transaction, as if its button had been pressed; the refusals are reported by record."""
    action = next((a for a in view.actions if a.bulk and a.name == request.POST["bulk"]), None)
    if action is None or not actor.can(action.permission):
        raise PermissionDenied(_("No such bulk action"))
    done, refused = 0, []
    for pk in request.POST.getlist("ids")[:MAX_LIMIT]:
        try:
            obj = view.get(pk)
        except (DomainError, ValueError, DjangoValidationError):
            continue
        if not action.when(obj):
            refused.append(_("%(record)s: not possible in its state") % {"record": view.title(obj)})
            continue
        try:
            action.run(actor, obj, None)
            done += 1
        except DomainError as exc:
            refused.append(f"{view.title(obj)}: {exc.message}")
    if done:
        messages.success(request, _("%(action)s: %(count)d done.") % {"action": action.label, "count": done})
    for message in refused:
        messages.error(request, message)
    return redirect(f"{request.path}?{request.POST.get('query', '')}")


# --- detail and actions -----------------------------------------------------------------------------------------


def _history(obj) -> list:
    return list(audit_log(object_type=obj._meta.label_lower, object_id=obj.pk).order_by("-timestamp")[:HISTORY_ROWS])


def _actions(actor, view: DeskView, obj) -> list[Action]:
    return [a for a in view.actions if actor.can(a.permission) and a.when(obj)]


def _line_url(lines, row) -> str:
    if not lines.link:
        return ""
    module, slug = lines.link.split(".")
    return record_url(module, slug, row.pk)


def _documents(request, actor, view: DeskView) -> list[LineTable]:
    """The tables of related documents this member may read, of modules switched on."""
    on = modules_on(request)
    return [
        spec
        for spec in view.documents
        if (not spec.permission or actor.can(spec.permission)) and (not spec.link or spec.link.split(".")[0] in on)
    ]


def _table(spec: LineTable, obj) -> dict:
    """A table of the detail page (its lines, a table of related documents): rows, headers and totals."""
    rows = list(spec.rows(obj))
    totals = {key: sum((getattr(r, key) or 0) for r in rows) for key in spec.totals}
    for column in spec.columns:  # a total's currency, when its rows share one
        found = {raw(r, column.currency) for r in rows} if column.key in totals and column.currency else ()
        if len(found) == 1:
            totals[column.currency] = found.pop()
    return {
        "label": spec.label,
        "headers": [{"label": c.label, "num": c.kind in ("amount", "number")} for c in spec.columns],
        "rows": [row_html([cell(r, c) for c in spec.columns], _line_url(spec, r)) for r in rows],
        "totals": [cell(totals, c) if c.key in totals else None for c in spec.columns] if totals else None,
    }


@never_cache
@require_http_methods(["GET"])
@desk_page()
def detail_view(request, actor, module: str, slug: str, pk):
    view = _view(request, module, slug)
    obj = _record(actor, view, pk)
    documents = [_table(spec, obj) for spec in _documents(request, actor, view)]
    context = {
        "module": module,
        "view": view,
        "obj": obj,
        "title": view.title(obj),
        "status": cell(obj, _status_column(view)) if view.status else None,
        "header": [(c.label, cell(obj, c)) for c in view.header],
        "lines": _table(view.lines, obj) if view.lines is not None else None,
        "documents": [table for table in documents if table["rows"]],
        "actions": _actions(actor, view, obj),
        "can_edit": view.edit is not None and actor.can(view.edit.permission) and view.edit_when(obj),
        "related": list(view.related(obj)) if view.related else [],
        "history": _history(obj) if view.history else [],
        "attachments": list(attachments(owner_type=obj._meta.label_lower, owner_id=obj.pk).order_by("-created_at")),
        "can_attach": actor.can(owner_permission(type(obj), "change")),
    }
    return TemplateResponse(request, "desk/detail.html", context)


@never_cache
@require_http_methods(["POST"])
@desk_page()
def attach_view(request, actor, module: str, slug: str, pk):
    """Uploads a file to the record (the platform's attachment service, as the API's upload)."""
    view = _view(request, module, slug)
    obj = _record(actor, view, pk)
    if not actor.can(owner_permission(type(obj), "change")):
        raise PermissionDenied(_("You may not change this record"))
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to attach."))
    else:
        try:
            upload_attachment(actor=actor.user, owner_type=obj._meta.label_lower, owner_id=obj.pk, upload=upload)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(name)s attached.") % {"name": upload.name})
    return redirect(_detail_url(module, view, obj.pk))


def _status_column(view: DeskView) -> Column:
    return Column(view.status, "", kind="badge")


@never_cache
@require_http_methods(["GET", "POST"])
@desk_page()
def action_view(request, actor, module: str, slug: str, pk, action: str):
    view = _view(request, module, slug)
    obj = _record(actor, view, pk)
    found = next((a for a in _actions(actor, view, obj) if a.name == action), None)
    if found is None:
        raise Http404("No such action for this record")
    values = dict(found.initial(obj)) if found.initial else {}
    errors = forms.Errors()
    if request.method == "POST":
        values = {f.name: request.POST.get(f.name, "").strip() for f in found.fields}
        body = None
        if found.schema is not None:
            try:
                body = found.schema.model_validate({k: v for k, v in values.items() if v != ""})
            except ValidationError as exc:
                for e in exc.errors():
                    errors.add(forms.form_name(e["loc"]), forms.message_of(e), {f.name for f in found.fields})
        if not errors:
            try:
                result = found.run(actor, obj, body)
            except DomainError as exc:
                known = {f.name for f in found.fields}
                for e in exc.errors:
                    errors.add(forms.form_name(e.field), e.message, known)
                if not exc.errors:
                    errors.form.append(exc.message)
                if not found.fields:
                    for message in [*errors.form, *errors.fields.values()]:
                        messages.error(request, message)
                    return redirect(_detail_url(module, view, obj.pk))
            else:
                messages.success(request, _("%(action)s: done.") % {"action": found.label})
                if found.removes:
                    return redirect(reverse("desk:list", args=(module, view.slug)))
                if found.opens and result is not None:
                    return redirect(record_url(*found.opens.split("."), result.pk))
                target = result if result is not None and hasattr(result, "pk") else obj
                return redirect(_detail_url(module, view, target.pk))
    elif not found.fields:
        raise Http404("This action is a POST")
    context = {
        "module": module,
        "view": view,
        "obj": obj,
        "title": view.title(obj),
        "action": found,
        "fields": [
            {
                "field": f,
                "value": values.get(f.name, ""),
                "error": errors.fields.get(f.name, ""),
                "choices": forms.choices_of(f),
            }
            for f in found.fields
        ],
        "errors": errors,
    }
    return TemplateResponse(request, "desk/action.html", context, status=422 if errors else 200)


@never_cache
@require_http_methods(["GET"])
@desk_page()
def attachment_view(request, actor, attachment_id):
    """An attachment's file, for a member who may view the record it belongs to (404 otherwise)."""
    try:
        attachment = access_attachment(attachment_id)
        model = owner_model(attachment.owner_type)
        if not actor.can(owner_permission(model, "view")):
            raise NotFound(_("Attachment not found"))
        access_owner(model, attachment.owner_id)
    except DomainError as exc:
        raise Http404(str(exc)) from exc
    response = FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.file_name, content_type=attachment.mime_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- forms ------------------------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@desk_page()
def create_view(request, actor, module: str, slug: str):
    view = _view(request, module, slug)
    if view.create is None:
        raise Http404("Nothing to create here")
    return _form(request, actor, module, view, view.create, None)


@never_cache
@require_http_methods(["GET", "POST"])
@desk_page()
def edit_view(request, actor, module: str, slug: str, pk):
    view = _view(request, module, slug)
    if view.edit is None:
        raise Http404("This record is not edited here")
    return _form(request, actor, module, view, view.edit, pk)


def _form(request, actor, module: str, view: DeskView, spec: FormSpec, pk):
    if not actor.can(spec.permission):
        raise PermissionDenied(_("Missing permission %(permission)s") % {"permission": spec.permission})
    obj = _record(actor, view, pk) if pk is not None else None
    if obj is not None and not view.edit_when(obj):
        messages.error(request, _("This record can no longer be edited."))
        return redirect(_detail_url(module, view, obj.pk))
    errors = forms.Errors()
    if request.method == "POST":
        values, rows = forms.posted(spec, request.POST)
        pressed = request.POST.get("button", "")
        extra = spec.buttons[int(pressed)][1] if pressed.isdigit() and int(pressed) < len(spec.buttons) else {}
        body, errors = forms.parse(spec, values, rows, extra)
        if body is not None:
            try:
                saved = spec.save(actor, body, obj)
            except DomainError as exc:
                errors = forms.service_errors(spec, exc, len(rows))
            else:
                messages.success(request, _("%(name)s saved.") % {"name": view.singular})
                return redirect(_detail_url(module, view, saved.pk))
    else:
        initial = spec.initial(obj) if spec.initial else {}  # a create form's initial gets None
        values = {k: v for k, v in initial.items() if not isinstance(v, list)}
        rows = initial.get(spec.lines.name, []) if spec.lines else []
        if obj is None:
            values.update({k: v for k, v in request.GET.items() if k in {f.name for f in spec.fields}})
    context = {
        "module": module,
        "view": view,
        "obj": obj,
        "title": view.title(obj) if obj is not None else "",
        "spec": spec,
        "fields": [
            {
                "field": f,
                "value": values.get(f.name, ""),
                "error": errors.fields.get(f.name, ""),
                "choices": forms.choices_of(f),
            }
            for f in spec.fields
        ],
        "grid": _grid(spec, rows, errors) if spec.lines else None,
        "errors": errors,
        "cancel_url": _detail_url(module, view, obj.pk) if obj else reverse("desk:list", args=(module, view.slug)),
    }
    return TemplateResponse(request, "desk/form.html", context, status=422 if errors else 200)


def _grid(spec: FormSpec, rows: list[dict], errors: forms.Errors) -> dict:
    grid = spec.lines
    shown = forms.grid_rows(grid, rows)
    return {
        "grid": grid,
        "error": errors.fields.get(grid.name, ""),
        "rows": [
            [
                {
                    "field": f,
                    "name": f"{grid.name}-{i}-{f.name}",
                    "value": row.get(f.name, ""),
                    "error": errors.fields.get(f"{grid.name}-{i}-{f.name}", ""),
                    "choices": forms.choices_of(f),
                }
                for f in grid.fields
            ]
            for i, row in enumerate(shown)
        ],
        "blank": [
            {
                "field": f,
                "name": f"{grid.name}-__prefix__-{f.name}",
                "value": "",
                "error": "",
                "choices": forms.choices_of(f),
            }
            for f in grid.fields
        ],
    }
