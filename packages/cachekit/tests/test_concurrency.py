"""Several processes (and threads) on one cache: atomic counters, shared values, one recompute.

Workers are separate Python processes (``cache_worker.py``) on the same
Redis, memcached or cache directory; what they acknowledge is counted against
what the cache holds at the end.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from manouche.cachekit import Cache, create_cache

WORKER = Path(__file__).with_name("cache_worker.py")
SHARED = ["file", "redis", "memcached"]


def _start(mode: str, **args: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), mode, json.dumps(args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(proc: subprocess.Popen[str]) -> dict[str, Any]:
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _wait_for(cond: Callable[[], bool], what: str, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.02)


@pytest.mark.parametrize("kind", SHARED)
def test_incr_from_several_processes_loses_nothing(
    kind: str, url_for: Callable[[str], str], make_cache: Callable[..., Cache]
) -> None:
    url, prefix = url_for(kind), f"c{secrets.token_hex(5)}"
    cache = make_cache(url, key_prefix=prefix)
    cache.set("counter", 0)
    procs = [_start("incr", url=url, prefix=prefix, key="counter", n=150) for _ in range(4)]
    acked = sum(_finish(p)["acked"] for p in procs)
    assert acked == 600
    assert cache.get("counter") == acked


def test_incr_from_many_threads_loses_nothing_in_process() -> None:
    cache = create_cache(f"locmem://threads-{secrets.token_hex(4)}")
    cache.set("counter", 0)
    acked = []

    def work() -> None:
        for _ in range(500):
            cache.incr("counter")
            acked.append(1)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert cache.get("counter") == len(acked) == 4000


@pytest.mark.parametrize("kind", SHARED)
def test_two_processes_sharing_a_cache_agree(
    kind: str, url_for: Callable[[str], str], make_cache: Callable[..., Cache]
) -> None:
    url, prefix = url_for(kind), f"s{secrets.token_hex(5)}"
    items = [["a", 1, None], ["b", "héllo", None], ["c", None, None], ["a", [1, 2], 2]]
    _finish(_start("write", url=url, prefix=prefix, items=items))
    keys = [["a", None], ["b", None], ["c", None], ["a", 2], ["missing", None]]
    got = _finish(_start("read", url=url, prefix=prefix, keys=keys))["values"]
    assert got == [1, "héllo", None, [1, 2], "MISSING"]
    here = make_cache(url, key_prefix=prefix)
    assert [here.get(k, "MISSING", version=v) for k, v in keys] == got


@pytest.mark.parametrize("kind", SHARED)
def test_stampede_one_process_recomputes(
    kind: str, url_for: Callable[[str], str], make_cache: Callable[..., Cache]
) -> None:
    """Six processes ask for a cold key, then for the same key gone stale.

    Cold: one computes, the others wait for its value. Stale: one recomputes,
    the others get the stale value at once. Computations are counted by each
    worker (its own tally) and in the cache.
    """
    url, prefix = url_for(kind), f"st{secrets.token_hex(5)}"
    cache = make_cache(url, key_prefix=prefix)
    for name in ("ready", "computations", "done0", "done1"):
        cache.set(name, 0)
    workers = 6
    procs = [
        _start("stampede", url=url, prefix=prefix, key="hot", rounds=2, fresh=[4, 600], work=0.5)
        for _ in range(workers)
    ]
    try:
        _wait_for(lambda: cache.get("ready") == workers, "the workers to start")
        cache.set("go0", True)
        _wait_for(lambda: cache.get("done0") == workers, "the cold round")
        assert cache.get("computations") == 1
        # The first value is fresh for 4 s (so a worker slow to start does not
        # find it stale), then kept 60 s more as a stale copy; the second is
        # fresh for 600 s (so a worker slow to ask gets it, not a third one).
        time.sleep(4.5)
        cache.set("go1", True)
        _wait_for(lambda: cache.get("done1") == workers, "the stale round")
        results = [_finish(p) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    assert sum(r["computed"] for r in results) == 2
    assert cache.get("computations") == 2
    first = {r["got"][0] for r in results}
    assert len(first) == 1  # everyone got the one cold computation
    second = {r["got"][1] for r in results}
    assert len(second - first) == 1  # the one recomputation; the others got the stale value


def test_stampede_threads_in_process() -> None:
    cache = create_cache(f"locmem://stampede-{secrets.token_hex(4)}")
    computed = []
    barrier = threading.Barrier(10)
    got = []

    def compute() -> int:
        computed.append(1)
        time.sleep(0.3)
        return len(computed)

    def work() -> None:
        barrier.wait()
        got.append(cache.get_or_refresh("hot", compute, 60, poll=0.01))

    threads = [threading.Thread(target=work) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert computed == [1]
    assert got == [1] * 10


def test_refresh_failure_releases_the_lock() -> None:
    cache = create_cache("locmem://refresh-failure")

    def boom() -> int:
        raise RuntimeError("backend down")

    with pytest.raises(RuntimeError, match="backend down"):
        cache.get_or_refresh("k", boom, 60)
    assert cache.get_or_refresh("k", lambda: 5, 60) == 5
    assert cache.get_or_refresh("k", lambda: 6, 60) == 5


@pytest.mark.parametrize("kind", ["locmem", "file", "redis", "memcached"])
def test_a_lock_taken_over_is_not_released_by_its_first_holder(
    kind: str, url_for: Callable[[str], str], make_cache: Callable[..., Cache]
) -> None:
    """A refresh outliving its lock must not delete the lock another caller took since."""
    cache = make_cache(url_for(kind), key_prefix=f"lk{secrets.token_hex(4)}")
    lock = cache.make_key("k:refresh-lock")

    def slow() -> str:
        cache.driver.expire(lock)  # the lock timed out while computing...
        assert cache.driver.add(lock, "someone else", 60)  # ...and another caller took it
        return "v"

    assert cache.get_or_refresh("k", slow, 60) == "v"
    assert cache._get(lock) == "someone else"


@pytest.mark.parametrize("kind", SHARED)
def test_forked_children_do_not_share_the_parents_connections(
    kind: str, url_for: Callable[[str], str], make_cache: Callable[..., Cache]
) -> None:
    """A cache used before a fork (a preloading server) works in every child."""
    import multiprocessing
    import warnings

    cache = make_cache(url_for(kind), key_prefix=f"fk{secrets.token_hex(4)}")
    cache.set("counter", 0)
    for n in range(20):
        cache.set(f"k{n}", n)
    with warnings.catch_warnings():
        # Python warns that fork() in a process with threads may deadlock; the
        # children here only talk to the cache.
        warnings.simplefilter("ignore", DeprecationWarning)
        ctx = multiprocessing.get_context("fork")
        procs = [ctx.Process(target=_child_reads, args=(cache,)) for _ in range(4)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    assert cache.get("counter") == 4 * 20


def _child_reads(cache: Cache) -> None:
    for _ in range(20):
        for n in range(20):
            if cache.get(f"k{n}") != n:
                raise SystemExit(3)
        cache.incr("counter")
    raise SystemExit(0)


def test_get_or_refresh_treats_a_foreign_value_as_a_miss() -> None:
    cache = create_cache(f"locmem://foreign-{secrets.token_hex(3)}")
    cache.set("k", "set by someone else")
    assert cache.get_or_refresh("k", lambda: "computed", 60) == "computed"
    assert cache.get_or_refresh("k", lambda: "again", 60) == "computed"


def test_file_cache_lock_survives_pruning_and_clear(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = create_cache(f"file://{tmp_path}?max_entries=5")
    cache.set("n", 0)
    cache.incr("n")  # makes the lock file
    lock_files = [p for p in tmp_path.iterdir() if "lock" in p.name]
    assert len(lock_files) == 1
    for i in range(20):
        cache.set(f"k{i}", i)  # past max_entries: cachelib prunes the directory
    cache.clear()
    assert lock_files[0].exists()
    assert not [r for r in caplog.records if r.levelname == "WARNING"]
