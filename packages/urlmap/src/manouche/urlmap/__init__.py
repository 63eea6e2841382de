"""manouche.urlmap: Django's URL dispatcher (path, include, reverse) on Routes and WebOb."""

from manouche.urlmap.base import (
    escape_leading_slashes,
    get_script_prefix,
    get_urlconf,
    resolve,
    reverse,
    set_script_prefix,
    set_urlconf,
)
from manouche.urlmap.converters import (
    Converter,
    ConverterRegistry,
    IntConverter,
    PathConverter,
    SlugConverter,
    StringConverter,
    UUIDConverter,
    default_converters,
    get_converters,
    register_converter,
)
from manouche.urlmap.exceptions import (
    ImproperlyConfigured,
    MethodNotAllowed,
    NoReverseMatch,
    Resolver404,
)
from manouche.urlmap.maps import URLMap
from manouche.urlmap.patterns import (
    Mount,
    RegexPattern,
    RoutePattern,
    URLPattern,
    URLResolver,
    include,
    mount,
    path,
    re_path,
)
from manouche.urlmap.resolvers import ResolverMatch

__all__ = [
    "Converter",
    "ConverterRegistry",
    "ImproperlyConfigured",
    "IntConverter",
    "MethodNotAllowed",
    "Mount",
    "NoReverseMatch",
    "PathConverter",
    "RegexPattern",
    "Resolver404",
    "ResolverMatch",
    "RoutePattern",
    "SlugConverter",
    "StringConverter",
    "URLMap",
    "URLPattern",
    "URLResolver",
    "UUIDConverter",
    "default_converters",
    "escape_leading_slashes",
    "get_converters",
    "get_script_prefix",
    "get_urlconf",
    "include",
    "mount",
    "path",
    "re_path",
    "register_converter",
    "resolve",
    "reverse",
    "set_script_prefix",
    "set_urlconf",
]
