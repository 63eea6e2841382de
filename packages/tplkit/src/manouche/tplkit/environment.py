"""The environment factory: loaders in a defined order, autoescape, and the hooks.

:func:`create_environment` returns a :class:`Environment`, which *is* a
``jinja2.Environment`` (everything Jinja2 documents works on it) with
``render``/``render_to_string`` methods and errors that name the template and
line. :class:`SandboxedEnvironment` is the same on Jinja2's sandbox, for
templates that the users of a site write.
"""

from __future__ import annotations

import datetime as dt
import os
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import quote

import jinja2
import jinja2.sandbox

from manouche.tplkit.cache import FragmentCacheExtension
from manouche.tplkit.i18n import install_translations
from manouche.tplkit.library import Library, load_libraries
from manouche.tplkit.loaders import ResourceLoader
from manouche.tplkit.partials import PartialsExtension
from manouche.tplkit.rendering import RequestContext

if TYPE_CHECKING:
    import webob

    from manouche.tplkit.types import (
        ContextProcessor,
        FragmentCache,
        RequestLike,
        Reverse,
        StaticURL,
    )

__all__ = [
    "Environment",
    "SandboxedEnvironment",
    "create_environment",
    "template_location",
]

_NOTE_PREFIX = "in template "
# Autoescaped by default: HTML and XML, also when named for an editor (page.html.j2).
_ESCAPED_EXTENSIONS = tuple(
    f"{kind}{suffix}"
    for kind in ("html", "htm", "xml")
    for suffix in ("", ".j2", ".jinja", ".jinja2")
)


def template_location(exc: BaseException) -> list[tuple[str, int]]:
    """The templates and lines an exception passed through, outermost first.

    Read from the traceback of an exception raised while rendering; ``[]``
    when no template code was running. Templates are named by their loader
    name while the error is handled, by their file name once Jinja2 has
    rewritten the traceback (as in the exception the caller catches).
    """
    found: list[tuple[str, int]] = []
    tb = exc.__traceback__
    while tb is not None:
        frame_globals = tb.tb_frame.f_globals
        template = frame_globals.get("__jinja_template__")
        name: str | None = None
        if template is not None:
            name = template.name or template.filename or "<string>"
            lineno = template.get_corresponding_lineno(tb.tb_lineno)
        elif "__jinja_exception__" in frame_globals:
            # A frame of a traceback Jinja2 already rewrote to point at the source.
            name, lineno = tb.tb_frame.f_code.co_filename, tb.tb_lineno
        if name is not None:
            if found and found[-1][0] == name:
                found[-1] = (name, lineno)
            else:
                found.append((name, lineno))
        tb = tb.tb_next
    return found


def _location_note(exc: BaseException) -> str | None:
    if isinstance(exc, jinja2.TemplateSyntaxError):
        name = exc.name or exc.filename
        return f'{_NOTE_PREFIX}"{name}", line {exc.lineno}' if name else None
    chain = template_location(exc)
    if not chain:
        return None
    inner_name, inner_line = chain[-1]
    note = f'{_NOTE_PREFIX}"{inner_name}", line {inner_line}'
    outer = ", ".join(f'"{n}", line {ln}' for n, ln in reversed(chain[:-1]))
    return f"{note} (from {outer})" if outer else note


class Environment(jinja2.Environment):
    """A ``jinja2.Environment`` that renders for requests and names the template in errors.

    An error raised while compiling or rendering keeps its type and gets a
    note naming the template and line where it happened, then the way there,
    innermost first: ``in template "row.html", line 3 (from "page.html",
    line 12, "base.html", line 5)``.
    """

    context_class = RequestContext
    tplkit_context_processors: Sequence[ContextProcessor] = ()
    tplkit_time_zone: dt.tzinfo | None = None
    tplkit_use_tz: bool = True
    tplkit_urlize_scheme: str = "http"

    def handle_exception(self, source: str | None = None) -> NoReturn:
        import sys

        exc = sys.exc_info()[1]
        if exc is not None:
            notes = getattr(exc, "__notes__", ())
            if not any(str(n).startswith(_NOTE_PREFIX) for n in notes):
                note = _location_note(exc)
                if note:
                    exc.add_note(note)
        super().handle_exception(source)

    def render_to_string(
        self,
        name: str | jinja2.Template,
        context: Mapping[str, Any] | None = None,
        request: RequestLike | None = None,
    ) -> str:
        """See :func:`manouche.tplkit.render_to_string`."""
        from manouche.tplkit.rendering import render_to_string

        return render_to_string(name, context, request, env=self)

    def render(
        self,
        request: RequestLike,
        name: str | jinja2.Template,
        context: Mapping[str, Any] | None = None,
        status: int = 200,
        **kwargs: Any,
    ) -> webob.Response:
        """See :func:`manouche.tplkit.render`."""
        from manouche.tplkit.rendering import render

        return render(request, name, context, status, env=self, **kwargs)


class SandboxedEnvironment(Environment, jinja2.sandbox.SandboxedEnvironment):
    """:class:`Environment` on Jinja2's sandbox: unsafe attributes and calls raise
    ``jinja2.exceptions.SecurityError``; for templates written by a site's users."""


def _bytecode_cache(value: Any) -> jinja2.BytecodeCache | None:
    if value is None or isinstance(value, jinja2.BytecodeCache):
        return value
    if isinstance(value, str | os.PathLike):
        path = os.fspath(value)
        os.makedirs(path, exist_ok=True)
        return jinja2.FileSystemBytecodeCache(path)
    raise TypeError(
        f"bytecode_cache must be a directory path or a jinja2.BytecodeCache, got {value!r}"
    )


def _package_loaders(packages: Iterable[str | tuple[str, str]]) -> list[jinja2.BaseLoader]:
    loaders: list[jinja2.BaseLoader] = []
    for item in packages:
        if isinstance(item, str):
            loaders.append(ResourceLoader(item))
        else:
            package, directory = item
            loaders.append(ResourceLoader(package, directory))
    return loaders


def _url_global(reverse: Reverse | None) -> Any:
    def url(viewname: str, *args: Any, **kwargs: Any) -> str:
        """``{{ url("blog:post", post.slug) }}`` or ``{{ url("blog:post", slug=post.slug) }}``."""
        if reverse is None:
            raise RuntimeError("url() needs a reverse callable: create_environment(reverse=...)")
        if args and kwargs:
            raise TypeError("url() takes positional or keyword arguments, not both")
        return reverse(viewname, args=list(args) or None, kwargs=kwargs or None)

    return url


def _static_global(static: StaticURL | None) -> Any:
    def static_url(path: str) -> str:
        """``{{ static("css/site.css") }}``: the URL of a static file."""
        if static is None:
            raise RuntimeError(
                "static() needs a URL prefix or a callable: create_environment(static_url=...)"
            )
        if callable(static):
            return static(path)
        return static.rstrip("/") + "/" + quote(str(path).lstrip("/"))

    return static_url


def create_environment(
    dirs: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] = (),
    packages: Iterable[str | tuple[str, str]] = (),
    *,
    loader: jinja2.BaseLoader | None = None,
    autoescape: bool | Any = None,
    strict: bool = False,
    sandboxed: bool = False,
    bytecode_cache: str | os.PathLike[str] | jinja2.BytecodeCache | None = None,
    libraries: Iterable[Library | str] = (),
    entry_points: bool = False,
    django_filters: bool = True,
    context_processors: Sequence[ContextProcessor] = (),
    reverse: Reverse | None = None,
    static_url: StaticURL | None = None,
    translations: Any = None,
    fragment_cache: FragmentCache | None = None,
    time_zone: dt.tzinfo | str | None = None,
    use_tz: bool = True,
    extensions: Sequence[str | type[jinja2.ext.Extension]] = (),
    **options: Any,
) -> Environment:
    """A Jinja2 environment set up for a site.

    Templates are looked up in this order, the first found wins: ``loader``
    (if given), then the directories of ``dirs`` in order (the site's own
    templates), then each package of ``packages`` in order (a package name
    means its ``templates/`` directory, a ``(package, directory)`` pair says
    which), found through ``importlib.resources``. A site overrides a
    package's ``admin/base.html`` by having its own ``admin/base.html``.

    :param autoescape: default: on for ``.html``, ``.htm``, ``.xml`` (also
        followed by ``.j2``, ``.jinja``, ``.jinja2``) and for templates from
        strings, off for other extensions (``.txt``, ``.md``).
    :param strict: undefined names raise (``jinja2.StrictUndefined``) instead
        of rendering as empty.
    :param sandboxed: a :class:`SandboxedEnvironment`, for untrusted templates.
    :param bytecode_cache: a directory (created if missing) or any
        ``jinja2.BytecodeCache``: compiled templates survive restarts.
    :param libraries: :class:`Library` objects or import paths to install;
        ``entry_points=True`` also installs every library announced in the
        ``manouche.tplkit.libraries`` entry point group.
    :param django_filters: install Django's filters (:mod:`manouche.tplkit.filters`).
    :param context_processors: callables of the request whose mappings are
        added to the context of every template rendered with a request.
    :param reverse: backs the ``url()`` global (urlmap's ``reverse`` fits).
    :param static_url: backs the ``static()`` global: a URL prefix or a callable.
    :param translations: a ``gettext.GNUTranslations``-like object, or a
        callable of the request returning one: enables Jinja2's i18n
        extension (``{% trans %}``, ``_()``, ``gettext``, ``ngettext``) with
        new-style, autoescape-safe gettext (see :mod:`manouche.tplkit.i18n`).
    :param fragment_cache: a cachelib cache for the ``{% cache %}`` tag.
    :param time_zone: a ``tzinfo`` or zone name: the ``date``/``time`` filters
        show aware datetimes in it and read naive ones as in it.
    :param use_tz: with ``False`` (Django's ``USE_TZ = False``) aware datetimes
        are shown in their own zone; ``time_zone`` only names the zone of naive ones.
    :param options: any other ``jinja2.Environment`` argument (``trim_blocks``...).
    """
    if isinstance(dirs, str | os.PathLike):
        dirs = [dirs]
    loaders: list[jinja2.BaseLoader] = []
    if loader is not None:
        loaders.append(loader)
    if dirs:
        loaders.append(jinja2.FileSystemLoader([os.fspath(d) for d in dirs]))
    loaders.extend(_package_loaders(packages))
    if autoescape is None:
        autoescape = jinja2.select_autoescape(
            enabled_extensions=_ESCAPED_EXTENSIONS, default_for_string=True, default=False
        )
    if strict:
        if "undefined" in options:
            raise TypeError("pass either strict=True or undefined=, not both")
        options["undefined"] = jinja2.StrictUndefined
    all_extensions: list[str | type[jinja2.ext.Extension]] = [
        FragmentCacheExtension,
        PartialsExtension,
    ]
    all_extensions.extend(extensions)
    cls = SandboxedEnvironment if sandboxed else Environment
    env = cls(
        loader=jinja2.ChoiceLoader(loaders) if len(loaders) != 1 else loaders[0],
        autoescape=autoescape,
        bytecode_cache=_bytecode_cache(bytecode_cache),
        extensions=all_extensions,
        **options,
    )
    env.fragment_cache = fragment_cache  # type: ignore[attr-defined]
    if isinstance(time_zone, str):
        time_zone = zoneinfo.ZoneInfo(time_zone)
    env.tplkit_time_zone = time_zone
    env.tplkit_use_tz = use_tz
    env.tplkit_context_processors = tuple(context_processors)
    for processor in env.tplkit_context_processors:
        if not callable(processor):
            raise TypeError(f"a context processor must be callable, got {processor!r}")
    env.globals["url"] = _url_global(reverse)
    env.globals["static"] = _static_global(static_url)
    if translations is not None:
        install_translations(env, translations)
    if django_filters:
        from manouche.tplkit.filters import django_filters as builtin

        builtin.install(env)
    load_libraries(env, libraries, entry_points=entry_points)
    return env
