"""Rendering for a request: context processors, CSRF and CSP values, blocks alone.

These work with any ``jinja2.Environment`` (a Flask app's ``jinja_env``
too); an environment made by :func:`~manouche.tplkit.create_environment`
also brings its context processors.

Every template rendered with a request sees, as Django's Jinja2 backend
provides them (in a tplkit environment also when rendered directly with
``template.render(request=request)``: they are globals read from the request):

- ``request``;
- ``csrf_token`` and ``csrf_input`` (a hidden ``csrfmiddlewaretoken`` input)
  from ``request.environ["manouche.csrf_token"]`` (a string, or a callable
  returning one, called when a template asks); both are empty when no CSRF
  middleware set a token;
- ``csp_nonce`` from ``request.environ["manouche.csp_nonce"]`` (httpkit's
  security middleware), for ``<script nonce="{{ csp_nonce }}">``;
- what each context processor returns. The view's own ``context`` wins over
  all of these on a name clash, as in Django's template engine.

A name ``"page.html#rows"`` renders only the partial or block ``rows`` of
``page.html``, with the same context: Django 6.0's ``template#partial`` form,
what htmx views ask for (see :mod:`manouche.tplkit.partials`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import jinja2
import jinja2.runtime
import jinja2.utils
from markupsafe import Markup

if TYPE_CHECKING:
    import webob

    from manouche.tplkit.types import RequestLike

__all__ = [
    "CSP_NONCE_KEY",
    "CSRF_TOKEN_KEY",
    "REQUEST_VALUES",
    "BlockNotFound",
    "RequestContext",
    "get_context",
    "render",
    "render_block",
    "render_to_string",
]

#: The ``request.environ`` key of the CSRF token the templates' ``csrf_token`` reads.
CSRF_TOKEN_KEY = "manouche.csrf_token"
#: The ``request.environ`` key of the CSP nonce the templates' ``csp_nonce`` reads.
CSP_NONCE_KEY = "manouche.csp_nonce"


def _read(request: Any, key: str) -> str:
    # A value, or a callable making it on first use (a lazily created CSRF token).
    value = (getattr(request, "environ", None) or {}).get(key)
    if callable(value):
        value = value()
    return str(value or "")


def _csrf_token(request: Any) -> str:
    return _read(request, CSRF_TOKEN_KEY)


def _csrf_input(request: Any) -> Markup:
    token = _csrf_token(request)
    if not token:
        return Markup("")
    return Markup('<input type="hidden" name="csrfmiddlewaretoken" value="%s">') % token


def _csp_nonce(request: Any) -> str:
    return _read(request, CSP_NONCE_KEY)


#: The values every template rendered with a request sees, read from the request.
REQUEST_VALUES: dict[str, Callable[[Any], Any]] = {
    "csrf_token": _csrf_token,
    "csrf_input": _csrf_input,
    "csp_nonce": _csp_nonce,
}


class RequestContext(jinja2.runtime.Context):
    """A template context where ``csrf_token``, ``csrf_input`` and ``csp_nonce``
    are read from the ``request`` variable when nothing else defines them."""

    def resolve_or_missing(self, key: str) -> Any:
        value = super().resolve_or_missing(key)
        if value is jinja2.utils.missing:
            read = REQUEST_VALUES.get(key)
            if read is not None:
                request = super().resolve_or_missing("request")
                if request is not jinja2.utils.missing and request is not None:
                    return read(request)
        return value


class BlockNotFound(LookupError):
    """The template has no block of the requested name (the message lists those it has)."""


def get_context(
    env: jinja2.Environment,
    context: Mapping[str, Any] | None = None,
    request: RequestLike | None = None,
) -> dict[str, Any]:
    """The variables a template sees: request values, context processors, then ``context``."""
    values: dict[str, Any] = {}
    if request is not None:
        values["request"] = request
        if not issubclass(env.context_class, RequestContext):
            # A plain Jinja2 environment: give the request values now.
            for name, read in REQUEST_VALUES.items():
                values[name] = read(request)
        for processor in getattr(env, "tplkit_context_processors", ()):
            extra = processor(request)
            if not isinstance(extra, Mapping):
                raise TypeError(
                    f"context processor {getattr(processor, '__qualname__', processor)!r} "
                    f"returned {type(extra).__name__}, not a mapping"
                )
            values.update(extra)
    if context:
        values.update(context)
    return values


def _split(name: str | jinja2.Template) -> tuple[str | jinja2.Template, str | None]:
    if isinstance(name, str) and "#" in name:
        template, _, block = name.rpartition("#")
        if not template or not block:
            raise ValueError(f"template name {name!r}: expected 'template.html#block'")
        return template, block
    return name, None


def render_block(
    env: jinja2.Environment,
    template: str | jinja2.Template,
    block: str,
    context: Mapping[str, Any] | None = None,
    request: RequestLike | None = None,
) -> str:
    """Only ``block`` of ``template``, rendered with the context the page would have.

    The block must be defined in that template (its own, or its override of
    a parent's block); ``{{ super() }}`` is not available in a block rendered
    alone, since the parent is only known when the whole page renders.
    """
    tmpl = env.get_template(template) if isinstance(template, str) else template
    render_func = tmpl.blocks.get(block)
    if render_func is None:
        names = ", ".join(sorted(tmpl.blocks)) or "none"
        raise BlockNotFound(f"template {tmpl.name!r} has no block {block!r} (its blocks: {names})")
    ctx = tmpl.new_context(get_context(env, context, request))
    try:
        return env.concat(render_func(ctx))
    except Exception:
        return env.handle_exception()


def render_to_string(
    name: str | jinja2.Template,
    context: Mapping[str, Any] | None = None,
    request: RequestLike | None = None,
    *,
    env: jinja2.Environment,
) -> str:
    """Render a template (or ``"template.html#block"``) to a string, as Django's function."""
    template, block = _split(name)
    if block is not None:
        return render_block(env, template, block, context, request)
    tmpl = env.get_template(template) if isinstance(template, str) else template
    return tmpl.render(get_context(env, context, request))


def render(
    request: RequestLike,
    name: str | jinja2.Template,
    context: Mapping[str, Any] | None = None,
    status: int = 200,
    *,
    env: jinja2.Environment,
    content_type: str = "text/html",
    charset: str = "utf-8",
    headers: Mapping[str, str] | None = None,
) -> webob.Response:
    """Render a template for ``request`` into a ``webob.Response`` (Django's ``render``)."""
    import webob

    body = render_to_string(name, context, request, env=env)
    response = webob.Response(status=status, content_type=content_type, charset=charset)
    response.text = body
    if headers:
        for key, value in headers.items():
            response.headers[key] = value
    return response
