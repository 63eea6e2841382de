"""Templates on Jinja2, with Django's conveniences: ``manouche.tplkit``.

An environment factory, template libraries, Django's filters, context
processors, ``render()``, rendering one block alone, and hooks for URL
reversing, static files, CSRF, CSP nonces, translations and fragment caching.
"""

from manouche.tplkit.cache import FragmentCacheExtension, make_template_fragment_key
from manouche.tplkit.dateformat import format_date, format_time
from manouche.tplkit.environment import (
    Environment,
    SandboxedEnvironment,
    create_environment,
    template_location,
)
from manouche.tplkit.filters import JSONEncoder, django_filters
from manouche.tplkit.i18n import install_translations
from manouche.tplkit.library import ENTRY_POINT_GROUP, Library, LibraryError, load_libraries
from manouche.tplkit.loaders import ResourceLoader
from manouche.tplkit.partials import PartialsExtension
from manouche.tplkit.rendering import (
    CSP_NONCE_KEY,
    CSRF_TOKEN_KEY,
    REQUEST_VALUES,
    BlockNotFound,
    RequestContext,
    get_context,
    render,
    render_block,
    render_to_string,
)
from manouche.tplkit.timesince import timesince, timeuntil

__all__ = [
    "CSP_NONCE_KEY",
    "CSRF_TOKEN_KEY",
    "ENTRY_POINT_GROUP",
    "REQUEST_VALUES",
    "BlockNotFound",
    "Environment",
    "FragmentCacheExtension",
    "JSONEncoder",
    "Library",
    "LibraryError",
    "PartialsExtension",
    "RequestContext",
    "ResourceLoader",
    "SandboxedEnvironment",
    "create_environment",
    "django_filters",
    "format_date",
    "format_time",
    "get_context",
    "install_translations",
    "load_libraries",
    "make_template_fragment_key",
    "render",
    "render_block",
    "render_to_string",
    "template_location",
    "timesince",
    "timeuntil",
]
