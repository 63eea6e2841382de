"""``Response``: data rendered later, by the renderer content negotiation picked."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import webob


class Response:
    """Unrendered response data with a status and headers (DRF's ``Response``)."""

    def __init__(
        self,
        data: Any = None,
        status: int | None = None,
        template_name: str | None = None,
        headers: dict[str, str] | None = None,
        exception: bool = False,
        content_type: str | None = None,
    ) -> None:
        self.data = data
        self.status_code = status or 200
        self.template_name = template_name
        self.headers: dict[str, str] = dict(headers or {})
        self.exception = exception
        self.content_type = content_type
        self.accepted_renderer: Any = None
        self.accepted_media_type: str | None = None
        self.renderer_context: dict[str, Any] = {}

    @property
    def status_text(self) -> str:
        try:
            return HTTPStatus(self.status_code).phrase
        except ValueError:
            return ""

    def __setitem__(self, key: str, value: str) -> None:
        self.headers[key] = value

    def __getitem__(self, key: str) -> str:
        return self.headers[key]

    def render(self) -> webob.Response:
        """The WebOb response: the data through the accepted renderer."""
        renderer = self.accepted_renderer
        if renderer is None:
            raise AssertionError(".accepted_renderer not set on Response")
        self.renderer_context.setdefault("response", self)
        body = renderer.render(self.data, self.accepted_media_type, self.renderer_context)
        response = webob.Response(status=self.status_code)
        content_type = self.content_type
        if content_type is None:
            content_type = renderer.media_type
            if renderer.charset:
                content_type += f"; charset={renderer.charset}"
        if self.status_code == 204 or (self.data is None and not body):
            response.body = b""
            del response.content_type
        else:
            response.headers["Content-Type"] = content_type
            response.body = body
        for key, value in self.headers.items():
            response.headers[key] = value
        return response
