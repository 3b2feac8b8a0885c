from django.apps import AppConfig


class HrConfig(AppConfig):
    name = "comptoir.hr"
    label = "hr"
    verbose_name = "HR"
