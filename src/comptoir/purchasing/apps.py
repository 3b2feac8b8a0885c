from django.apps import AppConfig


class PurchasingConfig(AppConfig):
    name = "comptoir.purchasing"
    label = "purchasing"
    verbose_name = "Purchasing"
