"""``django.forms`` and its submodules for Django's forms tests: formkit's names."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _fallback import fallback  # noqa: E402

from manouche.formkit import *  # noqa: E402,F403
from manouche.formkit import __all__ as _names  # noqa: E402
from manouche.formkit import (  # noqa: E402,F401
    boundfield,
    fields,
    forms,
    formsets,
    media,
    renderers,
    utils,
    validators,
    widgets,
)

__all__ = list(_names)
__getattr__ = fallback("django.forms")


def _renderer_for(path: str) -> object:
    from django.utils.module_loading import import_string

    from manouche.formkit import PythonRenderer

    if path == "django.forms.renderers.DjangoTemplates":
        # Django's default setting: formkit's Python renderer for the built-in
        # templates, Django's engine for the test apps' own (forms_tests/...).
        return PythonRenderer(fallback=import_string(path)())
    return import_string(path)()


def install() -> None:
    """Django's ``FORM_RENDERER`` and ``STATIC_URL`` settings become formkit's
    default renderer and ``Media.static_url``."""
    from django.conf import settings
    from django.test.signals import setting_changed

    from manouche.formkit import Media, set_default_renderer

    set_default_renderer(_renderer_for(settings.FORM_RENDERER))
    default_static_url = Media.static_url
    Media.static_url = settings.STATIC_URL or default_static_url

    def renderer_changed(setting: str, value: str | None, **kwargs: object) -> None:
        if setting == "FORM_RENDERER":
            set_default_renderer(_renderer_for(value or "django.forms.renderers.DjangoTemplates"))
        elif setting == "STATIC_URL":
            Media.static_url = value or default_static_url

    setting_changed.connect(renderer_changed, weak=False)
