from django.apps import AppConfig


class AccountingConfig(AppConfig):
    name = "comptoir.accounting"
    label = "accounting"
    verbose_name = "Accounting"

    def ready(self) -> None:
        from comptoir.accounting.services.setup import on_organization_created
        from comptoir.platform.hooks import register_organization_initializer

        register_organization_initializer(on_organization_created)
