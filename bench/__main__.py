"""python -m bench [NAME ...]: run the workloads of bench/NAME.py (all by default)."""

from __future__ import annotations

import importlib
import pkgutil
import platform
import sys
from pathlib import Path

from bench._runner import run


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    names = argv or sorted(
        m.name for m in pkgutil.iter_modules([str(here)]) if not m.name.startswith("_")
    )
    print(f"# Manouche benchmarks on Python {platform.python_version()} ({platform.machine()})")
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        print(f"\n# {name}")
        run(module.workloads())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
