"""The admin site (django-unfold) and the base classes every app's admin builds on.

The admin is for operators; members work in the desk. Entry needs an active user holding `platform.access_admin`
in the current organization; model permissions are the member's RBAC codenames (`app.view_model`…), answered by
the identity auth backend. Tenant rows are read through the scoped managers inside the request's tenant context,
so another organization's rows neither list nor open. Writes go through the app's services where one exists; a
service's `DomainError` comes back as an error on the form, and nothing of the failed attempt is kept. A write the
admin does not offer is absent (404, saying where such records are written), never Django's bare 403 page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.auth.forms import AuthenticationForm as DjangoAuthenticationForm
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy
from unfold.admin import ModelAdmin, TabularInline
from unfold.decorators import display
from unfold.forms import AuthenticationForm as UnfoldAuthenticationForm
from unfold.sites import UnfoldAdminSite
from unfold.views import ChangeList

from comptoir.platform.constants import AuditAction
from comptoir.platform.errors import DomainError
from comptoir.platform.models import OrganizationMember
from comptoir.platform.money import AMOUNT_DECIMALS, AMOUNT_DIGITS, trim
from comptoir.platform.services.audit import json_safe, record_audit, snapshot
from comptoir.platform.tenancy import current_org_id, require_org_id

ACCESS_ADMIN = "platform.access_admin"
SWITCH_URL_NAME = "admin_switch_organization"
AUDIT_FIELDS = ("created_at", "created_by", "updated_at", "updated_by")
ALL_WRITES = frozenset({"add", "change", "delete"})
# Where the records of a page that does not write them are written (%(Names)s: the model's plural, capitalized).
NOT_HERE = {
    "add": gettext_lazy("%(Names)s are not added in the admin: they are created in the desk or through the API."),
    "change": gettext_lazy("%(Names)s are shown here, not changed: they are changed in the desk or through the API."),
    "delete": gettext_lazy("%(Names)s are not deleted in the admin: they are removed in the desk or through the API."),
}
# A write the page offers, refused by the member's roles or for one row (%(names)s: the plural, %(one)s: the name).
REFUSED = {
    "view": gettext_lazy("Your roles do not allow you to see %(names)s."),
    "add": gettext_lazy("Your roles do not allow you to add %(names)s."),
    "change": gettext_lazy("This %(one)s is shown to you, not changed by you."),
    "delete": gettext_lazy("This %(one)s cannot be deleted by you."),
}


class AdminLoginForm(UnfoldAuthenticationForm):
    """E-mail + password; any active user may sign in (entry is decided per organization, not by is_staff)."""

    def confirm_login_allowed(self, user) -> None:
        DjangoAuthenticationForm.confirm_login_allowed(self, user)


class ComptoirAdminSite(UnfoldAdminSite):
    site_header = "Comptoir"
    site_title = "Comptoir"
    index_title = "Administration"
    login_form = AdminLoginForm
    login_template = "comptoir/admin/login.html"

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)
        self.password_change_hooks: list = []

    def has_permission(self, request) -> bool:
        user = request.user
        actor = getattr(request, "actor", None)
        return bool(
            user.is_active
            and user.is_authenticated
            and actor is not None
            and actor.organization_id is not None
            and user.has_perm(ACCESS_ADMIN)
        )

    def get_app_list(self, request, app_label=None):
        """No model links for a user the admin refuses (the switcher page is shown to them too)."""
        return super().get_app_list(request, app_label) if self.has_permission(request) else []

    def each_context(self, request) -> dict:
        context = super().each_context(request)
        context["switch_organization_url"] = switch_organization_url(request)
        return context

    def password_change(self, request, extra_context=None):
        """Django's view, then the identity hooks (a password change revokes the user's API sessions)."""
        response = super().password_change(request, extra_context)
        if request.method == "POST" and response.status_code == 302:
            for hook in self.password_change_hooks:
                hook(request.user)
        return response


site = ComptoirAdminSite(name="admin")


# --- header: the current organization and the switcher ---------------------------------------------------------


def switch_organization_url(request=None) -> str:
    try:
        return reverse(SWITCH_URL_NAME)
    except NoReverseMatch:
        return ""


def user_memberships(request) -> list[OrganizationMember]:
    """The signed-in user's active memberships with their organization (RLS shows a user their own), cached
    on the request."""
    cached = getattr(request, "_comptoir_memberships", None)
    if cached is not None:
        return cached
    user = getattr(request, "user", None)
    rows: list[OrganizationMember] = []
    if user is not None and user.is_authenticated and getattr(request, "actor", None) is not None:
        rows = list(
            OrganizationMember.unscoped.filter(user_id=user.pk, is_active=True)
            .select_related("organization")
            .order_by("organization__name")
        )
    request._comptoir_memberships = rows
    return rows


def current_organization_label(request) -> str | None:
    """UNFOLD SITE_SUBHEADER: the name of the organization the admin is working in."""
    actor = getattr(request, "actor", None)
    org_id = getattr(actor, "organization_id", None)
    for member in user_memberships(request):
        if member.organization_id == org_id:
            return member.organization.name
    return None


def organization_dropdown(request) -> list[dict]:
    """UNFOLD SITE_DROPDOWN: the user's organizations (the current one ticked) and the switcher."""
    memberships = user_memberships(request)
    url = switch_organization_url(request)
    if not memberships or not url:
        return []
    org_id = getattr(request.actor, "organization_id", None)
    items = [
        {
            "title": member.organization.name,
            "link": url,
            "icon": "check" if member.organization_id == org_id else "domain",
        }
        for member in memberships
    ]
    items.append({"title": "Switch organization…", "link": url, "icon": "swap_horiz"})
    return items


# --- base admin classes -----------------------------------------------------------------------------------------


class PreparedChangeList(ChangeList):
    """Hands each page of rows to the admin's `prepare_rows` before it is shown."""

    def get_results(self, request):
        super().get_results(request)
        self.model_admin.prepare_rows(self.result_list)


class OperatorAdmin(ModelAdmin):
    """The base of every admin page. A write the page does not offer (`writes_not_here`) is absent: its add and
    delete pages answer 404 and a POST to the page showing a row answers 405, each saying where such records are
    written (`not_here` overrides the defaults of NOT_HERE); a refusal by the member's roles or for one row answers
    403 with its reason (`refused` overrides REFUSED). Never Django's bare 403 page."""

    not_written_here: frozenset[str] = frozenset()
    not_here: dict[str, str] = {}
    refused: dict[str, str] = {}

    def writes_not_here(self, request) -> frozenset[str]:
        return self.not_written_here

    def has_add_permission(self, request):
        return "add" not in self.writes_not_here(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return "change" not in self.writes_not_here(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return "delete" not in self.writes_not_here(request) and super().has_delete_permission(request, obj)

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except PermissionDenied:
            return self.refusal(request, "view")

    def history_view(self, request, object_id, extra_context=None):
        try:
            return super().history_view(request, object_id, extra_context)
        except PermissionDenied:
            return self.refusal(request, "view")

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            return self.refusal(request, "add")
        return super().add_view(request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST" and not self.has_change_permission(request):
            return self.refusal(request, "change")
        try:
            return super().change_view(request, object_id, form_url, extra_context)
        except PermissionDenied:
            return self.refusal(request, "change" if request.method == "POST" else "view")

    def delete_view(self, request, object_id, extra_context=None):
        if not self.has_delete_permission(request):
            return self.refusal(request, "delete")
        try:
            return super().delete_view(request, object_id, extra_context)
        except PermissionDenied:
            return self.refusal(request, "delete")

    def refusal(self, request, write: str) -> TemplateResponse:
        """The page answering a write this page does not offer (404, or 405 for a POST to a row's page), or one the
        member may not make (403), with the reason and a way back to the list."""
        plural = self.opts.verbose_name_plural
        names = {"Names": capfirst(plural), "names": plural, "one": self.opts.verbose_name}
        if write in self.writes_not_here(request):
            message = self.not_here.get(write, NOT_HERE[write]) % names
            status = 405 if write == "change" else 404
        else:
            message, status = self.refused.get(write, REFUSED[write]) % names, 403
        if write == "view":
            back = (reverse(f"{self.admin_site.name}:index"), gettext("Back to the administration"))
        else:
            url = reverse(f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_changelist")
            back = (url, gettext("Back to the %(name)s") % {"name": self.opts.verbose_name_plural})
        context = {
            **self.admin_site.each_context(request),
            "title": capfirst(self.opts.verbose_name_plural),
            "subtitle": None,
            "opts": self.opts,
            "message": message,
            "back_url": back[0],
            "back_label": back[1],
        }
        request.current_app = self.admin_site.name
        response = TemplateResponse(request, "comptoir/admin/not_here.html", context, status=status)
        if status == 405:
            response["Allow"] = "GET, HEAD"
        return response

    def get_changelist(self, request, **kwargs):
        return PreparedChangeList

    def prepare_rows(self, rows: list) -> None:
        """Label a changelist's page of rows in a few queries, not one per row (see `record_labels`)."""


def adopt(obj, saved) -> None:
    """Copy the row a service saved into the instance the admin holds (it logs and redirects with it)."""
    for field in obj._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False
    obj._state.db = saved._state.db


def _field_errors(error: DomainError, form) -> list[tuple[str | None, str]]:
    pairs = [(e.field if e.field in form.fields else None, e.message) for e in error.errors]
    return pairs or [(None, error.message)]


class ServiceFormMixin:
    """When a service refuses a save (`DomainError`), the transaction of the admin view is rolled back and the
    form is shown again with the refusal attached to its field."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")  # a bare host name is an https address (Django 6's default)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as error:
            if request.method != "POST" or getattr(request, "_comptoir_service_error", None) is not None:
                raise
            request._comptoir_service_error = error
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        error = getattr(request, "_comptoir_service_error", None)
        if error is None:
            return form_class

        class RefusedForm(form_class):
            def clean(self):
                cleaned = super().clean()
                for field, message in _field_errors(error, self):
                    self.add_error(field, message)
                return cleaned

        RefusedForm.__name__ = form_class.__name__
        return RefusedForm

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(request.path.rsplit("/delete/", 1)[0] + "/change/")

    def delete_queryset(self, request, queryset):
        """The bulk action: each row through `delete_model`; refusals are reported, the others deleted."""
        for obj in queryset:
            try:
                self.delete_model(request, obj)
            except DomainError as error:
                self.message_user(request, f"{obj}: {error.message}", messages.ERROR)


class TenantModelForm(forms.ModelForm):
    """Validates the unique constraints that include the organization (all of them do) against the current
    organization, so a duplicate is a form error rather than an IntegrityError."""

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        exclude.discard("organization")
        return exclude

    def _post_clean(self):
        if self.instance.organization_id is None:
            self.instance.organization_id = require_org_id()
        super()._post_clean()


class TenantAdmin(ServiceFormMixin, OperatorAdmin):
    """A tenant-owned model: rows of the current organization only (scoped manager + RLS); new rows get the
    organization and the audit users from the request; audit fields are read-only."""

    form = TenantModelForm
    audit_fields = AUDIT_FIELDS
    user_fields: tuple[str, ...] = ()  # FKs to User: choices limited to the organization's members

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields + tuple(f for f in self.audit_fields if f not in fields)

    def get_fields(self, request, obj=None):
        """The audit fields close the change form; the add form has none."""
        fields = tuple(f for f in super().get_fields(request, obj) if f not in self.audit_fields)
        return fields + self.audit_fields if obj is not None else fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.user_fields:
            kwargs["queryset"] = member_users(db_field.related_model)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_list_display(self, request):
        """Amount columns read as amounts (4,500.00; 1.234), not as the four-decimal column they are stored in."""
        return tuple(_amount_column(self.model, name) or name for name in super().get_list_display(request))

    def save_model(self, request, obj, form, change):
        stamp(obj, request.user, change)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        """Inline rows are written by the admin itself (no service writes them), audited like a service would."""
        for inline_form in formset.deleted_forms:
            if inline_form.instance.pk is not None:
                audit_deletion(request.user, inline_form.instance, inline_form.fields)
        saved = []
        for inline_form in formset.forms:
            instance = inline_form.instance
            if inline_form.has_changed() and not inline_form.cleaned_data.get("DELETE"):
                stamp(instance, request.user, change=not instance._state.adding)
                saved.append((inline_form, not instance._state.adding))
        super().save_formset(request, form, formset, change)
        for inline_form, changed in saved:
            audit_form(request.user, inline_form, changed)


def _amount_column(model, name):
    """A list column showing the amount field `name` with thousands separators and its meaningful decimals; None
    when `name` is not an amount field."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a method or a related lookup
        return None
    is_amount = isinstance(field, models.DecimalField) and (field.max_digits, field.decimal_places) == (
        AMOUNT_DIGITS,
        AMOUNT_DECIMALS,
    )
    if not is_amount:
        return None

    @display(description=field.verbose_name, ordering=name)
    def column(obj):
        value = getattr(obj, field.attname)
        return "" if value is None else f"{trim(value):,f}"

    column.__name__ = name
    return column


class TenantInline(TabularInline):
    form = TenantModelForm
    extra = 0
    user_fields: tuple[str, ...] = ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.user_fields:
            kwargs["queryset"] = member_users(db_field.related_model)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def stamp(obj, user, change: bool) -> None:
    if not change:
        obj.organization_id = require_org_id()
        obj.created_by = user
    obj.updated_by = user


def member_users(user_model):
    """Users who are active members of the current organization."""
    return user_model.objects.filter(
        memberships__organization_id=require_org_id(), memberships__is_active=True
    ).order_by("email")


class SoftDeleteMixin:
    """`deleted_at` marks a deleted row: the admin lists live rows only and its delete sets the mark."""

    def get_queryset(self, request):
        return super().get_queryset(request).filter(deleted_at__isnull=True)

    def get_deleted_objects(self, objs, request):
        objs = list(objs)
        perms_needed = set() if self.has_delete_permission(request) else {str(self.opts.verbose_name)}
        return [str(o) for o in objs], {self.opts.verbose_name_plural: len(objs)}, perms_needed, []

    def delete_model(self, request, obj):
        obj.deleted_at = timezone.now()
        fields = ["deleted_at", "updated_at"]
        for name in ("deleted_by", "updated_by"):
            if hasattr(obj, name + "_id"):
                setattr(obj, name, request.user)
                fields.append(name)
        obj.save(update_fields=fields)


class ReadOnlyAdminMixin:
    """Shown, never written from the admin: its write pages are absent (see `OperatorAdmin`)."""

    not_written_here = ALL_WRITES

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReferenceAdmin(OperatorAdmin):
    """A global master (currencies, countries, units): every member may read it; only superusers edit it (for the
    others its write pages are absent)."""

    not_here = {
        write: gettext_lazy(
            "%(Names)s are master data shared by every organization, maintained by the platform's operators."
        )
        for write in ALL_WRITES
    }

    def writes_not_here(self, request) -> frozenset[str]:
        return frozenset() if request.user.is_superuser else ALL_WRITES

    def has_add_permission(self, request):
        return bool(request.user.is_active and request.user.is_superuser)

    def has_change_permission(self, request, obj=None):
        return bool(request.user.is_active and request.user.is_superuser)

    def has_delete_permission(self, request, obj=None):
        return bool(request.user.is_active and request.user.is_superuser)


def in_current_organization(obj) -> bool:
    return obj is None or obj.pk == current_org_id()


# --- writes no service makes -----------------------------------------------------------------------------------------


class DirectWriteMixin:
    """A table no service writes (exchange rates, addresses, workspace members, one's own profile): the admin saves
    the row itself, in the view's transaction, and writes the audit row a service would."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_form(request.user, form, change)

    def delete_model(self, request, obj):
        audit_deletion(request.user, obj, self.get_fields(request, obj))
        super().delete_model(request, obj)


def _model_fields(obj, names: Iterable[str]) -> list[str]:
    wanted = set(names)
    return [f.name for f in obj._meta.concrete_fields if f.name in wanted]


def audit_form(actor, form, change: bool) -> None:
    """The audit row of the row `form` saved: its values, and on a change the old and new values of what changed."""
    obj = form.instance
    names = _model_fields(obj, form.changed_data if change else form.fields)
    if not names:
        return
    old = {name: json_safe(form.initial.get(name)) for name in names} if change else None
    action = AuditAction.UPDATE if change else AuditAction.CREATE
    record_audit(actor=actor, action=action, obj=obj, old=old, new=snapshot(obj, names))


def audit_deletion(actor, obj, names: Iterable[str]) -> None:
    record_audit(actor=actor, action=AuditAction.DELETE, obj=obj, old=snapshot(obj, _model_fields(obj, names)))


# --- references to other records (generic `*_type` + `*_id` pairs) -------------------------------------------------


def _model_of(kind: str):
    try:
        return apps.get_model(kind)
    except (LookupError, ValueError):
        return None


def record_labels(refs: Iterable[tuple[str, object]]) -> dict[tuple[str, str], str]:
    """{(kind, id): label} of references ('app_label.model', id): one query per kind, through the scoped managers
    (another organization's record is not found); a missing record or an unknown kind is left out."""
    wanted: dict[str, set] = defaultdict(set)
    for kind, pk in refs:
        if kind and pk:
            wanted[kind].add(pk)
    labels = {}
    for kind, ids in wanted.items():
        model = _model_of(kind)
        if model is None:
            continue
        labels.update({(kind, str(row.pk)): str(row) for row in model._default_manager.filter(pk__in=ids)})
    return labels


def record_cell(kind: str, pk, label: str | None):
    """A reference as the admin shows it: the record's kind and label, linked to its admin page when it has one;
    never its id ("not found" when the record is gone)."""
    if not kind:
        return "—"
    model = _model_of(kind)
    kind_label = model._meta.verbose_name if model is not None else kind
    if pk is None:
        return kind_label
    if label is None:
        return gettext("%(kind)s (not found)") % {"kind": kind_label}
    text = f"{kind_label}: {label}" if label else kind_label
    if model is None or not site.is_registered(model):
        return text
    url = reverse(f"{site.name}:{model._meta.app_label}_{model._meta.model_name}_change", args=(pk,))
    return format_html('<a href="{}">{}</a>', url, text)


def record_of(kind: str, pk):
    """The cell of one reference (a change page's read-only field)."""
    return record_cell(kind, pk, record_labels([(kind, pk)]).get((kind, str(pk))))
