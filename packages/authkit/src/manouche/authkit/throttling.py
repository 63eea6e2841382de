"""Login throttling against password guessing, in a cache every worker shares.

Each login attempt is counted *before* the password is checked, with the
cache's atomic increment (``INCR`` on Redis), once for the account and once
for the client address. When the attempts of the current window plus those of
the previous one pass the limit, the attempt is refused with
:class:`LoginThrottled` (429, ``Retry-After``) and no password is hashed. A
successful login clears the account's count. Several worker processes (and
machines) agree because the counts live in the cache, not in memory.

Pass a ``LoginThrottle`` to ``Auth(throttle=...)``: ``authenticate()`` then
applies it to every request that has credentials.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any, Protocol

import webob
from webob.exc import HTTPTooManyRequests

__all__ = ["LoginThrottle", "LoginThrottled"]


class CounterCache(Protocol):
    """The cachelib methods the throttle uses (``inc`` atomic on Redis and memcached)."""

    def add(self, key: str, value: Any, timeout: int | None = None) -> Any: ...

    def inc(self, key: str, delta: int = 1) -> Any: ...

    def get(self, key: str) -> Any: ...

    def delete(self, key: str) -> Any: ...


class LoginThrottled(HTTPTooManyRequests):
    """Too many login attempts: a 429 answer with ``Retry-After``."""

    def __init__(self, retry_after: int, scope: str) -> None:
        super().__init__(
            detail=(
                f"Too many login attempts for this {scope}. Try again in {retry_after} seconds."
            ),
            headers={"Retry-After": str(retry_after)},
        )
        self.retry_after = retry_after
        self.scope = scope


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:32]


class LoginThrottle:
    """Limits login attempts per account and per client address.

    :param cache: a cachelib cache shared by the workers (``RedisCache``).
    :param account_limit: attempts per account in a window (5).
    :param address_limit: attempts per client address in a window (50).
    :param window: the window in seconds (900); an account is locked for one
        to two windows once past its limit.
    :param client_address: how to read the client's address from a request
        (``request.remote_addr``; behind a proxy, read the header it sets).
    :param key_prefix: the prefix of the cache keys.
    """

    def __init__(
        self,
        cache: CounterCache,
        *,
        account_limit: int = 5,
        address_limit: int = 50,
        window: int = 900,
        client_address: Callable[[webob.Request], str | None] | None = None,
        key_prefix: str = "authkit.throttle",
    ) -> None:
        for name in ("add", "inc", "get", "delete"):
            if not callable(getattr(cache, name, None)):
                raise TypeError(f"cache must be a cachelib cache (it has no {name}() method)")
        if account_limit < 1 or address_limit < 1:
            raise ValueError("account_limit and address_limit must be at least 1")
        if window < 1:
            raise ValueError("window must be a positive number of seconds")
        self.cache = cache
        self.account_limit = account_limit
        self.address_limit = address_limit
        self.window = window
        self.client_address = client_address or (lambda request: request.remote_addr)
        self.key_prefix = key_prefix

    def _keys(self, scope: str, value: str, now: float) -> tuple[str, str]:
        index = int(now // self.window)
        base = f"{self.key_prefix}:{scope}:{_digest(value)}"
        return f"{base}:{index}", f"{base}:{index - 1}"

    def _count(self, scope: str, value: str, limit: int, now: float) -> None:
        current, previous = self._keys(scope, value, now)
        self.cache.add(current, 0, timeout=2 * self.window)
        attempts = int(self.cache.inc(current) or 0)
        attempts += int(self.cache.get(previous) or 0)
        if attempts > limit:
            window_end = (int(now // self.window) + 1) * self.window
            raise LoginThrottled(max(1, int(window_end - now)) + self.window, scope)

    def attempt(self, username: str | None, address: str | None) -> None:
        """Count one attempt; raise :class:`LoginThrottled` when past a limit."""
        now = time.time()
        if address:
            self._count("address", address, self.address_limit, now)
        if username:
            self._count("account", username.casefold(), self.account_limit, now)

    def succeeded(self, username: str | None) -> None:
        """Forget the account's attempts (after a successful login)."""
        if not username:
            return
        now = time.time()
        for key in self._keys("account", username.casefold(), now):
            self.cache.delete(key)

    def address_of(self, request: webob.Request | None) -> str | None:
        return None if request is None else self.client_address(request)
