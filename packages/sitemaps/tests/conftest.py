"""Django, the behavioural reference, configured once: its sitemap templates, i18n URLs, UTC."""

from __future__ import annotations

import pytest

from manouche.testsupport import configure_django


def _configure() -> None:
    configure_django(
        USE_I18N=True,
        LANGUAGE_CODE="en",
        LANGUAGES=[("en", "English"), ("fr", "French"), ("de", "German")],
        INSTALLED_APPS=["django.contrib.sitemaps"],
        TEMPLATES=[
            {"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}
        ],
        ROOT_URLCONF="sitemaps_djurls",
        DATABASES={},
    )


@pytest.fixture(scope="session")
def django_ready() -> None:
    pytest.importorskip("django")
    _configure()
