"""``APIView``: a class-based view with negotiation, parsing, auth, permissions, throttling.

``APIView.as_view()`` is an ordinary view of the neutral ground,
``view(webob.Request, **route_kwargs) -> webob.Response``: mount it with
urlmap, in a Flask app through its WSGI adapter, or call it directly.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable
from http import HTTPStatus
from typing import Any, ClassVar

import webob
from sqlalchemy.exc import DataError

from manouche.httpkit import exceptions as http_exceptions
from manouche.restkit import exceptions, status
from manouche.restkit.authentication import SessionAuthentication
from manouche.restkit.negotiation import DefaultContentNegotiation
from manouche.restkit.parsers import FormParser, JSONParser, MultiPartParser
from manouche.restkit.permissions import AllowAny
from manouche.restkit.renderers import BrowsableAPIRenderer, JSONRenderer
from manouche.restkit.request import Request
from manouche.restkit.response import Response

PROBLEM_JSON = "application/problem+json"


def _is_does_not_exist(exc: BaseException) -> bool:
    return any(cls.__name__ in ("ObjectDoesNotExist", "DoesNotExist") for cls in type(exc).__mro__)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """The response for an error raised in a view, or None to let it propagate (a 500).

    API exceptions, httpkit's HTTP exceptions and a model's ``DoesNotExist``
    become 4xx responses in DRF's shape: ``{"detail": "..."}`` or the
    validation errors themselves.
    """
    if isinstance(exc, http_exceptions.Http404) or _is_does_not_exist(exc):
        exc = exceptions.NotFound()
    elif isinstance(exc, http_exceptions.PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, http_exceptions.RequestDataTooBig):
        exc = exceptions.RequestEntityTooLarge(str(exc) or None)
    elif isinstance(exc, http_exceptions.BadRequest):
        exc = exceptions.ParseError(str(exc) or None)
    elif isinstance(exc, (OverflowError, DataError)):
        # A number (or text) no column can store reached the database: the input is bad.
        exc = exceptions.ValidationError(
            {"detail": "A value is out of the range the database can store."}, code="out_of_range"
        )
    if not isinstance(exc, exceptions.APIException):
        return None
    headers: dict[str, str] = {}
    auth_header = getattr(exc, "auth_header", None)
    if auth_header:
        headers["WWW-Authenticate"] = auth_header
    wait = getattr(exc, "wait", None)
    if wait:
        headers["Retry-After"] = str(int(wait))
    data = exc.detail if isinstance(exc.detail, (list, dict)) else {"detail": exc.detail}
    return Response(data, status=exc.status_code, headers=headers, exception=True)


def problem_details(response: Response, exc: Exception, request: Any) -> Response:
    """Rewrite an error response as RFC 9457 problem details (``application/problem+json``)."""
    data = response.data
    body: dict[str, Any] = {
        "type": getattr(exc, "problem_type", "about:blank"),
        "title": HTTPStatus(response.status_code).phrase,
        "status": response.status_code,
    }
    if isinstance(data, dict) and set(data) == {"detail"}:
        body["detail"] = str(data["detail"])
    else:
        body["detail"] = "Invalid input." if response.status_code == 400 else body["title"]
        body["errors"] = data
    code = getattr(getattr(exc, "detail", None), "code", None) or getattr(exc, "default_code", None)
    if code:
        body["code"] = code
    if request is not None:
        body["instance"] = getattr(request, "path", None)
    response.data = body
    response.content_type = PROBLEM_JSON
    return response


def _camel_to_words(name: str) -> str:
    return re.sub(r"((?<=[a-z])[A-Z]|(?<!\A)[A-Z](?=[a-z]))", r" \1", name).strip()


def get_view_name(view: Any) -> str:
    name = getattr(view, "name", None)
    if name:
        return str(name)
    name = type(view).__name__
    for suffix in ("View", "ViewSet"):
        if name.endswith(suffix) and name != suffix:
            name = name[: -len(suffix)]
    name = _camel_to_words(name)
    suffix = str(getattr(view, "suffix", None) or "")
    if suffix:
        name += " " + suffix
    return name


def get_view_description(view: Any) -> str:
    description = getattr(view, "description", None) or type(view).__doc__ or ""
    return inspect.cleandoc(description)


class _DefaultSchema:
    """A view's ``schema`` when none was set: the document generator reads the view."""

    def __repr__(self) -> str:
        return "DefaultSchema()"


class APIView:
    """DRF's ``APIView``: the policies are class attributes, override them per view."""

    renderer_classes: ClassVar[list[Any]] = [JSONRenderer, BrowsableAPIRenderer]
    parser_classes: ClassVar[list[Any]] = [JSONParser, FormParser, MultiPartParser]
    authentication_classes: ClassVar[list[Any]] = [SessionAuthentication]
    throttle_classes: ClassVar[list[Any]] = []
    permission_classes: ClassVar[list[Any]] = [AllowAny]
    content_negotiation_class: ClassVar[Any] = DefaultContentNegotiation
    versioning_class: ClassVar[Any] = None
    exception_handler: ClassVar[Callable[..., Any]] = staticmethod(exception_handler)
    #: Answer errors as RFC 9457 problem details (``application/problem+json``).
    problem_details: ClassVar[bool] = False
    #: The largest request body read, in bytes (httpkit's default, 2.5 MiB); None: no limit.
    max_body_size: ClassVar[int | None] = 2_621_440
    http_method_names: ClassVar[list[str]] = [
        "get", "post", "put", "patch", "delete", "head", "options", "trace",
    ]  # fmt: skip
    #: How the OpenAPI document describes the view: the generator's own reading by
    #: default, a ``schemas.AutoSchema(...)`` to say more, None to leave it out (DRF's).
    schema: ClassVar[Any] = _DefaultSchema()

    def __init__(self, **kwargs: Any) -> None:
        for key, value in kwargs.items():
            setattr(self, key, value)
        self.headers: dict[str, str] = {}
        self.args: tuple[Any, ...] = ()
        self.kwargs: dict[str, Any] = {}
        self.format_kwarg: str | None = None

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Callable[..., webob.Response]:
        for key in initkwargs:
            if key in cls.http_method_names:
                raise TypeError(
                    f"The method name {key} is not accepted as a keyword argument to "
                    f"{cls.__name__}()."
                )
            if not hasattr(cls, key):
                raise TypeError(
                    f"{cls.__name__}() received an invalid keyword {key!r}. as_view only "
                    "accepts arguments that are already attributes of the class."
                )

        def view(request: webob.Request, *args: Any, **kwargs: Any) -> webob.Response:
            self = cls(**initkwargs)
            return self.dispatch(request, *args, **kwargs)

        view.cls = cls  # type: ignore[attr-defined]
        view.initkwargs = initkwargs  # type: ignore[attr-defined]
        view.csrf_exempt = True  # type: ignore[attr-defined]
        view.__doc__ = cls.__doc__
        view.__name__ = cls.__name__
        view.__qualname__ = cls.__qualname__
        return view

    @property
    def allowed_methods(self) -> list[str]:
        return [m.upper() for m in self.http_method_names if hasattr(self, m)]

    @property
    def default_response_headers(self) -> dict[str, str]:
        headers = {"Allow": ", ".join(self.allowed_methods)}
        if len(self.renderer_classes) > 1:
            headers["Vary"] = "Accept"
        return headers

    def get_view_name(self) -> str:
        return get_view_name(self)

    def get_view_description(self) -> str:
        return get_view_description(self)

    # -- policy instances -----------------------------------------------------

    def get_renderers(self) -> list[Any]:
        return [renderer() for renderer in self.renderer_classes]

    def get_parsers(self) -> list[Any]:
        return [parser() for parser in self.parser_classes]

    def get_authenticators(self) -> list[Any]:
        return [auth() if isinstance(auth, type) else auth for auth in self.authentication_classes]

    def get_permissions(self) -> list[Any]:
        return [permission() for permission in self.permission_classes]

    def get_throttles(self) -> list[Any]:
        return [throttle() for throttle in self.throttle_classes]

    def get_content_negotiator(self) -> Any:
        if not hasattr(self, "_negotiator"):
            self._negotiator = self.content_negotiation_class()
        return self._negotiator

    def get_exception_handler(self) -> Callable[..., Any]:
        return type(self).exception_handler

    def get_exception_handler_context(self) -> dict[str, Any]:
        return {
            "view": self,
            "args": self.args,
            "kwargs": self.kwargs,
            "request": getattr(self, "request", None),
        }

    def get_renderer_context(self) -> dict[str, Any]:
        return {
            "view": self,
            "args": self.args,
            "kwargs": self.kwargs,
            "request": getattr(self, "request", None),
        }

    def get_parser_context(self, http_request: webob.Request) -> dict[str, Any]:
        return {"view": self, "args": self.args, "kwargs": self.kwargs}

    # -- checks ---------------------------------------------------------------

    def permission_denied(
        self, request: Request, message: str | None = None, code: str | None = None
    ) -> None:
        if request.authenticators and not request.successful_authenticator:
            raise exceptions.NotAuthenticated()
        raise exceptions.PermissionDenied(detail=message, code=code)

    def throttled(self, request: Request, wait: float | None) -> None:
        raise exceptions.Throttled(wait)

    def get_authenticate_header(self, request: Request) -> str | None:
        authenticators = self.get_authenticators()
        if authenticators:
            return authenticators[0].authenticate_header(request)  # type: ignore[no-any-return]
        return None

    def perform_authentication(self, request: Request) -> None:
        request.user  # noqa: B018 - authenticates now, so a bad credential fails early

    def check_permissions(self, request: Request) -> None:
        for permission in self.get_permissions():
            if not permission.has_permission(request, self):
                self.permission_denied(
                    request,
                    message=getattr(permission, "message", None),
                    code=getattr(permission, "code", None),
                )

    def check_object_permissions(self, request: Request, obj: Any) -> None:
        for permission in self.get_permissions():
            if not permission.has_object_permission(request, self, obj):
                self.permission_denied(
                    request,
                    message=getattr(permission, "message", None),
                    code=getattr(permission, "code", None),
                )

    def check_throttles(self, request: Request) -> None:
        waits = []
        for throttle in self.get_throttles():
            if not throttle.allow_request(request, self):
                waits.append(throttle.wait())
        if waits:
            known = [w for w in waits if w is not None]
            self.throttled(request, max(known, default=None))

    def determine_version(self, request: Request, *args: Any, **kwargs: Any) -> tuple[Any, Any]:
        if self.versioning_class is None:
            return None, None
        scheme = self.versioning_class()
        return scheme.determine_version(request, *args, **kwargs), scheme

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple[Any, str]:
        renderers = self.get_renderers()
        negotiator = self.get_content_negotiator()
        try:
            return negotiator.select_renderer(request, renderers, self.format_kwarg)  # type: ignore[no-any-return]
        except Exception:
            if force:
                return renderers[0], renderers[0].media_type
            raise

    # -- the request cycle ------------------------------------------------------

    def initialize_request(self, request: webob.Request, *args: Any, **kwargs: Any) -> Request:
        return Request(
            request,
            parsers=self.get_parsers(),
            authenticators=self.get_authenticators(),
            negotiator=self.get_content_negotiator(),
            parser_context=self.get_parser_context(request),
            max_body_size=self.max_body_size,
        )

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self.format_kwarg = kwargs.get("format")
        renderer, media_type = self.perform_content_negotiation(request)
        request.accepted_renderer, request.accepted_media_type = renderer, media_type
        request.version, request.versioning_scheme = self.determine_version(
            request, *args, **kwargs
        )
        self.perform_authentication(request)
        self.check_permissions(request)
        self.check_throttles(request)

    def finalize_response(
        self, request: Request, response: Any, *args: Any, **kwargs: Any
    ) -> webob.Response:
        if isinstance(response, webob.Response):
            return response
        if not isinstance(response, Response):
            raise TypeError(
                "Expected a `Response` or a `webob.Response` to be returned from the view, "
                f"but received a `{type(response).__name__}`"
            )
        if request.accepted_renderer is None:
            renderer, media_type = self.perform_content_negotiation(request, force=True)
            request.accepted_renderer, request.accepted_media_type = renderer, media_type
        response.accepted_renderer = request.accepted_renderer
        response.accepted_media_type = request.accepted_media_type
        if response.content_type == PROBLEM_JSON and response.accepted_renderer.format != "api":
            from manouche.restkit.renderers import ProblemJSONRenderer

            response.accepted_renderer = ProblemJSONRenderer()
        response.renderer_context = self.get_renderer_context()
        for key, value in self.headers.items():
            response.headers.setdefault(key, value)
        if request.version is not None and "Vary" in response.headers:
            pass
        return response.render()

    def handle_exception(self, exc: Exception) -> Any:
        if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
            auth_header = self.get_authenticate_header(self.request)
            if auth_header:
                setattr(exc, "auth_header", auth_header)  # noqa: B010 - DRF's attribute
            else:
                exc.status_code = status.HTTP_403_FORBIDDEN
        handler = self.get_exception_handler()
        response = handler(exc, self.get_exception_handler_context())
        if response is None:
            raise exc
        response.exception = True
        if self.problem_details:
            response = problem_details(response, exc, getattr(self, "request", None))
        return response

    def http_method_not_allowed(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise exceptions.MethodNotAllowed(request.method)

    def options(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = {
            "name": self.get_view_name(),
            "description": self.get_view_description(),
            "renders": [r.media_type for r in self.get_renderers()],
            "parses": [p.media_type for p in self.get_parsers()],
        }
        return Response(data, status=status.HTTP_200_OK)

    def dispatch(self, request: webob.Request, *args: Any, **kwargs: Any) -> webob.Response:
        self.args = args
        self.kwargs = kwargs
        api_request = self.initialize_request(request, *args, **kwargs)
        self.request = api_request
        self.headers = self.default_response_headers
        try:
            self.initial(api_request, *args, **kwargs)
            method = api_request.method.lower()
            if method == "head" and not hasattr(self, "head") and hasattr(self, "get"):
                method = "get"
            if method in self.http_method_names:
                handler = getattr(self, method, self.http_method_not_allowed)
            else:
                handler = self.http_method_not_allowed
            response = handler(api_request, *args, **kwargs)
        except Exception as exc:
            response = self.handle_exception(exc)
        return self.finalize_response(api_request, response, *args, **kwargs)


def _json(data: dict[str, Any], status_code: int) -> webob.Response:
    response = webob.Response(status=status_code)
    response.headers["Content-Type"] = "application/json"
    response.body = JSONRenderer().render(data)
    return response


def not_found(request: webob.Request, exception: Exception | None = None) -> webob.Response:
    """A JSON 404 for a URL no view answers (``URLMap(..., handler404=not_found)``)."""
    return _json({"detail": "Not found."}, status.HTTP_404_NOT_FOUND)


def server_error(request: webob.Request, *args: Any, **kwargs: Any) -> webob.Response:
    """A JSON 500 (DRF's ``rest_framework.exceptions.server_error``)."""
    return _json({"error": "Server Error (500)"}, status.HTTP_500_INTERNAL_SERVER_ERROR)


def bad_request(request: webob.Request, exception: Exception | None = None) -> webob.Response:
    """A JSON 400 (DRF's ``rest_framework.exceptions.bad_request``)."""
    return _json({"error": "Bad Request (400)"}, status.HTTP_400_BAD_REQUEST)


# -- function views -------------------------------------------------------------


def api_view(
    http_method_names: list[str] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., webob.Response]]:
    """Turn ``func(request, **kwargs) -> Response`` into an API view for those methods."""
    methods = ["GET"] if http_method_names is None else list(http_method_names)

    def decorator(func: Callable[..., Any]) -> Callable[..., webob.Response]:
        attrs: dict[str, Any] = {"__doc__": func.__doc__}
        for method in methods:
            lower = method.lower()
            if lower not in APIView.http_method_names:
                raise TypeError(f"{method!r} is not an HTTP method api_view knows")

            def handler(self: APIView, *args: Any, **kwargs: Any) -> Any:
                return func(*args, **kwargs)

            attrs[lower] = handler
        for name in (
            "renderer_classes", "parser_classes", "authentication_classes",
            "throttle_classes", "permission_classes", "versioning_class", "schema",
        ):  # fmt: skip
            if hasattr(func, name):
                attrs[name] = getattr(func, name)
        cls: type[APIView] = type(func.__name__, (APIView,), attrs)
        view = cls.as_view()
        functools.update_wrapper(
            view, func, assigned=("__module__", "__name__", "__qualname__", "__doc__")
        )
        view.cls = cls  # type: ignore[attr-defined]
        return view

    return decorator


def _setter(name: str) -> Callable[[Any], Callable[[Callable[..., Any]], Callable[..., Any]]]:
    def decorator_factory(value: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
            setattr(func, name, value)
            return func

        return decorator

    return decorator_factory


renderer_classes = _setter("renderer_classes")
parser_classes = _setter("parser_classes")
authentication_classes = _setter("authentication_classes")
throttle_classes = _setter("throttle_classes")
permission_classes = _setter("permission_classes")
schema = _setter("schema")
