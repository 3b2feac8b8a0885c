"""Admin pages of the identity app: members and their roles, roles and their permissions, users of the
organization, and the read-only security records (sign-in sessions, API tokens) with no secret shown. Also the
organization switcher, which stores the chosen organization in the browser session.

Internal tables have no page: one-time codes (verification tokens, which only their e-mail's owner redeems) and the
sign-in throttles of unknown e-mails.
"""

from __future__ import annotations

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from unfold.decorators import display

from comptoir.identity.middleware import SESSION_ORG_KEY
from comptoir.identity.models import ApiToken, AuthSession, MemberRole, Permission, Role, User
from comptoir.identity.services import accounts, api_tokens, auth, roles
from comptoir.platform.admin_site import (
    DirectWriteMixin,
    OperatorAdmin,
    ReadOnlyAdminMixin,
    SoftDeleteMixin,
    TenantAdmin,
    TenantModelForm,
    adopt,
    site,
)
from comptoir.platform.errors import DomainError
from comptoir.platform.queries.core import workspaces
from comptoir.platform.queries.members import members, memberships_of
from comptoir.platform.tenancy import require_org_id

# The membership model is the platform's; its page is here, next to the services that write members. Looked up in
# the app registry: identity reads and writes memberships only through the platform's queries and services.
OrganizationMember = apps.get_model("platform", "OrganizationMember")

site.password_change_hooks.append(lambda user: auth.revoke_all_sessions(user_id=user.pk, reason="password_change"))


def _live_roles():
    return Role.objects.filter(deleted_at__isnull=True, is_active=True).order_by("name")


# --- members -------------------------------------------------------------------------------------------------------


class MemberInviteForm(TenantModelForm):
    """Invite by e-mail: an unknown address becomes a PENDING user who receives an invitation code."""

    email = forms.EmailField()
    extra_roles = forms.ModelMultipleChoiceField(queryset=Role.objects.none(), required=False)

    class Meta:
        model = OrganizationMember
        fields = ("org_role",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["extra_roles"].queryset = _live_roles()


@admin.register(OrganizationMember, site=site)
class OrganizationMemberAdmin(TenantAdmin):
    """Members are invited (the add page, through `invite_member`), changed through `update_member` and
    deactivated through `remove_member`; never deleted."""

    not_written_here = frozenset({"delete"})
    not_here = {"delete": _("Members are deactivated (the list's action), never deleted.")}
    list_display = ("email", "full_name", "org_role", "roles", "is_active", "is_default", "joined_at")
    list_filter = ("org_role", "is_active")
    search_fields = ("user__email", "user__first_name", "user__last_name")
    list_select_related = ("user",)
    ordering = ("user__email",)
    readonly_fields = ("user", "is_default", "joined_at", "invited_by")
    actions = ("deactivate_members",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("member_roles__role")

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("email", "org_role", "extra_roles")
        return ("user", "org_role", "is_active", "is_default", "joined_at", "invited_by", *self.audit_fields)

    def get_readonly_fields(self, request, obj=None):
        return super().get_readonly_fields(request, obj) if obj is not None else ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = MemberInviteForm
        return super().get_form(request, obj, change, **kwargs)

    @display(description="e-mail", ordering="user__email")
    def email(self, obj) -> str:
        return obj.user.email

    @display(description="name")
    def full_name(self, obj) -> str:
        return obj.user.full_name

    @display(description="roles")
    def roles(self, obj) -> str:
        return ", ".join(sorted(mr.role.code for mr in obj.member_roles.all()))

    def has_add_permission(self, request):
        return request.user.has_perm("platform.invite_member")

    def has_deactivate_permission(self, request):
        return request.user.has_perm("platform.delete_organizationmember")

    def save_model(self, request, obj, form, change):
        if not change:
            member = accounts.invite_member(
                actor=request.user,
                email=form.cleaned_data["email"],
                org_role=form.cleaned_data["org_role"],
                role_codes=[r.code for r in form.cleaned_data["extra_roles"]],
            )
            adopt(obj, member)
            return
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in ("org_role", "is_active")}
        if changes:
            adopt(obj, accounts.update_member(actor=request.user, member_id=obj.pk, **changes))

    @admin.action(description="Deactivate selected members", permissions=["deactivate"])
    def deactivate_members(self, request, queryset):
        done = 0
        for member in queryset.select_related("user"):
            try:
                accounts.remove_member(actor=request.user, member_id=member.pk)
                done += 1
            except DomainError as error:
                self.message_user(request, f"{member.user.email}: {error.message}", messages.ERROR)
        if done:
            self.message_user(request, f"{done} member(s) deactivated", messages.SUCCESS)


# --- roles ---------------------------------------------------------------------------------------------------------


class RoleForm(TenantModelForm):
    permission_set = forms.ModelMultipleChoiceField(
        queryset=Permission.objects.none(),
        required=False,
        label="Permissions",
        widget=FilteredSelectMultiple("permissions", is_stacked=False),
    )

    class Meta:
        model = Role
        fields = ("code", "name", "description", "is_active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["permission_set"]
        field.queryset = Permission.objects.order_by("codename")
        if self.instance.pk is not None:
            field.initial = list(self.instance.role_permissions.values_list("permission_id", flat=True))
            if self.instance.is_system:  # system roles follow their template
                field.disabled = True
                if "is_active" in self.fields:
                    self.fields["is_active"].disabled = True


@admin.register(Role, site=site)
class RoleAdmin(SoftDeleteMixin, TenantAdmin):
    form = RoleForm
    refused = {"delete": _("A system role follows its template and is never deleted.")}
    list_display = ("name", "code", "is_system", "is_active", "permission_count", "member_count")
    list_filter = ("is_system", "is_active")
    search_fields = ("code", "name", "description")
    ordering = ("name",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                permission_total=Count("role_permissions", distinct=True),
                member_total=Count("member_roles", distinct=True),
            )
        )

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("code", "name", "description", "permission_set")
        return ("code", "name", "description", "is_active", "is_system", "permission_set", *self.audit_fields)

    def get_readonly_fields(self, request, obj=None):
        extra = ("code", "is_system") if obj is not None else ()
        return (*extra, *super().get_readonly_fields(request, obj))

    @display(description="permissions", ordering="permission_total")
    def permission_count(self, obj) -> int:
        return obj.permission_total

    @display(description="members", ordering="member_total")
    def member_count(self, obj) -> int:
        return obj.member_total

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.is_system)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        codenames = [p.codename for p in data.get("permission_set") or ()]
        if not change:
            role = roles.create_role(
                actor=request.user,
                code=data["code"],
                name=data["name"],
                description=data.get("description", ""),
                permissions=codenames,
            )
            adopt(obj, role)
            return
        changed = set(form.changed_data)
        changes = {name: data[name] for name in ("name", "description", "is_active") if name in changed}
        if "permission_set" in changed:
            changes["permissions"] = codenames
        if changes:
            adopt(obj, roles.update_role(actor=request.user, role_id=obj.pk, **changes))

    def delete_model(self, request, obj):
        roles.delete_role(actor=request.user, role_id=obj.pk)


@admin.register(MemberRole, site=site)
class MemberRoleAdmin(TenantAdmin):
    """Role assignments, through `assign_role` and `unassign_role`; a change is an unassignment plus an
    assignment."""

    not_written_here = frozenset({"change"})
    not_here = {"change": _("An assignment is not changed: delete it and add another.")}

    list_display = ("member_email", "role", "workspace", "created_at", "created_by")
    list_filter = (("role", admin.RelatedOnlyFieldListFilter), ("workspace", admin.RelatedOnlyFieldListFilter))
    search_fields = ("member__user__email", "role__code", "role__name")
    list_select_related = ("member__user", "role", "workspace", "created_by")
    ordering = ("member__user__email", "role__name")
    fields = ("member", "role", "workspace")

    @display(description="member", ordering="member__user__email")
    def member_email(self, obj) -> str:
        return obj.member.user.email

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "member":
            kwargs["queryset"] = members(is_active=True).order_by("user__email")
        elif db_field.name == "role":
            kwargs["queryset"] = _live_roles()
        elif db_field.name == "workspace":
            kwargs["queryset"] = workspaces().order_by("name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request):
        return request.user.has_perm("identity.assign_role")

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("identity.assign_role")

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        assignment = roles.assign_role(
            actor=request.user,
            member_id=data["member"].pk,
            role_id=data["role"].pk,
            workspace_id=data["workspace"].pk if data.get("workspace") else None,
        )
        adopt(obj, assignment)

    def delete_model(self, request, obj):
        roles.unassign_role(
            actor=request.user, member_id=obj.member_id, role_id=obj.role_id, workspace_id=obj.workspace_id
        )


@admin.register(Permission, site=site)
class PermissionAdmin(ReadOnlyAdminMixin, OperatorAdmin):
    """The catalogue generated from the code (see identity.permissions); not editable."""

    not_here = dict.fromkeys(("add", "change", "delete"), _("Permissions are generated from the code of the modules."))

    list_display = ("codename", "name", "module")
    list_filter = ("module",)
    search_fields = ("codename", "name", "description")
    ordering = ("codename",)
    fields = ("codename", "name", "module", "description")


# --- users ---------------------------------------------------------------------------------------------------------


@admin.register(User, site=site)
class UserAdmin(DirectWriteMixin, OperatorAdmin):
    """The users who are members of the current organization. A user is a login shared by several
    organizations, so only the user (or a superuser) edits the profile, written by the admin itself (no service
    writes a profile) and audited; security fields are read-only."""

    not_written_here = frozenset({"add", "delete"})
    not_here = {
        "add": _("Users join an organization by invitation (Organization members, Add)."),
        "delete": _("Users are not deleted: deactivate their membership instead."),
    }
    refused = {"change": _("A profile is changed by its user only.")}

    editable_fields = ("first_name", "last_name", "phone")
    list_display = ("email", "full_name", "status", "email_verified", "locked", "last_login")
    list_filter = ("status", "registration_status", "email_verified")
    search_fields = ("email", "first_name", "last_name", "phone")
    ordering = ("email",)
    fieldsets = (
        (None, {"fields": ("email", "first_name", "last_name", "phone")}),
        (
            "Status",
            {
                "fields": (
                    "status",
                    "registration_status",
                    "email_verified",
                    "phone_verified",
                    "is_internal_user",
                    "is_portal_user",
                    "is_staff",
                    "is_superuser",
                )
            },
        ),
        ("Security", {"fields": ("last_login", "last_login_ip", "failed_login_attempts", "locked_until")}),
        ("Audit", {"classes": ("collapse",), "fields": ("created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).filter(memberships__organization_id=require_org_id())

    def get_readonly_fields(self, request, obj=None):
        shown = [f for _name, options in self.fieldsets for f in options["fields"]]
        return tuple(f for f in shown if f not in self.editable_fields)

    @display(description="name")
    def full_name(self, obj) -> str:
        return obj.full_name

    @display(description="locked", boolean=True)
    def locked(self, obj) -> bool:
        return obj.is_locked

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or obj.pk == request.user.pk or request.user.is_superuser


# --- sessions and tokens (read-only, no secrets) --------------------------------------------------------------------


@admin.register(AuthSession, site=site)
class AuthSessionAdmin(ReadOnlyAdminMixin, OperatorAdmin):
    """Signed-in devices of the organization's members; the refresh-token hash is never shown."""

    list_display = ("user", "ip_address", "short_user_agent", "created_at", "last_used_at", "expires_at", "active")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter), "revoked_reason")
    search_fields = ("user__email", "ip_address", "user_agent")
    list_select_related = ("user",)
    ordering = ("-created_at",)
    fields = (
        "user",
        "organization",
        "ip_address",
        "user_agent",
        "device_info",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
        "revoked_reason",
    )

    def get_queryset(self, request):
        org_id = require_org_id()
        return (
            super()
            .get_queryset(request)
            .filter(user__memberships__organization_id=org_id)
            .filter(Q(organization__isnull=True) | Q(organization_id=org_id))
        )

    @display(description="user agent")
    def short_user_agent(self, obj) -> str:
        return obj.user_agent[:60]

    @display(description="active", boolean=True)
    def active(self, obj) -> bool:
        return obj.is_active


class TokenStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return (("live", "Live"), ("revoked", "Revoked"), ("expired", "Expired"))

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "live":
            return queryset.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now), revoked_at__isnull=True)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        if self.value() == "expired":
            return queryset.filter(expires_at__lte=now, revoked_at__isnull=True)
        return queryset


@admin.register(ApiToken, site=site)
class ApiTokenAdmin(ReadOnlyAdminMixin, TenantAdmin):
    """Personal API tokens of the organization; the hash is never shown. The only write is revocation."""

    list_display = ("name", "user", "token_prefix", "state", "created_at", "expires_at", "last_used_at")
    list_filter = (TokenStateFilter, ("user", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "token_prefix", "user__email")
    list_select_related = ("user",)
    ordering = ("-created_at",)
    fields = ("name", "user", "token_prefix", "scopes", "expires_at", "last_used_at", "revoked_at")
    actions = ("revoke_tokens",)

    @display(description="state")
    def state(self, obj) -> str:
        if obj.revoked_at is not None:
            return "revoked"
        if obj.expires_at is not None and obj.expires_at <= timezone.now():
            return "expired"
        return "live"

    def has_revoke_permission(self, request):
        return request.user.has_perm("identity.change_apitoken")

    @admin.action(description="Revoke selected tokens", permissions=["revoke"])
    def revoke_tokens(self, request, queryset):
        ids = list(queryset.filter(revoked_at__isnull=True).values_list("pk", flat=True))
        for token_id in ids:
            api_tokens.revoke_api_token(actor=request.user, token_id=token_id, any_user=True)
        self.message_user(request, f"{len(ids)} token(s) revoked", messages.SUCCESS)


# --- the organization switcher -------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@login_required(login_url=reverse_lazy("admin:login"))
def switch_organization(request):
    """GET lists the user's organizations; POST `organization=<id>` makes it the session's organization.
    An organization the user is not an active member of is answered 404."""
    memberships = memberships_of(request.user)
    if request.method == "POST":
        wanted = request.POST.get("organization", "")
        chosen = next((m for m in memberships if str(m.organization_id) == wanted), None)
        if chosen is None:
            raise Http404("No such organization among yours")
        request.session[SESSION_ORG_KEY] = str(chosen.organization_id)
        messages.success(request, f"You are now working in {chosen.organization.name}.")
        return redirect("admin:index")
    actor = getattr(request, "actor", None)
    context = {
        **site.each_context(request),
        "title": "Switch organization",
        "subtitle": None,
        "memberships": memberships,
        "current_organization_id": getattr(actor, "organization_id", None),
    }
    request.current_app = site.name
    return TemplateResponse(request, "comptoir/admin/switch_organization.html", context)
