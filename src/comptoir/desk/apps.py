from django.apps import AppConfig


class DeskConfig(AppConfig):
    """The desk: the web client where members do their daily work (DESIGN §9)."""

    name = "comptoir.desk"
    label = "desk"
    verbose_name = "Desk"
    default_auto_field = "django.db.models.BigAutoField"
