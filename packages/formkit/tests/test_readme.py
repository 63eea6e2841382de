"""Every Python block of the README runs as written, in order, and prints what it shows.

In a fresh interpreter: the model form example sets orm-lite's default database,
which would change the tests that run after it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

README = Path(__file__).parents[1] / "README.md"


def test_readme_runs(tmp_path: Path) -> None:
    code = f"from manouche.testkit.readme import run_readme; run_readme({str(README)!r})"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr[-3000:]
