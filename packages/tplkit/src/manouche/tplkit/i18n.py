"""Translations in templates: Jinja2's i18n extension fed by gettext objects.

``install_translations(env, translations)`` takes either one translations
object (``gettext.GNUTranslations``, Babel's ``Translations``, anything with
``gettext``/``ngettext``) or a selector: a callable of the request returning
the translations for that request (or ``None`` for the untranslated
strings), so a locale middleware's choice reaches the templates. Templates
then use ``{% trans %}``, ``_()``, ``gettext()``, ``ngettext()``,
``pgettext()`` and ``npgettext()``, new-style: placeholders are filled after
translation and escaped under autoescape.
"""

from __future__ import annotations

import gettext as gettext_module
from collections.abc import Callable
from typing import Any

import jinja2
from jinja2 import pass_context
from jinja2.runtime import Context

__all__ = ["install_translations"]

_UNTRANSLATED = gettext_module.NullTranslations()


def install_translations(env: jinja2.Environment, translations: Any) -> None:
    """Enable ``{% trans %}`` and the gettext functions in ``env``.

    ``translations`` is a translations object, or a callable of the request
    (the ``request`` variable of the template's context) returning one or
    ``None``. Templates rendered without a request are not translated by a
    selector.
    """
    if "jinja2.ext.InternationalizationExtension" not in env.extensions:
        env.add_extension("jinja2.ext.i18n")
    if hasattr(translations, "gettext") and hasattr(translations, "ngettext"):
        env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
        return
    if not callable(translations):
        raise TypeError(
            "translations must have gettext() and ngettext(), or be a callable of the "
            f"request returning such an object; got {translations!r}"
        )
    select: Callable[[Any], Any] = translations

    def current(context: Context) -> Any:
        request = context.get("request")
        found = select(request) if request is not None else None
        return found if found is not None else _UNTRANSLATED

    @pass_context
    def gettext(context: Context, message: str) -> str:
        return str(current(context).gettext(message))

    @pass_context
    def ngettext(context: Context, singular: str, plural: str, n: int) -> str:
        return str(current(context).ngettext(singular, plural, n))

    @pass_context
    def pgettext(context: Context, msgctxt: str, message: str) -> str:
        found = current(context)
        if hasattr(found, "pgettext"):
            return str(found.pgettext(msgctxt, message))
        return message

    @pass_context
    def npgettext(context: Context, msgctxt: str, singular: str, plural: str, n: int) -> str:
        found = current(context)
        if hasattr(found, "npgettext"):
            return str(found.npgettext(msgctxt, singular, plural, n))
        return singular if n == 1 else plural

    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext, ngettext, newstyle=True, pgettext=pgettext, npgettext=npgettext
    )
