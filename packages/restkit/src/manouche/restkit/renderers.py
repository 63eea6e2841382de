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
<div class="req"><b>{method}</b> {path}</div>
<pre>HTTP {status} {reason}
{headers}

{content}</pre>
{forms}
</main></body></html>"""

_FORM = """<form method="post" action="{path}" data-method="{method}">
<label>{method} as application/json<br>
<textarea name="_content" aria-label="request body"></textarea></label>
<input type="hidden" name="_content_type" value="application/json">
{override}<button type="submit">{method}</button></form>"""


class BrowsableAPIRenderer(BaseRenderer):
    """An HTML page showing the response, with forms for the allowed unsafe methods.

    Self-contained: inline CSS, no scripts, no external assets; every value
    escaped. Built from restkit's own page template (``str.format`` over
    escaped values), not through tplkit: restkit may not import tplkit until
    ARCHITECTURE.md allows that edge.
    """

    media_type = "text/html"
    format = "api"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> bytes:
        ctx = renderer_context or {}
        view, request, response = ctx.get("view"), ctx.get("request"), ctx.get("response")
        content = JSONRenderer().render(data, "application/json; indent=4", ctx).decode()
        title = view.get_view_name() if view is not None else "API"
        description = view.get_view_description() if view is not None else ""
        allowed = list(getattr(view, "allowed_methods", ()) or ())
        status_code = getattr(response, "status_code", 200)
        reason = getattr(response, "status_text", "")
        headers = "\n".join(
            f"{html.escape(k)}: {html.escape(v)}"
            for k, v in (getattr(response, "headers", {}) or {}).items()
        )
        path = html.escape(getattr(request, "path_qs", "") or "")
        forms = "".join(
            _FORM.format(
                path=path,
                method=method,
                override=(
                    f'<input type="hidden" name="_method" value="{method}">'
                    if method != "POST"
                    else ""
                ),
            )
            for method in ("POST", "PUT", "PATCH")
            if method in allowed
        )
        page = _PAGE.format(
            title=html.escape(title),
            site="API",
            root=html.escape(getattr(request, "script_name", "") or "/") or "/",
            description=f"<p>{html.escape(description)}</p>" if description else "",
            method=html.escape(getattr(request, "method", "GET")),
            path=path,
            status=status_code,
            reason=html.escape(str(reason)),
            headers=headers,
            content=html.escape(content),
            forms=forms,
        )
        return page.encode()


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
