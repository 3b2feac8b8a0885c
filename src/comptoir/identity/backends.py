"""Django auth backend: e-mail + password for the admin login, permissions from the current membership."""

from django.contrib.auth.backends import BaseBackend

from comptoir.identity.queries import member_permissions
from comptoir.platform.tenancy import current_org_id


class MemberPermissionBackend(BaseBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        from comptoir.identity.services.auth import authenticate_password

        if not username or not password:
            return None
        return authenticate_password(email=username, password=password, request=request, raise_errors=False)

    def get_user(self, user_id):
        from comptoir.identity.models import User

        return User.objects.filter(pk=user_id, deleted_at__isnull=True).first()

    def _permissions(self, user) -> frozenset[str]:
        org_id = current_org_id()
        if org_id is None or not user.is_active:
            return frozenset()
        cache = getattr(user, "_comptoir_perm_cache", None)
        if cache is None or cache[0] != org_id:
            cache = (org_id, member_permissions(org_id, user.pk))
            user._comptoir_perm_cache = cache
        return cache[1]

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        return perm in self._permissions(user_obj)

    def has_module_perms(self, user_obj, app_label) -> bool:
        return any(p.startswith(app_label + ".") for p in self._permissions(user_obj))
