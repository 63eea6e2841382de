"""HTTP status codes under DRF's names (``status.HTTP_201_CREATED``)."""

from __future__ import annotations

from http import HTTPStatus


def is_informational(code: int) -> bool:
    return 100 <= code <= 199


def is_success(code: int) -> bool:
    return 200 <= code <= 299


def is_redirect(code: int) -> bool:
    return 300 <= code <= 399


def is_client_error(code: int) -> bool:
    return 400 <= code <= 499


def is_server_error(code: int) -> bool:
    return 500 <= code <= 599


for _status in HTTPStatus:
    globals()[f"HTTP_{_status.value}_{_status.name}"] = _status.value
del _status

HTTP_200_OK = 200
HTTP_201_CREATED = 201
HTTP_204_NO_CONTENT = 204
HTTP_400_BAD_REQUEST = 400
HTTP_401_UNAUTHORIZED = 401
HTTP_403_FORBIDDEN = 403
HTTP_404_NOT_FOUND = 404
HTTP_405_METHOD_NOT_ALLOWED = 405
HTTP_406_NOT_ACCEPTABLE = 406
HTTP_413_REQUEST_ENTITY_TOO_LARGE = 413
HTTP_415_UNSUPPORTED_MEDIA_TYPE = 415
HTTP_429_TOO_MANY_REQUESTS = 429
HTTP_500_INTERNAL_SERVER_ERROR = 500
