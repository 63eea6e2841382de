"""``URLMap``: a URLconf that resolves, reverses, and dispatches as a view or WSGI app."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

import webob

from manouche.urlmap.base import (
    _NEEDS_QUOTING,
    _SAFE,
    _script_prefix,
    _urlconf,
    escape_leading_slashes,
    reverse_in,
    reverse_plan,
)
from manouche.urlmap.exceptions import MethodNotAllowed, NoReverseMatch, Resolver404
from manouche.urlmap.patterns import RegexPattern, URLResolver, flatten_names
from manouche.urlmap.resolvers import ResolverMatch, _Context, resolve_in, tried_chains
from manouche.urlmap.types import StartResponse, WSGIApp, WSGIEnviron

__all__ = ["URLMap"]

_NOT_FOUND = (
    '<!doctype html>\n<html lang="en">\n<head>\n  <title>Not Found</title>\n</head>\n'
    "<body>\n  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n"
    "</body>\n</html>\n"
)
_SLASH_SAFE = "/:@&+$,-_.!~*'()"
_QUERY_SAFE = "/#%[]=:;$&()+,!?*@'~"
_UNPLANNED: Any = object()
#: Reverse plans cached per URL map (call shapes are few; the bound is a guard).
_MAX_PLANS = 4096


def _decode_path(raw: str) -> str:
    """A WSGI path (bytes as latin-1) as text: UTF-8, broken bytes re-percent-encoded."""
    data = raw.encode("latin-1")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        out = []
        while data:
            try:
                out.append(data.decode("utf-8"))
                break
            except UnicodeDecodeError as exc:
                out.append(data[: exc.start].decode("utf-8"))
                out.append("".join(f"%{b:02X}" for b in data[exc.start : exc.end]))
                data = data[exc.end :]
        return "".join(out)


class URLMap:
    """A URLconf: ``URLMap([path(...), include(...), mount(...)])``.

    It resolves (``resolve``), reverses (``reverse``), and is itself a view
    (``urlmap(request, **kwargs)``) and a WSGI application
    (``urlmap(environ, start_response)``). Nothing it matches leaks into a
    production 404 page; ``debug=True`` lists the patterns tried.

    Parameters:
        urlpatterns: the patterns, or a module / dotted module name with ``urlpatterns``.
        debug: 404 pages list the patterns tried (never in production).
        append_slash: redirect ``/x`` to ``/x/`` when only the latter matches
            (Django's ``APPEND_SLASH``; 301 for GET/HEAD, 308 otherwise).
        max_path_length: longer paths get 414 before any regex runs.
        handler404, handler405: ``view(request, exception) -> Response`` to answer instead.
    """

    def __init__(
        self,
        urlpatterns: Any,
        *,
        debug: bool = False,
        append_slash: bool = False,
        max_path_length: int = 4096,
        handler404: Callable[[webob.Request, Exception], webob.Response] | None = None,
        handler405: Callable[[webob.Request, Exception], webob.Response] | None = None,
    ) -> None:
        if isinstance(urlpatterns, str):
            import importlib

            urlpatterns = importlib.import_module(urlpatterns)
        self._root = URLResolver(RegexPattern(r"^/"), urlpatterns)
        self.debug = debug
        self.append_slash = append_slash
        if max_path_length < 1:
            raise ValueError("max_path_length must be positive.")
        self.max_path_length = max_path_length
        self.handler404 = handler404
        self.handler405 = handler405
        self._reverse_plans: dict[tuple[Any, ...], Any] = {}

    @property
    def urlpatterns(self) -> list[Any]:
        return self._root.url_patterns

    # -- resolving ---------------------------------------------------------

    def resolve(
        self, path: str, *, host: str | None = None, method: str | None = None
    ) -> ResolverMatch:
        """The match for ``path`` (starting with ``/``), as Django's ``resolve()``.

        ``host`` enables host-restricted patterns (``path(..., host=...)``);
        without it they never match. ``method`` applies ``methods=``
        restrictions; when only those stop a match, :class:`MethodNotAllowed`
        (a ``Resolver404``) is raised with the allowed methods.
        """
        path = str(path)
        if not path.startswith("/"):
            raise Resolver404({"path": path})
        ctx = _Context(_host_name(host) if host else None, method)
        found = resolve_in(self._root, path[1:], ctx)
        if found is None:
            rest = path[1:]
            if ctx.allowed:
                raise MethodNotAllowed({"path": rest}, sorted(ctx.allowed))
            raise Resolver404({"path": rest}, lambda: tried_chains(self._root, rest))
        if found._mount is not None:
            mount, rest = found._mount
            found._mount = (mount, path[: len(path) - len(rest)])
        return found

    # -- reversing ---------------------------------------------------------

    def reverse(
        self,
        viewname: str | Callable[..., Any],
        args: Sequence[Any] | None = None,
        kwargs: Mapping[str, Any] | None = None,
        current_app: str | None = None,
        *,
        query: Any = None,
        fragment: str | None = None,
        script_name: str | None = None,
    ) -> str:
        """The URL for ``viewname`` (``"name"``, ``"ns:name"`` or a view callable).

        Raises ``NoReverseMatch`` naming the patterns tried and the arguments.
        The URL starts with the script prefix of the request being dispatched
        (its ``SCRIPT_NAME``), or ``script_name`` when given.
        """
        if script_name is None:
            prefix = _script_prefix.get()
        else:
            prefix = script_name.rstrip("/") + "/"
        if query is None and fragment is None and not (args and kwargs):
            # The fast path: the candidates for this call shape are cached.
            nargs = len(args) if args else 0
            keys = tuple(kwargs) if kwargs and not nargs else ()
            shape = (viewname, current_app, nargs, keys)
            try:
                plan = self._reverse_plans.get(shape, _UNPLANNED)
            except TypeError:  # an unhashable view callable
                plan = None
            if plan is _UNPLANNED:
                try:
                    plan = reverse_plan(self._root, viewname, current_app, nargs, keys)
                except NoReverseMatch:
                    plan = ()
                # Shapes that cannot succeed (unknown names or namespaces, which
                # callers may pass anything as) are not kept; None (defaults:
                # the full algorithm) is.
                if plan != () and len(self._reverse_plans) < _MAX_PLANS:
                    self._reverse_plans[shape] = plan
            if plan is not None:
                # run_plan(), inlined: this is the hot path of every template.
                argv: Sequence[Any] = args or ()
                kw: Mapping[str, Any] = kwargs or {}
                for template, convs, check, positional, getter in plan:
                    if getter is not None:
                        candidate = positional % (tuple(argv) if nargs else getter(kw))
                        if check(candidate):
                            url: str = prefix + candidate
                            if _NEEDS_QUOTING.search(url) is not None:
                                url = quote(url, safe=_SAFE)
                            return "/%2F" + url[2:] if url.startswith("//") else url
                        continue
                    try:
                        if nargs:
                            text = {
                                name: to_url(value)
                                for (name, to_url), value in zip(convs, argv, strict=True)
                            }
                        else:
                            text = {name: to_url(kw[name]) for name, to_url in convs}
                    except ValueError:
                        continue
                    candidate = template % text
                    if check(candidate):
                        url = prefix + candidate
                        if _NEEDS_QUOTING.search(url) is not None:
                            url = quote(url, safe=_SAFE)
                        return "/%2F" + url[2:] if url.startswith("//") else url
        # The full algorithm (and the exact NoReverseMatch message).
        return reverse_in(self._root, viewname, args, kwargs, current_app, query, fragment, prefix)

    # -- dispatching -------------------------------------------------------

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """``urlmap(environ, start_response)`` (WSGI) or ``urlmap(request, **kwargs)`` (a view)."""
        if len(args) == 2 and isinstance(args[0], dict) and not kwargs:
            return self.wsgi_app(args[0], args[1])
        if len(args) == 1 and isinstance(args[0], webob.Request):
            return self.dispatch(args[0])
        raise TypeError(
            "URLMap is called as a WSGI app (environ, start_response) or a view (request)."
        )

    def wsgi_app(self, environ: WSGIEnviron, start_response: StartResponse) -> Iterable[bytes]:
        request = webob.Request(environ)
        outcome = self._route(request)
        if isinstance(outcome, tuple):
            app, new_environ = outcome
            return app(new_environ, start_response)
        return outcome(environ, start_response)

    def dispatch(self, request: webob.Request) -> webob.Response:
        """Answer ``request``: the matching view's response, a mounted app's, 404, 405, 414."""
        outcome = self._route(request)
        if isinstance(outcome, tuple):
            app, new_environ = outcome
            response: webob.Response = webob.Request(new_environ).get_response(app)
            return response
        return outcome

    def _route(self, request: webob.Request) -> webob.Response | tuple[WSGIApp, WSGIEnviron]:
        environ = request.environ
        raw_path = environ.get("PATH_INFO", "")
        if not raw_path.startswith("/"):
            raw_path = "/" + raw_path
        if len(raw_path) > self.max_path_length:
            return webob.Response("URI Too Long", status=414, content_type="text/plain")
        path = _decode_path(raw_path)
        if _has_dot_segment(path):
            # Browsers remove dot segments before sending (RFC 3986, 5.2.4); a
            # path that still has them is hand-made and must not reach a view
            # or a mounted file server as a path converter's value.
            refused = Resolver404({"path": path[1:], "tried": []})
            return self._not_found(request, refused, path, "it has '.' or '..' segments")
        host = _host_name(request.host) if request.host else None
        method = request.method
        try:
            match = self.resolve(path, host=host, method=method)
        except MethodNotAllowed as exc:
            return self._method_not_allowed(request, exc)
        except Resolver404 as exc:
            redirect = self._slash_redirect(request, raw_path, path, host, method)
            return redirect if redirect is not None else self._not_found(request, exc, path)
        if match._mount is not None:
            mount, consumed = match._mount
            segments = consumed.count("/") - 1
            new_environ = _shift(environ, raw_path, segments)
            # The prefix's parameters, by the wsgiorg routing_args convention.
            new_environ["wsgiorg.routing_args"] = ((), dict(match.kwargs))
            return mount.app, new_environ
        script = _decode_path(environ.get("SCRIPT_NAME", ""))
        prefix_token = _script_prefix.set(script.rstrip("/") + "/")
        urlconf_token = _urlconf.set(self)
        try:
            request.urlvars = dict(match.kwargs)
            environ["manouche.resolver_match"] = match
            response = match.func(request, *match.args, **match.kwargs)
        finally:
            _urlconf.reset(urlconf_token)
            _script_prefix.reset(prefix_token)
        if not isinstance(response, webob.Response):
            raise TypeError(
                f"The view {match._func_path} didn't return a webob.Response "
                f"(it returned {type(response).__name__})."
            )
        return response

    # -- error answers -----------------------------------------------------

    def _slash_redirect(
        self, request: webob.Request, raw_path: str, path: str, host: str | None, method: str
    ) -> webob.Response | None:
        if path.endswith("/"):
            return None
        try:
            match = self.resolve(path + "/", host=host, method=method)
        except Resolver404:
            return None
        # A mount's root is always reached through its slash: the mounted app
        # sees PATH_INFO "/" rather than "".
        is_mount_root = match._mount is not None and match._mount[1] == path + "/"
        if not (self.append_slash or is_mount_root):
            return None
        target = quote((raw_path + "/").encode("latin-1"), safe=_SLASH_SAFE)
        script = quote(request.environ.get("SCRIPT_NAME", "").encode("latin-1"), safe=_SLASH_SAFE)
        location = script + escape_leading_slashes(target)
        query = request.environ.get("QUERY_STRING", "")
        if query:
            # Re-quoted as Django's iri_to_uri does: no control character or
            # space from a hand-made request can reach the Location header.
            location += "?" + quote(query.encode("latin-1"), safe=_QUERY_SAFE)
        status = 301 if method in ("GET", "HEAD") else 308
        response = webob.Response(status=status)
        response.headers["Location"] = location
        return response

    def _not_found(
        self, request: webob.Request, exc: Resolver404, path: str, refused: str | None = None
    ) -> webob.Response:
        if self.handler404 is not None:
            return self.handler404(request, exc)
        if not self.debug:
            return webob.Response(_NOT_FOUND, status=404, content_type="text/html", charset="utf-8")
        rows = []
        for chain in exc.tried:
            text = " ".join(str(p.pattern) for p in chain) or "(empty)"
            name = getattr(chain[-1], "name", None) if chain else None
            if name:
                text += f" [name='{name}']"
            rows.append(f"<li><code>{html.escape(text)}</code></li>")
        body = (
            '<!doctype html><html lang="en"><head><title>Page not found</title></head><body>'
            "<h1>Page not found <small>(404)</small></h1>"
            f"<p>Request: {html.escape(request.method)} {html.escape(path)}</p>"
        )
        if refused is not None:
            body += (
                f"<p>The path <code>{html.escape(exc.path)}</code> was refused before "
                f"matching: {html.escape(refused)}.</p>"
            )
        else:
            body += (
                f"<p>Tried these {len(rows)} URL pattern(s), in this order:</p>"
                f"<ol>{''.join(rows)}</ol>"
                f"<p>The current path, <code>{html.escape(exc.path)}</code>, matched none "
                "of these.</p>"
            )
        body += "<p>You see this page because the URL map runs with debug=True.</p></body></html>"
        return webob.Response(body, status=404, content_type="text/html", charset="utf-8")

    def _method_not_allowed(self, request: webob.Request, exc: MethodNotAllowed) -> webob.Response:
        if self.handler405 is not None:
            response = self.handler405(request, exc)
        else:
            response = webob.Response(
                "Method Not Allowed", status=405, content_type="text/plain", charset="utf-8"
            )
        response.headers["Allow"] = ", ".join(exc.allowed)
        return response

    def patterns_description(self) -> list[str]:
        """Every route, joined with its include prefixes (for listings and debugging)."""
        return flatten_names(self.urlpatterns)

    def __repr__(self) -> str:
        return f"<URLMap {len(self.urlpatterns)} pattern(s)>"


def _host_name(host: str) -> str:
    """``host`` lower-cased, without its port (``[::1]:8000`` -> ``[::1]``)."""
    host = host.lower()
    if host.startswith("["):
        end = host.find("]")
        return host[: end + 1] if end > 0 else host
    return host.split(":", 1)[0]


def _has_dot_segment(path: str) -> bool:
    if "/." not in path:
        return False
    return any(segment in (".", "..") for segment in path.split("/"))


def _shift(environ: WSGIEnviron, raw_path: str, segments: int) -> WSGIEnviron:
    """A copy of ``environ`` with ``segments`` path segments moved to ``SCRIPT_NAME``."""
    end = 0
    for _ in range(segments):
        end = raw_path.find("/", end + 1)
        if end < 0:
            end = len(raw_path)
            break
    new = dict(environ)
    new["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + raw_path[:end]
    new["PATH_INFO"] = raw_path[end:]
    return new
