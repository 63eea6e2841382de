from django.apps import AppConfig


class SerialTestConfig(AppConfig):
    name = "serial_djapp"
    label = "serialtest"
    default_auto_field = "django.db.models.BigAutoField"
