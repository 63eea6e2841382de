"""Throttle counts shared by two worker processes through Redis, over real HTTP."""

from __future__ import annotations

import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

SERVER = Path(__file__).with_name("_throttle_server.py")


@contextmanager
def _worker(redis_url: str, prefix: str) -> Iterator[str]:
    proc = subprocess.Popen(
        [sys.executable, str(SERVER), redis_url, prefix],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line.startswith("serving on "):
            raise RuntimeError(f"worker did not start: {line}{proc.stdout.read()}")
        yield line.removeprefix("serving on ").strip()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()


def _get(url: str) -> tuple[int, str | None]:
    try:
        with urllib.request.urlopen(url + "ping/", timeout=30) as response:  # noqa: S310 - local
            return response.status, None
    except urllib.error.HTTPError as exc:
        exc.close()
        return exc.code, exc.headers.get("Retry-After")


def test_two_workers_share_one_rate_through_redis(redis_url: str) -> None:
    from manouche.cachekit import create_cache

    prefix = f"restkit-throttle-{uuid.uuid4().hex}"
    with ExitStack() as stack:
        first = stack.enter_context(_worker(redis_url, prefix))
        second = stack.enter_context(_worker(redis_url, prefix))
        # 3/min for this client, whichever worker answers: the fourth request is
        # refused although each worker has seen two at most.
        answers = [_get(url) for url in (first, second, first, second, first)]
    try:
        assert [status for status, _ in answers] == [200, 200, 200, 429, 429]
        retry_after = answers[3][1]
        assert retry_after is not None and 0 < int(retry_after) <= 60
    finally:
        create_cache(f"{redis_url}?key_prefix={prefix}").clear()
