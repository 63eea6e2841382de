"""Every Python block of the README runs as written, in order, and prints what it shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from manouche.testkit.readme import run_readme


def test_readme_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    run_readme(Path(__file__).parents[1] / "README.md")
