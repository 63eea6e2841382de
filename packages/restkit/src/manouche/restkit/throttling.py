"""Throttling: request rates per user or client address, counted in a cache.

The counts live in ``cache`` (anything with Django's ``get``/``set``: a
cachekit cache on Redis or memcached when several processes serve the API).
Without one, cachekit's ``caches["default"]`` is used when cachekit is
installed and configured, else a cache local to the process, which is right
for one process only.
"""

from __future__ import annotations

import threading
import time
from typing import Any, ClassVar


class _LocalCache:
    """A small in-process cache with Django's get/set (the last resort)."""

    max_entries = 10_000

    def __init__(self) -> None:
        self._data: dict[str, tuple[Any, float]] = {}
        self._lock = threading.Lock()

    def get(self, key: str, default: Any = None) -> Any:
        with self._lock:
            item = self._data.get(key)
            if item is None or item[1] < time.time():
                return default
            return item[0]

    def set(self, key: str, value: Any, timeout: float | None = None) -> None:
        with self._lock:
            if len(self._data) >= self.max_entries:
                now = time.time()
                self._data = {k: v for k, v in self._data.items() if v[1] >= now}
                if len(self._data) >= self.max_entries:
                    self._data.clear()
            self._data[key] = (value, time.time() + (timeout or 300))


_local = _LocalCache()


def default_cache() -> Any:
    try:
        from manouche.cachekit import caches
    except ImportError:
        return _local
    try:
        return caches["default"]
    except Exception:  # cachekit installed but not configured
        return _local


class BaseThrottle:
    def allow_request(self, request: Any, view: Any) -> bool:
        raise NotImplementedError(".allow_request() must be overridden")

    def get_ident(self, request: Any) -> str:
        """The client address: the last ``num_proxies`` of X-Forwarded-For, else REMOTE_ADDR."""
        environ = request.environ
        xff = str(environ.get("HTTP_X_FORWARDED_FOR", ""))
        remote = str(environ.get("REMOTE_ADDR", ""))
        num_proxies = getattr(self, "num_proxies", None)
        if num_proxies is not None and xff:
            if num_proxies == 0:
                return remote
            addrs = [a.strip() for a in xff.split(",")]
            return str(addrs[-min(num_proxies, len(addrs))])
        return remote

    def wait(self) -> float | None:
        return None


class SimpleRateThrottle(BaseThrottle):
    """``rate = "100/hour"`` (``s``, ``m``, ``h``, ``d``) in a sliding window."""

    cache: Any = None
    timer = staticmethod(time.time)
    cache_format = "throttle_%(scope)s_%(ident)s"
    scope: ClassVar[str | None] = None
    rate: str | None = None
    rates: ClassVar[dict[str, str]] = {}
    num_proxies: int | None = None

    def __init__(self) -> None:
        if self.rate is None:
            self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        if self.cache is None:
            self.cache = default_cache()

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        raise NotImplementedError(".get_cache_key() must be overridden")

    def get_rate(self) -> str | None:
        if not getattr(self, "scope", None):
            raise TypeError(
                f"You must set either `.scope` or `.rate` for '{type(self).__name__}' throttle"
            )
        try:
            return self.rates[self.scope]  # type: ignore[index]
        except KeyError:
            raise KeyError(f"No default throttle rate set for '{self.scope}' scope") from None

    @staticmethod
    def parse_rate(rate: str | None) -> tuple[int | None, int | None]:
        if rate is None:
            return None, None
        num, _, period = rate.partition("/")
        units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
        if not num.isdigit() or not period or period[0] not in units:
            raise ValueError(f"Invalid throttle rate {rate!r}: expected '<n>/<s|m|h|d>'")
        return int(num), units[period[0]]

    def allow_request(self, request: Any, view: Any) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.history: list[float] = list(self.cache.get(self.key, []) or [])
        self.now = self.timer()
        assert self.duration is not None and self.num_requests is not None
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        if len(self.history) >= self.num_requests:
            return False
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.duration)
        return True

    def wait(self) -> float | None:
        assert self.duration is not None and self.num_requests is not None
        if getattr(self, "history", None):
            remaining = self.duration - (self.now - self.history[-1])
        else:
            remaining = self.duration
        available = self.num_requests - len(getattr(self, "history", [])) + 1
        if available <= 0:
            return None
        return remaining / float(available)


def _user_pk(request: Any) -> Any:
    user = request.user
    if user and getattr(user, "is_authenticated", False):
        return getattr(user, "pk", None)
    return None


class AnonRateThrottle(SimpleRateThrottle):
    scope = "anon"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if _user_pk(request) is not None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class UserRateThrottle(SimpleRateThrottle):
    scope = "user"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        pk = _user_pk(request)
        ident = pk if pk is not None else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class ScopedRateThrottle(SimpleRateThrottle):
    """The rate of the view's ``throttle_scope``."""

    scope_attr = "throttle_scope"

    def __init__(self) -> None:
        pass

    def allow_request(self, request: Any, view: Any) -> bool:
        self.scope = getattr(view, self.scope_attr, None)  # type: ignore[misc]
        if not self.scope:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        if self.cache is None:
            self.cache = default_cache()
        return super().allow_request(request, view)

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        pk = _user_pk(request)
        ident = pk if pk is not None else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
