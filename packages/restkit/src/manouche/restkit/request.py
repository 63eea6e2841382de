"""``Request``: WebOb's request with DRF's ``data``, ``query_params``, ``user`` and ``auth``."""

from __future__ import annotations

from typing import Any

import webob

from manouche.httpkit import DEFAULT_MAX_BODY_SIZE, LimitedStream, RequestDataTooBig
from manouche.httpkit import Request as HttpRequest
from manouche.httpkit.exceptions import BadRequest
from manouche.restkit import exceptions
from manouche.restkit.parsers import DataAndFiles

_FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
_OVERRIDE_METHODS = frozenset({"PUT", "PATCH", "DELETE"})


class Empty:
    """Marks that the body has not been parsed yet."""


class AnonymousUser:
    """The user of a request no authenticator recognised."""

    pk = None
    id = None
    username = ""
    is_active = False
    is_staff = False
    is_superuser = False
    is_authenticated = False
    is_anonymous = True

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return False

    def has_perms(self, perms: Any, obj: Any = None) -> bool:
        return False

    def __str__(self) -> str:
        return "AnonymousUser"

    def __bool__(self) -> bool:
        return True


class Request:
    """The request a restkit view sees; everything WebOb has is reachable on it too.

    ``data`` is the parsed body (parsers chosen by ``Content-Type``), read at
    most ``max_body_size`` bytes (httpkit's limit, 413 past it);
    ``query_params`` the query string; ``user`` and ``auth`` come from the
    first authenticator that recognises the request.
    """

    def __init__(
        self,
        request: webob.Request,
        parsers: list[Any] | None = None,
        authenticators: list[Any] | None = None,
        negotiator: Any = None,
        parser_context: dict[str, Any] | None = None,
        max_body_size: int | None = DEFAULT_MAX_BODY_SIZE,
    ) -> None:
        if isinstance(request, Request):
            raise TypeError(
                "The `request` argument must be a webob.Request, not a restkit Request."
            )
        self._request = request
        self.parsers = parsers or []
        self.authenticators = authenticators or []
        self.negotiator = negotiator
        self.parser_context = dict(parser_context or {})
        self.parser_context["request"] = self
        self.max_body_size = max_body_size
        self._data: Any = Empty
        self._files: Any = Empty
        self._user: Any = Empty
        self._auth: Any = Empty
        self._authenticator: Any = None
        self.accepted_renderer: Any = None
        self.accepted_media_type: str | None = None
        self.version: Any = None
        self.versioning_scheme: Any = None
        self._method: str | None = None
        self._override: tuple[bytes, str] | None = None
        self.form_csrf_token: str | None = None

    # -- WebOb passthrough --------------------------------------------------

    def __getattr__(self, name: str) -> Any:
        try:
            return getattr(self.__dict__["_request"], name)
        except KeyError:
            raise AttributeError(name) from None

    @property
    def method(self) -> str:
        if self._method is None:
            self._method = str(self._request.method)
            if self._method == "POST" and self._request.content_type in _FORM_TYPES:
                self._load_override()
        return self._method

    @property
    def query_params(self) -> Any:
        return self._request.GET

    @property
    def content_type(self) -> str:
        if self._override is not None:
            return self._override[1]
        return str(self._request.content_type or "")

    def _load_override(self) -> None:
        """Read the browsable API's form fields: ``_method``, ``_content``, ``_content_type``.

        An HTML form can only POST form data; as in Django REST framework's
        browsable API, a form POST with ``_method=PUT`` is a PUT, and one with
        ``_content`` carries that text as the body, of type ``_content_type``
        (JSON when absent). The body stays readable by the CSRF check.
        """
        fields = self._read_form()
        override = fields.get("_method", "")
        if override:
            method = override.upper()
            if method not in _OVERRIDE_METHODS:
                raise exceptions.ParseError(f"Unsupported _method override: {override[:20]!r}.")
            self._method = method
        if "_content" in fields:
            content_type = fields.get("_content_type") or "application/json"
            self._override = (str(fields["_content"]).encode(), str(content_type))
        token = fields.get("csrfmiddlewaretoken")
        self.form_csrf_token = str(token) if token else None

    def _read_form(self) -> Any:
        body = self._read_body()
        self._request.body = body  # readable again, for the CSRF check and the parsers
        return self._form_from(body)

    def _form_from(self, body: bytes) -> Any:
        import io

        environ = dict(self._request.environ)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("webob.is_body_seekable", None)
        environ.pop("webob._parsed_post_vars", None)
        try:
            return HttpRequest(environ).POST
        except RequestDataTooBig as exc:
            raise exceptions.RequestEntityTooLarge(str(exc)) from None
        except BadRequest as exc:
            raise exceptions.ParseError(str(exc) or "Malformed form data.") from None

    # -- body ---------------------------------------------------------------

    def _read_body(self) -> bytes:
        req = self._request
        limit = self.max_body_size
        length = req.content_length
        if limit is not None and length is not None and length > limit:
            raise exceptions.RequestEntityTooLarge(
                f"The request body is larger than {limit} bytes."
            )
        if limit is None:
            return bytes(req.body)
        try:
            stream = LimitedStream(req.body_file_raw, limit)
            if length is not None:
                return stream.read(length)
            return stream.read()
        except RequestDataTooBig:
            raise exceptions.RequestEntityTooLarge(
                f"The request body is larger than {limit} bytes."
            ) from None

    def _parse(self) -> tuple[Any, Any]:
        from webob.multidict import MultiDict

        req = self._request
        if self.method and self._override is not None:
            return self._parse_override()
        content_type = self.content_type
        has_body = (
            bool(req.content_length)
            or "chunked" in (req.headers.get("Transfer-Encoding", "") or "").lower()
        )
        if not has_body and not content_type:
            return {}, MultiDict()
        parser = None
        if self.negotiator is not None:
            parser = self.negotiator.select_parser(self, self.parsers)
        if parser is None:
            if not has_body:
                return {}, MultiDict()
            raise exceptions.UnsupportedMediaType(content_type or "")
        body_cache: list[bytes] = []

        def form() -> Any:
            body = self._read_body()
            body_cache.append(body)
            return self._form_from(body)

        context = dict(self.parser_context)
        context["form"] = form
        context["encoding"] = (
            req.charset if "charset=" in (req.headers.get("Content-Type") or "") else None
        )
        needs_body = parser.media_type not in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        )
        body = self._read_body() if needs_body else b""
        parsed = parser.parse(body, content_type, context)
        if isinstance(parsed, DataAndFiles):
            return parsed.data, parsed.files
        return parsed, MultiDict()

    def _parse_override(self) -> tuple[Any, Any]:
        from webob.multidict import MultiDict

        body, content_type = self._override or (b"", "")
        parser = None
        if self.negotiator is not None:
            parser = self.negotiator.select_parser(self, self.parsers)
        if parser is None or parser.media_type in _FORM_TYPES:
            raise exceptions.UnsupportedMediaType(content_type)
        context = dict(self.parser_context)
        context["encoding"] = "utf-8"
        parsed = parser.parse(body, content_type, context)
        if isinstance(parsed, DataAndFiles):
            return parsed.data, parsed.files
        return parsed, MultiDict()

    def _load_data_and_files(self) -> None:
        if self._data is Empty:
            try:
                self._data, self._files = self._parse()
            except Exception:
                from webob.multidict import MultiDict

                self._data, self._files = {}, MultiDict()
                raise

    @property
    def data(self) -> Any:
        self._load_data_and_files()
        return self._data

    @property
    def FILES(self) -> Any:  # noqa: N802 - DRF's name
        self._load_data_and_files()
        return self._files

    @property
    def POST(self) -> Any:  # noqa: N802 - DRF's name
        self._load_data_and_files()
        return self._data if hasattr(self._data, "getlist") else {}

    # -- authentication -------------------------------------------------------

    def _authenticate(self) -> None:
        for authenticator in self.authenticators:
            try:
                result = authenticator.authenticate(self)
            except exceptions.APIException:
                self._not_authenticated()
                raise
            if result is not None:
                self._authenticator = authenticator
                self._user, self._auth = result
                return
        self._not_authenticated()

    def _not_authenticated(self) -> None:
        self._authenticator = None
        self._user = AnonymousUser()
        self._auth = None

    @property
    def user(self) -> Any:
        if self._user is Empty:
            self._authenticate()
        return self._user

    @user.setter
    def user(self, value: Any) -> None:
        self._user = value

    @property
    def auth(self) -> Any:
        if self._auth is Empty:
            self._authenticate()
        return self._auth

    @auth.setter
    def auth(self, value: Any) -> None:
        self._auth = value

    @property
    def successful_authenticator(self) -> Any:
        if self._user is Empty:
            self._authenticate()
        return self._authenticator

    @property
    def webob_request(self) -> webob.Request:
        return self._request
