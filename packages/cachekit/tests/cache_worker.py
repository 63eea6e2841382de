"""A separate process for the concurrency tests: ``python cache_worker.py MODE JSON``.

Prints one JSON line with what it did. Modes:

incr       ``n`` increments of ``key``; prints how many were acknowledged.
write      stores ``items`` (``[key, value, version]``) and prints "done".
read       prints the values of ``keys`` (``[key, version]``).
stampede   for each round, waits for the ``go<round>`` key, then asks
           ``get_or_refresh`` for ``key`` with that round's ``fresh`` seconds
           (a slow computation counted by the worker and in the cache); prints
           the values it got and how many times it computed.
"""

from __future__ import annotations

import json
import os
import sys
import time

from manouche.cachekit import create_cache


def main() -> None:
    mode, raw = sys.argv[1], sys.argv[2]
    args = json.loads(raw)
    cache = create_cache(args["url"], key_prefix=args["prefix"])
    if mode == "incr":
        acked = 0
        for _ in range(args["n"]):
            cache.incr(args["key"])
            acked += 1
        print(json.dumps({"acked": acked}))
    elif mode == "write":
        for key, value, version in args["items"]:
            cache.set(key, value, version=version)
        print(json.dumps({"done": True}))
    elif mode == "read":
        print(json.dumps({"values": [cache.get(k, "MISSING", version=v) for k, v in args["keys"]]}))
    elif mode == "stampede":
        computed = 0

        def compute() -> str:
            nonlocal computed
            computed += 1
            cache.incr("computations")
            time.sleep(args["work"])
            return f"value-{os.getpid()}-{time.time()}"

        got = []
        cache.incr("ready")
        for round_ in range(args["rounds"]):
            while cache.get(f"go{round_}") is None:
                time.sleep(0.01)
            got.append(
                cache.get_or_refresh(
                    args["key"], compute, args["fresh"][round_], grace=60, poll=0.02
                )
            )
            cache.incr(f"done{round_}")
        print(json.dumps({"got": got, "computed": computed}))
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main()
