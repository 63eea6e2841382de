"""Shared fixtures: Django configured as the behavioural reference, a tplkit environment."""

from __future__ import annotations

from typing import Any

import pytest

from manouche.testsupport import configure_django
from manouche.tplkit import Environment, create_environment


@pytest.fixture(scope="session")
def django_settings() -> Any:
    """Django configured minimally, English, UTC (the reference of differential tests)."""
    pytest.importorskip("django")
    return configure_django(
        INSTALLED_APPS=["django.contrib.humanize"],
        USE_I18N=True,
        LANGUAGE_CODE="en-us",
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates"}],
        ROOT_URLCONF="tplkit_django_urls",
        STATIC_URL="/static/",
        URLIZE_ASSUME_HTTPS=False,
    )


@pytest.fixture(scope="session")
def django_render(django_settings: Any) -> Any:
    """Render a Django template string with a context (autoescape on)."""
    from django.template import Context, Engine

    engine = Engine(
        libraries={"humanize": "django.contrib.humanize.templatetags.humanize"},
        builtins=["django.contrib.humanize.templatetags.humanize"],
    )

    def render(source: str, **context: Any) -> str:
        return engine.from_string(source).render(Context(context))

    return render


@pytest.fixture
def env() -> Environment:
    """A tplkit environment rendering from strings (autoescape on, Django's filters)."""
    return create_environment()


@pytest.fixture
def jrender(env: Environment) -> Any:
    def render(source: str, **context: Any) -> str:
        return env.from_string(source).render(context)

    return render
