"""``django.urls`` (and ``django.urls.resolvers``/``converters``) for Django's URL tests.

Every name comes from manouche.urlmap. Two pieces of Django's state are
translated: ``settings.ROOT_URLCONF`` is urlmap's root URLconf
(``set_root_urlconf``), kept in step when a test overrides the setting; and
Django's ``override_script_prefix`` test helper sets urlmap's script prefix
(it calls the ``django.urls`` functions it imported, which are urlmap's
here). A name urlmap does not have is a placeholder that raises when used,
so the test modules load and only the tests that need it fail.
"""

from __future__ import annotations

from typing import Any

from manouche import urlmap

_DJANGO_NAMES = [
    "LocalePrefixPattern", "NoReverseMatch", "REGISTERED_CONVERTERS", "IntConverter",
    "RegexPattern", "Resolver404", "ResolverMatch", "RoutePattern", "URLPattern",
    "URLResolver", "clear_script_prefix", "clear_url_caches", "get_callable",
    "get_mod_func", "get_ns_resolver", "get_resolver", "get_script_prefix", "get_urlconf",
    "include", "is_valid_path", "path", "re_path", "register_converter", "resolve",
    "reverse", "reverse_lazy", "set_script_prefix", "set_urlconf", "translate_url",
    "LocaleRegexDescriptor",
]  # fmt: skip


def _missing(name: str) -> Any:
    def missing(*args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"manouche.urlmap has no {name}")

    missing.__name__ = name
    return missing


class _RegisteredConverters:
    """Django's ``REGISTERED_CONVERTERS`` dict as its tests use it (``pop`` to clean up):
    urlmap's registry is the ``default_converters`` object."""

    def pop(self, name: str, default: Any = None) -> Any:
        if name in ("int", "path", "slug", "str", "uuid") or name not in urlmap.default_converters:
            return default  # Django's dict holds only the converters registered by users
        converter = urlmap.default_converters.get(name)
        urlmap.default_converters.unregister(name)
        return converter


for _name in _DJANGO_NAMES:
    globals()[_name] = getattr(urlmap, _name, None) or _missing(_name)
REGISTERED_CONVERTERS = _RegisteredConverters()


def install() -> None:
    from django.conf import settings
    from django.test.signals import setting_changed

    set_root = getattr(urlmap, "set_root_urlconf", None)
    if set_root is None:
        return
    set_root(settings.ROOT_URLCONF)

    def root_changed(setting: str, value: Any, **kwargs: Any) -> None:
        if setting == "ROOT_URLCONF":
            set_root(value)

    setting_changed.connect(root_changed, weak=False)

    import django.test.utils

    django.test.utils.get_script_prefix = urlmap.get_script_prefix  # type: ignore[attr-defined]
    django.test.utils.set_script_prefix = urlmap.set_script_prefix  # type: ignore[attr-defined]
