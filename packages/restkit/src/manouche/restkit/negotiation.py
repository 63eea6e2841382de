"""Content negotiation: the renderer for the request's ``Accept`` header or ``?format=``."""

from __future__ import annotations

from typing import Any

from manouche.restkit.exceptions import NotAcceptable, NotFound


def _parse(media: str) -> tuple[str, dict[str, str], float]:
    parts = [p.strip() for p in media.split(";")]
    params: dict[str, str] = {}
    quality = 1.0
    for part in parts[1:]:
        key, _, value = part.partition("=")
        key = key.strip().lower()
        if key == "q":
            try:
                quality = max(0.0, min(float(value), 1.0))
            except ValueError:
                quality = 0.0
        elif key:
            params[key] = value.strip()
    return parts[0].lower(), params, quality


def media_type_matches(pattern: str, media_type: str) -> bool:
    """Whether ``media_type`` (a renderer's) satisfies ``pattern`` (from ``Accept``)."""
    want = pattern.split(";")[0].strip().lower()
    have = media_type.split(";")[0].strip().lower()
    if want in ("*/*", "*"):
        return True
    w_main, _, w_sub = want.partition("/")
    h_main, _, h_sub = have.partition("/")
    return w_main == h_main and (w_sub == "*" or w_sub == h_sub)


class BaseContentNegotiation:
    def select_parser(self, request: Any, parsers: list[Any]) -> Any:
        raise NotImplementedError

    def select_renderer(
        self, request: Any, renderers: list[Any], format_suffix: str | None = None
    ) -> Any:
        raise NotImplementedError


class DefaultContentNegotiation(BaseContentNegotiation):
    """DRF's: ``?format=`` first, then ``Accept`` by precedence and quality."""

    format_query_param = "format"
    max_accept_items = 32

    def select_parser(self, request: Any, parsers: list[Any]) -> Any:
        content_type = request.content_type or ""
        for parser in parsers:
            if media_type_matches(parser.media_type, content_type):
                return parser
        return None

    def select_renderer(
        self, request: Any, renderers: list[Any], format_suffix: str | None = None
    ) -> tuple[Any, str]:
        fmt = format_suffix or request.query_params.get(self.format_query_param)
        if fmt:
            renderers = [r for r in renderers if r.format == fmt]
            if not renderers:
                raise NotFound(f'Format "{fmt}" is not available.')
        header = request.headers.get("Accept", "*/*") or "*/*"
        items = [item for item in header.split(",") if item.strip()][: self.max_accept_items]
        accepts = sorted(
            (_parse(item) for item in items),
            key=lambda p: (p[2], p[0].count("*") == 0, len(p[1])),
            reverse=True,
        )
        for media, params, quality in accepts:
            if quality <= 0:
                continue
            for renderer in renderers:
                if media_type_matches(media, renderer.media_type):
                    if media in ("*/*", "*") or "/*" in media:
                        return renderer, renderer.media_type
                    suffix = "".join(f"; {k}={v}" for k, v in params.items())
                    return renderer, renderer.media_type + suffix
        if not accepts:
            return renderers[0], renderers[0].media_type
        raise NotAcceptable(available_renderers=renderers)
