"""Django, the behavioural reference, configured once: its sitemap templates, i18n URLs, UTC."""

from __future__ import annotations

import pytest


def _configure() -> None:
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            USE_TZ=True,
            TIME_ZONE="UTC",
            USE_I18N=True,
            LANGUAGE_CODE="en",
            LANGUAGES=[("en", "English"), ("fr", "French"), ("de", "German")],
            ALLOWED_HOSTS=["*"],
            INSTALLED_APPS=["django.contrib.sitemaps"],
            TEMPLATES=[
                {"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}
            ],
            ROOT_URLCONF="sitemaps_djurls",
            DATABASES={},
        )
    import django

    django.setup()


@pytest.fixture(scope="session")
def django_ready() -> None:
    pytest.importorskip("django")
    _configure()
