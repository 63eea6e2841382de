"""The README's examples run as written and print what the README says they print."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

README = Path(__file__).parent.parent / "README.md"


def _example(heading: str) -> tuple[str, list[str]]:
    text = README.read_text(encoding="utf-8")
    section = text[text.index(f"## {heading}\n") :]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    expected = re.search(r"```\n\nprints\n\n(.*?)\n\n", section, re.S)
    assert code and expected, heading
    return code.group(1), [line.removeprefix("    ") for line in expected.group(1).splitlines()]


def _run(code: str) -> list[str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, str(README), "exec"), {"__name__": "readme"})
    return out.getvalue().splitlines()


def test_readme_example_runs() -> None:
    pytest.importorskip("cachelib")
    code, expected = _example("Example")
    assert _run(code) == expected


def test_readme_library_example_runs() -> None:
    code, expected = _example("Libraries")
    assert _run(code) == expected


def test_every_python_block_compiles() -> None:
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) >= 3
    for block in blocks:
        compile(block, str(README), "exec")


def test_readme_flask_example_runs() -> None:
    pytest.importorskip("flask")
    code, expected = _example("With Flask")
    # The README shows filesizeformat's non-breaking space as a space.
    assert [line.replace("\xa0", " ") for line in _run(code)] == expected


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
