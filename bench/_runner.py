"""The benchmark runner: every contender of a workload in one run, as ratios.

A workload module in ``bench/`` defines ``workloads() -> list[Workload]``.
Each workload names its contenders, Manouche first; the runner times each
one, prints operations per second and how Manouche compares to each peer
(``x2.50`` means Manouche does 2.5 times the peer's work per second).
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Workload:
    name: str
    # contender label -> a callable doing ``ops`` operations per call.
    contenders: dict[str, Callable[[], object]]
    ops: int = 1
    # A goal to print beside the results, e.g. {"Django": 3.0} for ">= 3x Django".
    goals: dict[str, float] = field(default_factory=dict)
    # Optional setup/teardown run once around the whole workload.
    teardown: Callable[[], None] | None = None


def _once(fn: Callable[[], object]) -> float:
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start
    finally:
        gc.enable()


def _time_all(
    contenders: dict[str, Callable[[], object]], ops: int, budget: float
) -> dict[str, float]:
    """Best-of rates, the contenders timed in turn, round after round.

    Interleaving keeps the ratios steady on a shared machine: a burst of
    load from elsewhere slows every contender's round, not one contender.
    """
    live: dict[str, Callable[[], object]] = {}
    for label, fn in contenders.items():
        try:
            fn()  # warm up (caches, compiled statements, imports)
            live[label] = fn
        except Exception as exc:  # a peer missing is reported, not fatal
            print(f"  {label:<28} error: {type(exc).__name__}: {exc}")
    best = dict.fromkeys(live, 0.0)
    # What setup and warm-up built stays for the whole workload: frozen, so that the
    # collection before each timed call walks only what the calls left behind, instead
    # of the whole heap, which pushed the next contender's data out of the CPU caches
    # (worst for the fastest contender: one workload lost a sixth of its rate).
    gc.collect()
    gc.freeze()
    try:
        deadline = time.perf_counter() + budget * max(len(live), 1)
        rounds = 0
        while live and (rounds < 3 or time.perf_counter() < deadline) and rounds < 50:
            for label, fn in live.items():
                took = _once(fn)
                best[label] = max(best[label], ops / took if took > 0 else float("inf"))
            rounds += 1
    finally:
        gc.unfreeze()
    return best


def run(workloads: list[Workload]) -> list[tuple[str, dict[str, float]]]:
    budget = float(os.environ.get("MANOUCHE_BENCH_SECONDS", "1.5"))
    results = []
    for wl in workloads:
        print(f"\n## {wl.name}")
        try:
            rates = _time_all(wl.contenders, wl.ops, budget)
        finally:
            if wl.teardown:
                wl.teardown()
        ours = next(iter(rates.values()), None)
        first = next(iter(wl.contenders))
        for label, rate in rates.items():
            ratio = ""
            if label != first and ours:
                ratio = f"manouche x{ours / rate:.2f}"
                goal = wl.goals.get(label)
                if goal is not None:
                    verdict = "met" if ours / rate >= goal else "NOT met"
                    ratio += f"  (goal x{goal:g}: {verdict})"
            print(f"  {label:<28} {rate:>14,.0f} ops/s  {ratio}")
        results.append((wl.name, rates))
    return results
