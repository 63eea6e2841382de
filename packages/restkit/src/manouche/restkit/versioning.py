"""API versions from the URL path, the ``Accept`` header or the query string."""

from __future__ import annotations

from typing import Any

from manouche.restkit import exceptions
from manouche.restkit.negotiation import _parse


class BaseVersioning:
    default_version: str | None = None
    allowed_versions: tuple[str, ...] | None = None
    version_param = "version"

    def determine_version(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("versioning.determine_version() must be implemented.")

    def reverse(
        self, viewname: str, args: Any = None, kwargs: Any = None, request: Any = None, **extra: Any
    ) -> str:
        from manouche.restkit.reverse import reverse

        return reverse(viewname, args=args, kwargs=kwargs, request=request, **extra)

    def is_allowed_version(self, version: Any) -> bool:
        if not self.allowed_versions:
            return True
        return (version is not None and version == self.default_version) or (
            version in self.allowed_versions
        )


class URLPathVersioning(BaseVersioning):
    """``path("<str:version>/books/", ...)``: the version is a URL keyword argument."""

    invalid_version_message = "Invalid version in URL path."

    def determine_version(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        version = kwargs.get(self.version_param, self.default_version)
        if version is None:
            version = self.default_version
        if not self.is_allowed_version(version):
            raise exceptions.NotFound(self.invalid_version_message)
        return version

    def reverse(
        self, viewname: str, args: Any = None, kwargs: Any = None, request: Any = None, **extra: Any
    ) -> str:
        if request is not None and getattr(request, "version", None) is not None:
            kwargs = {**(kwargs or {}), self.version_param: request.version}
        return super().reverse(viewname, args, kwargs, request, **extra)


class AcceptHeaderVersioning(BaseVersioning):
    """``Accept: application/json; version=1.0``."""

    invalid_version_message = 'Invalid version in "Accept" header.'

    def determine_version(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        media_type = request.accepted_media_type or ""
        version = _parse(media_type)[1].get(self.version_param, self.default_version)
        if not self.is_allowed_version(version):
            raise exceptions.NotAcceptable(self.invalid_version_message)
        return version


class HeaderVersioning(BaseVersioning):
    """A header of its own: ``X-API-Version: 2`` (``header_name``)."""

    header_name = "X-API-Version"
    invalid_version_message = 'Invalid version in "X-API-Version" header.'

    def determine_version(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        version = request.headers.get(self.header_name) or self.default_version
        if not self.is_allowed_version(version):
            raise exceptions.NotFound(self.invalid_version_message)
        return version


class QueryParameterVersioning(BaseVersioning):
    """``?version=2``."""

    invalid_version_message = "Invalid version in query parameter."

    def determine_version(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        version = request.query_params.get(self.version_param, self.default_version)
        if not self.is_allowed_version(version):
            raise exceptions.NotFound(self.invalid_version_message)
        return version
