from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "comptoir.identity"
    label = "identity"
    verbose_name = "Identity & access"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from comptoir.identity import permissions

        post_migrate.connect(permissions.on_post_migrate, dispatch_uid="comptoir-sync-permissions")
