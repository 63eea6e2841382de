"""One-time messages (Django's ``django.contrib.messages``).

``messages.success(request, "Saved.")`` in a view; the next page that
iterates ``get_messages(request)`` shows it, once. ``MessageMiddleware``
keeps the unread ones in a signed cookie (``CookieStorage``), in the session
(``SessionStorage``) or in the cookie with the session for what does not fit
(``FallbackStorage``, the default, as Django's).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import webob

from manouche.authkit import signing
from manouche.authkit._cookies import delete_cookie, set_cookie
from manouche.httpkit import BaseMiddleware

if TYPE_CHECKING:
    from manouche.httpkit import Handler

__all__ = [
    "DEBUG",
    "DEFAULT_LEVELS",
    "DEFAULT_TAGS",
    "ERROR",
    "INFO",
    "SUCCESS",
    "WARNING",
    "BaseStorage",
    "CookieStorage",
    "FallbackStorage",
    "Message",
    "MessageFailure",
    "MessageMiddleware",
    "SessionStorage",
    "add_message",
    "debug",
    "error",
    "get_level",
    "get_messages",
    "info",
    "set_level",
    "success",
    "warning",
]

DEBUG = 10
INFO = 20
SUCCESS = 25
WARNING = 30
ERROR = 40
DEFAULT_LEVELS = {
    "DEBUG": DEBUG,
    "INFO": INFO,
    "SUCCESS": SUCCESS,
    "WARNING": WARNING,
    "ERROR": ERROR,
}
DEFAULT_TAGS = {
    DEBUG: "debug",
    INFO: "info",
    SUCCESS: "success",
    WARNING: "warning",
    ERROR: "error",
}
MESSAGES_ENVIRON_KEY = "manouche.messages"


class MessageFailure(Exception):
    """A message was added to a request without ``MessageMiddleware``."""


class Message:
    """A message: level, text and extra tags (``tags`` is what a template uses)."""

    __slots__ = ("extra_tags", "level", "message", "tags_map")

    def __init__(
        self,
        level: int,
        message: str,
        extra_tags: str | None = None,
        tags_map: dict[int, str] | None = None,
    ) -> None:
        self.level = int(level)
        self.message = message
        self.extra_tags = extra_tags
        self.tags_map = tags_map or DEFAULT_TAGS

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Message):
            return NotImplemented
        return self.level == other.level and self.message == other.message

    def __hash__(self) -> int:
        return hash((self.level, self.message))

    def __str__(self) -> str:
        return str(self.message)

    def __repr__(self) -> str:
        extra = f", extra_tags={self.extra_tags!r}" if self.extra_tags else ""
        return f"Message(level={self.level}, message={self.message!r}{extra})"

    @property
    def level_tag(self) -> str:
        return self.tags_map.get(self.level, "")

    @property
    def tags(self) -> str:
        return " ".join(tag for tag in (self.extra_tags, self.level_tag) if tag)


def _is_safe(message: Any) -> bool:
    return hasattr(message, "__html__")


def _encode(messages: list[Message]) -> str:
    """Django's MessageEncoder: ``["__json_message", safe, level, text(, extra_tags)]``."""
    out = []
    for m in messages:
        item: list[Any] = [
            "__json_message",
            1 if _is_safe(m.message) else 0,
            m.level,
            str(m.message),
        ]
        if m.extra_tags is not None:
            item.append(m.extra_tags)
        out.append(item)
    return json.dumps(out, separators=(",", ":"))


def _decode(text: str, tags_map: dict[int, str]) -> list[Message]:
    data = json.loads(text)
    if not isinstance(data, list):
        raise ValueError("messages must be a list")
    out = []
    for item in data:
        if not (isinstance(item, list) and len(item) >= 4 and item[0] == "__json_message"):
            raise ValueError("not a stored message")
        extra = item[4] if len(item) > 4 else None
        if not isinstance(item[2], int) or not isinstance(item[3], str):
            raise ValueError("malformed message")
        out.append(Message(item[2], item[3], extra, tags_map))
    return out


class BaseStorage:
    """Messages of one request: the ones loaded, and the ones added now."""

    def __init__(
        self, request: webob.Request, *, level: int = INFO, tags: dict[int, str] | None = None
    ) -> None:
        self.request = request
        self._level = level
        self.tags_map = {**DEFAULT_TAGS, **(tags or {})}
        self._queued: list[Message] = []
        self._loaded: list[Message] | None = None
        self.used = False
        self.added_new = False

    @property
    def _loaded_messages(self) -> list[Message]:
        if self._loaded is None:
            self._loaded = self._get()
        return self._loaded

    def __len__(self) -> int:
        return len(self._loaded_messages) + len(self._queued)

    def __iter__(self) -> Iterator[Message]:
        self.used = True
        if self._queued:
            self._loaded_messages.extend(self._queued)
            self._queued = []
        return iter(self._loaded_messages)

    def __contains__(self, item: object) -> bool:
        return item in self._loaded_messages or item in self._queued

    def __repr__(self) -> str:
        return f"<{type(self).__qualname__}: request={self.request!r}>"

    def add(self, level: int, message: str, extra_tags: str = "") -> None:
        """Queue a message when ``level`` reaches the storage's minimum."""
        if not message:
            return
        if int(level) < self.level:
            return
        self.added_new = True
        self._queued.append(Message(level, message, extra_tags or None, self.tags_map))

    @property
    def level(self) -> int:
        return self._level

    @level.setter
    def level(self, value: int | None) -> None:
        self._level = INFO if value is None else int(value)

    def update(self, response: webob.Response) -> list[Message]:
        """Store what is left to show: unread loaded messages and new ones."""
        if self.used:
            return self._store(list(self._queued), response)
        if self.added_new:
            return self._store(self._loaded_messages + self._queued, response)
        return []

    def _get(self) -> list[Message]:
        raise NotImplementedError

    def _store(self, messages: list[Message], response: webob.Response) -> list[Message]:
        """Store ``messages``; return those that did not fit."""
        raise NotImplementedError


class CookieStorage(BaseStorage):
    """Messages in a signed cookie (``messages``), like Django's (2 KB at most).

    Messages that do not fit are dropped oldest first, unless a fallback
    takes them (``FallbackStorage``).
    """

    cookie_name = "messages"
    max_cookie_size = 2048
    key_salt = "django.contrib.messages"

    def __init__(
        self,
        request: webob.Request,
        *,
        secret_key: str | bytes,
        cookie_options: dict[str, Any] | None = None,
        drop_overflow: bool = True,
        **options: Any,
    ) -> None:
        super().__init__(request, **options)
        if not secret_key:
            raise ValueError("CookieStorage needs a secret_key")
        self.signer = signing.TimestampSigner(
            key=b"django.http.cookies" + signing_bytes(secret_key), salt=self.key_salt
        )
        self.cookie_options = cookie_options or {}
        self.drop_overflow = drop_overflow

    def _get(self) -> list[Message]:
        value = self.request.cookies.get(self.cookie_name)
        if not value:
            return []
        try:
            data = self.signer.unsign_object(value, serializer=_RawJSON)
            return _decode(data, self.tags_map)
        except (signing.BadSignature, ValueError):
            return []

    def _encode_cookie(self, messages: list[Message]) -> str:
        return self.signer.sign_object(_encode(messages), serializer=_RawJSON, compress=True)

    def _store(self, messages: list[Message], response: webob.Response) -> list[Message]:
        unstored: list[Message] = []
        value = self._encode_cookie(messages) if messages else ""
        while messages and len(value) > self.max_cookie_size:
            unstored.append(messages.pop(0))
            value = self._encode_cookie(messages) if messages else ""
        opts = self.cookie_options
        if value:
            set_cookie(
                response,
                self.cookie_name,
                value,
                domain=opts.get("domain"),
                secure=opts.get("secure", False),
                httponly=opts.get("httponly", True),
                samesite=opts.get("samesite", "Lax"),
            )
        elif self.cookie_name in self.request.cookies:
            delete_cookie(
                response,
                self.cookie_name,
                domain=opts.get("domain"),
                samesite=opts.get("samesite", "Lax"),
            )
        return unstored


def signing_bytes(key: str | bytes) -> bytes:
    return key if isinstance(key, bytes) else key.encode()


class _RawJSON:
    """A signing serializer for text that is already JSON (Django's MessageSerializer)."""

    def dumps(self, obj: Any) -> bytes:
        return str(obj).encode("latin-1")

    def loads(self, data: bytes) -> Any:
        return data.decode("latin-1")


class SessionStorage(BaseStorage):
    """Messages in ``request.session["_messages"]`` (``SessionMiddleware`` first)."""

    session_key = "_messages"

    def _session(self) -> Any:
        session = self.request.environ.get("manouche.session")
        if session is None:
            raise RuntimeError("SessionStorage needs SessionMiddleware before MessageMiddleware")
        return session

    def _get(self) -> list[Message]:
        text = self._session().get(self.session_key)
        if not text:
            return []
        try:
            return _decode(text, self.tags_map)
        except ValueError:
            return []

    def _store(self, messages: list[Message], response: webob.Response) -> list[Message]:
        session = self._session()
        if messages:
            session[self.session_key] = _encode(messages)
        else:
            session.pop(self.session_key, None)
        return []


class FallbackStorage(BaseStorage):
    """The cookie first; what does not fit goes to the session."""

    def __init__(
        self,
        request: webob.Request,
        *,
        secret_key: str | bytes,
        cookie_options: dict[str, Any] | None = None,
        **options: Any,
    ) -> None:
        super().__init__(request, **options)
        self.cookie = CookieStorage(
            request, secret_key=secret_key, cookie_options=cookie_options, **options
        )
        self.session = SessionStorage(request, **options)

    def _get(self) -> list[Message]:
        found = self.cookie._get()
        if "manouche.session" in self.request.environ:
            found += self.session._get()
        return found

    def _store(self, messages: list[Message], response: webob.Response) -> list[Message]:
        rest = self.cookie._store(list(messages), response)
        if "manouche.session" in self.request.environ:
            rest = self.session._store(rest, response)
        return rest


class MessageMiddleware(BaseMiddleware):
    """Give each request a message storage and store the unread messages after the view.

    Options: ``storage`` (``FallbackStorage``, ``CookieStorage`` or
    ``SessionStorage``), ``secret_key`` (for the cookie storages), ``level``
    (``MESSAGE_LEVEL``, INFO), ``tags`` (``MESSAGE_TAGS``), ``cookie_options``
    (``domain``, ``secure``, ``httponly``, ``samesite``).
    """

    def __init__(
        self,
        get_response: Handler,
        *,
        storage: type[BaseStorage] = FallbackStorage,
        secret_key: str | bytes | None = None,
        level: int = INFO,
        tags: dict[int, str] | None = None,
        cookie_options: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(get_response)
        self.options: dict[str, Any] = {"level": level, "tags": tags}
        if storage is not SessionStorage:
            if not secret_key:
                raise ValueError(f"{storage.__name__} needs secret_key= to sign its cookie")
            self.options["secret_key"] = secret_key
            self.options["cookie_options"] = cookie_options
        self.storage = storage

    def __call__(self, request: webob.Request) -> webob.Response:
        storage = self.storage(request, **self.options)
        request.environ[MESSAGES_ENVIRON_KEY] = storage
        response = self.get_response(request)
        storage.update(response)
        return response


def get_messages(request: webob.Request) -> Any:
    """The request's messages (iterate to show them: they are then gone), or []."""
    return request.environ.get(MESSAGES_ENVIRON_KEY, [])


def add_message(
    request: webob.Request,
    level: int,
    message: str,
    extra_tags: str = "",
    fail_silently: bool = False,
) -> None:
    storage = request.environ.get(MESSAGES_ENVIRON_KEY)
    if storage is None:
        if fail_silently:
            return
        raise MessageFailure("You cannot add messages without installing MessageMiddleware")
    storage.add(level, message, extra_tags)


def get_level(request: webob.Request) -> int:
    storage = request.environ.get(MESSAGES_ENVIRON_KEY)
    return storage.level if storage is not None else INFO


def set_level(request: webob.Request, level: int | None) -> bool:
    storage = request.environ.get(MESSAGES_ENVIRON_KEY)
    if storage is None:
        return False
    storage.level = level
    return True


def debug(
    request: webob.Request, message: str, extra_tags: str = "", fail_silently: bool = False
) -> None:
    add_message(request, DEBUG, message, extra_tags, fail_silently)


def info(
    request: webob.Request, message: str, extra_tags: str = "", fail_silently: bool = False
) -> None:
    add_message(request, INFO, message, extra_tags, fail_silently)


def success(
    request: webob.Request, message: str, extra_tags: str = "", fail_silently: bool = False
) -> None:
    add_message(request, SUCCESS, message, extra_tags, fail_silently)


def warning(
    request: webob.Request, message: str, extra_tags: str = "", fail_silently: bool = False
) -> None:
    add_message(request, WARNING, message, extra_tags, fail_silently)


def error(
    request: webob.Request, message: str, extra_tags: str = "", fail_silently: bool = False
) -> None:
    add_message(request, ERROR, message, extra_tags, fail_silently)
