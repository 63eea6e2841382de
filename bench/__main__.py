"""python -m bench [NAME ...]: run the workloads of bench/NAME.py (all by default).

Each module runs in a process of its own: the peers (Django above all) keep
process-wide settings, and one module's must not leak into the next.
"""

from __future__ import annotations

import importlib
import pkgutil
import platform
import subprocess
import sys
from pathlib import Path

from bench._runner import run


def run_module(name: str) -> None:
    module = importlib.import_module(f"bench.{name}")
    print(f"\n# {name}", flush=True)
    run(module.workloads())
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    if argv[:1] == ["--one"]:  # a child process: one module, no header
        run_module(argv[1])
        return 0
    here = Path(__file__).parent
    names = argv or sorted(
        m.name for m in pkgutil.iter_modules([str(here)]) if not m.name.startswith("_")
    )
    print(f"# Manouche benchmarks on Python {platform.python_version()} ({platform.machine()})")
    if len(names) == 1:
        run_module(names[0])
        return 0
    sys.stdout.flush()
    failed = [
        name
        for name in names
        if subprocess.call([sys.executable, "-m", "bench", "--one", name], cwd=here.parent)
    ]
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
