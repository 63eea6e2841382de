"""Redis gets and sets on a connection each thread keeps: right answers whatever happens to it.

The hit path sends ``GET``/``SET`` on a redis-py connection kept by the
thread (no pool round per call). These tests make sure what the pool would
have protected against cannot happen on a kept connection: a reply left
unread by an interrupted call answering the next one, a connection killed by
the server, a forked child sharing its parent's socket, threads sharing one
socket, and ``close()``.
"""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Callable
from typing import Any

import pytest

from manouche.cachekit import Cache

redis = pytest.importorskip("redis")


@pytest.fixture
def named(url_for: Callable[[str], str], make_cache: Callable[..., Cache]) -> tuple[Cache, str]:
    """A Redis cache whose connections carry a name of their own (to find them on the server)."""
    name = f"cachekit-test-{secrets.token_hex(4)}"
    url = url_for("redis")
    sep = "&" if "?" in url else "?"
    return make_cache(f"{url}{sep}client_name={name}", key_prefix=f"h{secrets.token_hex(5)}"), name


@pytest.fixture
def redis_cache(url_for: Callable[[str], str], make_cache: Callable[..., Cache]) -> Cache:
    return make_cache(url_for("redis"), key_prefix=f"h{secrets.token_hex(5)}")


def _ours(url: str, name: str) -> list[dict[str, Any]]:
    admin = redis.Redis.from_url(url)
    try:
        return [c for c in admin.client_list() if c.get("name") == name]
    finally:
        admin.close()


def test_a_killed_connection_is_replaced_and_the_value_still_read(
    named: tuple[Cache, str], url_for: Callable[[str], str]
) -> None:
    cache, name = named
    cache.set("k", {"v": 1})
    assert cache.get("k") == {"v": 1}
    admin = redis.Redis.from_url(url_for("redis"))
    try:
        for client in _ours(url_for("redis"), name):
            admin.client_kill_filter(_id=client["id"])
    finally:
        admin.close()
    assert cache.get("k") == {"v": 1}
    cache.set("k", {"v": 2})
    assert cache.get("k") == {"v": 2}


def test_an_interrupted_read_does_not_answer_the_next_get(
    redis_cache: Cache, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = redis_cache
    cache.set("a", "value of a")
    cache.set("b", "value of b")
    assert cache.get("b") == "value of b"  # the thread's connection exists now
    held = cache.driver._held_read  # type: ignore[attr-defined]
    connection = held.local.connection
    parser = connection._parser
    real = parser.read_response
    calls = [0]

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if calls[0] == 1:
            raise KeyboardInterrupt  # the GET is sent, its reply not read
        return real(*args, **kwargs)

    monkeypatch.setattr(parser, "read_response", interrupted)
    with pytest.raises(KeyboardInterrupt):
        cache.get("a")
    monkeypatch.undo()
    # The reply to GET a is still on its way on the old socket; the next GET
    # must read its own reply.
    assert cache.get("b") == "value of b"
    assert cache.get("a") == "value of a"


def test_threads_each_read_their_own_replies(redis_cache: Cache) -> None:
    cache = redis_cache
    for i in range(8):
        cache.set(f"key{i}", f"value{i}")
    errors: list[str] = []

    def reader(i: int) -> None:
        try:
            for _ in range(300):
                got = cache.get(f"key{i}")
                if got != f"value{i}":
                    errors.append(f"thread {i} read {got!r}")
                    return
                cache.set(f"own{i}", i)
        except Exception as exc:
            errors.append(f"thread {i}: {exc!r}")

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert [cache.get(f"own{i}") for i in range(8)] == list(range(8))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_does_not_share_the_parents_connection(redis_cache: Cache) -> None:
    cache = redis_cache
    cache.set("parent", "p")
    cache.set("child", "c")
    assert cache.get("parent") == "p"  # the parent's thread holds a connection now
    pid = os.fork()
    if pid == 0:  # the child: exits with 0 only if every reply was its own
        code = 1
        try:
            ok = all(cache.get("child") == "c" for _ in range(300))
            cache.set("from-child", "written")
            code = 0 if ok else 2
        finally:
            os._exit(code)
    for _ in range(300):
        assert cache.get("parent") == "p"
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert cache.get("from-child") == "written"
    assert cache.get("parent") == "p"


def test_close_lets_go_of_the_kept_connections_and_reads_reconnect(
    named: tuple[Cache, str], url_for: Callable[[str], str]
) -> None:
    cache, name = named
    cache.set("k", 1)
    thread = threading.Thread(target=lambda: cache.get("k"))
    thread.start()
    thread.join()
    assert len(_ours(url_for("redis"), name)) >= 2  # this thread's and the other's
    cache.close()
    assert _ours(url_for("redis"), name) == []
    assert cache.get("k") == 1


def test_a_client_subclass_keeps_redis_pys_own_path(url_for: Callable[[str], str]) -> None:
    from cachelib import RedisCache

    sent: list[tuple[Any, ...]] = []

    class Recording(redis.Redis):  # type: ignore[misc]
        def execute_command(self, *args: Any, **options: Any) -> Any:
            sent.append(args)
            return super().execute_command(*args, **options)

    cache = Cache(RedisCache(Recording.from_url(url_for("redis"))), key_prefix="sub")
    try:
        cache.set("k", "v")
        assert cache.get("k") == "v"
    finally:
        cache.close()
    assert [a[0] for a in sent] == ["SET", "GET"]


def test_a_thread_per_call_reuses_the_ended_threads_connections(
    named: tuple[Cache, str], url_for: Callable[[str], str]
) -> None:
    cache, name = named
    cache.set("k", "v")
    seen: list[Any] = []
    ids: set[int] = set()
    for _ in range(20):  # one short-lived thread per "request", one after the other
        thread = threading.Thread(target=lambda: seen.append(cache.get("k")))
        thread.start()
        thread.join()
        ids.update(client["id"] for client in _ours(url_for("redis"), name))
    assert seen == ["v"] * 20
    # this thread's connection and the one the short-lived threads passed on
    assert len(ids) <= 2
