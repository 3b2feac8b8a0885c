from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "comptoir.sales"
    label = "sales"
    verbose_name = "Sales"
