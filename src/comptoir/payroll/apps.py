from django.apps import AppConfig


class PayrollConfig(AppConfig):
    name = "comptoir.payroll"
    label = "payroll"
    verbose_name = "Payroll"

    def ready(self) -> None:
        from comptoir.payroll.services.heads import on_organization_created
        from comptoir.platform.hooks import register_organization_initializer

        register_organization_initializer(on_organization_created)
