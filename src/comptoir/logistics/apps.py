from django.apps import AppConfig


class LogisticsConfig(AppConfig):
    name = "comptoir.logistics"
    label = "logistics"
    verbose_name = "Logistics"
