"""Authentication: backends, ``authenticate``/``login``/``logout``/``get_user``.

There is no settings module: an :class:`Auth` holds what Django reads from
``AUTH_USER_MODEL``, ``AUTHENTICATION_BACKENDS`` and ``SECRET_KEY``. The
first ``Auth`` made becomes the default (``set_default_auth`` changes it);
``AuthenticationMiddleware`` puts its ``Auth`` in the request, so the
module-level functions (``login(request, user)``) find it there.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import webob

from manouche.authkit._crypto import constant_time_compare
from manouche.authkit.csrf import rotate_token
from manouche.authkit.models import AnonymousUser, Permission, User, _now
from manouche.authkit.sessions.middleware import get_session
from manouche.authkit.signals import user_logged_in, user_logged_out, user_login_failed
from manouche.authkit.throttling import LoginThrottle
from manouche.httpkit import BaseMiddleware, PermissionDenied

if TYPE_CHECKING:
    from manouche.httpkit import Handler

__all__ = [
    "BACKEND_SESSION_KEY",
    "HASH_SESSION_KEY",
    "SESSION_KEY",
    "AllowAllUsersModelBackend",
    "Auth",
    "AuthenticationMiddleware",
    "BaseBackend",
    "ModelBackend",
    "authenticate",
    "get_default_auth",
    "get_user",
    "login",
    "logout",
    "set_default_auth",
    "update_session_auth_hash",
]

SESSION_KEY = "_auth_user_id"
BACKEND_SESSION_KEY = "_auth_user_backend"
HASH_SESSION_KEY = "_auth_user_hash"
AUTH_ENVIRON_KEY = "manouche.auth"
_SENSITIVE = re.compile("api|token|key|secret|password|signature", re.I)
_MASK = "********************"


class BaseBackend:
    """A backend answers ``authenticate`` and ``get_user``; permissions are optional."""

    auth: Auth | None = None

    def authenticate(self, request: webob.Request | None, **credentials: Any) -> Any:
        return None

    def get_user(self, user_id: Any) -> Any:
        return None

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return {
            *self.get_user_permissions(user_obj, obj=obj),
            *self.get_group_permissions(user_obj, obj=obj),
        }

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj=obj)

    @property
    def path(self) -> str:
        return f"{type(self).__module__}.{type(self).__qualname__}"


class ModelBackend(BaseBackend):
    """Username and password against the user model; permissions from the tables.

    An unknown username still runs the password hasher once, so the answer
    takes as long as for a wrong password (no account enumeration by timing).
    """

    def _model(self) -> Any:
        return self.auth.user_model if self.auth is not None else User

    def authenticate(
        self,
        request: webob.Request | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        model = self._model()
        if username is None:
            username = kwargs.get(model.USERNAME_FIELD)
        if username is None or password is None:
            return None
        try:
            user = model._default_manager.get_by_natural_key(username)
        except model.DoesNotExist:
            # The timing defence: hash the password as for a real user.
            model().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def user_can_authenticate(self, user: Any) -> bool:
        return bool(getattr(user, "is_active", True))

    def _get_permissions(self, user_obj: Any, obj: Any, from_name: str) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        cache_name = f"_{from_name}_perm_cache"
        cached = user_obj.__dict__.get(cache_name)
        if cached is None:
            if user_obj.is_superuser:
                perms = Permission.objects.all()
            elif from_name == "user":
                perms = user_obj.user_permissions.all()
            else:
                # Through the user's groups, whatever the user model names its relation.
                group_ids = list(user_obj.groups.values_list("pk", flat=True))
                perms = Permission.objects.filter(group__in=group_ids)
            rows = perms.values_list("content_type__app_label", "codename").order_by()
            cached = {f"{ct}.{name}" for ct, name in rows}
            user_obj.__dict__[cache_name] = cached
        return set(cached)

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return self._get_permissions(user_obj, obj, "user")

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return self._get_permissions(user_obj, obj, "group")

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        cached = user_obj.__dict__.get("_perm_cache")
        if cached is None:
            cached = super().get_all_permissions(user_obj)
            user_obj.__dict__["_perm_cache"] = cached
        return set(cached)

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return bool(user_obj.is_active) and super().has_perm(user_obj, perm, obj=obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return bool(user_obj.is_active) and any(
            perm[: perm.index(".")] == app_label for perm in self.get_all_permissions(user_obj)
        )

    def get_user(self, user_id: Any) -> Any:
        model = self._model()
        try:
            user = model._default_manager.get(pk=user_id)
        except (model.DoesNotExist, ValueError, TypeError):
            return None
        return user if self.user_can_authenticate(user) else None


class AllowAllUsersModelBackend(ModelBackend):
    """A ``ModelBackend`` that also lets inactive users log in."""

    def user_can_authenticate(self, user: Any) -> bool:
        return True


def _clean_credentials(credentials: dict[str, Any]) -> dict[str, Any]:
    return {k: (_MASK if _SENSITIVE.search(k) else v) for k, v in credentials.items()}


class Auth:
    """What authentication needs: the user model, the backends, the session-hash key.

    :param secret_key: keys the session's password-hash check (Django's
        ``SECRET_KEY``); ``fallback_keys`` are older keys still accepted.
    :param user_model: the user model (``User`` or a subclass of
        ``AbstractBaseUser``).
    :param backends: backend instances, tried in order (``ModelBackend()``).
    :param update_last_login: set ``last_login`` on login (Django's receiver).
    :param throttle: a :class:`~manouche.authkit.throttling.LoginThrottle`;
        ``authenticate`` then raises ``LoginThrottled`` (429) past its limits.
    :param default: make this the default ``Auth``.
    """

    def __init__(
        self,
        *,
        secret_key: str | bytes,
        user_model: Any = User,
        backends: Iterable[BaseBackend] | None = None,
        fallback_keys: Iterable[str | bytes] = (),
        update_last_login: bool = True,
        throttle: LoginThrottle | None = None,
        default: bool = True,
    ) -> None:
        global _default
        if not secret_key:
            raise ValueError("Auth needs a non-empty secret_key")
        self.secret_key = secret_key
        self.fallback_keys = tuple(fallback_keys)
        self.user_model = user_model
        self.backends: list[BaseBackend] = (
            list(backends) if backends is not None else [ModelBackend()]
        )
        if not self.backends:
            raise ValueError("Auth needs at least one backend")
        for backend in self.backends:
            if not isinstance(backend, BaseBackend):
                raise TypeError(f"{backend!r} is not an authentication backend (a BaseBackend)")
            backend.auth = self
        self.update_last_login = update_last_login
        self.throttle = throttle
        if default or _default is None:
            _default = self

    def _bind(self, user: Any) -> Any:
        if user is not None and hasattr(user, "__dict__"):
            user.__dict__["_bound_auth"] = self
        return user

    def backend_for(self, path: str) -> BaseBackend | None:
        for backend in self.backends:
            if backend.path == path:
                return backend
        return None

    # -- permissions, asked by the user model ------------------------------------

    def collect(self, user: Any, method: str, obj: Any = None) -> set[str]:
        found: set[str] = set()
        for backend in self.backends:
            getter = getattr(backend, method, None)
            if getter is not None:
                found.update(getter(user, obj))
        return found

    def has_perm(self, user: Any, perm: str, obj: Any = None) -> bool:
        for backend in self.backends:
            check = getattr(backend, "has_perm", None)
            if check is None:
                continue
            try:
                if check(user, perm, obj):
                    return True
            except PermissionDenied:
                return False
        return False

    def has_module_perms(self, user: Any, app_label: str) -> bool:
        for backend in self.backends:
            check = getattr(backend, "has_module_perms", None)
            if check is None:
                continue
            try:
                if check(user, app_label):
                    return True
            except PermissionDenied:
                return False
        return False

    # -- the request API ----------------------------------------------------------

    def authenticate(self, request: webob.Request | None = None, **credentials: Any) -> Any:
        """The user the credentials name, from the first backend that accepts them, or None."""
        username = credentials.get("username")
        if username is None:
            username = credentials.get(getattr(self.user_model, "USERNAME_FIELD", "username"))
        username = None if username is None else str(username)
        if self.throttle is not None:
            self.throttle.attempt(username, self.throttle.address_of(request))
        for backend in self.backends:
            try:
                inspect.signature(backend.authenticate).bind(request, **credentials)
            except TypeError:
                continue  # this backend does not take these credentials
            try:
                user = backend.authenticate(request, **credentials)
            except PermissionDenied:
                break
            if user is None:
                continue
            user.backend = backend.path
            if self.throttle is not None:
                self.throttle.succeeded(username)
            return self._bind(user)
        user_login_failed.send(
            sender=__name__, credentials=_clean_credentials(credentials), request=request
        )
        return None

    def login(self, request: webob.Request, user: Any, backend: str | None = None) -> None:
        """Log ``user`` in: a new session key (no fixation), a new CSRF token, the signal."""
        session = get_session(request)
        auth_hash = user.get_session_auth_hash(self.secret_key)
        if SESSION_KEY in session:
            if str(session.get(SESSION_KEY)) != str(user.pk) or (
                auth_hash
                and not constant_time_compare(session.get(HASH_SESSION_KEY, ""), auth_hash)
            ):
                # Another user's session: start empty (a new key when saved).
                session.flush()
            else:
                session.cycle_key()
        else:
            session.cycle_key()
        backend = backend or getattr(user, "backend", None)
        if backend is None:
            if len(self.backends) != 1:
                raise ValueError(
                    "You have multiple authentication backends configured and therefore "
                    "must provide the `backend` argument or set the `backend` attribute "
                    "on the user."
                )
            backend = self.backends[0].path
        if self.backend_for(backend) is None:
            raise ValueError(f"{backend!r} is not one of this Auth's backends")
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = auth_hash
        request.environ[USER_ENVIRON_KEY] = self._bind(user)
        rotate_token(request)
        if self.update_last_login and user.pk is not None:
            record = getattr(user, "record_login", None)
            if callable(record):
                record(_now())
            elif hasattr(user, "last_login") and callable(getattr(user, "save", None)):
                user.last_login = _now()
                user.save(update_fields=["last_login"])
        user_logged_in.send(sender=type(user), request=request, user=user)

    def logout(self, request: webob.Request) -> None:
        """Send ``user_logged_out``, flush the session, make the user anonymous."""
        user = request_user(request)
        if not getattr(user, "is_authenticated", True):
            user = None
        user_logged_out.send(sender=type(user), request=request, user=user)
        get_session(request).flush()
        request.environ[USER_ENVIRON_KEY] = AnonymousUser()

    def get_user(self, request: webob.Request) -> Any:
        """The logged-in user of the request's session, or an ``AnonymousUser``."""
        session = get_session(request)
        user = None
        try:
            user_id = session[SESSION_KEY]
            backend_path = session[BACKEND_SESSION_KEY]
        except KeyError:
            pass
        else:
            backend = self.backend_for(backend_path)
            if backend is not None:
                user = backend.get_user(user_id)
                if user is not None and hasattr(user, "get_session_auth_hash"):
                    stored = session.get(HASH_SESSION_KEY)
                    verified = bool(stored) and any(
                        constant_time_compare(stored, user.get_session_auth_hash(key))
                        for key in (self.secret_key, *self.fallback_keys)
                    )
                    if verified and not constant_time_compare(
                        stored, user.get_session_auth_hash(self.secret_key)
                    ):
                        session[HASH_SESSION_KEY] = user.get_session_auth_hash(self.secret_key)
                    if not verified:
                        session.flush()
                        user = None
        return self._bind(user) if user is not None else AnonymousUser()

    def update_session_auth_hash(self, request: webob.Request, user: Any) -> None:
        """Keep this session logged in after ``user`` changed its password."""
        session = get_session(request)
        session.cycle_key()
        if hasattr(user, "get_session_auth_hash") and request_user(request) == user:
            session[HASH_SESSION_KEY] = user.get_session_auth_hash(self.secret_key)


_default: Auth | None = None
USER_ENVIRON_KEY = "manouche.user"


def get_default_auth() -> Auth:
    """The default :class:`Auth` (set by ``set_default_auth``); raises ``RuntimeError`` when
    none is configured.
    """

    if _default is None:
        raise RuntimeError("no Auth configured: make one, Auth(secret_key=..., user_model=User)")
    return _default


def set_default_auth(auth: Auth) -> Auth | None:
    """Make ``auth`` the default; returns the previous one."""
    global _default
    previous, _default = _default, auth
    return previous


def _auth_of(request: webob.Request | None) -> Auth:
    if request is not None:
        auth = request.environ.get(AUTH_ENVIRON_KEY)
        if isinstance(auth, Auth):
            return auth
    return get_default_auth()


def request_user(request: webob.Request) -> Any:
    """``request.user``: resolved on first use, then kept for the request."""
    value = request.environ.get(USER_ENVIRON_KEY)
    if value is None:
        value = _auth_of(request).get_user(request)
        request.environ[USER_ENVIRON_KEY] = value
    return value


def authenticate(request: webob.Request | None = None, **credentials: Any) -> Any:
    """The user the credentials identify, or ``None``: the request's ``Auth`` (or the default)
    asks each backend in turn.
    """

    return _auth_of(request).authenticate(request, **credentials)


def login(request: webob.Request, user: Any, backend: str | None = None) -> None:
    """Log ``user`` in on ``request``'s session: a new session key, the user's id and password
    hash stored, ``user_logged_in`` sent.
    """

    _auth_of(request).login(request, user, backend)


def logout(request: webob.Request) -> None:
    """Log the request's user out: the session is flushed and ``user_logged_out`` sent."""

    _auth_of(request).logout(request)


def get_user(request: webob.Request) -> Any:
    """The user logged in on ``request``'s session, or an ``AnonymousUser``."""

    return _auth_of(request).get_user(request)


def update_session_auth_hash(request: webob.Request, user: Any) -> None:
    """Keep ``request``'s session logged in after ``user`` changed their password (other
    sessions are logged out).
    """

    _auth_of(request).update_session_auth_hash(request, user)


class AuthenticationMiddleware(BaseMiddleware):
    """Give every request a lazy ``request.user`` (after ``SessionMiddleware``).

    ``request.user`` is a WebOb ad hoc attribute; the user is looked up on
    first use only. Options: ``auth`` (the :class:`Auth`; the default one).
    """

    def __init__(self, get_response: Handler, *, auth: Auth | None = None) -> None:
        super().__init__(get_response)
        self.auth = auth

    def __call__(self, request: webob.Request) -> webob.Response:
        if "manouche.session" not in request.environ:
            raise RuntimeError(
                "AuthenticationMiddleware needs SessionMiddleware before it in the list"
            )
        request.environ[AUTH_ENVIRON_KEY] = self.auth or get_default_auth()
        request.environ.pop(USER_ENVIRON_KEY, None)
        request.user = _LazyUser(request)
        return self.get_response(request)


class _LazyUser:
    """A stand-in that resolves the user on first attribute access."""

    __slots__ = ("_request",)

    def __init__(self, request: webob.Request) -> None:
        object.__setattr__(self, "_request", request)

    def _resolve(self) -> Any:
        return request_user(object.__getattribute__(self, "_request"))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._resolve(), name)

    def __eq__(self, other: object) -> bool:
        return bool(self._resolve() == other)

    def __hash__(self) -> int:
        return hash(self._resolve())

    def __str__(self) -> str:
        return str(self._resolve())

    def __repr__(self) -> str:
        return repr(self._resolve())

    def __bool__(self) -> bool:
        return True

    def __call__(self) -> Any:
        return self._resolve()
