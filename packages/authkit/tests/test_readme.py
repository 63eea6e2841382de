"""Every Python block of the README runs as written (in a fresh interpreter: it
registers models and sets orm-lite's default database)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

README = Path(__file__).parents[1] / "README.md"


def test_readme_runs(tmp_path: Path) -> None:
    code = (
        f"import sys; from manouche.testkit.readme import run_readme; run_readme({str(README)!r})"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr[-3000:]
