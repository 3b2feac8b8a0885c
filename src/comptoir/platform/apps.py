from django.apps import AppConfig


class PlatformConfig(AppConfig):
    name = "comptoir.platform"
    label = "platform"
    verbose_name = "Platform"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from comptoir.platform import db, reference_data
        from comptoir.platform.modules import registry

        registry()  # every installed module's spec, validated: a bad declaration stops the start-up

        connection_created.connect(db.on_connection_created, dispatch_uid="comptoir-connection-setup")
        post_migrate.connect(reference_data.on_post_migrate, dispatch_uid="comptoir-reference-data")
