"""API exceptions with DRF's names, status codes, messages and error detail shape."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from manouche.restkit import status
from manouche.restkit._i18n import gettext
from manouche.restkit._i18n import gettext_noop as _


class ErrorDetail(str):
    """A message string that also carries a machine-readable ``code``."""

    code: str | None = None

    def __new__(cls, string: str, code: str | None = None) -> ErrorDetail:
        self = super().__new__(cls, string)
        self.code = code
        return self

    def __eq__(self, other: object) -> bool:
        result = super().__eq__(other)
        if result is NotImplemented or not result:
            return result
        if isinstance(other, ErrorDetail):
            return self.code == other.code
        return True

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __repr__(self) -> str:
        return f"ErrorDetail(string={str(self)!r}, code={self.code!r})"

    __hash__ = str.__hash__


def _get_error_details(data: Any, default_code: str | None = None) -> Any:
    """Turn nested messages into ErrorDetail strings, keeping lists and dicts."""
    if isinstance(data, (list, tuple)):
        return [_get_error_details(item, default_code) for item in data]
    if isinstance(data, Mapping):
        return {key: _get_error_details(value, default_code) for key, value in data.items()}
    if isinstance(data, ErrorDetail):
        return data
    text = str(data)
    code = getattr(data, "code", default_code)
    return ErrorDetail(text, code)


def _get_codes(detail: Any) -> Any:
    if isinstance(detail, list):
        return [_get_codes(item) for item in detail]
    if isinstance(detail, dict):
        return {key: _get_codes(value) for key, value in detail.items()}
    return detail.code


def _get_full_details(detail: Any) -> Any:
    if isinstance(detail, list):
        return [_get_full_details(item) for item in detail]
    if isinstance(detail, dict):
        return {key: _get_full_details(value) for key, value in detail.items()}
    return {"message": detail, "code": detail.code}


class APIException(Exception):
    """Base class of the errors a view raises to answer with a 4xx or 5xx."""

    status_code: int = status.HTTP_500_INTERNAL_SERVER_ERROR
    default_detail: str = _("A server error occurred.")
    default_code: str = "error"

    def __init__(self, detail: Any = None, code: str | None = None) -> None:
        if detail is None:
            detail = gettext(self.default_detail)
        if code is None:
            code = self.default_code
        self.detail: Any = _get_error_details(detail, code)

    def __str__(self) -> str:
        return str(self.detail)

    def get_codes(self) -> Any:
        return _get_codes(self.detail)

    def get_full_details(self) -> Any:
        return _get_full_details(self.detail)


class ValidationError(APIException):
    """Invalid input. ``detail`` is always a list or a dict (DRF's shape)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("Invalid input.")
    default_code = "invalid"
    default_params: dict[str, Any] = {}

    def __init__(
        self, detail: Any = None, code: str | None = None, params: Mapping[str, Any] | None = None
    ) -> None:
        if detail is None:
            detail = gettext(self.default_detail)
        if code is None:
            code = self.default_code
        if isinstance(detail, tuple):
            detail = list(detail)
        elif not isinstance(detail, (dict, list)):
            detail = [detail]
        if params:
            detail = _format(detail, params)
        self.detail = _get_error_details(detail, code)


def _format(detail: Any, params: Mapping[str, Any]) -> Any:
    if isinstance(detail, list):
        return [_format(item, params) for item in detail]
    if isinstance(detail, dict):
        return {key: _format(value, params) for key, value in detail.items()}
    if isinstance(detail, str):
        code = getattr(detail, "code", None)
        text = detail % params if "%(" in detail else detail
        return ErrorDetail(text, code) if code else text
    return detail


class ParseError(APIException):
    """The request body could not be parsed (400, ``parse_error``)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("Malformed request.")
    default_code = "parse_error"


class AuthenticationFailed(APIException):
    """The credentials sent are wrong (401, ``authentication_failed``; 403 when no
    authenticator gives a ``WWW-Authenticate`` header, as in DRF)."""

    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = _("Incorrect authentication credentials.")
    default_code = "authentication_failed"


class NotAuthenticated(APIException):
    """No credentials were sent (401, ``not_authenticated``; 403 when no authenticator
    gives a ``WWW-Authenticate`` header, as in DRF)."""

    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = _("Authentication credentials were not provided.")
    default_code = "not_authenticated"


class PermissionDenied(APIException):
    """A permission check refused the request (403, ``permission_denied``)."""

    status_code = status.HTTP_403_FORBIDDEN
    default_detail = _("You do not have permission to perform this action.")
    default_code = "permission_denied"


class NotFound(APIException):
    """The object or page asked for does not exist (404, ``not_found``)."""

    status_code = status.HTTP_404_NOT_FOUND
    default_detail = _("Not found.")
    default_code = "not_found"


class MethodNotAllowed(APIException):
    """The view has no handler for the request's method (405, ``method_not_allowed``)."""

    status_code = status.HTTP_405_METHOD_NOT_ALLOWED
    default_detail = _('Method "{method}" not allowed.')
    default_code = "method_not_allowed"

    def __init__(self, method: str, detail: Any = None, code: str | None = None) -> None:
        if detail is None:
            detail = gettext(self.default_detail).format(method=method)
        super().__init__(detail, code)


class NotAcceptable(APIException):
    """No renderer can produce what the ``Accept`` header asks for (406, ``not_acceptable``)."""

    status_code = status.HTTP_406_NOT_ACCEPTABLE
    default_detail = _("Could not satisfy the request Accept header.")
    default_code = "not_acceptable"

    def __init__(
        self, detail: Any = None, code: str | None = None, available_renderers: Any = None
    ) -> None:
        self.available_renderers = available_renderers
        super().__init__(detail, code)


class UnsupportedMediaType(APIException):
    """No parser reads the request's ``Content-Type`` (415, ``unsupported_media_type``)."""

    status_code = status.HTTP_415_UNSUPPORTED_MEDIA_TYPE
    default_detail = _('Unsupported media type "{media_type}" in request.')
    default_code = "unsupported_media_type"

    def __init__(self, media_type: str, detail: Any = None, code: str | None = None) -> None:
        if detail is None:
            detail = gettext(self.default_detail).format(media_type=media_type)
        super().__init__(detail, code)


class RequestEntityTooLarge(APIException):
    """The body is larger than the limit (httpkit's ``RequestDataTooBig``)."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("Request body too large.")
    default_code = "request_too_large"


class Throttled(APIException):
    """A throttle refused the request (429, ``throttled``); ``wait`` seconds, rounded up,
    go into the message and the ``Retry-After`` header."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = _("Request was throttled.")
    extra_detail_singular = "Expected available in {wait} second."
    extra_detail_plural = "Expected available in {wait} seconds."
    default_code = "throttled"

    def __init__(self, wait: float | None = None, detail: Any = None, code: str | None = None):
        if detail is None:
            detail = gettext(self.default_detail)
        if wait is not None:
            wait = math.ceil(wait)
            extra = self.extra_detail_singular if wait == 1 else self.extra_detail_plural
            detail = " ".join((str(detail), extra.format(wait=wait)))
        self.wait = wait
        super().__init__(detail, code)


class SkipField(Exception):
    """Raised by a field to leave itself out of the validated data."""
