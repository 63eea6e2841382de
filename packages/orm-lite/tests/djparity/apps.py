from django.apps import AppConfig


class ParityConfig(AppConfig):
    name = "tests.djparity"
    label = "parity"
