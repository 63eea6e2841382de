"""manouche.restkit: Django REST framework's serializers, API views and routers, on WebOb."""

from manouche.restkit import fields, relations, serializers, status, validators
from manouche.restkit.exceptions import (
    APIException,
    AuthenticationFailed,
    ErrorDetail,
    MethodNotAllowed,
    NotAcceptable,
    NotAuthenticated,
    NotFound,
    ParseError,
    PermissionDenied,
    Throttled,
    UnsupportedMediaType,
    ValidationError,
)

__all__ = [
    "APIException",
    "AuthenticationFailed",
    "ErrorDetail",
    "MethodNotAllowed",
    "NotAcceptable",
    "NotAuthenticated",
    "NotFound",
    "ParseError",
    "PermissionDenied",
    "Throttled",
    "UnsupportedMediaType",
    "ValidationError",
    "fields",
    "relations",
    "serializers",
    "status",
    "validators",
]
