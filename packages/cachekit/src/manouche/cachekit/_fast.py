"""One-frame ``get`` and ``set`` for in-process caches.

The in-process store is a dict of ``(expires, pickle)`` tuples (cachelib's
``SimpleCache``). A call through ``Cache.get`` and then the store's own
method costs two Python frames and their argument handling, a visible share
of a call that otherwise does a dict lookup and an unpickle. These closures do
the same work as ``Cache.get``/``Cache.set`` on that store in one frame; the
conformance suite and the differential tests against Django run through them.
"""

from __future__ import annotations

import pickle
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from manouche.cachekit._drivers import PROTOCOL, SimpleDriver, unpicklable

if TYPE_CHECKING:
    from manouche.cachekit.cache import Cache

MAX_KEY_LENGTH = 250


def simple_get_set(
    cache: Cache, driver: SimpleDriver, default_timeout: Any, stored_none: Any
) -> tuple[Callable[..., Any], Callable[..., None]]:
    """``get`` and ``set`` closures for ``cache`` on ``driver``'s store."""
    entries = driver.simple._cache
    lock, prune, threshold = driver._lock, driver.simple._prune, driver.simple._threshold
    now, loads, dumps = time.time, pickle.loads, pickle.dumps

    def get(key: Any, default: Any = None, version: Any = None) -> Any:
        head = cache._head
        if head is not None and version is None:
            made = f"{head}{key}"
        else:
            made = cache.make_key(key, version)
        if len(made) > MAX_KEY_LENGTH or not made.isprintable() or " " in made:
            cache.validate_key(made)
        entry = entries.get(made)
        if entry is None:
            return default
        expires, data = entry
        if expires != 0 and expires <= now():
            return default
        try:
            value = loads(data)
        except Exception:  # a value this process cannot load counts as a miss
            return default
        return None if value is stored_none else value

    def set_(key: Any, value: Any, timeout: Any = default_timeout, version: Any = None) -> None:
        head = cache._head
        if head is not None and version is None:
            made = f"{head}{key}"
        else:
            made = cache.make_key(key, version)
        if len(made) > MAX_KEY_LENGTH or not made.isprintable() or " " in made:
            cache.validate_key(made)
        ttl = cache._default_ttl if timeout is default_timeout else cache._ttl(timeout)
        if ttl is None:
            driver.expire(made)
            return
        try:
            data = dumps(stored_none if value is None else value, PROTOCOL)
        except Exception as exc:
            raise unpicklable(value, exc) from exc
        entry = (now() + ttl if ttl > 0 else 0, data)
        with lock:
            if len(entries) > threshold:
                prune()
            entries[made] = entry

    return get, set_
