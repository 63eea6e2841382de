"""Translations, lazy strings, locale selection and localized formatting on Babel.

Django's ``django.utils.translation`` and ``django.utils.formats`` names, as a
library: see the README.
"""

from manouche.i18nkit import timezone
from manouche.i18nkit.catalogs import DEFAULT_DOMAIN, Catalogs, to_language, to_locale
from manouche.i18nkit.commands import CompileError, compile_catalog, compilemessages
from manouche.i18nkit.formats import (
    date_format,
    datetime_format,
    format_currency,
    format_percent,
    localize,
    localize_input,
    number_format,
    parse_date,
    parse_datetime,
    parse_number,
    parse_time,
    time_format,
    unlocalize,
)
from manouche.i18nkit.lazy import (
    LazyString,
    gettext_lazy,
    ngettext_lazy,
    npgettext_lazy,
    pgettext_lazy,
)
from manouche.i18nkit.messages import extract_messages, makemessages
from manouche.i18nkit.middleware import (
    LANGUAGE_COOKIE_NAME,
    LocaleMiddleware,
    get_language_from_request,
)
from manouche.i18nkit.negotiation import (
    get_language_from_path,
    get_supported_language_variant,
    parse_accept_lang_header,
)
from manouche.i18nkit.timezone import TimezoneMiddleware, localtime
from manouche.i18nkit.translation import (
    ActiveTranslations,
    activate,
    active_translations,
    deactivate,
    deactivate_all,
    dgettext,
    get_catalogs,
    get_language,
    get_language_bidi,
    get_language_info,
    gettext,
    gettext_noop,
    ngettext,
    npgettext,
    override,
    pgettext,
    set_catalogs,
)
from manouche.i18nkit.views import is_safe_redirect, set_language, translate_url

__all__ = [
    "ActiveTranslations",
    "DEFAULT_DOMAIN",
    "LANGUAGE_COOKIE_NAME",
    "Catalogs",
    "TimezoneMiddleware",
    "CompileError",
    "LazyString",
    "LocaleMiddleware",
    "activate",
    "active_translations",
    "compile_catalog",
    "compilemessages",
    "date_format",
    "datetime_format",
    "deactivate",
    "deactivate_all",
    "dgettext",
    "extract_messages",
    "format_currency",
    "format_percent",
    "get_catalogs",
    "get_language",
    "get_language_bidi",
    "get_language_from_path",
    "get_language_from_request",
    "get_language_info",
    "get_supported_language_variant",
    "is_safe_redirect",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "localize",
    "localtime",
    "localize_input",
    "makemessages",
    "ngettext",
    "ngettext_lazy",
    "npgettext",
    "npgettext_lazy",
    "number_format",
    "override",
    "parse_accept_lang_header",
    "parse_date",
    "parse_datetime",
    "parse_number",
    "parse_time",
    "pgettext",
    "pgettext_lazy",
    "set_catalogs",
    "set_language",
    "time_format",
    "timezone",
    "to_language",
    "to_locale",
    "translate_url",
    "unlocalize",
]
