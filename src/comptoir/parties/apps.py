from django.apps import AppConfig


class PartiesConfig(AppConfig):
    name = "comptoir.parties"
    label = "parties"
    verbose_name = "Parties"
