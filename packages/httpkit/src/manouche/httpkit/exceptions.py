"""Exceptions a view or middleware raises to answer with a 4xx response.

They keep Django's names (``django.http.Http404``,
``django.core.exceptions.PermissionDenied``, ``BadRequest``,
``SuspiciousOperation``, ``DisallowedHost``, ``RequestDataTooBig``) so code
ports by changing imports. The WSGI handler turns each one into its response
through the pluggable handlers (``handler400``, ``handler403``,
``handler404``); ``webob.exc`` HTTP exceptions work too and are answered as
they are.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "BadRequest",
    "DisallowedHost",
    "Http404",
    "MalformedRequest",
    "PermissionDenied",
    "RequestDataTooBig",
    "SuspiciousOperation",
    "TooManyFieldsSent",
    "TooManyFilesSent",
]


class Http404(Exception):
    """The resource does not exist: answered with a 404."""

    status_code = 404


class PermissionDenied(Exception):
    """The user may not do this: answered with a 403."""

    status_code = 403


class BadRequest(Exception):
    """The request is malformed: answered with a 400.

    ``BadRequest(message, params={...})`` keeps the message as a template
    (``"... %(limit)s bytes"``): ``str()`` is the English text, and the default
    4xx pages show the template translated into the active language.
    """

    status_code = 400
    #: Whether the message is written for the client: the default 4xx pages
    #: show it (httpkit's own request errors), otherwise they say nothing.
    public_message = False

    def __init__(self, *args: object, params: Mapping[str, object] | None = None) -> None:
        super().__init__(*args)
        self.params = params

    def __str__(self) -> str:
        if self.params is not None and len(self.args) == 1 and isinstance(self.args[0], str):
            return self.args[0] % self.params
        return super().__str__()


class MalformedRequest(BadRequest):
    """httpkit could not read the request (its charset, its form data): a 400.

    The message names the problem and is shown on the default 400 page.

    .. versionadded:: 0.2
    """

    public_message = True


class SuspiciousOperation(BadRequest):
    """The request looks like an attack (logged to ``manouche.httpkit.security``): a 400."""


class DisallowedHost(SuspiciousOperation):
    """The ``Host`` header is malformed or not in the allowed hosts: a 400."""


class RequestDataTooBig(SuspiciousOperation):
    """The request body is larger than the configured limit: a 413.

    Django answers this with a 400; 413 Content Too Large is the status the
    HTTP specification names for it, so we use that.
    """

    status_code = 413
    public_message = True


class TooManyFieldsSent(SuspiciousOperation):
    """More form or query fields than ``max_number_fields`` (Django's name): a 400.

    .. versionadded:: 0.2
    """

    public_message = True


class TooManyFilesSent(SuspiciousOperation):
    """More uploaded files than ``max_number_files`` (Django's name): a 400.

    .. versionadded:: 0.2
    """

    public_message = True
