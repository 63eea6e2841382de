"""Parsers: request bodies to Python data, chosen by the request's ``Content-Type``."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from manouche.restkit.exceptions import ParseError


class DataAndFiles:
    def __init__(self, data: Any, files: Any) -> None:
        self.data = data
        self.files = files


class BaseParser:
    """Turn the body bytes of ``media_type`` into data (and files for multipart)."""

    media_type: ClassVar[str] = ""

    def parse(self, body: bytes, media_type: str | None, parser_context: dict[str, Any]) -> Any:
        raise NotImplementedError(".parse() must be overridden.")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"Out of range float values are not JSON compliant: {name}")


class JSONParser(BaseParser):
    """``application/json`` in UTF-8. ``NaN`` and ``Infinity`` are refused (strict JSON)."""

    media_type = "application/json"
    strict = True

    def parse(self, body: bytes, media_type: str | None, parser_context: dict[str, Any]) -> Any:
        try:
            text = body.decode(parser_context.get("encoding") or "utf-8")
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        try:
            if self.strict:
                return json.loads(text, parse_constant=_reject_constant)
            return json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from None


class FormParser(BaseParser):
    """``application/x-www-form-urlencoded``, read by httpkit's request (field limits)."""

    media_type = "application/x-www-form-urlencoded"

    def parse(self, body: bytes, media_type: str | None, parser_context: dict[str, Any]) -> Any:
        return parser_context["form"]()


class MultiPartParser(BaseParser):
    """``multipart/form-data``: fields as data, uploads as files (httpkit's limits)."""

    media_type = "multipart/form-data"

    def parse(self, body: bytes, media_type: str | None, parser_context: dict[str, Any]) -> Any:
        from webob.multidict import MultiDict

        form = parser_context["form"]()
        data: MultiDict[str, Any] = MultiDict()
        files: MultiDict[str, Any] = MultiDict()
        for key, value in form.items():
            if hasattr(value, "filename") and hasattr(value, "file"):
                files.add(key, value)
            else:
                data.add(key, value)
        return DataAndFiles(data, files)


class FileUploadParser(BaseParser):
    """Any body as one uploaded file (``request.data["file"]``)."""

    media_type = "*/*"

    def parse(self, body: bytes, media_type: str | None, parser_context: dict[str, Any]) -> Any:
        import io

        upload = io.BytesIO(body)
        return DataAndFiles({}, {"file": upload})
