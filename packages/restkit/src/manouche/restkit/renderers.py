"""Renderers: response data to bytes in the negotiated media type."""

from __future__ import annotations

import datetime
import decimal
import html
import json
import uuid
from collections.abc import Mapping
from typing import Any, ClassVar


class JSONEncoder(json.JSONEncoder):
    """JSON for what serializers produce: dates, decimals, UUIDs, sets, generators."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        if isinstance(o, (datetime.date, datetime.time)):
            return o.isoformat()
        if isinstance(o, datetime.timedelta):
            return str(o.total_seconds())
        if isinstance(o, decimal.Decimal):
            return float(o)
        if isinstance(o, uuid.UUID):
            return str(o)
        if isinstance(o, (set, frozenset)):
            return sorted(o, key=str)
        if isinstance(o, bytes):
            return o.decode()
        if isinstance(o, Mapping):
            return dict(o.items())
        if hasattr(o, "tolist"):
            return o.tolist()
        if hasattr(o, "__iter__") and not isinstance(o, Mapping):
            return list(o)
        return super().default(o)


class BaseRenderer:
    media_type: ClassVar[str] = ""
    format: ClassVar[str] = ""
    charset: ClassVar[str | None] = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> bytes:
        raise NotImplementedError("Renderer class requires .render() to be implemented")


class JSONRenderer(BaseRenderer):
    """Compact UTF-8 JSON (``indent`` from ``Accept: application/json; indent=4``)."""

    media_type = "application/json"
    format = "json"
    charset = None
    encoder_class = JSONEncoder

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> bytes:
        if data is None:
            return b""
        indent = None
        if accepted_media_type:
            for part in accepted_media_type.split(";")[1:]:
                key, _, value = part.strip().partition("=")
                if key == "indent" and value.isdigit():
                    indent = max(0, min(int(value), 8))
        text = json.dumps(
            data,
            cls=self.encoder_class,
            ensure_ascii=False,
            allow_nan=False,
            indent=indent,
            separators=None if indent else (",", ":"),
        )
        return text.encode()


class ProblemJSONRenderer(JSONRenderer):
    """RFC 9457 problem details (``application/problem+json``)."""

    media_type = "application/problem+json"
    format = "problem+json"


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body{{font:15px/1.5 system-ui,sans-serif;margin:0;color:#222;background:#f6f6f4}}
header{{background:#2c3e50;color:#fff;padding:.8em 1.5em}}
header a{{color:#fff}} main{{padding:1em 1.5em;max-width:70em}}
.req{{font-family:monospace;background:#fff;border:1px solid #ddd;padding:.6em}}
pre{{background:#fff;border:1px solid #ddd;padding:1em;overflow:auto;white-space:pre-wrap}}
.s{{color:#2c7a3f}} .n{{color:#1c5aa6}} .k{{color:#8a2b8a}}
form{{background:#fff;border:1px solid #ddd;padding:1em;margin-top:1em}}
textarea{{width:100%;min-height:8em;font-family:monospace}}
</style></head>
<body><header><a href="{root}">{site}</a></header><main>
<h1>{title}</h1>{description}
<p class="allowed">Allowed methods: {allowed}</p>
<div class="req"><b>{method}</b> {path}</div>
{links}
<pre>HTTP {status} {reason}
{headers}

{content}</pre>
{forms}
</main></body></html>"""

_FORM = """<form method="post" action="{path}" class="raw-data" data-method="{method}">
<label>{method} as application/json<br>
<textarea name="_content" aria-label="request body">{content}</textarea></label>
<input type="hidden" name="_content_type" value="application/json">
{override}<button type="submit">{method}</button></form>"""


_ENVIRONMENTS: dict[tuple[Any, tuple[str, ...]], Any] = {}


def _safe_link(url: Any) -> str | None:
    """A pagination link fit for ``href``: http(s) or relative, never ``javascript:``."""
    if not isinstance(url, str) or not url:
        return None
    lowered = url.lstrip().lower()
    if lowered.startswith(("http://", "https://", "/", "?")) and not lowered.startswith("//"):
        return url
    return None


class BrowsableAPIRenderer(BaseRenderer):
    """An HTML page showing the response, with raw-data forms for the allowed methods.

    The page is the tplkit (Jinja2) template ``restkit/api.html``, shipped in
    restkit and autoescaped. Override it as Django REST framework's
    ``rest_framework/api.html``: put your own ``restkit/api.html`` in a
    directory of ``template_dirs`` (or on ``template_loader``), which come
    before restkit's templates; ``{% extends "restkit/base.html" %}`` keeps
    the page and changes a block (``branding``, ``style``, ``content``,
    ``forms``). Without tplkit installed the same page comes from a built-in
    string. Self-contained: inline CSS, no scripts, no external assets.
    """

    media_type = "text/html"
    format = "api"
    charset = "utf-8"
    template_name: ClassVar[str] = "restkit/api.html"
    template_dirs: ClassVar[tuple[str, ...]] = ()
    template_loader: ClassVar[Any] = None

    def get_environment(self) -> Any:
        """The tplkit environment (cached); ``ImportError`` without tplkit."""
        key = (self.template_loader, tuple(str(d) for d in self.template_dirs))
        env = _ENVIRONMENTS.get(key)
        if env is None:
            from manouche.tplkit import create_environment

            env = create_environment(
                dirs=list(key[1]),
                packages=[("manouche.restkit", "templates")],
                loader=self.template_loader,
                autoescape=True,
            )
            _ENVIRONMENTS[key] = env
        return env

    def get_context(self, data: Any, renderer_context: dict[str, Any] | None) -> dict[str, Any]:
        """The template's values, unescaped: the template escapes them."""
        ctx = renderer_context or {}
        view, request, response = ctx.get("view"), ctx.get("request"), ctx.get("response")
        content = JSONRenderer().render(data, "application/json; indent=4", ctx).decode()
        allowed = list(getattr(view, "allowed_methods", ()) or ())
        links = data if isinstance(data, Mapping) else {}
        return {
            "name": view.get_view_name() if view is not None else "API",
            "description": view.get_view_description() if view is not None else "",
            "allowed_methods": allowed,
            "site_name": "API",
            "root": getattr(request, "script_name", "") or "/",
            "request_method": getattr(request, "method", "GET"),
            "path": getattr(request, "path_qs", "") or "",
            "status_code": getattr(response, "status_code", 200),
            "status_text": str(getattr(response, "status_text", "")),
            "response_headers": list((getattr(response, "headers", {}) or {}).items()),
            "content": content,
            "previous_url": _safe_link(links.get("previous")),
            "next_url": _safe_link(links.get("next")),
            "forms": self.get_forms(view, data, allowed),
            "csrf_token": self.get_csrf_token(request),
            "view": view,
            "request": request,
        }

    def get_forms(self, view: Any, data: Any, allowed: list[str]) -> list[dict[str, str]]:
        """Raw-data forms for the unsafe methods a view with a serializer allows.

        POST starts from an empty serializer's data, PUT and PATCH from the
        object shown (as Django REST framework's raw-data form).
        """
        if view is None or not hasattr(view, "get_serializer"):
            return []
        forms = []
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            if method not in allowed:
                continue
            initial: Any = None
            if method == "POST":
                try:
                    initial = view.get_serializer().data
                except Exception:  # an unusual serializer: the form starts empty
                    initial = None
            elif method in ("PUT", "PATCH") and isinstance(data, Mapping):
                initial = data
            content = (
                JSONRenderer().render(initial, "application/json; indent=4").decode()
                if initial
                else ""
            )
            forms.append({"method": method, "content": content})
        return forms

    def get_csrf_token(self, request: Any) -> str | None:
        """A CSRF token for the forms when authkit is installed, else None."""
        if request is None:
            return None
        from manouche.restkit.authentication import csrf_token

        return csrf_token(getattr(request, "webob_request", request))

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> bytes:
        context = self.get_context(data, renderer_context)
        try:
            env = self.get_environment()
        except ImportError:
            return _builtin_page(context).encode()
        return str(env.get_template(self.template_name).render(context)).encode()


def _builtin_page(context: dict[str, Any]) -> str:
    """The page without tplkit: the same content, every value escaped here."""
    esc = html.escape
    path = esc(context["path"])
    csrf = (
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{esc(context["csrf_token"])}">'
        if context["csrf_token"]
        else ""
    )
    forms = "".join(
        _FORM.format(
            path=path,
            method=form["method"],
            content=esc(form["content"]),
            override=csrf
            + (
                f'<input type="hidden" name="_method" value="{form["method"]}">'
                if form["method"] != "POST"
                else ""
            ),
        )
        for form in context["forms"]
        if form["method"] != "DELETE"
    )
    links = "".join(
        f'<a rel="{rel}" href="{esc(context[key])}">{label}</a> '
        for rel, key, label in (
            ("prev", "previous_url", "&laquo; Previous"),
            ("next", "next_url", "Next &raquo;"),
        )
        if context[key]
    )
    description = context["description"]
    return _PAGE.format(
        title=esc(context["name"]),
        site=esc(context["site_name"]),
        root=esc(context["root"]),
        description=f'<p class="description">{esc(description)}</p>' if description else "",
        allowed=", ".join(f"<code>{esc(m)}</code>" for m in context["allowed_methods"]),
        method=esc(context["request_method"]),
        path=path,
        links=f'<nav class="pagination">{links}</nav>' if links else "",
        status=context["status_code"],
        reason=esc(context["status_text"]),
        headers="\n".join(f"{esc(k)}: {esc(v)}" for k, v in context["response_headers"]),
        content=esc(context["content"]),
        forms=forms,
    )


class StaticHTMLRenderer(BaseRenderer):
    """Data that is already an HTML string."""

    media_type = "text/html"
    format = "html"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> bytes:
        return str(data).encode()
