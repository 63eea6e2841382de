"""The README's examples run as written and print what the README says they print."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from manouche.testkit.readme import readme_blocks, run_readme

README = Path(__file__).parent.parent / "README.md"


def test_readme_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every block runs in order and prints what its output block shows."""
    monkeypatch.chdir(tmp_path)
    blocks = readme_blocks(README)
    assert sum(b.output is not None for b in blocks) >= 3  # Example, Libraries, With Flask
    run_readme(README)


def test_readme_names_every_jinja2_namesake() -> None:
    import jinja2.filters

    from manouche.tplkit import django_filters

    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Django's filters and tags") : text.index("### Django's tags")]
    rows = set(re.findall(r"^\| `(\w+)`", section, re.M))
    rows |= {"first", "last", "random"} if "| `first`, `last`, `random` |" in section else set()
    same = {"lower", "safe"}
    assert "`lower` and `safe` are Django's too" in section
    namesakes = set(jinja2.filters.FILTERS) & set(django_filters.filters)
    assert namesakes - same <= rows, namesakes - same - rows
    # Every filter listed is one of Django's, installed here.
    listed = set(re.findall(r"`(\w+)`", section[: section.index("`create_environment()`")]))
    assert set(django_filters.filters) - {"regroup", "spaceless"} <= listed
