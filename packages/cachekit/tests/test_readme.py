"""The README's example runs and prints what the README says it prints."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

from manouche.cachekit import caches

README = Path(__file__).parent.parent / "README.md"


def test_readme_example_runs() -> None:
    text = README.read_text(encoding="utf-8")
    code = re.search(r"## Example\n\n```python\n(.*?)```", text, re.S)
    expected = re.search(r"```\n\nprints\n\n(.*?)\n\n##", text, re.S)
    assert code and expected
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code.group(1), str(README), "exec"), {"__name__": "readme"})
    finally:
        caches.configure(None)
    lines = [line.removeprefix("    ") for line in expected.group(1).splitlines()]
    assert out.getvalue().splitlines() == lines
